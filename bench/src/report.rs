//! The report: a table for people, JSON for tools.

use std::{collections::HashMap, path::Path, time::Duration};

use crate::{
    cli::Plan,
    proc,
    stats::{ClientStats, Percentiles},
};

#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub plan: Plan,
    pub tally: Tally,
    pub sent: u64,
    /// Edits and reactions sent (the changes scenario).
    pub changes_sent: u64,
    pub connect_secs: f64,
    pub connects_per_sec: f64,
    pub connect_latency: Percentiles,
    pub deliveries_per_sec: f64,
    /// Server memory growth per connection, from idle to connected.
    pub rss_per_connection_kib: Option<f64>,
    /// Server CPU time per delivered message, while sending.
    pub cpu_per_delivery_us: Option<f64>,
    /// The part of it in the server's own code (the rest is in the kernel).
    pub user_cpu_per_delivery_us: Option<f64>,
    /// Server CPU use while sending, in cores.
    pub cpu_cores: Option<f64>,
    pub samples: Samples,
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: &Plan,
        tally: Tally,
        (sent, changes_sent): (u64, u64),
        samples: Samples,
        connect: Duration,
        connect_latency: Percentiles,
        sending: Duration,
        json: Option<&Path>,
    ) -> Self {
        let clients = plan.clients as f64;
        let rss_per_connection_kib = match (samples.idle, samples.end.or(samples.connected)) {
            (Some(idle), Some(connected)) if plan.clients > 0 => {
                Some((connected.rss_kib as f64 - idle.rss_kib as f64) / clients)
            }
            _ => None,
        };
        let (cpu, user) = match (samples.before_sending, samples.after_sending) {
            (Some(before), Some(after)) => (
                Some(after.cpu.saturating_sub(before.cpu)),
                Some(after.user.saturating_sub(before.user)),
            ),
            _ => (None, None),
        };
        // Messages and changes alike: each is one frame to one member.
        let deliveries = tally.delivered + tally.changes_delivered;
        let per_delivery = |cpu: Option<Duration>| {
            cpu.filter(|_| deliveries > 0)
                .map(|cpu| cpu.as_secs_f64() * 1e6 / deliveries as f64)
        };
        let report = Self {
            plan: plan.clone(),
            sent,
            changes_sent,
            connect_secs: connect.as_secs_f64(),
            connects_per_sec: clients / connect.as_secs_f64().max(1e-9),
            connect_latency,
            deliveries_per_sec: tally.delivered as f64 / sending.as_secs_f64().max(1e-9),
            rss_per_connection_kib,
            cpu_per_delivery_us: per_delivery(cpu),
            user_cpu_per_delivery_us: per_delivery(user),
            cpu_cores: cpu.map(|cpu| cpu.as_secs_f64() / sending.as_secs_f64().max(1e-9)),
            tally,
            samples,
        };
        if let Some(path) = json {
            match serde_json::to_string_pretty(&report) {
                Ok(text) => {
                    if let Err(error) = std::fs::write(path, text) {
                        eprintln!("cannot write {path:?}: {error}");
                    }
                }
                Err(error) => eprintln!("cannot serialise the report: {error}"),
            }
        }
        report
    }

    /// The report as a table.
    pub fn table(&self) -> String {
        let t = &self.tally;
        let opt =
            |v: Option<f64>, unit: &str| v.map_or("n/a".to_owned(), |v| format!("{v:.2} {unit}"));
        let mut rows = vec![
            ("scenario", format!("{:?}", self.plan.scenario)),
            ("clients", self.plan.clients.to_string()),
            (
                "connect",
                format!(
                    "{:.2} s ({:.0}/s, p99 {:.0} ms)",
                    self.connect_secs, self.connects_per_sec, self.connect_latency.p99_ms
                ),
            ),
            (
                "server RSS / connection",
                opt(self.rss_per_connection_kib, "KiB"),
            ),
            (
                "senders × rate",
                format!("{} × {} msg/s total", self.plan.senders, self.plan.rate),
            ),
            (
                "sent / acknowledged / refused",
                format!("{} / {} / {}", self.sent, t.acked, t.refused),
            ),
            (
                "expected / delivered",
                format!("{} / {}", t.expected, t.delivered),
            ),
            (
                "lost / duplicated / out of order",
                format!("{} / {} / {}", t.lost, t.duplicated, t.out_of_order),
            ),
            ("deliveries / s", format!("{:.0}", self.deliveries_per_sec)),
            ("latency p50 / p95 / p99 / max", percentiles(&t.latency)),
            (
                "cross-node p50 / p95 / p99 / max",
                match t.cross_node_latency.count {
                    0 => "n/a (one node)".to_owned(),
                    _ => percentiles(&t.cross_node_latency),
                },
            ),
            ("ack p50 / p95 / p99 / max", percentiles(&t.ack_latency)),
        ];
        if self.plan.reaction_rate > 0 || self.plan.edit_rate > 0 {
            rows.extend([
                (
                    "reactions × rate, edits rate",
                    format!(
                        "{} × {} /s total, {} /s",
                        self.plan.reactors, self.plan.reaction_rate, self.plan.edit_rate
                    ),
                ),
                (
                    "changes sent / done",
                    format!("{} / {}", self.changes_sent, t.changes_acked),
                ),
                (
                    "changes expected / delivered",
                    format!("{} / {}", t.changes_expected, t.changes_delivered),
                ),
                (
                    "changes lost / duplicated",
                    format!("{} / {}", t.changes_lost, t.changes_duplicated),
                ),
                ("edit p50 / p95 / p99 / max", percentiles(&t.edit_latency)),
            ]);
        }
        rows.extend([
            (
                "server CPU / delivery",
                match (self.cpu_per_delivery_us, self.user_cpu_per_delivery_us) {
                    (Some(all), Some(user)) => {
                        format!("{all:.2} µs (user {user:.2}, kernel {:.2})", all - user)
                    }
                    _ => "n/a".to_owned(),
                },
            ),
            ("server CPU while sending", opt(self.cpu_cores, "cores")),
            (
                "server RSS idle / connected / end",
                format!(
                    "{} / {} / {} KiB",
                    self.samples.idle.map_or(0, |s| s.rss_kib),
                    self.samples.connected.map_or(0, |s| s.rss_kib),
                    self.samples.end.map_or(0, |s| s.rss_kib),
                ),
            ),
        ]);
        let width = rows
            .iter()
            .map(|(k, _)| k.chars().count())
            .max()
            .unwrap_or(0);
        rows.iter()
            .map(|(k, v)| format!("{k:<width$}  {v}"))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// Latency percentiles as a table cell.
fn percentiles(p: &Percentiles) -> String {
    format!(
        "{:.1} / {:.1} / {:.1} / {:.1} ms",
        p.p50_ms, p.p95_ms, p.p99_ms, p.max_ms
    )
}

/// Server readings at the points of a run.
#[derive(Debug, Clone, Copy, serde::Serialize)]
pub struct Samples {
    pub idle: Option<proc::Sample>,
    pub connected: Option<proc::Sample>,
    pub before_sending: Option<proc::Sample>,
    pub after_sending: Option<proc::Sample>,
    pub end: Option<proc::Sample>,
}

/// What every receiver saw, added up.
#[derive(Debug, Default, serde::Serialize)]
pub struct Tally {
    pub acked: u64,
    pub refused: u64,
    pub expected: u64,
    pub delivered: u64,
    pub lost: u64,
    pub duplicated: u64,
    pub out_of_order: u64,
    pub latency: Percentiles,
    /// The latency of messages received through another node than the one
    /// they were sent to (only with several nodes).
    pub cross_node_latency: Percentiles,
    pub ack_latency: Percentiles,
    /// Changes (edits, reactions) the server made, each for every member
    /// of General.
    pub changes_acked: u64,
    pub changes_expected: u64,
    pub changes_delivered: u64,
    pub changes_lost: u64,
    pub changes_duplicated: u64,
    pub edit_latency: Percentiles,
}

impl Tally {
    pub fn of(stats: &[ClientStats], listeners: &HashMap<i64, u64>) -> Self {
        let mut acked_per_channel: HashMap<i64, u64> = HashMap::new();
        let mut tally = Tally::default();
        let (mut latencies, mut cross_node, mut acks) = (Vec::new(), Vec::new(), Vec::new());
        let mut edits = Vec::new();
        for client in stats {
            for (channel, n) in &client.acked {
                *acked_per_channel.entry(*channel).or_default() += n;
            }
            tally.delivered += client.delivered.values().sum::<u64>();
            tally.duplicated += client.duplicated;
            tally.out_of_order += client.out_of_order;
            tally.refused += client.refused;
            latencies.extend_from_slice(&client.latencies);
            cross_node.extend_from_slice(&client.cross_node_latencies);
            acks.extend_from_slice(&client.acks);
            tally.changes_acked += client.changes_acked;
            tally.changes_delivered += client.changes_delivered;
            tally.changes_duplicated += client.changes_duplicated;
            edits.extend_from_slice(&client.edit_latencies);
        }
        // Every change is to a message of General, where everyone is.
        let general = listeners.get(&app::model::ChannelId::GENERAL.0);
        tally.changes_expected = tally.changes_acked * general.copied().unwrap_or(0);
        tally.changes_lost = tally
            .changes_expected
            .saturating_sub(tally.changes_delivered);
        tally.edit_latency = Percentiles::of(edits);
        tally.acked = acked_per_channel.values().sum();
        tally.expected = acked_per_channel
            .iter()
            .map(|(channel, n)| n * listeners.get(channel).copied().unwrap_or(0))
            .sum();
        tally.lost = tally.expected.saturating_sub(tally.delivered);
        tally.latency = Percentiles::of(latencies);
        tally.cross_node_latency = Percentiles::of(cross_node);
        tally.ack_latency = Percentiles::of(acks);
        tally
    }
}
