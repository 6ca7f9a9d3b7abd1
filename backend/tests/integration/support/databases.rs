//! The stack's databases (scripts/lib/databases.sh): PostgreSQL, which Debezium reads, and
//! MariaDB, which the JDBC sink writes, both holding the database `shop`. Tests reach them with
//! the servers' own command-line clients as their superusers, on the servers' sockets.

use std::process::Command;

/// One of the stack's settings for the databases, from the environment scripts/test.sh sets.
fn setting(name: &str) -> String {
    std::env::var(name).unwrap_or_else(|_| panic!("{name} is not set: run scripts/test.sh"))
}

/// PostgreSQL's port on loopback.
pub(crate) fn postgres_port() -> String {
    setting("PLUGBOARD_TEST_POSTGRES_PORT")
}

/// MariaDB's port on loopback.
pub(crate) fn mariadb_port() -> String {
    setting("PLUGBOARD_TEST_MARIADB_PORT")
}

/// The password of `user`, one of the stack's database users (`debezium`, `sink`,
/// `plugboard_monitor`).
pub(crate) fn password_of(user: &str) -> String {
    let passwords = setting("PLUGBOARD_TEST_DATABASE_PASSWORDS");
    passwords
        .split(',')
        .filter_map(|pair| pair.split_once('='))
        .find(|(name, _)| *name == user)
        .map_or_else(
            || panic!("no password for {user} in PLUGBOARD_TEST_DATABASE_PASSWORDS"),
            |(_, password)| password.to_owned(),
        )
}

/// Runs `sql` in PostgreSQL's `shop` as its superuser; answers the rows, one line each, with
/// columns separated by `|`, or psql's message when it fails.
pub(crate) fn postgres(sql: &str) -> Result<String, String> {
    run(Command::new("psql").args([
        "-X",
        "-q",
        "-A",
        "-t",
        "-v",
        "ON_ERROR_STOP=1",
        "-h",
        &setting("PLUGBOARD_TEST_POSTGRES_SOCKET"),
        "-p",
        &postgres_port(),
        "-U",
        "postgres",
        "-d",
        "shop",
        "-c",
        sql,
    ]))
}

/// Runs `sql` in MariaDB's `shop` as its root; answers the rows, one line each, with columns
/// separated by tabs, or the client's message when it fails (a table not made yet, say).
pub(crate) fn mariadb(sql: &str) -> Result<String, String> {
    run(Command::new("mariadb")
        .args(["--no-defaults", "-u", "root", "-N", "-B"])
        .arg(format!(
            "--socket={}",
            setting("PLUGBOARD_TEST_MARIADB_SOCKET")
        ))
        .args(["shop", "-e", sql]))
}

/// The client's output, or its message when it fails.
fn run(command: &mut Command) -> Result<String, String> {
    let output = command.output().expect("the database client runs");
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).into_owned())
    }
}
