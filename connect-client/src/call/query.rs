//! A Connect call's query parameters, decoded: each endpoint takes the ones it knows, typed,
//! and anything left over is refused, so nothing is forwarded that was not judged.

use super::names::decode;
use super::{Expand, LoggerScope, PluginVersion};
use crate::ConnectError;

/// The query's parameters, decoded; each endpoint takes the ones it knows and any left over is
/// refused, so nothing is forwarded that was not judged.
pub(super) struct Query(Vec<(String, String)>);

impl Query {
    pub(super) fn parse(raw: &str) -> Result<Self, ConnectError> {
        let mut pairs = Vec::new();
        for pair in raw.split('&').filter(|p| !p.is_empty()) {
            let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
            let plus_as_space = |s: &str| decode(&s.replace('+', " "));
            pairs.push((plus_as_space(key)?, plus_as_space(value)?));
        }
        Ok(Self(pairs))
    }

    /// Every value of `key`, removed from the query.
    fn take(&mut self, key: &str) -> Vec<String> {
        let (taken, kept) = std::mem::take(&mut self.0)
            .into_iter()
            .partition(|(k, _)| k == key);
        self.0 = kept;
        taken.into_iter().map(|(_, v)| v).collect()
    }

    /// A boolean parameter given at most once, `true` or `false` in any case.
    pub(super) fn flag(&mut self, key: &str) -> Result<Option<bool>, ConnectError> {
        match self.take(key).as_slice() {
            [] => Ok(None),
            [value] if value.eq_ignore_ascii_case("true") => Ok(Some(true)),
            [value] if value.eq_ignore_ascii_case("false") => Ok(Some(false)),
            values => Err(ConnectError::Refused(format!(
                "query parameter `{key}` must be given once as true or false, not {values:?}"
            ))),
        }
    }

    pub(super) fn expand(&mut self) -> Result<Vec<Expand>, ConnectError> {
        let mut expand = Vec::new();
        for value in self.take("expand") {
            let part = match value.as_str() {
                "status" => Expand::Status,
                "info" => Expand::Info,
                other => {
                    return Err(ConnectError::Refused(format!(
                        "`expand` takes status or info, not {other:?}"
                    )));
                }
            };
            if !expand.contains(&part) {
                expand.push(part);
            }
        }
        Ok(expand)
    }

    pub(super) fn scope(&mut self) -> Result<Option<LoggerScope>, ConnectError> {
        match self.take("scope").as_slice() {
            [] => Ok(None),
            [value] if value.eq_ignore_ascii_case("worker") => Ok(Some(LoggerScope::Worker)),
            [value] if value.eq_ignore_ascii_case("cluster") => Ok(Some(LoggerScope::Cluster)),
            values => Err(ConnectError::Refused(format!(
                "query parameter `scope` must be given once as worker or cluster, not {values:?}"
            ))),
        }
    }

    /// `version` (KIP-891), given at most once.
    pub(super) fn version(&mut self) -> Result<Option<PluginVersion>, ConnectError> {
        match self.take("version").as_slice() {
            [] => Ok(None),
            [version] => PluginVersion::new(version).map(Some),
            values => Err(ConnectError::Refused(format!(
                "query parameter `version` must be given at most once, not {values:?}"
            ))),
        }
    }

    /// Refuses whatever the endpoint did not take.
    pub(super) fn finish(self) -> Result<(), ConnectError> {
        match self.0.first() {
            None => Ok(()),
            Some((key, _)) if key == "forward" => Err(ConnectError::Refused(
                "query parameter `forward` is internal to Connect's workers".into(),
            )),
            Some((key, _)) => Err(ConnectError::Refused(format!(
                "this endpoint of Connect's REST API takes no query parameter {key:?}"
            ))),
        }
    }
}
