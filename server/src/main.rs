//! The `banter` binary: reads its command line and serves (or seeds, backs
//! up or restores).

use clap::Parser;
use server::config::{Cli, Command};
use tracing_subscriber::EnvFilter;

#[tokio::main]
async fn main() -> std::process::ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
        )
        .init();

    let cli = Cli::parse();
    let result = match &cli.command {
        None => server::serve(cli.config).await.map_err(|e| e.to_string()),
        Some(Command::Seed(args)) => server::seed::seed(cli.config, args)
            .await
            .map_err(|e| e.to_string()),
        Some(Command::Backup { file }) => server::backup::backup(&cli.config, file)
            .await
            .map(|counts| println!("backed up to {}: {}", file.display(), counts))
            .map_err(|e| e.to_string()),
        Some(Command::Restore { file }) => server::backup::restore(&cli.config, file)
            .await
            .map(|restored| println!("{restored}"))
            .map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(error) => {
            tracing::error!("{error}");
            std::process::ExitCode::FAILURE
        }
    }
}
