//! Where the database is: a SQLite file path, or a PostgreSQL URL whose password is never
//! shown (in `Debug`, `Display` and every message that names the database).

use std::fmt;
use std::path::PathBuf;

/// The `database` setting: a `postgres://` (or `postgresql://`) URL, or else a file path.
#[derive(Clone, PartialEq, Eq)]
pub enum DatabaseLocation {
    File(PathBuf),
    Postgres(String),
}

impl DatabaseLocation {
    /// The location `value` names.
    pub fn parse(value: &str) -> Self {
        if value.starts_with("postgres://") || value.starts_with("postgresql://") {
            Self::Postgres(value.to_owned())
        } else {
            Self::File(PathBuf::from(value))
        }
    }

    /// The password in a PostgreSQL URL, percent-decoded, for the secret masking to learn.
    pub fn password(&self) -> Option<String> {
        let Self::Postgres(url) = self else {
            return None;
        };
        let parsed = url::Url::parse(url).ok()?;
        let password = parsed.password()?;
        let decoded = percent_encoding::percent_decode_str(password).decode_utf8_lossy();
        Some(decoded.into_owned())
    }
}

impl fmt::Display for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::File(path) => write!(f, "{}", path.display()),
            Self::Postgres(url) => match url::Url::parse(url) {
                Ok(mut parsed) => {
                    if parsed.password().is_some() {
                        let _ = parsed.set_password(Some("***"));
                    }
                    write!(f, "{parsed}")
                }
                Err(_) => f.write_str("(a PostgreSQL URL that does not parse)"),
            },
        }
    }
}

impl fmt::Debug for DatabaseLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseLocation({self})")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_postgres_url_is_told_apart_from_a_path_and_never_shows_its_password() {
        let file = DatabaseLocation::parse("data/plugboard.db");
        assert_eq!(file, DatabaseLocation::File("data/plugboard.db".into()));
        assert_eq!(file.password(), None);
        let url = "postgresql://plugboard:s%40cret-pw@db.internal:5432/plugboard?sslmode=require";
        let postgres = DatabaseLocation::parse(url);
        assert!(matches!(postgres, DatabaseLocation::Postgres(_)));
        assert_eq!(postgres.password().as_deref(), Some("s@cret-pw"));
        for shown in [postgres.to_string(), format!("{postgres:?}")] {
            assert!(!shown.contains("cret-pw"), "{shown}");
            assert!(
                shown.contains("plugboard:***@db.internal:5432/plugboard"),
                "{shown}"
            );
        }
        let broken = DatabaseLocation::parse("postgres://user:pw@[bad");
        assert!(!broken.to_string().contains("pw"));
    }
}
