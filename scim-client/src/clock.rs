//! Time, injectable: an identity provider waits minutes after a 429 (Okta five, by default),
//! and a test of that must take no time.

use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;
use std::sync::Mutex;
use std::time::Duration;

/// A future the clock returns from `sleep`.
pub type Sleep<'a> = Pin<Box<dyn Future<Output = ()> + Send + 'a>>;

/// Where an identity-provider mock's waiting happens.
pub trait Clock: Send + Sync + Debug {
    /// Waits for `d`.
    fn sleep(&self, d: Duration) -> Sleep<'_>;
}

/// Real time.
#[derive(Debug, Default)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn sleep(&self, d: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(d))
    }
}

/// Real time, but never longer than a cap per wait: Okta's back-off after repeated 429s grows
/// to hours, which a test run cannot afford. The transcript still shows the wait Okta would
/// have made.
#[derive(Debug)]
pub struct CappedClock {
    /// The longest single wait.
    pub cap: Duration,
}

impl Clock for CappedClock {
    fn sleep(&self, d: Duration) -> Sleep<'_> {
        Box::pin(tokio::time::sleep(d.min(self.cap)))
    }
}

/// A clock that does not wait: it records each requested wait and returns at once.
#[derive(Debug, Default)]
pub struct RecordingClock {
    waits: Mutex<Vec<Duration>>,
}

impl RecordingClock {
    /// Every wait requested so far.
    pub fn waits(&self) -> Vec<Duration> {
        self.waits.lock().unwrap_or_else(|e| e.into_inner()).clone()
    }
}

impl Clock for RecordingClock {
    fn sleep(&self, d: Duration) -> Sleep<'_> {
        self.waits.lock().unwrap_or_else(|e| e.into_inner()).push(d);
        Box::pin(std::future::ready(()))
    }
}
