//! Server configuration, from command-line flags and `BANTER_…` environment
//! variables. The defaults give a working single-node Banter on SQLite.

use std::{net::SocketAddr, path::PathBuf, time::Duration};

use bytesize::ByteSize;
use clap::{Args, Parser, Subcommand};
use url::Url;

use crate::{limits::Rate, observe::logs::LogFormat};

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
    Seed(SeedArgs),
    /// Copies the SQLite database, consistent as of one instant, to a new
    /// file, while Banter serves or not, and checks the copy.
    Backup {
        /// Where to write the copy (it must not exist).
        file: PathBuf,
    },
    /// Puts a backup in place of the SQLite database (Banter must not be
    /// serving it); the database it replaces is kept beside it.
    Restore {
        /// The backup to restore.
        file: PathBuf,
    },
    /// Copies everything from the SQLite database (Banter must not be
    /// serving it) into a new, empty PostgreSQL database, and checks the
    /// copy table by table.
    MigrateTo {
        /// The PostgreSQL database, such as
        /// `postgres://banter@db.example/banter`.
        url: String,
    },
    /// Manages accounts: lists them, creates one, resets a password,
    /// deactivates or reactivates one, grants or revokes the administrator
    /// role. Works on the database Banter serves, while it serves or not.
    #[command(subcommand)]
    Admin(crate::admin::AdminCommand),
}

/// What to seed.
#[derive(Debug, Clone, Args)]
pub struct SeedArgs {
    /// How many users to create.
    #[arg(long)]
    pub users: u32,
    /// Users are named `<prefix>-<n>`, channels `<prefix>-room-<k>`.
    #[arg(long, default_value = "load")]
    pub prefix: String,
    /// How many public channels to create (besides General).
    #[arg(long, default_value_t = 0)]
    pub channels: u32,
    /// How many users to put in each channel, in order: the first
    /// `members` users in the first channel, and so on.
    #[arg(long, default_value_t = 100)]
    pub members: u32,
    /// Where to write the users and their session cookies.
    #[arg(long, default_value = "sessions.txt")]
    pub out: PathBuf,
    /// How many messages to write (to General, unless `--varied`).
    #[arg(long, default_value_t = 0)]
    pub messages: u32,
    /// Write the messages formatted as people write them (emphasis, code,
    /// links, quotes, lists and code blocks), not as plain text.
    #[arg(long)]
    pub formatted: bool,
    /// Write varied sentences instead, for the search benchmark: words of
    /// four scripts, common and rare (by Zipf's law), a link now and then,
    /// spread over General and the seeded channels.
    #[arg(long, conflicts_with = "formatted")]
    pub varied: bool,
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

    /// Channels a user may create: `20/h` allows twenty at once, then one
    /// every three minutes (rates are written `N/s`, `N/min` or `N/h`).
    #[arg(long, env = "BANTER_RATE_CREATE_CHANNEL", default_value = "20/h")]
    pub rate_create_channel: Rate,

    /// Conversations a user may open (new or existing).
    #[arg(long, env = "BANTER_RATE_OPEN_DIRECT", default_value = "30/min")]
    pub rate_open_direct: Rate,

    /// Channels a user may join or leave, together.
    #[arg(long, env = "BANTER_RATE_JOIN_LEAVE", default_value = "30/min")]
    pub rate_join_leave: Rate,

    /// Pages of history a user may load.
    #[arg(long, env = "BANTER_RATE_HISTORY", default_value = "20/s")]
    pub rate_history: Rate,

    /// Member lists a user may load.
    #[arg(long, env = "BANTER_RATE_MEMBERS", default_value = "10/s")]
    pub rate_members: Rate,

    /// Searches of the channel directory a user may make.
    #[arg(long, env = "BANTER_RATE_BROWSE", default_value = "10/s")]
    pub rate_browse: Rate,

    /// Message searches a user may make (`/search`, and each pause in
    /// typing there).
    #[arg(long, env = "BANTER_RATE_SEARCH", default_value = "5/s")]
    pub rate_search: Rate,

    /// Searches for people a user may make.
    #[arg(long, env = "BANTER_RATE_FIND_USERS", default_value = "10/s")]
    pub rate_find_users: Rate,

    /// The largest file that may be uploaded (`25MiB`, `500KB`, `1GiB`, or
    /// bytes).
    #[arg(long, env = "BANTER_MAX_FILE_SIZE", default_value = "25MiB")]
    pub max_file_size: ByteSize,

    /// The most bytes one user's uploads may take in all (unbounded if
    /// unset).
    #[arg(long, env = "BANTER_MAX_STORAGE_PER_USER")]
    pub max_storage_per_user: Option<ByteSize>,

    /// The longest an uploaded image may take to read, strip of its
    /// metadata and make a thumbnail of, in milliseconds; a slower one is
    /// refused.
    #[arg(long, env = "BANTER_IMAGE_TIME_MS", default_value_t = 20_000)]
    pub image_time_ms: u64,

    /// Where files are kept, if not in the data directory: an
    /// S3-compatible bucket, `s3://<bucket>/<prefix>`, for several nodes
    /// (the `AWS_*` variables give the credentials, the region and, for a
    /// store other than Amazon's, `AWS_ENDPOINT_URL`).
    #[arg(long, env = "BANTER_STORAGE_URL")]
    pub storage_url: Option<String>,

    /// Settings of the object store beyond the `AWS_*` variables, as
    /// `object_store` names them (for tests, which share one process).
    #[arg(skip)]
    pub storage_options: Vec<(String, String)>,

    /// Files a user may upload.
    #[arg(long, env = "BANTER_RATE_UPLOAD", default_value = "30/min")]
    pub rate_upload: Rate,

    /// How often deleted messages' files and unsent uploads (kept a day)
    /// are collected from the storage, in milliseconds.
    #[arg(long, env = "BANTER_COLLECT_FILES_MS", default_value_t = 60_000)]
    pub collect_files_ms: u64,

    /// WebSocket connections one user may hold open on this node (each tab
    /// holds one).
    #[arg(long, env = "BANTER_MAX_CONNECTIONS_PER_USER", default_value_t = 30)]
    pub max_connections_per_user: u32,

    /// WebSocket connections one client address may hold open on this node.
    #[arg(
        long,
        env = "BANTER_MAX_CONNECTIONS_PER_ADDRESS",
        default_value_t = 1000
    )]
    pub max_connections_per_address: u32,

    /// How long one write to a WebSocket may take before the connection is
    /// closed as stuck (its client stopped reading), in milliseconds.
    #[arg(long, env = "BANTER_WRITE_TIMEOUT_MS", default_value_t = 10_000)]
    pub write_timeout_ms: u64,

    /// How long a client may take to send a request's headers, in
    /// milliseconds.
    #[arg(long, env = "BANTER_HEADER_TIMEOUT_MS", default_value_t = 10_000)]
    pub header_timeout_ms: u64,

    /// How long a whole HTTP request may take, body included, before it is
    /// answered with 408, in milliseconds.
    #[arg(long, env = "BANTER_REQUEST_TIMEOUT_MS", default_value_t = 30_000)]
    pub request_timeout_ms: u64,

    /// How long a graceful shutdown (SIGTERM, Ctrl-C) may take, in
    /// milliseconds: it stops accepting, closes every WebSocket with 1012
    /// (clients reconnect at once), lets requests finish, then exits; past
    /// this it exits anyway.
    #[arg(long, env = "BANTER_SHUTDOWN_TIMEOUT_MS", default_value_t = 10_000)]
    pub shutdown_timeout_ms: u64,

    /// Serve Prometheus metrics at `/metrics` on the main listener.
    #[arg(long, env = "BANTER_METRICS")]
    pub metrics: bool,

    /// Serve Prometheus metrics at `/metrics` (with `/healthz` and
    /// `/readyz`) on an address of their own, such as `127.0.0.1:9100`,
    /// off the public port.
    #[arg(long, env = "BANTER_METRICS_ADDR")]
    pub metrics_addr: Option<SocketAddr>,

    /// Who the push services may contact about Banter's pushes: a
    /// `mailto:` or `https:` URL, sent in every push's signature. Defaults
    /// to the public URL.
    #[arg(long, env = "BANTER_PUSH_CONTACT")]
    pub push_contact: Option<String>,

    /// Accept Web Push endpoints over plain `http` (for a local push
    /// service in tests; real push services are all `https`).
    #[arg(long, env = "BANTER_PUSH_ALLOW_HTTP")]
    pub push_allow_http: bool,

    /// How log lines are written: `text` for people, `json` for log
    /// shippers (one object per line). `RUST_LOG` picks what is logged.
    #[arg(long, env = "BANTER_LOG_FORMAT", value_enum, default_value_t = LogFormat::Text)]
    pub log_format: LogFormat,
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

    /// The contact put in every push's VAPID signature.
    pub fn push_contact(&self) -> String {
        match (&self.push_contact, &self.public_url) {
            (Some(contact), _) => contact.clone(),
            (None, Some(url)) => url.origin().ascii_serialization(),
            (None, None) => "mailto:admin@localhost".to_owned(),
        }
    }

    /// Whether Banter is served over HTTPS (so cookies must be `Secure`).
    pub fn is_https(&self) -> bool {
        self.public_url
            .as_ref()
            .is_some_and(|url| url.scheme() == "https")
    }

    /// A configuration for tests and tools: the defaults (those of the flags,
    /// and of the environment), with data in `dir`.
    pub fn for_data_dir(dir: impl Into<PathBuf>) -> Self {
        let mut config = Cli::try_parse_from(["banter"])
            .map(|cli| cli.config)
            .unwrap_or_else(|error| error.exit());
        config.data_dir = dir.into();
        config
    }

    /// How often files are collected.
    pub fn collect_files_every(&self) -> Duration {
        Duration::from_millis(self.collect_files_ms.max(1))
    }

    /// Where files' bytes are kept: `files` in the data directory.
    pub fn files_dir(&self) -> PathBuf {
        self.data_dir.join("files")
    }

    /// The presence grace delay.
    pub fn presence_grace(&self) -> Duration {
        Duration::from_millis(self.presence_grace_ms)
    }

    /// How long one write to a WebSocket may take.
    pub fn write_timeout(&self) -> Duration {
        Duration::from_millis(self.write_timeout_ms)
    }

    /// How long a client may take to send a request's headers.
    pub fn header_timeout(&self) -> Duration {
        Duration::from_millis(self.header_timeout_ms)
    }

    /// How long a whole HTTP request may take.
    pub fn request_timeout(&self) -> Duration {
        Duration::from_millis(self.request_timeout_ms)
    }

    /// How long a graceful shutdown may take.
    pub fn shutdown_timeout(&self) -> Duration {
        Duration::from_millis(self.shutdown_timeout_ms)
    }

    /// Whether metrics are recorded (and served somewhere).
    pub fn records_metrics(&self) -> bool {
        self.metrics || self.metrics_addr.is_some()
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
    fn rates_and_caps_have_defaults_a_person_never_meets() {
        let config = Config::for_data_dir("data");
        assert_eq!(config.rate_history.to_string(), "20/s");
        assert_eq!(config.rate_create_channel.to_string(), "20/h");
        assert_eq!(config.max_connections_per_user, 30);
        let parsed = Cli::try_parse_from(["banter", "--rate-history", "5/min"]).unwrap();
        assert_eq!(parsed.config.rate_history.to_string(), "5/min");
        assert!(Cli::try_parse_from(["banter", "--rate-history", "fast"]).is_err());
    }
}
