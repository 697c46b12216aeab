//! What the machine and this process look like, from `/proc` (Linux). Everything degrades to
//! `None` elsewhere.

use serde::Serialize;

/// A field of `/proc/self/status` in bytes (`VmHWM`, `VmRSS`).
pub(crate) fn status_bytes(field: &str) -> Option<u64> {
    let text = std::fs::read_to_string("/proc/self/status").ok()?;
    parse_status_kib(&text, field).map(|kib| kib * 1024)
}

/// Peak resident memory of this process so far.
pub(crate) fn peak_rss() -> Option<u64> {
    status_bytes("VmHWM")
}

/// Resets this process's peak resident memory to what it holds now (Linux's
/// `/proc/self/clear_refs`), so that a later [`peak_rss`] measures only what came after.
pub(crate) fn reset_peak() -> bool {
    std::fs::write("/proc/self/clear_refs", "5").is_ok()
}

/// Resident memory of this process now.
pub(crate) fn rss() -> Option<u64> {
    status_bytes("VmRSS")
}

fn parse_status_kib(text: &str, field: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let rest = l.strip_prefix(field)?.strip_prefix(':')?;
        rest.split_whitespace().next()?.parse().ok()
    })
}

/// CPU time (user + system) in seconds used so far by this process's threads named `name`
/// (tokio names its worker and blocking threads after the runtime's `thread_name`).
pub(crate) fn thread_cpu_secs(name: &str) -> Option<f64> {
    let mut ticks = 0u64;
    let mut found = false;
    for entry in std::fs::read_dir("/proc/self/task").ok()?.flatten() {
        let dir = entry.path();
        let Ok(comm) = std::fs::read_to_string(dir.join("comm")) else {
            continue;
        };
        if comm.trim_end() != name {
            continue;
        }
        if let Some(t) = std::fs::read_to_string(dir.join("stat"))
            .ok()
            .and_then(|s| stat_ticks(&s))
        {
            ticks += t;
            found = true;
        }
    }
    // USER_HZ is 100 on every Linux architecture that matters here.
    found.then(|| ticks as f64 / 100.0)
}

/// CPU time (user + system) in seconds used so far by process `pid`, all its threads.
pub(crate) fn process_cpu_secs(pid: u32) -> Option<f64> {
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).ok()?;
    stat_ticks(&stat).map(|t| t as f64 / 100.0)
}

/// `utime + stime` from a `/proc/.../stat` line. The command name (field 2) is in
/// parentheses and may contain spaces, so fields are counted after the last `)`.
fn stat_ticks(stat: &str) -> Option<u64> {
    let after = &stat[stat.rfind(')')? + 1..];
    let fields: Vec<&str> = after.split_whitespace().collect();
    // After ")": state is field 3, so utime (14) and stime (15) are at 11 and 12.
    let utime: u64 = fields.get(11)?.parse().ok()?;
    let stime: u64 = fields.get(12)?.parse().ok()?;
    Some(utime + stime)
}

/// CPU ticks (1/100 s) the whole machine spent busy so far (`/proc/stat`: everything but
/// idle and iowait, steal included), and this process's own (`/proc/self/stat`).
pub(crate) fn busy_ticks() -> Option<(u64, u64)> {
    let machine = std::fs::read_to_string("/proc/stat").ok()?;
    let own = std::fs::read_to_string("/proc/self/stat").ok()?;
    Some((machine_busy(&machine)?, stat_ticks(&own)?))
}

/// CPU used by other processes since it was started, for reporting interference.
#[derive(Clone, Copy, Debug)]
pub(crate) struct OtherLoad {
    at: std::time::Instant,
    ticks: Option<(u64, u64)>,
}

impl OtherLoad {
    pub(crate) fn start() -> OtherLoad {
        OtherLoad {
            at: std::time::Instant::now(),
            ticks: busy_ticks(),
        }
    }

    /// Cores' worth of CPU used outside this process since `start` (steal included).
    pub(crate) fn cores(&self) -> Option<f64> {
        let (m0, s0) = self.ticks?;
        let (m1, s1) = busy_ticks()?;
        let secs = self.at.elapsed().as_secs_f64();
        let others = m1.saturating_sub(m0).saturating_sub(s1.saturating_sub(s0));
        Some(others as f64 / 100.0 / secs.max(1e-3))
    }
}

fn machine_busy(proc_stat: &str) -> Option<u64> {
    let line = proc_stat.lines().find(|l| l.starts_with("cpu "))?;
    let v: Vec<u64> = line
        .split_whitespace()
        .skip(1)
        .map(|x| x.parse().unwrap_or(0))
        .collect();
    // user nice system idle iowait irq softirq steal (guest time is inside user).
    let total: u64 = v.iter().take(8).sum();
    Some(total - v.get(3)? - v.get(4).copied().unwrap_or(0))
}

/// The machine the run happened on.
#[derive(Clone, Debug, Serialize)]
pub(crate) struct Machine {
    pub(crate) cores: usize,
    pub(crate) memory_bytes: Option<u64>,
    pub(crate) cpu: Option<String>,
    pub(crate) os: String,
}

impl Machine {
    pub(crate) fn detect() -> Machine {
        let memory_bytes = std::fs::read_to_string("/proc/meminfo")
            .ok()
            .and_then(|t| parse_status_kib(&t, "MemTotal"))
            .map(|kib| kib * 1024);
        let cpu = std::fs::read_to_string("/proc/cpuinfo").ok().and_then(|t| {
            t.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, v)| v.trim().to_owned())
        });
        Machine {
            cores: std::thread::available_parallelism().map_or(1, |n| n.get()),
            memory_bytes,
            cpu,
            os: std::env::consts::OS.to_owned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn status_fields_are_read_in_kib() {
        let text = "Name:\tx\nVmHWM:\t  1688 kB\nVmRSS:\t  1500 kB\n";
        assert_eq!(parse_status_kib(text, "VmHWM"), Some(1688));
        assert_eq!(parse_status_kib(text, "VmRSS"), Some(1500));
        assert_eq!(parse_status_kib(text, "VmPeak"), None);
    }

    #[test]
    fn machine_busy_leaves_out_idle_and_iowait() {
        let text = "cpu  100 1 50 1000 7 2 3 4 0 0\ncpu0 1 2 3 4 5 6 7 8 0 0\n";
        assert_eq!(machine_busy(text), Some(160));
    }

    #[test]
    fn stat_ticks_skip_the_command_name() {
        let stat = "11808 (a (b) c) R 1 2 3 4 5 6 7 8 9 10 52 1 0 0 20 0 1 0";
        assert_eq!(stat_ticks(stat), Some(53));
    }
}
