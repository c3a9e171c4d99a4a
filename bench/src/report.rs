//! The report: a table for people, JSON for tools.

use std::{path::Path, time::Duration};

use crate::{
    cli::Plan,
    run::{Samples, Tally},
    stats::Percentiles,
};

#[derive(Debug, serde::Serialize)]
pub struct Report {
    pub plan: Plan,
    pub tally: Tally,
    pub sent: u64,
    pub connect_secs: f64,
    pub connects_per_sec: f64,
    pub connect_latency: Percentiles,
    pub deliveries_per_sec: f64,
    /// Server memory growth per connection, from idle to connected.
    pub rss_per_connection_kib: Option<f64>,
    /// Server CPU time per delivered message, while sending.
    pub cpu_per_delivery_us: Option<f64>,
    /// Server CPU use while sending, in cores.
    pub cpu_cores: Option<f64>,
    pub samples: Samples,
}

impl Report {
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        plan: &Plan,
        tally: Tally,
        sent: u64,
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
        let cpu = match (samples.before_sending, samples.after_sending) {
            (Some(before), Some(after)) => Some(after.cpu.saturating_sub(before.cpu)),
            _ => None,
        };
        let report = Self {
            plan: plan.clone(),
            sent,
            connect_secs: connect.as_secs_f64(),
            connects_per_sec: clients / connect.as_secs_f64().max(1e-9),
            connect_latency,
            deliveries_per_sec: tally.delivered as f64 / sending.as_secs_f64().max(1e-9),
            rss_per_connection_kib,
            cpu_per_delivery_us: cpu
                .filter(|_| tally.delivered > 0)
                .map(|cpu| cpu.as_secs_f64() * 1e6 / tally.delivered as f64),
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
        let rows = [
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
            (
                "latency p50 / p95 / p99 / max",
                format!(
                    "{:.1} / {:.1} / {:.1} / {:.1} ms",
                    t.latency.p50_ms, t.latency.p95_ms, t.latency.p99_ms, t.latency.max_ms
                ),
            ),
            (
                "ack p50 / p95 / p99 / max",
                format!(
                    "{:.1} / {:.1} / {:.1} / {:.1} ms",
                    t.ack_latency.p50_ms,
                    t.ack_latency.p95_ms,
                    t.ack_latency.p99_ms,
                    t.ack_latency.max_ms
                ),
            ),
            ("server CPU / delivery", opt(self.cpu_per_delivery_us, "µs")),
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
        ];
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
