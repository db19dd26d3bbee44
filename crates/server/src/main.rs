//! `wasm-ws-server`: see `--help`.

use std::process::ExitCode;

use clap::Parser;
use tracing_subscriber::EnvFilter;
use wasm_ws_server::{config::Config, server};

#[actix_web::main]
async fn main() -> ExitCode {
    let config = Config::parse();
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .with_writer(std::io::stderr)
        .init();

    let running = match server::start(&config) {
        Ok(running) => running,
        Err(error) => {
            eprintln!("error: {error}");
            return ExitCode::FAILURE;
        }
    };
    // A plain line on stdout that scripts wait for (logs go to stderr).
    println!("wasm-ws-server listening on {}", running.url());
    // Ctrl-C or SIGTERM: every client gets a 1001 Close, then the process exits.
    actix_web::rt::spawn(running.shutdown_handle().on_signal());
    match running.await {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("error: {error}");
            ExitCode::FAILURE
        }
    }
}
