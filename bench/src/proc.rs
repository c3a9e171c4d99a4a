//! The server process's memory and CPU time, read from `/proc`.

use std::time::Duration;

/// One reading of a process.
#[derive(Debug, Clone, Copy, Default, serde::Serialize)]
pub struct Sample {
    /// Resident memory, in KiB.
    pub rss_kib: u64,
    /// User plus system CPU time consumed so far.
    #[serde(serialize_with = "as_secs")]
    pub cpu: Duration,
    /// The part of `cpu` spent in the process's own code (the rest is the
    /// kernel's, on its behalf: sockets, mostly).
    #[serde(serialize_with = "as_secs")]
    pub user: Duration,
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// The resident memory and CPU time of `pids` added up; `None` without a
/// pid or when one of them is gone.
pub fn sample(pids: &[u32]) -> Option<Sample> {
    let mut total: Option<Sample> = None;
    for pid in pids {
        let one = sample_one(*pid)?;
        let sum = total.get_or_insert_with(Sample::default);
        sum.rss_kib += one.rss_kib;
        sum.cpu += one.cpu;
        sum.user += one.user;
    }
    total
}

/// Reads one process's resident memory and CPU time.
fn sample_one(pid: u32) -> Option<Sample> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let rss_kib = status
        .lines()
        .find_map(|line| line.strip_prefix("VmRSS:"))
        .and_then(|value| value.split_whitespace().next())
        .and_then(|kib| kib.parse().ok())?;
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    // Fields after the command name (which may hold spaces) start after ')'.
    let fields: Vec<&str> = stat.rsplit_once(')')?.1.split_whitespace().collect();
    // utime and stime are fields 14 and 15 of the line, 12 and 13 here, in
    // clock ticks of 1/100 s (USER_HZ, which Linux fixes at 100).
    let user: u64 = fields.get(11)?.parse().ok()?;
    let system: u64 = fields.get(12)?.parse().ok()?;
    Some(Sample {
        rss_kib,
        cpu: Duration::from_millis((user + system) * 10),
        user: Duration::from_millis(user * 10),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_this_process() {
        let me = std::process::id();
        let one = super::sample(&[me]).expect("a sample");
        assert!(one.rss_kib > 0);
        let twice = super::sample(&[me, me]).expect("a sample");
        assert!(twice.rss_kib >= 2 * one.rss_kib - one.rss_kib / 2);
        assert!(super::sample(&[]).is_none());
    }
}
