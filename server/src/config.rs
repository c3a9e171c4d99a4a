//! Server configuration, from command-line flags and `BANTER_…` environment
//! variables. The defaults give a working single-node Banter on SQLite.

use std::{net::SocketAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};
use url::Url;

/// The `banter` command line: serve (the default), or another command.
#[derive(Debug, Parser)]
#[command(name = "banter", version, about = "Banter: real-time chat, served.")]
pub struct Cli {
    #[command(flatten)]
    pub config: Config,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// What `banter` does besides serving.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Fills the database with users, channels and signed-in sessions for
    /// load tests, and writes the session cookies to a file.
    Seed(crate::seed::SeedArgs),
}

/// How a Banter server runs.
#[derive(Debug, Clone, Args)]
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

    /// The address users reach Banter at, such as `https://chat.example.com`,
    /// when it differs from the address it listens on (behind a proxy).
    /// Requests must come from this origin, and an `https` URL makes the
    /// session cookie `Secure`.
    #[arg(long, env = "BANTER_PUBLIC_URL")]
    pub public_url: Option<Url>,

    /// Take the client address from the last `X-Forwarded-For` entry (set
    /// this only behind a reverse proxy that appends it).
    #[arg(long, env = "BANTER_TRUST_FORWARDED_FOR")]
    pub trust_forwarded_for: bool,

    /// Failed log-ins allowed per username, and per client address, in 15
    /// minutes.
    #[arg(long, env = "BANTER_LOGIN_FAILURES", default_value_t = 10)]
    pub login_failures: u32,

    /// Sign-ups allowed per client address in an hour.
    #[arg(long, env = "BANTER_SIGNUPS_PER_HOUR", default_value_t = 10)]
    pub signups_per_hour: u32,

    /// Messages a user may send per second, on average.
    #[arg(long, env = "BANTER_SEND_RATE", default_value_t = 10)]
    pub send_rate: u32,

    /// Messages a user may send in a burst.
    #[arg(long, env = "BANTER_SEND_BURST", default_value_t = 20)]
    pub send_burst: u32,

    /// How long after their last connection closes a user still counts as
    /// online (a reload or a brief drop is not "offline"), in milliseconds.
    #[arg(long, env = "BANTER_PRESENCE_GRACE_MS", default_value_t = 10_000)]
    pub presence_grace_ms: u64,
}

impl Config {
    /// The database URL, with the default filled in.
    pub fn database_url(&self) -> String {
        match &self.database_url {
            Some(url) => url.clone(),
            None => format!("sqlite://{}", self.data_dir.join("banter.db").display()),
        }
    }

    /// The origin users reach Banter at, if configured.
    pub fn public_origin(&self) -> Option<String> {
        self.public_url
            .as_ref()
            .map(|url| url.origin().ascii_serialization())
    }

    /// Whether Banter is served over HTTPS (so cookies must be `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|url| url.scheme() == "https")
    }

    /// A configuration for tests and tools: the defaults, with data in `dir`.
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Self {
        Self {
            addr: None,
            data_dir: dir.into(),
            database_url: None,
            public_url: None,
            trust_forwarded_for: false,
            login_failures: 10,
            signups_per_hour: 10,
            send_rate: 10,
            send_burst: 20,
            presence_grace_ms: 10_000,
        }
    }

    /// The presence grace delay.
    pub fn presence_grace(&self) -> std::time::Duration {
        std::time::Duration::from_millis(self.presence_grace_ms)
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

    #[test]
    fn the_public_url_gives_the_origin_and_the_scheme() {
        let config = Config {
            public_url: Some("https://chat.example/some/path".parse().unwrap()),
            ..Config::for_data_dir("/tmp/b")
        };
        assert_eq!(
            config.public_origin().as_deref(),
            Some("https://chat.example")
        );
        assert!(config.is_https());
        assert!(!Config::for_data_dir("/tmp/b").is_https());
    }

    #[test]
    fn the_defaults_match_the_flags() {
        let parsed = Cli::try_parse_from(["banter"]).unwrap().config;
        let built = Config::for_data_dir("data");
        assert_eq!(parsed.login_failures, built.login_failures);
        assert_eq!(parsed.signups_per_hour, built.signups_per_hour);
        assert_eq!(
            (parsed.send_rate, parsed.send_burst),
            (built.send_rate, built.send_burst)
        );
        assert_eq!(parsed.presence_grace_ms, built.presence_grace_ms);
    }
}
