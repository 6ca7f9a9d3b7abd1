use api_types::{Action, ConnectorAction, RestartScope, Role};
use reqwest::Method;

use super::parse::{allowed, parse};
use super::*;
use crate::ConnectError;

fn name(n: &str) -> ConnectorName {
    ConnectorName::new(n).unwrap()
}

fn call(method: &Method, path_and_query: &str) -> Result<ConnectCall, ConnectError> {
    let (path, query) = match path_and_query.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (path_and_query, None),
    };
    parse(method, path, query)
}

#[test]
fn documented_endpoints_parse_with_decoded_names_and_forward_canonically() {
    let cases = [
        (Method::GET, "", ConnectCall::ServerInfo, "/"),
        (Method::GET, "/", ConnectCall::ServerInfo, "/"),
        (
            Method::GET,
            "/connectors/?expand=info&expand=status&expand=info",
            ConnectCall::ListConnectors {
                expand: vec![Expand::Info, Expand::Status],
            },
            "/connectors?expand=info&expand=status",
        ),
        (
            Method::PUT,
            "/connectors/a%2Fb%20c/pause/",
            ConnectCall::Pause(name("a/b c")),
            "/connectors/a%2Fb%20c/pause",
        ),
        (
            Method::POST,
            "/connectors/s/restart?includeTasks=TRUE",
            ConnectCall::Restart(
                name("s"),
                RestartScope {
                    include_tasks: true,
                    only_failed: false,
                },
            ),
            "/connectors/s/restart?includeTasks=true&onlyFailed=false",
        ),
        (
            Method::POST,
            "/connectors/%C3%BC/tasks/007/restart",
            ConnectCall::RestartTask(name("ü"), 7),
            "/connectors/%C3%BC/tasks/7/restart",
        ),
        (
            Method::HEAD,
            "/connectors/x/offsets",
            ConnectCall::GetOffsets(name("x")),
            "/connectors/x/offsets",
        ),
        (
            Method::PUT,
            "/admin/loggers/org.apache.kafka?scope=Cluster",
            ConnectCall::SetLogger(
                LoggerName::new("org.apache.kafka").unwrap(),
                Some(LoggerScope::Cluster),
            ),
            "/admin/loggers/org.apache.kafka?scope=cluster",
        ),
        (
            Method::PUT,
            "/connector-plugins/FileStreamSink/config/validate",
            ConnectCall::ValidateConfig(PluginName::new("FileStreamSink").unwrap(), None),
            "/connector-plugins/FileStreamSink/config/validate",
        ),
        (
            Method::GET,
            "/connector-plugins/FileStreamSink/config?version=%5B4.0%2C5.0%29",
            ConnectCall::GetPluginConfig(
                PluginName::new("FileStreamSink").unwrap(),
                Some(PluginVersion::new("[4.0,5.0)").unwrap()),
            ),
            "/connector-plugins/FileStreamSink/config?version=%5B4.0%2C5.0%29",
        ),
        (
            Method::PUT,
            "/connector-plugins/FileStreamSink/config/validate?version=4.3.1",
            ConnectCall::ValidateConfig(
                PluginName::new("FileStreamSink").unwrap(),
                Some(PluginVersion::new("4.3.1").unwrap()),
            ),
            "/connector-plugins/FileStreamSink/config/validate?version=4.3.1",
        ),
    ];
    for (method, path, expected, forwarded) in cases {
        let parsed = call(&method, path).unwrap_or_else(|e| panic!("{method} {path}: {e}"));
        assert_eq!(parsed, expected, "{method} {path}");
        assert_eq!(parsed.path(), forwarded, "{method} {path}");
    }
}

#[test]
fn every_spelling_of_a_dot_segment_backslash_or_empty_segment_is_refused() {
    let attacks = [
        "/connectors/x/./config",
        "/connectors/x/%2e/config",
        "/connectors/x/%2E/config",
        "/connectors/x/../../admin/loggers/root",
        "/connectors/x/%2e%2e/%2e%2e/admin/loggers/root",
        "/connectors/x/.%2e/.%2E/admin/loggers/root",
        "/connectors/x/%2E./config",
        "/connectors/%2e%2e/config",
        "/connectors/x%2F..%2F..%2Fadmin/config",
        "/connectors/..%2Fadmin/config",
        "/connectors/x\\..\\admin/config",
        "/connectors/x%5c..%5cadmin/config",
        "/connectors/x%5C/config",
        "/connectors//config",
        "//connectors",
        "/connectors/x//",
        "/connectors/x%zz/config",
        "/connectors/x%/config",
        "/connectors/%FF%FE/config",
        "/connectors/a%00b/config",
        "/connectors/a%0Ab/config",
        "/%63onnectors",
        "/CONNECTORS",
        "/connectors/x/config/extra",
        "/connectors/x/tasks/-1/restart",
        "/connectors/x/tasks/1e3/restart",
        "/connectors/x/tasks/99999999999/restart",
        "/admin/loggers/a%2Fb",
        "/connector-plugins/..%2Fx/config",
        "/no-such-endpoint",
    ];
    for attack in attacks {
        for method in [Method::GET, Method::PUT, Method::POST] {
            let refused = call(&method, attack);
            assert!(
                matches!(refused, Err(ConnectError::Refused(_))),
                "{method} {attack}: {refused:?}"
            );
        }
    }
}

#[test]
fn query_parameters_are_judged_too() {
    for (method, path) in [
        (Method::POST, "/connectors/x/restart?forward=true"),
        (Method::POST, "/connectors/x/restart?includeTasks=maybe"),
        (
            Method::POST,
            "/connectors/x/restart?includeTasks=true&includeTasks=false",
        ),
        (Method::GET, "/connectors?expand=everything"),
        (Method::GET, "/connectors/x/config?unknown=1"),
        (Method::PUT, "/admin/loggers/root?scope=galaxy"),
        (Method::GET, "/connectors/x/config?version=4.3.1"),
        (
            Method::GET,
            "/connector-plugins/p/config?version=1&version=2",
        ),
        (Method::GET, "/connector-plugins/p/config?version="),
        (Method::GET, "/connector-plugins/p/config?version=4%200"),
    ] {
        assert!(
            matches!(call(&method, path), Err(ConnectError::Refused(_))),
            "{method} {path}"
        );
    }
}

#[test]
fn internal_endpoints_are_forbidden_and_wrong_methods_get_405_with_allow() {
    assert!(matches!(
        call(&Method::POST, "/connectors/x/tasks"),
        Err(ConnectError::WorkerOnly(_))
    ));
    assert!(matches!(
        call(&Method::PUT, "/connectors/x/fence"),
        Err(ConnectError::WorkerOnly(_))
    ));
    let Err(ConnectError::MethodNotAllowed { allow, .. }) =
        call(&Method::DELETE, "/connectors/x/config")
    else {
        panic!("DELETE of a config is not Connect's");
    };
    assert_eq!(allow, "GET, PUT, PATCH, HEAD, OPTIONS");
    assert_eq!(
        allowed("/connectors/x/offsets").unwrap(),
        "GET, PATCH, DELETE, HEAD, OPTIONS"
    );
}

#[test]
fn roles_follow_the_actions_table() {
    let role = |m: Method, p: &str| call(&m, p).unwrap().role();
    assert_eq!(role(Method::GET, "/connectors/x/config"), Role::Viewer);
    assert_eq!(
        role(Method::PUT, "/connector-plugins/P/config/validate"),
        Role::Viewer
    );
    assert_eq!(
        role(Method::PUT, "/connectors/x/pause"),
        Action::Pause.role()
    );
    assert_eq!(
        role(Method::POST, "/connectors/x/tasks/0/restart"),
        Role::Operator
    );
    assert_eq!(role(Method::DELETE, "/connectors/x/offsets"), Role::Editor);
    assert_eq!(role(Method::PUT, "/admin/loggers/root"), Role::Admin);
}

#[test]
fn changes_of_names_that_connect_would_garble_go_to_the_leader_directly() {
    assert!(
        call(&Method::PUT, "/connectors/a%2Fb/config")
            .unwrap()
            .leader_only()
    );
    assert!(
        call(&Method::POST, "/connectors/100%25/restart")
            .unwrap()
            .leader_only()
    );
    assert!(
        !call(&Method::GET, "/connectors/a%2Fb/config")
            .unwrap()
            .leader_only()
    );
    assert!(
        !call(&Method::PUT, "/connectors/plain/config")
            .unwrap()
            .leader_only()
    );
}

/// A small deterministic generator, so the property test needs no extra crate.
struct Xorshift(u64);

impl Xorshift {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

/// What a worker reached at `path_and_query` serves: the path as the HTTP client normalises it
/// (reqwest's `url` crate, which resolves dot segments in every spelling it knows), then parsed
/// the way Connect's router reads it.
fn served_by_worker(method: &Method, path_and_query: &str) -> Result<ConnectCall, String> {
    let url = reqwest::Url::parse(&format!("http://worker{path_and_query}"))
        .map_err(|e| e.to_string())?;
    let sent = match url.query() {
        Some(q) => format!("{}?{q}", url.path()),
        None => url.path().to_owned(),
    };
    if sent != path_and_query {
        return Err(format!(
            "the HTTP client rewrote {path_and_query} into {sent}"
        ));
    }
    parse(method, url.path(), url.query()).map_err(|e| e.to_string())
}

/// Documented paths with `{}` where a name goes, for the generator to fill.
const TEMPLATES: [&str; 14] = [
    "/",
    "/connectors",
    "/connectors/{}",
    "/connectors/{}/config",
    "/connectors/{}/status",
    "/connectors/{}/restart",
    "/connectors/{}/pause",
    "/connectors/{}/tasks/{}/restart",
    "/connectors/{}/topics/reset",
    "/connectors/{}/offsets",
    "/connector-plugins/{}/config/validate",
    "/admin/loggers/{}",
    "/connectors/{}/tasks",
    "/connectors/{}/fence",
];

/// Pieces of names and paths, the tricky spellings among them.
const PIECES: [&str; 40] = [
    "/",
    "//",
    "connectors",
    "admin",
    "loggers",
    "config",
    "status",
    "tasks",
    "0",
    "7",
    "restart",
    "pause",
    ".",
    "..",
    "%2e",
    "%2E",
    "%2e%2e",
    ".%2e",
    "%2f",
    "%2F",
    "%5c",
    "\\",
    "%25",
    "%",
    ";",
    "a",
    "b%20c",
    "%C3%BC",
    "ü",
    "%FF",
    "%00",
    "~",
    "+",
    "x",
    "%3F",
    "%23",
    "{",
    "%7B",
    "?",
    "#",
];

const QUERIES: [&str; 9] = [
    "",
    "expand=status",
    "includeTasks=true",
    "forward=false",
    "scope=cluster",
    "a=%2e%2e",
    "onlyFailed=true&includeTasks=true",
    "connectorsOnly=false",
    "expand=info&expand=status",
];

/// A request path: a template with its names made of random pieces, sometimes with a random
/// piece thrown in anywhere.
fn generated_path(random: &mut Xorshift) -> String {
    let template = TEMPLATES[random.below(TEMPLATES.len())];
    let mut path = String::new();
    for (i, part) in template.split("{}").enumerate() {
        if i > 0 {
            for _ in 0..=random.below(3) {
                path.push_str(PIECES[random.below(PIECES.len())]);
            }
        }
        path.push_str(part);
    }
    if random.below(3) == 0 {
        let mut at = random.below(path.len() + 1);
        while !path.is_char_boundary(at) {
            at -= 1;
        }
        path.insert_str(at, PIECES[random.below(PIECES.len())]);
    }
    if random.below(4) == 0 {
        path.push('/');
    }
    path
}

#[test]
fn no_byte_string_makes_a_forwarded_path_that_serves_another_endpoint() {
    let methods = [
        Method::GET,
        Method::POST,
        Method::PUT,
        Method::PATCH,
        Method::DELETE,
        Method::HEAD,
    ];
    let mut random = Xorshift(0x9E37_79B9_7F4A_7C15);
    let (mut accepted, mut refused) = (0, 0);
    for _ in 0..100_000 {
        let path = generated_path(&mut random);
        let query = match random.below(2) {
            0 => "",
            _ => QUERIES[random.below(QUERIES.len())],
        };
        let method = &methods[random.below(methods.len())];
        let Ok(judged) = parse(method, &path, Some(query)) else {
            refused += 1;
            continue;
        };
        accepted += 1;
        let forwarded = judged.path();
        let served = served_by_worker(&judged.method(), &forwarded);
        assert_eq!(
            served.as_ref(),
            Ok(&judged),
            "{method} {path}?{query} was judged as {judged:?} but forwarded as {forwarded}"
        );
        if judged.changes() && !judged.leader_only() {
            let name = judged.connector().map_or("", ConnectorName::as_str);
            assert!(
                !name.contains(['/', '%']),
                "{name:?} would be rebuilt by Connect"
            );
        }
    }
    assert!(
        accepted > 4_000 && refused > 4_000,
        "{accepted} accepted, {refused} refused"
    );
}

#[test]
fn creates_config_changes_and_deletes_settle_and_other_calls_do_not() {
    let name = ConnectorName::new("orders/v2").unwrap();
    let create = br#"{"name": "orders/v2", "config": {}}"#;
    assert_eq!(
        Settle::of(&ConnectCall::CreateConnector, Some(create)),
        Some(Settle::Config(name.clone()))
    );
    assert_eq!(
        Settle::of(&ConnectCall::DeleteConnector(name.clone()), None),
        Some(Settle::Gone(name.clone()))
    );
    assert_eq!(Settle::of(&ConnectCall::Pause(name), None), None);
    assert_eq!(
        Settle::of(&ConnectCall::CreateConnector, Some(b"not json")),
        None
    );
}

#[test]
fn a_restart_action_carries_both_kip_745_flags() {
    let scope = RestartScope {
        include_tasks: true,
        only_failed: true,
    };
    let call = ConnectCall::for_action(ConnectorAction::Restart(scope), name("a b"));
    assert_eq!(
        call.path(),
        "/connectors/a%20b/restart?includeTasks=true&onlyFailed=true"
    );
}
