//! The `database` setting as written (flag, environment or file): a SQLite path or a
//! PostgreSQL URL, either possibly a `${file:...}` / `${env:...}` reference; never shown with
//! its password.

use std::convert::Infallible;
use std::fmt;
use std::str::FromStr;

use serde::Deserialize;

use crate::db::DatabaseLocation;

/// Where Plugboard keeps its own data, as written.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct StoreSetting(String);

impl StoreSetting {
    /// The location this setting names, its reference resolved.
    pub fn resolve(&self) -> anyhow::Result<DatabaseLocation> {
        Ok(DatabaseLocation::parse(&super::resolve(
            &self.0, "database",
        )?))
    }
}

impl FromStr for StoreSetting {
    type Err = Infallible;

    fn from_str(value: &str) -> Result<Self, Self::Err> {
        Ok(Self(value.to_owned()))
    }
}

impl fmt::Debug for StoreSetting {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", DatabaseLocation::parse(&self.0))
    }
}
