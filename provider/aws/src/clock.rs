//! Time as an input: waiters and retries sleep through a [`Clock`], so tests run them in fake
//! time with exact poll schedules.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use async_trait::async_trait;

#[async_trait]
pub trait Clock: Send + Sync {
    /// Time elapsed since an arbitrary, fixed origin.
    fn elapsed(&self) -> Duration;
    async fn sleep(&self, d: Duration);
    /// Whether the run was stopped (Terraform's `StopProvider`, Ctrl-C): waiters and retries
    /// give up, and no new object is started.
    fn stopped(&self) -> bool {
        false
    }
}

/// A run's stop switch, shared between the protocol server (which flips it on `StopProvider`)
/// and the clocks of the runs it interrupts. Once stopped, it stays stopped.
#[derive(Clone, Debug, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Debug, Default)]
struct StopState {
    stopped: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Stop {
    pub fn stop(&self) {
        self.0.stopped.store(true, Ordering::SeqCst);
        self.0.notify.notify_waiters();
    }

    pub fn is_stopped(&self) -> bool {
        self.0.stopped.load(Ordering::SeqCst)
    }

    /// Resolves once [`Stop::stop`] has been called.
    pub async fn stopped(&self) {
        loop {
            // Registered before the check, so a stop between the two still wakes it.
            let notified = self.0.notify.notified();
            if self.is_stopped() {
                return;
            }
            notified.await;
        }
    }
}

/// Real time, cut short by a [`Stop`].
pub struct SystemClock {
    origin: std::time::Instant,
    stop: Stop,
}

impl Default for SystemClock {
    fn default() -> Self {
        SystemClock::stoppable(Stop::default())
    }
}

impl SystemClock {
    pub fn stoppable(stop: Stop) -> Self {
        SystemClock {
            origin: std::time::Instant::now(),
            stop,
        }
    }
}

#[async_trait]
impl Clock for SystemClock {
    fn elapsed(&self) -> Duration {
        self.origin.elapsed()
    }

    async fn sleep(&self, d: Duration) {
        tokio::select! {
            _ = tokio::time::sleep(d) => {}
            _ = self.stop.stopped() => {}
        }
    }

    fn stopped(&self) -> bool {
        self.stop.is_stopped()
    }
}

/// Fake time for tests: sleeping advances the clock at once and is recorded.
#[derive(Default)]
pub struct FakeClock {
    now: Mutex<Duration>,
    pub sleeps: Mutex<Vec<Duration>>,
    pub stop: Stop,
}

#[async_trait]
impl Clock for FakeClock {
    fn elapsed(&self) -> Duration {
        *self.now.lock().unwrap()
    }

    async fn sleep(&self, d: Duration) {
        *self.now.lock().unwrap() += d;
        self.sleeps.lock().unwrap().push(d);
    }

    fn stopped(&self) -> bool {
        self.stop.is_stopped()
    }
}
