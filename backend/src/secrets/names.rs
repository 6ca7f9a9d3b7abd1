//! Which names mark a secret: config keys, names in `name=value` pairs, JSON keys and HTTP
//! header names. Names are compared lowercased with their separators (`.`, `_`, `-`) removed,
//! so `apiKey`, `api.key` and `API_KEY` read alike.

/// Words that mark a name as holding a secret wherever they appear in it.
const SECRET_WORDS: [&str; 10] = [
    "password",
    "passwd",
    "passphrase",
    "secret",
    "token",
    "credential",
    "jaas",
    "apikey",
    "privatekey",
    "userinfo",
];

/// Last parts of a name that mark it as a secret (`aws.secret.key`, `db.pwd`, `db.pass`),
/// where the word alone would match too much (`key.converter`, `bypass.mode`).
const SECRET_LAST_PARTS: [&str; 3] = ["key", "pwd", "pass"];

/// Whole names (squashed) that hold a secret in connection strings, query strings and header
/// lists: Azure's account keys and shared access signatures, the `sig` of a SAS URL, and the
/// HTTP headers that carry credentials.
const SECRET_PAIR_NAMES: [&str; 9] = [
    "pwd",
    "accountkey",
    "sharedaccesskey",
    "sharedaccesssignature",
    "sig",
    "authorization",
    "proxyauthorization",
    "cookie",
    "setcookie",
];

fn squashed(name: &str) -> String {
    name.chars()
        .filter(|c| !matches!(c, '.' | '_' | '-'))
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// Whether config key `key` looks like it holds a secret: it names a password, passphrase,
/// secret, token, credentials, API or private key, user info or JAAS config, or its last part
/// is `key`, `pwd` or `pass` (`aws.secret.key`, but not `key.converter`).
pub fn looks_secret(key: &str) -> bool {
    let lower = key.to_ascii_lowercase();
    let squashed = squashed(&lower);
    let last_part = lower.rsplit(['.', '_', '-']).next().unwrap_or_default();
    SECRET_WORDS.iter().any(|word| squashed.contains(word))
        || SECRET_LAST_PARTS.contains(&last_part)
}

/// Whether `name`, inside a value (`name=...` in a query or connection string, a JSON key, a
/// header name), holds a secret: a secret-looking key or one of the pair names
/// (`AccountKey`, `SharedAccessSignature`, `sig`, `Authorization`, `Cookie`...).
pub fn names_secret(name: &str) -> bool {
    looks_secret(name) || SECRET_PAIR_NAMES.contains(&squashed(name).as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn secret_looking_keys_are_recognised_in_any_spelling_and_ordinary_ones_are_not() {
        for key in [
            "connection.password",
            "aws.secret.key",
            "api.key",
            "apiKey",
            "API_KEY",
            "ssh.passphrase",
            "sasl.jaas.config",
            "oauth.token.url",
            "gcp.credentials.json",
            "ssl.key.password",
            "private_key",
            "privateKey",
            "value.converter.basic.auth.user.info",
            "db.pwd",
            "db.pass",
        ] {
            assert!(looks_secret(key), "{key}");
        }
        for key in [
            "key.converter",
            "topics",
            "key.ignore",
            "connection.url",
            "tasks.max",
            "keystore.type",
            "monkey.business",
            "bypass.mode",
            "aws.access.key.id",
        ] {
            assert!(!looks_secret(key), "{key}");
        }
    }

    #[test]
    fn names_inside_values_include_connection_string_and_header_names() {
        for name in [
            "AccountKey",
            "SharedAccessKey",
            "SharedAccessSignature",
            "sig",
            "pwd",
            "Authorization",
            "Proxy-Authorization",
            "X-Api-Key",
            "Cookie",
            "password",
        ] {
            assert!(names_secret(name), "{name}");
        }
        for name in [
            "user",
            "AccountName",
            "EndpointSuffix",
            "Content-Type",
            "sv",
        ] {
            assert!(!names_secret(name), "{name}");
        }
    }
}
