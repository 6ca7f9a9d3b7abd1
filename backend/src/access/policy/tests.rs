//! The policy, row by row, as the routes declare it; how grants limited to clusters meet it;
//! and that a route declaring no need is caught.

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
        (
            Method::GET,
            "/api/v1/clusters/pr%6Fd/connectors/a",
            cluster(Role::Viewer),
        ),
        (
            Method::HEAD,
            &format!("{c}/connectors/a"),
            cluster(Role::Viewer),
        ),
        // No declared route as written: a read under a cluster needs a reader of that cluster,
        // whatever route a spelling the table does not know might reach.
        (
            Method::GET,
            &format!("{c}/connector%73/a"),
            cluster(Role::Viewer),
        ),
        // No such route: it answers 404, to a reader; a change needs the most.
        (
            Method::GET,
            "/api/v1/nowhere",
            Need::Role(Role::Viewer, Scope::AnyCluster),
        ),
        (
            Method::DELETE,
            "/api/v1/clusters/prod",
            Need::Role(Role::Admin, Scope::Everywhere),
        ),
    ];
    let (_, routes) = crate::routes::router();
    for (method, path, expected) in rows {
        assert_eq!(
            judge(&routes, &method, path, None).need,
            expected,
            "{method} {path}"
        );
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

#[test]
fn an_operation_that_declares_no_need_or_an_unreadable_one_is_named() {
    use utoipa::openapi::path::{HttpMethod, OperationBuilder, PathItem, PathsBuilder};
    use utoipa::openapi::{OpenApiBuilder, extensions::ExtensionsBuilder};
    let document = |operation: OperationBuilder| {
        let item = PathItem::new(HttpMethod::Post, operation);
        let paths = PathsBuilder::new().path("/clusters/{cluster}/things", item);
        OpenApiBuilder::new().paths(paths).build()
    };
    let declaring = |text: &str| {
        let extensions = ExtensionsBuilder::new().add(NEEDS_EXTENSION, text).build();
        OperationBuilder::new().extensions(Some(extensions))
    };

    let silent = RouteNeeds::from_document(&document(OperationBuilder::new()));
    let garbled = RouteNeeds::from_document(&document(declaring("editor on the moon")));
    let declared = RouteNeeds::from_document(&document(declaring("topics_reset on cluster")));

    let silent = silent.unwrap_err();
    assert!(
        silent.contains("POST /clusters/{cluster}/things"),
        "{silent}"
    );
    assert!(garbled.is_err());
    let need = declared
        .unwrap()
        .find(&Method::POST, &["clusters", "c", "things"]);
    assert_eq!(
        need,
        Some(Need::Role(Role::Editor, Scope::Cluster("c".into())))
    );
}
