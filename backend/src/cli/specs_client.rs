//! `plugboard export`, `plan` and `apply`: clients of a running Plugboard, so that a CI job
//! needs only its URL and an API token, and every change goes through the server's one change
//! path. The `${env:...}` and `${file:...}` references in the specs are resolved here, where
//! the specs are read (the CI job's environment), and sent with the specs.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context, bail};
use api_types::{ApplyReport, ApplyRequest, ChangeKind, ConnectorSpec, Outcome, Plan, PlanRequest};
use serde::Serialize;
use serde::de::DeserializeOwned;

use super::Server;
use crate::specs::export::file_name;
use crate::specs::references::references_in;

/// Exit status of `plan` (and `apply --dry-run`): nothing to do.
const NO_CHANGES: u8 = 0;
/// Exit status of `plan`: there are changes.
const CHANGES: u8 = 2;

/// Writes the cluster's specs (or one connector's) to `dir`, one file per connector.
pub async fn export(
    server: &Server,
    cluster: &str,
    connector: Option<&str>,
    dir: &Path,
) -> anyhow::Result<ExitCode> {
    let mut path = format!("/api/v1/clusters/{}/specs", encode(cluster));
    if let Some(name) = connector {
        path.push_str(&format!("?connector={}", encode(name)));
    }
    let specs: Vec<ConnectorSpec> = call(server, reqwest::Method::GET, &path, None::<&()>).await?;
    std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    for spec in &specs {
        let file = dir.join(file_name(spec));
        let text = serde_json::to_string_pretty(spec)? + "\n";
        std::fs::write(&file, text).with_context(|| format!("cannot write {}", file.display()))?;
        println!("{}", file.display());
    }
    eprintln!(
        "exported {} connector(s) of cluster `{cluster}`",
        specs.len()
    );
    Ok(ExitCode::SUCCESS)
}

/// Prints what applying `dir` would change; exit status 0 for nothing, 2 for changes.
pub async fn plan(server: &Server, dir: &Path, prune: bool) -> anyhow::Result<ExitCode> {
    let request = read_request(dir, prune)?;
    let plan: Plan = call(
        server,
        reqwest::Method::POST,
        "/api/v1/specs/plan",
        Some(&request),
    )
    .await?;
    print!("{}", render(&plan));
    Ok(ExitCode::from(if plan.changes.is_empty() {
        NO_CHANGES
    } else {
        CHANGES
    }))
}

/// What `plugboard apply` is asked to do besides the specs.
pub struct ApplyOptions {
    pub prune: bool,
    pub dry_run: bool,
    pub commit: Option<String>,
    pub strict: bool,
}

/// Applies `dir`; exit status 0 when every step succeeded (with `--dry-run`, as `plan`).
pub async fn apply(server: &Server, dir: &Path, options: ApplyOptions) -> anyhow::Result<ExitCode> {
    let request = ApplyRequest {
        plan: read_request(dir, options.prune)?,
        dry_run: options.dry_run,
        commit: options.commit,
        strict: options.strict,
    };
    let report: ApplyReport = call(
        server,
        reqwest::Method::POST,
        "/api/v1/specs/apply",
        Some(&request),
    )
    .await?;
    print!("{}", render(&report.plan));
    if report.dry_run {
        let status = if report.plan.changes.is_empty() {
            NO_CHANGES
        } else {
            CHANGES
        };
        return Ok(ExitCode::from(status));
    }
    for step in &report.steps {
        let mark = if step.outcome == Outcome::Success {
            "done"
        } else {
            "FAILED"
        };
        let why = step
            .message
            .as_deref()
            .map(|m| format!(": {m}"))
            .unwrap_or_default();
        println!(
            "{mark}: {} {}/{}{why}",
            step.action.as_str(),
            step.cluster,
            step.name
        );
    }
    let failed = report.steps.iter().any(|s| s.outcome != Outcome::Success);
    Ok(if failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

/// The plan as people read it: one block per connector, then a summary line.
pub fn render(plan: &Plan) -> String {
    let mut text = String::new();
    for change in &plan.changes {
        let what = match change.kind {
            ChangeKind::Create => "create",
            ChangeKind::Update => "update",
            ChangeKind::State => "state",
            ChangeKind::Delete => "delete",
        };
        text.push_str(&format!("{what} {}/{}\n", change.cluster, change.name));
        for key in &change.diff {
            let line = match (&key.before, &key.after) {
                (None, Some(after)) => format!("  + {} = {after}\n", key.key),
                (Some(before), None) => format!("  - {} (was {before})\n", key.key),
                (before, after) => format!(
                    "  ~ {}: {} -> {}\n",
                    key.key,
                    before.as_deref().unwrap_or_default(),
                    after.as_deref().unwrap_or_default()
                ),
            };
            text.push_str(&line);
        }
        if let Some(state) = &change.state {
            let from = state.from.map_or("(new)", |s| s.as_str());
            text.push_str(&format!("  state: {from} -> {}\n", state.to.as_str()));
        }
    }
    let count = |kind| plan.changes.iter().filter(|c| c.kind == kind).count();
    text.push_str(&format!(
        "{} to create, {} to update, {} state change(s), {} to delete; {} unchanged\n",
        count(ChangeKind::Create),
        count(ChangeKind::Update),
        count(ChangeKind::State),
        count(ChangeKind::Delete),
        plan.unchanged
    ));
    text
}

/// The specs of every `.json`, `.yaml` and `.yml` file under `dir`, with the values of their
/// references; a reference that cannot be read stops here, naming it and its spec.
pub fn read_request(dir: &Path, prune: bool) -> anyhow::Result<PlanRequest> {
    let mut specs = Vec::new();
    for file in spec_files(dir)? {
        specs.extend(read_specs(&file)?);
    }
    let mut values = BTreeMap::new();
    for spec in &specs {
        for (key, written) in &spec.config {
            for reference in references_in(written) {
                let setting = format!("`{}` on `{}`: `{key}`", spec.name, spec.cluster);
                let value = crate::config::references::resolve(reference, &setting)?;
                values.insert(reference.to_owned(), value);
            }
        }
    }
    Ok(PlanRequest {
        specs,
        values,
        prune,
    })
}

fn spec_files(dir: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    let mut pending = vec![dir.to_path_buf()];
    while let Some(at) = pending.pop() {
        let entries =
            std::fs::read_dir(&at).with_context(|| format!("cannot read {}", at.display()))?;
        for entry in entries {
            let path = entry?.path();
            let extension = path
                .extension()
                .and_then(|e| e.to_str())
                .unwrap_or_default();
            if path.is_dir() {
                pending.push(path);
            } else if matches!(extension, "json" | "yaml" | "yml") {
                files.push(path);
            }
        }
    }
    files.sort();
    Ok(files)
}

/// A file holds one spec or a list of them, in JSON or YAML.
#[derive(serde::Deserialize)]
#[serde(untagged)]
enum SpecFile {
    One(Box<ConnectorSpec>),
    Many(Vec<ConnectorSpec>),
}

fn read_specs(file: &Path) -> anyhow::Result<Vec<ConnectorSpec>> {
    let text =
        std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let parsed: SpecFile = if file.extension().is_some_and(|e| e == "json") {
        serde_json::from_str(&text).map_err(anyhow::Error::from)
    } else {
        serde_yaml::from_str(&text).map_err(anyhow::Error::from)
    }
    .with_context(|| {
        format!(
            "{} is not a connector spec (nor a list of them)",
            file.display()
        )
    })?;
    Ok(match parsed {
        SpecFile::One(spec) => vec![*spec],
        SpecFile::Many(specs) => specs,
    })
}

async fn call<T: DeserializeOwned>(
    server: &Server,
    method: reqwest::Method,
    path: &str,
    body: Option<&impl Serialize>,
) -> anyhow::Result<T> {
    let url = format!("{}{path}", server.server.trim_end_matches('/'));
    let mut request = reqwest::Client::new().request(method, &url);
    if let Some(token) = &server.token {
        request = request.bearer_auth(token);
    }
    if let Some(body) = body {
        request = request.json(body);
    }
    let response = request
        .send()
        .await
        .with_context(|| format!("cannot reach Plugboard at {}", server.server))?;
    let status = response.status();
    let text = response.text().await?;
    if !status.is_success() {
        let message = serde_json::from_str::<api_types::ErrorBody>(&text)
            .map(|e| e.error.message)
            .unwrap_or(text);
        bail!("Plugboard answered {status}: {message}");
    }
    serde_json::from_str(&text).with_context(|| format!("unexpected answer from {url}"))
}

/// `text` percent-encoded as one path segment or query value.
fn encode(text: &str) -> String {
    plugboard_connect::call::segment(text)
}
