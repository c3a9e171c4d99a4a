//! The `banter` binary: reads its command line and serves (or seeds, backs
//! up, restores, moves to PostgreSQL, or manages accounts).

use clap::Parser;
use server::config::{Cli, Command};

#[tokio::main]
async fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    server::observe::logs::init(cli.config.log_format);
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
        Some(Command::Admin(command)) => server::admin::run(&cli.config, command)
            .await
            .map(|said| println!("{said}"))
            .map_err(|e| e.to_string()),
        Some(Command::MigrateTo { url }) => server::to_postgres::migrate_to(&cli.config, url)
            .await
            .map(|moved| println!("{moved}"))
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
