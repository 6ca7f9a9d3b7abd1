//! The policy table, row by row, and how grants limited to clusters meet it.

use api_types::{Grant, SignedInVia};

use super::*;

fn me(grants: &[(Role, &[&str])]) -> Me {
    Me {
        name: "u".into(),
        grants: grants
            .iter()
            .map(|(role, clusters)| Grant {
                role: *role,
                clusters: clusters.iter().map(|c| (*c).to_owned()).collect(),
            })
            .collect(),
        via: SignedInVia::Session,
        csrf_token: None,
    }
}

#[test]
fn each_kind_of_request_needs_its_role() {
    let cluster = |role| Need::Role(role, Scope::Cluster("prod".into()));
    let c = "/api/v1/clusters/prod";
    let rows = [
        (Method::GET, "/", Need::Nothing),
        (Method::GET, "/healthz", Need::Nothing),
        (Method::POST, "/api/v1/auth/login", Need::Nothing),
        (Method::GET, "/api/v1/tokens", Need::SignedIn),
        (Method::POST, "/api/v1/auth/password", Need::SignedIn),
        (
            Method::GET,
            "/api/v1/connectors",
            Need::Role(Role::Viewer, Scope::AnyCluster),
        ),
        (
            Method::GET,
            "/metrics",
            Need::Role(Role::Viewer, Scope::AnyCluster),
        ),
        (
            Method::GET,
            &format!("{c}/connectors/a"),
            cluster(Role::Viewer),
        ),
        (
            Method::PUT,
            &format!("{c}/plugins/X/validate"),
            cluster(Role::Viewer),
        ),
        (
            Method::POST,
            &format!("{c}/connectors/a/pause"),
            cluster(Role::Operator),
        ),
        (
            Method::POST,
            &format!("{c}/connectors/a/tasks/0/restart"),
            cluster(Role::Operator),
        ),
        (
            Method::POST,
            &format!("{c}/connectors"),
            cluster(Role::Editor),
        ),
        (
            Method::PUT,
            &format!("{c}/connectors/a/config"),
            cluster(Role::Editor),
        ),
        (
            Method::DELETE,
            &format!("{c}/connectors/a"),
            cluster(Role::Editor),
        ),
        (
            Method::POST,
            &format!("{c}/connectors/a/offsets/reset"),
            cluster(Role::Editor),
        ),
        (
            Method::POST,
            &format!("{c}/connectors/a/rollback"),
            cluster(Role::Editor),
        ),
        (
            Method::PUT,
            &format!("{c}/loggers/root"),
            cluster(Role::Admin),
        ),
        (
            Method::GET,
            &format!("{c}/connect/connectors"),
            cluster(Role::Viewer),
        ),
        (
            Method::PUT,
            &format!("{c}/connect/connectors/a/pause"),
            cluster(Role::Operator),
        ),
        (
            Method::POST,
            &format!("{c}/connect/connectors/a/restart"),
            cluster(Role::Operator),
        ),
        (
            Method::POST,
            &format!("{c}/connect/connectors"),
            cluster(Role::Editor),
        ),
        (
            Method::DELETE,
            &format!("{c}/connect/connectors/a/offsets"),
            cluster(Role::Editor),
        ),
        (
            Method::PUT,
            &format!("{c}/connect/admin/loggers/root"),
            cluster(Role::Admin),
        ),
        (
            Method::GET,
            &format!("{c}/connect/connectors/a/%2e/config"),
            cluster(Role::Viewer),
        ),
        (
            Method::PUT,
            &format!("{c}/connect/connectors/x/%2e%2e/%2e%2e/admin/loggers/root"),
            cluster(Role::Viewer),
        ),
        (
            Method::POST,
            "/api/v1/alerts/rules",
            Need::Role(Role::Admin, Scope::Everywhere),
        ),
        (
            Method::POST,
            "/api/v1/users",
            Need::Role(Role::Admin, Scope::Everywhere),
        ),
        (
            Method::POST,
            "/api/v1/alerts/incidents/3/acknowledge",
            Need::Role(Role::Operator, Scope::AnyCluster),
        ),
    ];
    for (method, path, expected) in rows {
        assert_eq!(judge(&method, path, None).need, expected, "{method} {path}");
    }
}

#[test]
fn a_grant_limited_to_clusters_counts_only_there() {
    let dev_editor = me(&[(Role::Editor, &["dev"]), (Role::Viewer, &[])]);
    let on = |role, id: &str| Need::Role(role, Scope::Cluster(id.into()));
    assert!(on(Role::Editor, "dev").allows(&dev_editor));
    assert!(!on(Role::Operator, "prod").allows(&dev_editor));
    assert!(on(Role::Viewer, "prod").allows(&dev_editor));
    assert!(Need::Role(Role::Editor, Scope::AnyCluster).allows(&dev_editor));
    assert!(!Need::Role(Role::Editor, Scope::Everywhere).allows(&dev_editor));
    let refusal = on(Role::Operator, "prod").refusal(&dev_editor);
    assert!(
        refusal.contains("role viewer") && refusal.contains("role operator"),
        "{refusal}"
    );
}
