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
}

fn as_secs<S: serde::Serializer>(d: &Duration, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_f64(d.as_secs_f64())
}

/// Reads `pid`'s resident memory and CPU time; `None` without a pid or
/// when the process is gone.
pub fn sample(pid: Option<u32>) -> Option<Sample> {
    let pid = pid?;
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
    let ticks: u64 = fields.get(11)?.parse::<u64>().ok()? + fields.get(12)?.parse::<u64>().ok()?;
    Some(Sample {
        rss_kib,
        cpu: Duration::from_millis(ticks * 10),
    })
}

#[cfg(test)]
mod tests {
    #[test]
    fn reads_this_process() {
        let sample = super::sample(Some(std::process::id())).expect("a sample");
        assert!(sample.rss_kib > 0);
    }
}
