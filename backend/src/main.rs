//! The `plugboard` binary: read the configuration, open the database, serve until Ctrl-C (or
//! manage users with `plugboard user ...`, or manage connectors as code with `plugboard export`,
//! `plan` and `apply`).

use std::process::ExitCode;

use clap::Parser;
use plugboard::cli::specs_client as specs;
use plugboard::cli::{Cli, Command};
use plugboard::config::Settings;

#[tokio::main]
async fn main() -> ExitCode {
    let mut cli = Cli::parse();
    plugboard::telemetry::init(cli.log_format);
    let outcome = match cli.command.take() {
        Some(Command::Export {
            cluster,
            connector,
            out,
            server,
        }) => specs::export(&server, &cluster, connector.as_deref(), &out).await,
        Some(Command::Plan { dir, prune, server }) => specs::plan(&server, &dir, prune).await,
        Some(Command::Apply {
            dir,
            prune,
            dry_run,
            commit,
            strict,
            server,
        }) => {
            let options = specs::ApplyOptions {
                prune,
                dry_run,
                commit,
                strict,
            };
            specs::apply(&server, &dir, options).await
        }
        command => {
            cli.command = command;
            serve(cli).await.map(|()| ExitCode::SUCCESS)
        }
    };
    match outcome {
        Ok(code) => code,
        Err(error) => {
            // One line that names the problem; the chain of causes is joined with ": ".
            eprintln!("plugboard: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(mut cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.take();
    let settings = Settings::load(cli.flags)?;
    if let Some(Command::User { action }) = command {
        return plugboard::cli::user_command::run(&settings, action).await;
    }
    let state = plugboard::AppState::build(settings).await?;
    let bind = state.settings.bind;
    let listener = tokio::net::TcpListener::bind(bind)
        .await
        .map_err(|e| anyhow::anyhow!("cannot listen on {bind}: {e}"))?;
    let scheme = if state.settings.tls.is_some() {
        "https"
    } else {
        "http"
    };
    tracing::info!(url = %format!("{scheme}://{}", listener.local_addr()?), "plugboard is listening");
    let background = plugboard::background::Background::start(&state);
    plugboard::run(listener, state, shutdown_signal()).await?;
    background.stop().await;
    tracing::info!("plugboard stopped");
    Ok(())
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
}
