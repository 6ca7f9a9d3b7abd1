//! The `[access]` and `[tls]` tables: when login is required, how long sessions last, the
//! optional reverse proxy trusted to name the user, and the certificate Plugboard serves with.

use std::net::{IpAddr, SocketAddr};
use std::path::PathBuf;
use std::time::Duration;

use anyhow::bail;
use api_types::Role;
use serde::Deserialize;

const DEFAULT_SESSION_HOURS: u32 = 12;

/// `[access]` as written.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AccessFile {
    /// Ask for login even on loopback (off a loopback address login is always required).
    #[serde(default)]
    pub require_login: bool,
    pub session_hours: Option<u32>,
    /// A header a reverse proxy sets to the signed-in user's name, for SSO set-ups.
    pub trusted_header: Option<String>,
    /// The proxies whose header is believed; from anywhere else it is ignored.
    #[serde(default)]
    pub trusted_proxies: Vec<IpAddr>,
    /// The role of a proxy's user who is not a built-in user (none: such users are refused).
    pub proxy_default_role: Option<Role>,
    /// The least role that may read record contents (the record browser, dead letters' causes,
    /// replay) [default: operator]; `viewer` grants it to viewers.
    pub read_records_role: Option<Role>,
    /// What the record browser does with Connect's own topics [default: refused].
    #[serde(default)]
    pub internal_topics: InternalTopicsView,
}

/// What the record browser does with Connect's own topics, which hold every connector's config
/// in clear and the workers' session key.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InternalTopicsView {
    /// Not shown, with a message saying why.
    #[default]
    Refused,
    /// Shown with every config masked by the connector pages' key rules and the session key
    /// hidden.
    Masked,
}

/// `[tls]`: PEM files of the certificate chain and its private key.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TlsFiles {
    pub cert_file: PathBuf,
    pub key_file: PathBuf,
}

/// The reverse proxy trusted to name the user.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrustedHeader {
    pub header: String,
    pub proxies: Vec<IpAddr>,
    pub default_role: Option<Role>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AccessSettings {
    /// False only on a loopback address without `require_login`.
    pub login_required: bool,
    pub session_ttl: Duration,
    pub trusted_header: Option<TrustedHeader>,
    /// Cookies are marked Secure when Plugboard serves TLS itself.
    pub secure_cookies: bool,
    /// The least role that may read record contents.
    pub read_records_role: Role,
    pub internal_topics: InternalTopicsView,
}

impl AccessSettings {
    pub fn new(file: AccessFile, bind: SocketAddr, tls: bool) -> anyhow::Result<Self> {
        let hours = file.session_hours.unwrap_or(DEFAULT_SESSION_HOURS);
        if hours == 0 {
            bail!("[access] session_hours must be at least 1");
        }
        let trusted_header = match file.trusted_header {
            Some(header) if file.trusted_proxies.is_empty() => {
                bail!(
                    "[access] trusted_header `{header}` needs trusted_proxies: the addresses of the proxies that set it"
                )
            }
            Some(header) => Some(TrustedHeader {
                header: header.to_ascii_lowercase(),
                proxies: file.trusted_proxies,
                default_role: file.proxy_default_role,
            }),
            None => None,
        };
        Ok(Self {
            login_required: file.require_login || !bind.ip().is_loopback(),
            session_ttl: Duration::from_secs(u64::from(hours) * 3600),
            trusted_header,
            secure_cookies: tls,
            read_records_role: file.read_records_role.unwrap_or(Role::Operator),
            internal_topics: file.internal_topics,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(bind: &str, file: AccessFile) -> anyhow::Result<AccessSettings> {
        AccessSettings::new(file, bind.parse().unwrap(), false)
    }

    #[test]
    fn login_is_required_off_loopback_whatever_the_file_says() {
        assert!(
            !settings("127.0.0.1:8080", AccessFile::default())
                .unwrap()
                .login_required
        );
        assert!(
            settings("0.0.0.0:8080", AccessFile::default())
                .unwrap()
                .login_required
        );
        let asked = AccessFile {
            require_login: true,
            ..AccessFile::default()
        };
        assert!(settings("127.0.0.1:8080", asked).unwrap().login_required);
    }

    #[test]
    fn a_trusted_header_without_proxies_is_refused() {
        let file = AccessFile {
            trusted_header: Some("X-Forwarded-User".into()),
            ..AccessFile::default()
        };
        let error = settings("0.0.0.0:8080", file).unwrap_err().to_string();
        assert!(error.contains("trusted_proxies"), "{error}");
    }
}
