//! `banter-load`: drives a running Banter server through its real
//! interfaces (seeded sessions, authenticated WebSockets, real sends) and
//! measures what every receiver gets.
//!
//! # Layout
//! - [`cli`]: the scenarios and their options.
//! - [`client`]: one WebSocket client: connect, send, receive and count.
//! - [`changes`]: the reactions and edits of the changes scenario.
//! - [`frames`]: reading each distinct frame once.
//! - [`run`]: a scenario from start to report.
//! - [`search`]: the search benchmark, over HTTP.
//! - [`stats`]: delivery accounting and latency percentiles.
//! - [`proc`]: the server process's memory and CPU, from `/proc`.
//! - [`report`]: the table and the JSON.
//!
//! Every loop is bounded in count and time, and everything stays on
//! loopback. See `docs/performance.md` for the method and the figures.

mod changes;
mod cli;
mod client;
mod frames;
mod proc;
mod report;
mod run;
mod search;
mod stats;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
    if cli.options.scenario == cli::Scenario::Search {
        let rounds = cli.options.rounds;
        return match search::run(&cli.options, rounds).await {
            Ok(figures) => {
                println!("{}", search::table(&figures));
                if let Some(path) = &cli.options.json {
                    let json = serde_json::to_string_pretty(&figures).unwrap_or_default();
                    if let Err(error) = std::fs::write(path, json) {
                        eprintln!("banter-load: cannot write {path:?}: {error}");
                    }
                }
                std::process::ExitCode::SUCCESS
            }
            Err(error) => {
                eprintln!("banter-load: {error}");
                std::process::ExitCode::FAILURE
            }
        };
    }
    match run::run(cli).await {
        Ok(report) => {
            println!("{}", report.table());
            std::process::ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("banter-load: {error}");
            std::process::ExitCode::FAILURE
        }
    }
}
