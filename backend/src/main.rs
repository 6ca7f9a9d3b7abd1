//! The `plugboard` binary: read the configuration, open the database, serve until Ctrl-C (or
//! manage users with `plugboard user ...`).

use std::process::ExitCode;

use clap::Parser;
use plugboard::config::{Cli, Command, Settings};

#[tokio::main]
async fn main() -> ExitCode {
    let cli = Cli::parse();
    plugboard::telemetry::init(cli.log_format);
    match serve(cli).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            // One line that names the problem; the chain of causes is joined with ": ".
            eprintln!("plugboard: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

async fn serve(mut cli: Cli) -> anyhow::Result<()> {
    let command = cli.command.take();
    let settings = Settings::load(cli)?;
    if let Some(Command::User { action }) = command {
        return plugboard::access::user_command::run(&settings, action).await;
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
    plugboard::run(listener, state, shutdown_signal()).await?;
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
