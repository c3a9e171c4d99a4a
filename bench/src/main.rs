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
mod stats;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = cli::Cli::parse();
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
