//! The scenarios of the load generator and their options.

use std::path::PathBuf;

use clap::{Args, Parser, ValueEnum};

/// Load Banter and measure it.
#[derive(Debug, Parser)]
#[command(name = "banter-load", version)]
pub struct Cli {
    #[command(flatten)]
    pub options: Options,
}

/// What to run.
#[derive(Debug, Clone, Args)]
pub struct Options {
    /// The scenario; each sets defaults that the options below override.
    #[arg(value_enum)]
    pub scenario: Scenario,
    /// The server's base URL; several (comma-separated) are nodes of one
    /// cluster, and the clients are spread over them in turn.
    #[arg(long, value_delimiter = ',', default_value = "http://127.0.0.1:3000")]
    pub url: Vec<url::Url>,
    /// The sessions file written by `banter seed`.
    #[arg(long, default_value = "sessions.txt")]
    pub sessions: PathBuf,
    /// The server's process id, to sample its memory and CPU; several
    /// (comma-separated, one per node) are added up.
    #[arg(long, value_delimiter = ',')]
    pub pid: Vec<u32>,
    /// How many clients connect (default: the scenario's).
    #[arg(long)]
    pub clients: Option<usize>,
    /// How many of them send (default: the scenario's).
    #[arg(long)]
    pub senders: Option<usize>,
    /// Messages per second, in total across senders.
    #[arg(long)]
    pub rate: Option<u32>,
    /// Reactions per second, in total (default: the scenario's).
    #[arg(long)]
    pub reaction_rate: Option<u32>,
    /// Edits per second, in total, by the senders (default: the scenario's).
    #[arg(long)]
    pub edit_rate: Option<u32>,
    /// How long to send (or, idle, to hold the connections), in seconds.
    #[arg(long)]
    pub duration: Option<u64>,
    /// Connections opened at once while connecting (0: all at once).
    #[arg(long)]
    pub connect_concurrency: Option<usize>,
    /// Spread client sockets over this many loopback source addresses
    /// (127.0.0.1, 127.0.0.2, …): each has its own ~28,000 ephemeral ports,
    /// and a previous run's closed sockets hold theirs for a minute. The
    /// server admits at most 1,000 sockets per address by default, so 20
    /// addresses carry the 19,000 of the crowd scenario.
    #[arg(long, default_value_t = 20)]
    pub source_ips: u8,

    /// Search: how many times each query is timed.
    #[arg(long, default_value_t = 200)]
    pub rounds: usize,

    /// Where to write the report as JSON.
    #[arg(long)]
    pub json: Option<PathBuf>,
}

/// The scenarios of the performance budget.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Scenario {
    /// Hold many idle connections and measure memory per connection.
    Idle,
    /// Clients in many channels; senders spread over them.
    Rooms,
    /// Every client in General; a few senders.
    BigRoom,
    /// Many senders, measuring acknowledgement latency.
    Writes,
    /// Every client connects at once; time until all are online.
    Storm,
    /// As many idle clients as the open-file limit allows (19,000 of
    /// 20,000), all in General, then one message a second to all of them:
    /// memory per connection, and how long until the last one has it.
    Crowd,
    /// The big room with changes on top: reactions to the newest message
    /// by 50 members, and edits by the senders of their own.
    Reactions,
    /// Typical searches over a seeded history (`banter seed --varied`),
    /// one at a time: latency per query (no WebSockets).
    Search,
}

/// A scenario's parameters, defaults filled in.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Plan {
    pub scenario: Scenario,
    pub clients: usize,
    pub senders: usize,
    pub rate: u32,
    pub duration_secs: u64,
    pub connect_concurrency: usize,
    /// Whether clients listen in General rather than their seeded channel.
    pub general: bool,
    /// Clients (after the senders) that react, and the reactions per
    /// second they make in total.
    pub reactors: usize,
    pub reaction_rate: u32,
    /// Edits per second, in total, by the senders.
    pub edit_rate: u32,
}

impl Options {
    /// The plan: the scenario's defaults (the performance budget), with the
    /// options given on the command line.
    pub fn plan(&self) -> Plan {
        let (clients, senders, rate, duration, concurrency, general) = match self.scenario {
            Scenario::Idle => (15_000, 0, 0, 60, 512, true),
            Scenario::Rooms => (5_000, 500, 500, 30, 512, false),
            Scenario::BigRoom => (5_000, 20, 20, 30, 512, true),
            Scenario::Writes => (200, 200, 2_000, 30, 200, false),
            Scenario::Storm => (5_000, 0, 0, 0, 0, true),
            Scenario::Crowd => (19_000, 1, 1, 5, 512, true),
            Scenario::Reactions => (5_000, 20, 20, 30, 512, true),
            Scenario::Search => (0, 0, 0, 0, 0, true),
        };
        // Each member may make 10 changes a second (like sends): 50
        // reactors at 2 a second each.
        let (reactors, reaction_rate, edit_rate) = match self.scenario {
            Scenario::Reactions => (50, 100, 20),
            _ => (0, 0, 0),
        };
        let reaction_rate = self.reaction_rate.unwrap_or(reaction_rate);
        Plan {
            scenario: self.scenario,
            clients: self.clients.unwrap_or(clients),
            senders: self.senders.unwrap_or(senders),
            rate: self.rate.unwrap_or(rate),
            duration_secs: self.duration.unwrap_or(duration),
            connect_concurrency: self.connect_concurrency.unwrap_or(concurrency),
            general,
            reactors: if reaction_rate > 0 {
                reactors.max(1)
            } else {
                0
            },
            reaction_rate,
            edit_rate: self.edit_rate.unwrap_or(edit_rate),
        }
    }
}
