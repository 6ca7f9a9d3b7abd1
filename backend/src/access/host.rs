//! Without login, Plugboard answers only to loopback host names, so a page elsewhere cannot
//! point a name of its own at 127.0.0.1 (DNS rebinding) and read the API.

use std::net::SocketAddr;

use crate::error::ApiError;

/// Without login, Plugboard answers only to `localhost`, `127.0.0.1`, `[::1]` and the address
/// it is bound to, on any port, so a page elsewhere cannot point a name of its own at
/// 127.0.0.1 (DNS rebinding) and read the API. A request naming no host at all (HTTP/1.0, a
/// health probe) is answered: no browser sends one.
pub fn refuse_foreign_host(host: Option<&str>, bind: SocketAddr) -> Result<(), ApiError> {
    let Some(host) = host else {
        return Ok(());
    };
    let bound = bind.ip().to_string();
    let local = host_name(host)
        .is_some_and(|name| matches!(name, "localhost" | "127.0.0.1" | "::1") || name == bound);
    if local {
        Ok(())
    } else {
        Err(ApiError::Forbidden(format!(
            "without login Plugboard answers only to localhost, 127.0.0.1 and [::1], not to host {host:?}"
        )))
    }
}

/// The name of a `Host` value (`name`, `name:port`, `[v6]`, `[v6]:port`), if it is well formed.
fn host_name(host: &str) -> Option<&str> {
    let (name, port) = match host.strip_prefix('[') {
        Some(v6) => {
            let (name, rest) = v6.split_once(']')?;
            let port = match rest {
                "" => None,
                _ => Some(rest.strip_prefix(':')?),
            };
            (name, port)
        }
        None => match host.split_once(':') {
            Some((name, port)) => (name, Some(port)),
            None => (host, None),
        },
    };
    let port_ok = port.is_none_or(|p| p.parse::<u16>().is_ok());
    (port_ok && !name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_login_only_loopback_host_names_are_answered_exactly() {
        let bind: SocketAddr = "127.0.0.2:8080".parse().unwrap();
        for host in [
            "127.0.0.1:8080",
            "localhost:8080",
            "[::1]:8080",
            "localhost",
            "127.0.0.1",
            "127.0.0.2:9",
        ] {
            assert!(refuse_foreign_host(Some(host), bind).is_ok(), "{host}");
        }
        for host in [
            "rebound.example:8080",
            "127.0.0.1.attacker.example",
            "127.0.0.1.attacker.example:8080",
            "127.1.2.3:8080",
            "localhost.attacker.example",
            "localhost:8080@evil",
            "[::1].evil:80",
            "[::1]x",
            "",
        ] {
            assert!(refuse_foreign_host(Some(host), bind).is_err(), "{host}");
        }
        assert!(
            refuse_foreign_host(None, bind).is_ok(),
            "no Host at all: not a browser"
        );
    }
}
