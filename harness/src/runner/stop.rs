//! Ending a run early, and saying why: the target stopped answering, the run's deadline
//! passed, or the user pressed Ctrl-C. Steps not yet begun are not run; what was judged is
//! kept, and every report asked for is still written, marked incomplete.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

use scim_client::Exchange;
use serde::{Deserialize, Serialize};

/// How many requests in a row may go unanswered (connection failed, timed out) before the
/// run stops: enough to ride out one dropped connection, few enough that a dead target costs
/// a few timeouts, not one per remaining step.
pub const DEFAULT_SILENCE_LIMIT: usize = 3;

/// Why a run ended before it finished.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(tag = "reason", rename_all = "snake_case")]
#[schemars(deny_unknown_fields)]
pub enum Halt {
    /// Requests in a row went unanswered.
    Unanswered {
        /// Where the last of them was sent (`scenario [mode] › step`).
        at: String,
        /// Why it went unanswered.
        error: String,
    },
    /// The whole run's deadline (`--deadline`) passed.
    Deadline {
        /// The deadline, in seconds.
        secs: u64,
    },
    /// The user interrupted the run.
    Interrupted,
}

impl std::fmt::Display for Halt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Halt::Unanswered { at, error } => {
                write!(f, "the target stopped answering at {at} ({error})")
            }
            Halt::Deadline { secs } => write!(f, "the run's deadline of {secs} s passed"),
            Halt::Interrupted => f.write_str("the run was interrupted"),
        }
    }
}

/// A run's stop switch, shared by its scenario runs (and by whoever may interrupt it). The
/// first reason given wins.
#[derive(Clone, Debug, Default)]
pub struct Stop(Arc<Inner>);

#[derive(Debug, Default)]
struct Inner {
    halt: Mutex<Option<Halt>>,
    /// Requests unanswered in a row, across the run.
    silent: AtomicUsize,
}

impl Stop {
    /// A switch not yet thrown.
    pub fn new() -> Stop {
        Stop::default()
    }

    /// Stops the run for `why`, unless it was already stopped.
    pub fn halt(&self, why: Halt) {
        let mut halt = self.0.halt.lock().unwrap_or_else(|e| e.into_inner());
        if halt.is_none() {
            *halt = Some(why);
        }
    }

    /// Why the run stopped, if it did.
    pub fn halted(&self) -> Option<Halt> {
        self.0
            .halt
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Counts a step's exchanges: any answer resets the count of requests unanswered in a row;
    /// at `limit` of them the run stops, at `at`.
    pub(crate) fn observe(&self, exchanges: &[Exchange], limit: usize, at: impl Fn() -> String) {
        for ex in exchanges {
            if !ex.silent {
                self.0.silent.store(0, Ordering::SeqCst);
                continue;
            }
            let n = self.0.silent.fetch_add(1, Ordering::SeqCst) + 1;
            if n >= limit.max(1) {
                self.halt(Halt::Unanswered {
                    at: at(),
                    error: ex.error.clone().unwrap_or_default(),
                });
            }
        }
    }

    /// Whether the target went silent (cleanup would only wait out its timeouts).
    pub(crate) fn target_silent(&self) -> bool {
        matches!(self.halted(), Some(Halt::Unanswered { .. }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use scim_client::RecordedRequest;

    fn exchange(silent: bool) -> Exchange {
        Exchange {
            request: RecordedRequest {
                method: "GET".into(),
                path: "/Users".into(),
                headers: Vec::new(),
                body: None,
            },
            response: None,
            error: silent.then(|| "no response within 5s".to_owned()),
            silent,
            then_waited_secs: None,
        }
    }

    #[test]
    fn the_run_stops_after_requests_unanswered_in_a_row_and_the_first_reason_stays() {
        let stop = Stop::new();
        stop.observe(&[exchange(true), exchange(true)], 3, || "a › 1".into());
        stop.observe(&[exchange(false)], 3, || "a › 2".into());
        stop.observe(&[exchange(true), exchange(true)], 3, || "a › 3".into());
        assert_eq!(stop.halted(), None, "an answer in between resets the count");
        stop.observe(&[exchange(true)], 3, || "a › 4".into());
        assert_eq!(
            stop.halted(),
            Some(Halt::Unanswered {
                at: "a › 4".into(),
                error: "no response within 5s".into()
            })
        );
        assert!(stop.target_silent());
        stop.halt(Halt::Interrupted);
        assert!(matches!(stop.halted(), Some(Halt::Unanswered { .. })));
    }
}
