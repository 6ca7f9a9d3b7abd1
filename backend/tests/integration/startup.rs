//! The `plugboard` binary at start-up: runs with no configuration at all, and bad input ends
//! with one clear error line instead of a panic.

use std::process::{Command, Output, Stdio};
use std::time::Duration;

use crate::support::ScratchDir;

fn plugboard(dir: &ScratchDir, args: &[&str]) -> Command {
    let mut command = Command::new(env!("CARGO_BIN_EXE_plugboard"));
    command
        .args(args)
        .current_dir(&dir.0)
        .env_clear()
        .stdin(Stdio::null());
    command
}

/// Runs the binary expecting it to fail, and returns its single line of standard error.
fn single_error_line(output: Output) -> String {
    assert!(!output.status.success(), "plugboard should have failed");
    let stderr = String::from_utf8(output.stderr).unwrap();
    let lines: Vec<_> = stderr.lines().filter(|l| !l.trim().is_empty()).collect();
    assert_eq!(lines.len(), 1, "expected one error line, got: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    lines[0].to_owned()
}

#[test]
fn an_unreadable_config_file_is_named() {
    let dir = ScratchDir::new("startup");
    let output = plugboard(&dir, &["--config", "missing.toml"])
        .output()
        .unwrap();
    let line = single_error_line(output);
    assert!(
        line.contains("cannot read config file missing.toml"),
        "{line}"
    );
}

#[test]
fn a_credential_whose_variable_is_not_set_stops_start_up_naming_it() {
    let dir = ScratchDir::new("startup");
    std::fs::write(
        dir.path("p.toml"),
        "[[clusters]]\nid = \"prod\"\nurls = [\"http://x\"]\n\
         auth = { type = \"basic\", username = \"pb\", password = \"${env:PB_CONNECT_PASSWORD}\" }\n",
    )
    .unwrap();
    let output = plugboard(&dir, &["--config", "p.toml"]).output().unwrap();
    let line = single_error_line(output);
    assert!(line.contains("PB_CONNECT_PASSWORD"), "{line}");
    assert!(line.contains("cluster `prod`: auth.password"), "{line}");
}

#[test]
fn an_unknown_key_is_named_with_its_line() {
    let dir = ScratchDir::new("startup");
    std::fs::write(
        dir.path("p.toml"),
        "[[clusters]]\nid = \"a\"\nurl = \"http://x\"\n",
    )
    .unwrap();
    let output = plugboard(&dir, &["--config", "p.toml"]).output().unwrap();
    let line = single_error_line(output);
    assert!(
        line.contains("p.toml: line 3: unknown field `url`"),
        "{line}"
    );
}

#[test]
fn a_cluster_without_urls_is_named() {
    let dir = ScratchDir::new("startup");
    std::fs::write(dir.path("p.toml"), "[[clusters]]\nid = \"prod\"\n").unwrap();
    let output = plugboard(&dir, &["--config", "p.toml"]).output().unwrap();
    let line = single_error_line(output);
    assert!(line.contains("cluster `prod` has no worker URLs"), "{line}");
}

#[test]
fn an_unwritable_database_path_is_named() {
    let dir = ScratchDir::new("startup");
    std::fs::write(dir.path("a-file"), "").unwrap();
    // A path below a regular file can never be created, even by root.
    let output = plugboard(&dir, &["--database", "a-file/plugboard.db"])
        .output()
        .unwrap();
    let line = single_error_line(output);
    assert!(
        line.contains("cannot open database a-file/plugboard.db"),
        "{line}"
    );
}

#[test]
fn with_no_configuration_it_serves_and_creates_its_database_in_the_working_directory() {
    let dir = ScratchDir::new("startup");
    let port = free_port();
    let mut child = plugboard(&dir, &[])
        .env("PLUGBOARD_BIND", format!("127.0.0.1:{port}"))
        .stderr(Stdio::null())
        .spawn()
        .unwrap();

    let healthy = wait_for_health(port);
    let _ = Command::new("kill").arg(child.id().to_string()).status();
    let status = child.wait().unwrap();

    assert!(healthy, "plugboard did not answer /healthz");
    assert!(dir.path("plugboard.db").exists());
    assert!(
        status.success(),
        "SIGTERM should end plugboard cleanly: {status}"
    );
}

fn free_port() -> u16 {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.local_addr().unwrap().port()
}

fn wait_for_health(port: u16) -> bool {
    for _ in 0..100 {
        if let Ok(mut stream) = std::net::TcpStream::connect(("127.0.0.1", port)) {
            use std::io::{Read, Write};
            let _ = stream.write_all(b"GET /healthz HTTP/1.0\r\n\r\n");
            let mut answer = String::new();
            let _ = stream.read_to_string(&mut answer);
            if answer.starts_with("HTTP/1.0 200") || answer.starts_with("HTTP/1.1 200") {
                return true;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    false
}

#[test]
fn a_postgres_database_that_cannot_be_reached_is_named_without_its_password() {
    let dir = ScratchDir::new("startup-postgres");
    let port = crate::support::databases::postgres_port();
    let url = format!("postgres://plugboard_store:not-the-password-4711@127.0.0.1:{port}/nowhere");
    let output = plugboard(&dir, &["--database", &url]).output().unwrap();

    let line = single_error_line(output);
    let named =
        format!("cannot open database postgres://plugboard_store:***@127.0.0.1:{port}/nowhere");
    assert!(line.contains(&named), "{line}");
    assert!(line.contains("password authentication failed"), "{line}");
    assert!(!line.contains("not-the-password-4711"), "{line}");
}
