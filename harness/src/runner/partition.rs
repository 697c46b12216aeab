//! `--partition k/n`: one of n CI jobs runs every n-th selected scenario, as nextest's
//! `count:k/n` does. A scenario's client modes stay together, so a job's verdict on a scenario
//! is the whole verdict; selection comes first, so the n jobs cover exactly what one run would.

use std::fmt;
use std::str::FromStr;

/// Job `index` (1-based) of `count`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Partition {
    index: usize,
    count: usize,
}

/// Why a `--partition` value was refused.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum PartitionError {
    /// Not `k/n` (or `count:k/n`).
    #[error("expected k/n (e.g. 2/4), got {0:?}")]
    Syntax(String),
    /// `k` or `n` out of range.
    #[error("k must be between 1 and n, and n at least 1; got {index}/{count}")]
    Range {
        /// k.
        index: usize,
        /// n.
        count: usize,
    },
}

impl Partition {
    /// Job `index` of `count`, both counted from 1.
    pub fn new(index: usize, count: usize) -> Result<Partition, PartitionError> {
        if count == 0 || index == 0 || index > count {
            return Err(PartitionError::Range { index, count });
        }
        Ok(Partition { index, count })
    }

    /// Whether the `position`-th selected scenario (from 0) is this job's.
    pub fn takes(self, position: usize) -> bool {
        position % self.count == self.index - 1
    }
}

impl FromStr for Partition {
    type Err = PartitionError;

    fn from_str(s: &str) -> Result<Partition, PartitionError> {
        let bare = s.strip_prefix("count:").unwrap_or(s);
        let syntax = || PartitionError::Syntax(s.to_owned());
        let (k, n) = bare.split_once('/').ok_or_else(syntax)?;
        let k = k.trim().parse().map_err(|_| syntax())?;
        let n = n.trim().parse().map_err(|_| syntax())?;
        Partition::new(k, n)
    }
}

impl fmt::Display for Partition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.index, self.count)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_jobs_of_a_partition_take_each_scenario_exactly_once() {
        for count in 1..=5 {
            for position in 0..23 {
                let takers = (1..=count)
                    .filter(|&k| Partition::new(k, count).unwrap().takes(position))
                    .count();
                assert_eq!(takers, 1, "position {position} of {count} jobs");
            }
        }
    }

    #[test]
    fn partitions_parse_as_nextest_writes_them() {
        assert_eq!("2/4".parse(), Partition::new(2, 4));
        assert_eq!("count:1/3".parse(), Partition::new(1, 3));
        assert_eq!("2/4".parse::<Partition>().unwrap().to_string(), "2/4");
        for bad in ["0/3", "4/3", "1/0"] {
            assert!(matches!(
                bad.parse::<Partition>(),
                Err(PartitionError::Range { .. })
            ));
        }
        for bad in ["", "3", "a/b", "hash:1/2", "1/2/3"] {
            assert!(
                matches!(bad.parse::<Partition>(), Err(PartitionError::Syntax(_))),
                "{bad}"
            );
        }
    }
}
