//! Server configuration, from command-line flags and `BANTER_…` environment
//! variables. The defaults give a working single-node Banter on SQLite.

use std::{net::SocketAddr, path::PathBuf};

use clap::Parser;

/// How a Banter server runs.
#[derive(Debug, Clone, Parser)]
#[command(name = "banter", version, about = "Banter: real-time chat, served.")]
pub struct Config {
    /// Address to listen on. Defaults to cargo-leptos's `site-addr`
    /// (127.0.0.1:3000).
    #[arg(long, env = "BANTER_ADDR")]
    pub addr: Option<SocketAddr>,

    /// Directory for Banter's own files: the SQLite database unless
    /// `--database-url` says otherwise. Created on first start.
    #[arg(long, env = "BANTER_DATA_DIR", default_value = "data")]
    pub data_dir: PathBuf,

    /// Database to use, such as `sqlite:///var/lib/banter/banter.db`.
    /// Defaults to `banter.db` in the data directory.
    #[arg(long, env = "BANTER_DATABASE_URL")]
    pub database_url: Option<String>,
}

impl Config {
    /// The database URL, with the default filled in.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("banter.db").display()),
        }
    }

    /// A configuration for tests and tools: the defaults, with data in `dir`.
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: None,
            data_dir: dir.into(),
            database_url: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_to_sqlite_in_the_data_dir() {
        let config = Config::for_data_dir("/tmp/b");
        assert_eq!(config.database_url(), "sqlite:///tmp/b/banter.db");
    }

    #[test]
    fn database_url_overrides_the_default() {
        let config = Config {
            database_url: Some("sqlite://x.db".into()),
            ..Config::for_data_dir("/tmp/b")
        };
        assert_eq!(config.database_url(), "sqlite://x.db");
    }
}
