//! Unit tests of Kafka clusters named on their own, and of Connect clusters attached to them.

use super::super::{ConfigFile, ServerFlags, Settings};

fn settings(text: &str) -> anyhow::Result<Settings> {
    Settings::merge(ServerFlags::default(), toml::from_str::<ConfigFile>(text)?)
}

const NAMED: &str = r#"
[[kafka_clusters]]
id = "east"
bootstrap_servers = "k1:9092,k2:9092"
kafka_properties = { "security.protocol" = "SASL_SSL" }
mirror_aliases = ["primary"]

[[kafka_clusters]]
id = "west"
name = "West"
bootstrap_servers = "w1:9092"
"#;

#[test]
fn a_connect_cluster_that_names_its_kafka_gets_its_servers_and_properties() {
    let text =
        format!("{NAMED}\n[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nkafka = \"east\"");
    let settings = settings(&text).unwrap();
    let cluster = settings.cluster("a").unwrap();
    assert_eq!(
        cluster.bootstrap_servers.as_deref(),
        Some("k1:9092,k2:9092")
    );
    assert_eq!(cluster.kafka_properties["security.protocol"], "SASL_SSL");
    assert_eq!(settings.kafka.of_connect("a").unwrap().id, "east");
    // West has no Connect cluster on it and is read all the same.
    let ids: Vec<&str> = settings
        .kafka
        .clusters
        .iter()
        .map(|k| k.id.as_str())
        .collect();
    assert_eq!(ids, ["east", "west"]);
    assert_eq!(settings.kafka.get("west").unwrap().name, "West");
}

#[test]
fn two_connect_clusters_on_one_kafka_share_it() {
    let text = format!(
        "{NAMED}\n[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nkafka = \"east\"\n\
         [[clusters]]\nid = \"b\"\nurls = [\"http://y\"]\nkafka = \"east\""
    );
    let settings = settings(&text).unwrap();
    assert_eq!(
        settings.kafka.clusters.len(),
        2,
        "no Kafka cluster added for either"
    );
    assert_eq!(
        settings.kafka.of_connect("a"),
        settings.kafka.of_connect("b")
    );
}

#[test]
fn inline_bootstrap_servers_still_make_a_kafka_cluster_of_the_connect_clusters_id() {
    let text = "[[clusters]]\nid = \"a\"\nname = \"Alpha\"\nurls = [\"http://x\"]\nbootstrap_servers = \"k:9092\"\n\
                [[clusters]]\nid = \"b\"\nurls = [\"http://y\"]";
    let settings = settings(text).unwrap();
    let kafka = settings.kafka.of_connect("a").unwrap();
    assert_eq!((kafka.id.as_str(), kafka.name.as_str()), ("a", "Alpha"));
    assert_eq!(kafka.bootstrap_servers, "k:9092");
    assert!(
        settings.kafka.of_connect("b").is_none(),
        "no Kafka read for b"
    );
    assert_eq!(settings.kafka.clusters.len(), 1);
}

#[test]
fn a_kafka_nobody_names_is_refused_with_its_name() {
    let text = "[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nkafka = \"nowhere\"";
    let err = settings(text).unwrap_err().to_string();
    assert!(
        err.contains("`nowhere`") && err.contains("cluster `a`"),
        "{err}"
    );
}

#[test]
fn naming_a_kafka_and_setting_servers_inline_is_refused() {
    let text = format!(
        "{NAMED}\n[[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nkafka = \"east\"\nbootstrap_servers = \"k:1\""
    );
    let err = settings(&text).unwrap_err().to_string();
    assert!(err.contains("keep one"), "{err}");
}

#[test]
fn kafka_ids_are_checked_and_unique() {
    for (text, expected) in [
        (
            "[[kafka_clusters]]\nid = \"a b\"\nbootstrap_servers = \"k:1\"",
            "letters, digits",
        ),
        (
            "[[kafka_clusters]]\nid = \"a\"\nbootstrap_servers = \"k:1\"\n\
             [[kafka_clusters]]\nid = \"a\"\nbootstrap_servers = \"k:2\"",
            "configured twice",
        ),
        (
            "[[kafka_clusters]]\nid = \"a\"\nbootstrap_servers = \" , \"",
            "no bootstrap_servers",
        ),
        (
            "[[kafka_clusters]]\nid = \"a\"\nbootstrap_servers = \"k:1\"\n\
             [[clusters]]\nid = \"a\"\nurls = [\"http://x\"]\nbootstrap_servers = \"k:2\"",
            "kafka = \"a\"",
        ),
    ] {
        let err = settings(text).unwrap_err().to_string();
        assert!(err.contains(expected), "{text}: {err}");
    }
}

#[test]
fn a_mirror_alias_is_matched_by_a_bootstrap_server_in_common_or_by_name() {
    let settings = settings(NAMED).unwrap();
    let east = settings.kafka.get("east").unwrap();
    // A server in common, written otherwise, whatever the alias.
    assert!(east.answers_to("dc1", Some(" K2:9092 , other:9092")));
    // By its id or its mirror alias when the flow's servers are not known.
    assert!(east.answers_to("east", None));
    assert!(east.answers_to("primary", None));
    assert!(!east.answers_to("west", None));
    // Servers that differ mean another cluster, unless the file gives it that alias.
    assert!(!east.answers_to("dc1", Some("w1:9092")));
    assert!(east.answers_to("primary", Some("elsewhere:9092")));
}
