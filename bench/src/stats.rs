//! Pure helpers: percentiles, a deterministic pseudo-random sequence, and how figures are
//! written in the table.

use std::time::Duration;

/// The `p`th percentile (0 < p <= 100) of sorted samples, by the nearest-rank method: the
/// smallest sample such that at least `p`% of all samples are at or below it. `None` when
/// there are no samples.
pub(crate) fn percentile(sorted: &[u64], p: f64) -> Option<u64> {
    if sorted.is_empty() {
        return None;
    }
    let n = sorted.len();
    let rank = ((p / 100.0) * n as f64).ceil() as usize;
    Some(sorted[rank.clamp(1, n) - 1])
}

/// Median and 99th percentile of latencies in nanoseconds (sorts them in place).
pub(crate) fn latency_summary(samples: &mut [u64]) -> (u64, u64) {
    samples.sort_unstable();
    (
        percentile(samples, 50.0).unwrap_or(0),
        percentile(samples, 99.0).unwrap_or(0),
    )
}

/// SplitMix64: a tiny deterministic generator, so runs pick the same "random" users.
#[derive(Clone, Debug)]
pub(crate) struct SplitMix(u64);

impl SplitMix {
    pub(crate) fn new(seed: u64) -> Self {
        SplitMix(seed)
    }

    pub(crate) fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n` (`n` > 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }
}

/// A latency in nanoseconds, with three significant figures: `812 ns`, `41.3 µs`, `1.25 ms`.
pub(crate) fn fmt_latency(ns: u64) -> String {
    let (v, unit) = if ns < 1_000 {
        return format!("{ns} ns");
    } else if ns < 1_000_000 {
        (ns as f64 / 1e3, "µs")
    } else if ns < 1_000_000_000 {
        (ns as f64 / 1e6, "ms")
    } else {
        (ns as f64 / 1e9, "s")
    };
    format!("{} {unit}", three_figures(v))
}

/// A duration, as [`fmt_latency`] writes it.
pub(crate) fn fmt_duration(d: Duration) -> String {
    fmt_latency(u64::try_from(d.as_nanos()).unwrap_or(u64::MAX))
}

fn three_figures(v: f64) -> String {
    if v >= 100.0 {
        format!("{v:.0}")
    } else if v >= 10.0 {
        format!("{v:.1}")
    } else {
        format!("{v:.2}")
    }
}

/// A rate, rounded, with thousands separators: `48,213`.
pub(crate) fn fmt_rate(per_sec: f64) -> String {
    group_thousands(per_sec.round().max(0.0) as u64)
}

/// An integer with thousands separators.
pub(crate) fn group_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// A ratio as a percentage: `0.634` is `63%`; under 10%, one decimal: `0.0038` is `0.4%`.
pub(crate) fn fmt_percent(ratio: f64) -> String {
    let p = ratio * 100.0;
    if p < 9.95 {
        format!("{p:.1}%")
    } else {
        format!("{p:.0}%")
    }
}

/// A ratio as a factor: `1.42x`.
pub(crate) fn fmt_factor(ratio: f64) -> String {
    format!("{ratio:.2}x")
}

/// Bytes in MiB: `612 MiB`.
pub(crate) fn fmt_mib(bytes: u64) -> String {
    format!(
        "{} MiB",
        group_thousands((bytes as f64 / 1_048_576.0).round() as u64)
    )
}

/// A Markdown table: a header row, the separator, and each row, cells padded to their
/// column's width (counted in characters) so the text form reads as a table too.
pub(crate) fn table(header: &[&str], rows: &[Vec<String>]) -> String {
    let cols = header.len();
    // At least 3, the separator's `---`.
    let mut widths: Vec<usize> = header.iter().map(|h| h.chars().count().max(3)).collect();
    for row in rows {
        for (i, cell) in row.iter().enumerate().take(cols) {
            widths[i] = widths[i].max(cell.chars().count());
        }
    }
    let line = |cells: Vec<&str>| {
        let mut s = String::from("|");
        for (i, w) in widths.iter().enumerate() {
            let cell = cells.get(i).copied().unwrap_or("");
            let pad = w.saturating_sub(cell.chars().count());
            s.push(' ');
            s.push_str(cell);
            s.push_str(&" ".repeat(pad));
            s.push_str(" |");
        }
        s.push('\n');
        s
    };
    let mut out = line(header.to_vec());
    out.push_str(&line(widths.iter().map(|_| "---").collect()));
    for row in rows {
        out.push_str(&line(row.iter().map(String::as_str).collect()));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_use_the_nearest_rank() {
        let samples: Vec<u64> = (1..=100).collect();
        assert_eq!(percentile(&samples, 50.0), Some(50));
        assert_eq!(percentile(&samples, 99.0), Some(99));
        assert_eq!(percentile(&samples, 100.0), Some(100));
        assert_eq!(percentile(&[7], 50.0), Some(7));
        assert_eq!(percentile(&[1, 2, 3, 4], 50.0), Some(2));
        assert_eq!(percentile(&[1, 2, 3, 4], 99.0), Some(4));
        assert_eq!(percentile(&[1, 2, 3, 4], 0.0), Some(1));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn latency_summary_sorts_first() {
        let mut samples = vec![900, 100, 500, 300, 700];
        assert_eq!(latency_summary(&mut samples), (500, 900));
        assert_eq!(latency_summary(&mut []), (0, 0));
    }

    #[test]
    fn figures_are_written_for_reading() {
        assert_eq!(fmt_latency(812), "812 ns");
        assert_eq!(fmt_latency(41_320), "41.3 µs");
        assert_eq!(fmt_latency(1_254_000), "1.25 ms");
        assert_eq!(fmt_latency(312_000_000), "312 ms");
        assert_eq!(fmt_latency(2_500_000_000), "2.50 s");
        assert_eq!(fmt_rate(48_212.6), "48,213");
        assert_eq!(fmt_rate(999.0), "999");
        assert_eq!(group_thousands(1_000_000), "1,000,000");
        assert_eq!(fmt_percent(0.634), "63%");
        assert_eq!(fmt_percent(1.0), "100%");
        assert_eq!(fmt_percent(0.0038), "0.4%");
        assert_eq!(fmt_percent(0.0996), "10%");
        assert_eq!(fmt_factor(1.4249), "1.42x");
        assert_eq!(fmt_mib(612 * 1_048_576), "612 MiB");
    }

    #[test]
    fn tables_pad_cells_to_their_column() {
        let t = table(&["a", "bb"], &[vec!["xyz".into(), "µ".into()]]);
        assert_eq!(t, "| a   | bb  |\n| --- | --- |\n| xyz | µ   |\n");
    }

    #[test]
    fn the_generator_is_deterministic_and_bounded() {
        let mut a = SplitMix::new(7);
        let mut b = SplitMix::new(7);
        for _ in 0..100 {
            let x = a.below(10);
            assert_eq!(x, b.below(10));
            assert!(x < 10);
        }
    }
}
