//! Unit tests of merging and validating the configuration.

use super::*;
use clap::Parser;

/// The server's flags alone, parsed as the command line parses them.
#[derive(Parser)]
struct Flags {
    #[command(flatten)]
    flags: ServerFlags,
}

fn cli(args: &[&str]) -> ServerFlags {
    Flags::try_parse_from(std::iter::once("plugboard").chain(args.iter().copied()))
        .unwrap()
        .flags
}

fn file(text: &str) -> ConfigFile {
    toml::from_str(text).unwrap()
}

#[test]
fn no_file_and_no_flags_gives_loopback_and_local_database() {
    let settings = Settings::merge(cli(&[]), ConfigFile::default()).unwrap();
    assert_eq!(settings.bind.to_string(), "127.0.0.1:8080");
    assert_eq!(
        settings.database,
        crate::db::DatabaseLocation::File("plugboard.db".into())
    );
    assert!(settings.clusters.is_empty());
}

#[test]
fn connect_url_flag_gives_one_cluster_named_default() {
    let args = [
        "--connect-url",
        "http://a:8083/,http://b:8084",
        "--bootstrap-servers",
        "k:9092",
    ];
    let settings = Settings::merge(cli(&args), ConfigFile::default()).unwrap();
    let cluster = settings.cluster("default").unwrap();
    assert_eq!(cluster.urls, ["http://a:8083", "http://b:8084"]);
    assert_eq!(cluster.bootstrap_servers.as_deref(), Some("k:9092"));
}

#[test]
fn flags_override_the_file() {
    let settings = Settings::merge(
        cli(&["--bind", "0.0.0.0:9000"]),
        file("bind = \"127.0.0.1:1234\"\nupstream_timeout_ms = 500"),
    )
    .unwrap();
    assert_eq!(settings.bind.to_string(), "0.0.0.0:9000");
    assert_eq!(settings.upstream_timeout, Duration::from_millis(500));
}

#[test]
fn cluster_without_urls_is_refused_by_name() {
    let err = Settings::merge(cli(&[]), file("[[clusters]]\nid = \"prod\"")).unwrap_err();
    assert_eq!(
        err.to_string(),
        "cluster `prod` has no worker URLs (set `urls`)"
    );
}

#[test]
fn duplicate_cluster_ids_are_refused() {
    let text = "[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\n[[clusters]]\nid = \"a\"\nurls = [\"http://y\"]";
    let err = Settings::merge(cli(&[]), file(text)).unwrap_err();
    assert!(err.to_string().contains("configured twice"), "{err}");
}

#[test]
fn worker_urls_must_be_http_without_credentials() {
    for (url, expected) in [
        ("ftp://x", "must start with http"),
        ("not a url", "not a valid URL"),
        ("http://u:p@x:8083", "must not carry credentials"),
    ] {
        let text = format!("[[clusters]]\nid = \"a\"\nurls = [\"{url}\"]");
        let err = format!("{:#}", Settings::merge(cli(&[]), file(&text)).unwrap_err());
        assert!(err.contains(expected), "{url}: {err}");
    }
}

#[test]
fn cluster_ids_with_slashes_are_refused() {
    let err = Settings::merge(
        cli(&[]),
        file("[[clusters]]\nid = \"a/b\"\nurls = [\"http://x\"]"),
    )
    .unwrap_err();
    assert!(err.to_string().contains("`a/b`"), "{err}");
}

#[test]
fn bootstrap_servers_alone_is_refused() {
    let err = Settings::merge(
        cli(&["--bootstrap-servers", "k:9092"]),
        ConfigFile::default(),
    )
    .unwrap_err();
    assert!(err.to_string().contains("--connect-url"), "{err}");
}

#[test]
fn sink_group_follows_the_pattern_and_defaults_to_connect_name() {
    let text = "[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\n\
                [[clusters]]\nid = \"b\"\nurls = [\"http://y\"]\nsink_group_pattern = \"team-{name}-v2\"";
    let settings = Settings::merge(cli(&[]), file(text)).unwrap();
    assert_eq!(
        settings.cluster("a").unwrap().sink_group("s3"),
        "connect-s3"
    );
    assert_eq!(
        settings.cluster("b").unwrap().sink_group("s3"),
        "team-s3-v2"
    );
}

#[test]
fn a_sink_group_pattern_without_name_is_refused() {
    let text = "[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nsink_group_pattern = \"fixed\"";
    let err = Settings::merge(cli(&[]), file(text)).unwrap_err();
    assert!(err.to_string().contains("{name}"), "{err}");
}

#[test]
fn a_request_budget_defaults_per_cluster_and_must_let_calls_through() {
    let text = "[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\n\
                [[clusters]]\nid = \"b\"\nurls = [\"http://y\"]\nmax_calls_per_second = 5\n";
    let settings = Settings::merge(cli(&[]), file(text)).unwrap();
    assert_eq!(
        settings.cluster("a").unwrap().budget,
        RequestBudget::default()
    );
    let b = settings.cluster("b").unwrap().budget;
    assert_eq!((b.max_concurrent, b.per_second), (8, 5));

    let text = "[[clusters]]\nid = \"c\"\nurls = [\"http://x\"]\nmax_concurrent_calls = 0";
    let err = Settings::merge(cli(&[]), file(text)).unwrap_err();
    assert!(err.to_string().starts_with("cluster `c`: "), "{err}");
}
