//! Where log lines go and how they look: readable lines by default, or one
//! JSON object per line (`--log-format json`) for log shippers. `RUST_LOG`
//! picks what is logged (`info` unless it says otherwise, without
//! PostgreSQL's notices: "relation … already exists, skipping" at every
//! start, and before every `banter admin` command's answer).

use clap::ValueEnum;
use tracing_subscriber::EnvFilter;

/// How log lines are written.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, ValueEnum)]
pub enum LogFormat {
    /// Lines for people to read.
    #[default]
    Text,
    /// One JSON object per line, with the fields of every span it is in.
    Json,
}

/// What the default filter leaves out.
const QUIET: &str = "sqlx::postgres::notice=warn";

/// Sends the process's logs to standard error, in `format`.
pub fn init(format: LogFormat) {
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new(format!("info,{QUIET}")));
    let builder = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr);
    match format {
        LogFormat::Text => builder.init(),
        LogFormat::Json => builder
            .json()
            .with_current_span(false)
            .with_span_list(true)
            .init(),
    }
}
