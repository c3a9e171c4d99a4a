//! What one client saw, and what all of them saw together.

use std::collections::HashMap;

/// The messages one client received in one channel, as a bitset of seqs
/// from the first one it saw: seqs are dense, so this stays tiny.
#[derive(Debug, Default)]
struct Seen {
    base: i64,
    bits: Vec<u64>,
    highest: i64,
}

impl Seen {
    /// Records `seq`; `None` if it was seen before, else whether it came
    /// after a higher one (out of order).
    fn record(&mut self, seq: i64) -> Option<bool> {
        if self.bits.is_empty() {
            self.base = seq;
            self.highest = seq;
        }
        if seq < self.base {
            // Older than the first one seen: shift the window down.
            let shift = usize::try_from(self.base - seq).unwrap_or(0).div_ceil(64);
            let mut bits = vec![0; shift];
            bits.append(&mut self.bits);
            self.bits = bits;
            self.base -= i64::try_from(shift * 64).unwrap_or(0);
        }
        let offset = usize::try_from(seq - self.base).unwrap_or(0);
        let (word, bit) = (offset / 64, offset % 64);
        if self.bits.len() <= word {
            self.bits.resize(word + 1, 0);
        }
        if self.bits[word] & (1 << bit) != 0 {
            return None;
        }
        self.bits[word] |= 1 << bit;
        let out_of_order = seq < self.highest;
        self.highest = self.highest.max(seq);
        Some(out_of_order)
    }
}

/// What one client saw.
#[derive(Debug, Default)]
pub struct ClientStats {
    seen: HashMap<i64, Seen>,
    /// Distinct messages received, per channel.
    pub delivered: HashMap<i64, u64>,
    pub duplicated: u64,
    pub out_of_order: u64,
    /// Send-to-receipt latencies, in microseconds.
    pub latencies: Vec<u32>,
    /// Those of messages sent through another node than this client's.
    pub cross_node_latencies: Vec<u32>,
    /// Send-to-acknowledgement latencies of this client's own sends.
    pub acks: Vec<u32>,
    /// This client's sends acknowledged, per channel.
    pub acked: HashMap<i64, u64>,
    /// Requests the server refused.
    pub refused: u64,
    /// Changes (edits, reactions) received, by channel and revision.
    changes: HashMap<i64, Seen>,
    pub changes_delivered: u64,
    pub changes_duplicated: u64,
    /// Send-to-receipt latencies of edits, in microseconds.
    pub edit_latencies: Vec<u32>,
    /// This client's changes the server made ("done").
    pub changes_acked: u64,
}

impl ClientStats {
    /// A message arrived; `cross_node` if it was sent through another node.
    pub fn message(
        &mut self,
        channel: i64,
        seq: i64,
        latency_micros: Option<u32>,
        cross_node: bool,
    ) {
        match self.seen.entry(channel).or_default().record(seq) {
            None => self.duplicated += 1,
            Some(out_of_order) => {
                *self.delivered.entry(channel).or_default() += 1;
                self.out_of_order += u64::from(out_of_order);
                if let Some(latency) = latency_micros {
                    self.latencies.push(latency);
                    if cross_node {
                        self.cross_node_latencies.push(latency);
                    }
                }
            }
        }
    }

    /// A change to a message arrived, at revision `rev` of its channel.
    pub fn change(&mut self, channel: i64, rev: i64, latency_micros: Option<u32>) {
        match self.changes.entry(channel).or_default().record(rev) {
            None => self.changes_duplicated += 1,
            Some(_) => {
                self.changes_delivered += 1;
                self.edit_latencies.extend(latency_micros);
            }
        }
    }

    /// One of this client's sends was acknowledged.
    pub fn acknowledged(&mut self, channel: i64, latency_micros: Option<u32>) {
        *self.acked.entry(channel).or_default() += 1;
        if let Some(latency) = latency_micros {
            self.acks.push(latency);
        }
    }
}

/// Latency percentiles, in milliseconds.
#[derive(Debug, Default, Clone, serde::Serialize)]
pub struct Percentiles {
    pub count: usize,
    pub p50_ms: f64,
    pub p95_ms: f64,
    pub p99_ms: f64,
    pub max_ms: f64,
}

impl Percentiles {
    pub fn of(mut micros: Vec<u32>) -> Self {
        if micros.is_empty() {
            return Self::default();
        }
        micros.sort_unstable();
        let at = |q: f64| {
            let index = ((micros.len() as f64 - 1.0) * q).round() as usize;
            f64::from(micros[index]) / 1000.0
        };
        Self {
            count: micros.len(),
            p50_ms: at(0.50),
            p95_ms: at(0.95),
            p99_ms: at(0.99),
            max_ms: at(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_duplicates_and_reordering() {
        let mut stats = ClientStats::default();
        for seq in [10, 11, 13, 12, 12, 14, 5] {
            stats.message(1, seq, Some(1000), seq == 13);
        }
        assert_eq!(stats.delivered[&1], 6);
        assert_eq!(stats.duplicated, 1);
        assert_eq!(stats.out_of_order, 2, "12 after 13, and 5");
        stats.message(1, 200, None, false);
        stats.message(1, 200, None, false);
        assert_eq!(stats.duplicated, 2);
        assert_eq!(stats.latencies.len(), 6);
        assert_eq!(stats.cross_node_latencies, [1000]);
    }

    #[test]
    fn counts_changes_by_revision() {
        let mut stats = ClientStats::default();
        stats.change(1, 7, Some(2000));
        stats.change(1, 9, None);
        stats.change(1, 7, Some(2000));
        assert_eq!((stats.changes_delivered, stats.changes_duplicated), (2, 1));
        assert_eq!(stats.edit_latencies, [2000]);
    }

    #[test]
    fn percentiles_of_a_sample() {
        let p = Percentiles::of((1..=1000).map(|ms| ms * 1000).collect());
        assert_eq!((p.p50_ms, p.p99_ms, p.max_ms), (501.0, 990.0, 1000.0));
        assert_eq!(Percentiles::of(vec![]).count, 0);
    }
}
