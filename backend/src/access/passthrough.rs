//! What a request to the Connect-compatible passthrough (`/api/v1/clusters/{cluster}/connect/...`)
//! asks, recognised once by the access guard before routing: the [`ConnectCall`] it parses into
//! (or the `Allow` list of an OPTIONS), or why it is refused. Its role comes from the call; the
//! handler in [`crate::routes`] forwards that same value.

use api_types::Role;
use axum::http::Method;

use crate::error::ApiError;
use plugboard_connect::ConnectCall;
use plugboard_connect::call::names::decode;
use plugboard_connect::call::parse;

/// What a passthrough request asks of a cluster.
#[derive(Debug, Clone)]
pub enum Asked {
    Call(ConnectCall),
    /// OPTIONS: the methods the path has, as an `Allow` value.
    Options(String),
}

/// A passthrough request as the access guard recognised it.
#[derive(Debug, Clone)]
pub struct Passthrough {
    pub cluster: String,
    pub asked: Asked,
}

impl Passthrough {
    /// The role the request needs on its cluster: its call's, and a reader's for OPTIONS.
    pub fn role(&self) -> Role {
        match &self.asked {
            Asked::Call(call) => call.role(),
            Asked::Options(_) => Role::Viewer,
        }
    }
}

/// A refused passthrough request: the cluster it names (to judge who may hear why) and why.
pub struct Refused {
    pub cluster: String,
    pub error: ApiError,
}

/// The passthrough request `method` on `path` (the whole request path, still encoded) with
/// `query` makes, or `None` when the path is not the passthrough's.
pub fn recognise(
    method: &Method,
    path: &str,
    query: Option<&str>,
) -> Option<Result<Passthrough, Refused>> {
    let rest = path.strip_prefix("/api/v1/clusters/")?;
    let (raw_cluster, rest) = rest.split_once('/').unwrap_or((rest, ""));
    let connect_path = rest.strip_prefix("connect")?;
    if !(connect_path.is_empty() || connect_path.starts_with('/')) {
        return None;
    }
    let cluster = match decode(raw_cluster) {
        Ok(cluster) => cluster,
        Err(error) => {
            let cluster = raw_cluster.to_owned();
            return Some(Err(Refused {
                cluster,
                error: error.into(),
            }));
        }
    };
    let asked = if method == Method::OPTIONS {
        parse::allowed(connect_path).map(Asked::Options)
    } else {
        parse::parse(method, connect_path, query).map(Asked::Call)
    };
    Some(match asked {
        Ok(asked) => Ok(Passthrough { cluster, asked }),
        Err(error) => Err(Refused {
            cluster,
            error: error.into(),
        }),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn asked(method: &Method, path: &str) -> Option<Result<Passthrough, Refused>> {
        recognise(method, path, None)
    }

    #[test]
    fn only_the_passthrough_prefix_is_recognised_and_its_cluster_decoded() {
        assert!(asked(&Method::GET, "/api/v1/clusters/prod/connectors").is_none());
        assert!(asked(&Method::GET, "/api/v1/clusters/prod/connectx").is_none());
        assert!(asked(&Method::GET, "/api/v1/history").is_none());
        let Some(Ok(root)) = asked(&Method::GET, "/api/v1/clusters/pr%6Fd/connect/") else {
            panic!("the root with a trailing slash is Connect's root");
        };
        assert_eq!(root.cluster, "prod");
        assert!(matches!(root.asked, Asked::Call(ConnectCall::ServerInfo)));
    }

    #[test]
    fn options_is_answered_from_the_path_alone_and_judged_as_a_read() {
        let Some(Ok(options)) = asked(&Method::OPTIONS, "/api/v1/clusters/c/connect/connectors/x")
        else {
            panic!("OPTIONS of a connector");
        };
        assert!(
            matches!(&options.asked, Asked::Options(allow) if allow == "GET, DELETE, HEAD, OPTIONS")
        );
        assert_eq!(options.role(), Role::Viewer);
    }

    #[test]
    fn a_dot_segment_is_refused_naming_the_cluster() {
        let Some(Err(refused)) = asked(
            &Method::GET,
            "/api/v1/clusters/c/connect/connectors/x/%2e/config",
        ) else {
            panic!("a dot segment must be refused");
        };
        assert_eq!(refused.cluster, "c");
        assert!(matches!(refused.error, ApiError::BadRequest(_)));
    }
}
