//! Time as an input: waiters and retries sleep through a [`Clock`], so tests run them in fake
//! time with exact poll schedules.

use std::future::Future;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

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
    /// Resolves, once the run is stopped, to when it was; never, for a clock nothing stops.
    async fn stopped_at(&self) -> Instant {
        std::future::pending().await
    }
}

/// How long AWS calls already under way may go on once their run is stopped. One attempt
/// answers within a second or two, and what it did (the id of what it created) then reaches
/// state. A call that outlasts this is one the SDK keeps retrying (a throttling burst: up to 25
/// retries, backing off up to 20 s each), and Terraform would wait all of that out after Ctrl-C.
pub const STOP_GRACE: Duration = Duration::from_secs(5);

/// `work`'s result, or `None` when it has not finished `grace` after the stop `stopped_at`
/// resolves to: the call is abandoned. The grace runs from the stop, not from each call, so an
/// object's calls in series end within it too. What an abandoned call asked, AWS may still have
/// done; an object it created is found by its name or tag and adopted by the next apply, or
/// deleted by a destroy, as after a lost response.
pub async fn unless_stopped<T>(
    stopped_at: impl Future<Output = Instant>,
    grace: Duration,
    work: impl Future<Output = T>,
) -> Option<T> {
    tokio::select! {
        biased;
        done = work => Some(done),
        () = async {
            let at = stopped_at.await;
            tokio::time::sleep_until(tokio::time::Instant::from_std(at + grace)).await;
        } => None,
    }
}

/// A run's stop switch, shared between the protocol server (which flips it on `StopProvider`)
/// and the clocks of the runs it interrupts. Once stopped, it stays stopped.
#[derive(Clone, Debug, Default)]
pub struct Stop(Arc<StopState>);

#[derive(Debug, Default)]
struct StopState {
    /// When it was stopped: set before `stopped`, so whoever sees the flag finds the time.
    at: OnceLock<Instant>,
    stopped: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Stop {
    pub fn stop(&self) {
        let _ = self.0.at.set(Instant::now());
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

    /// Resolves, once [`Stop::stop`] has been called, to when it first was.
    pub async fn stopped_at(&self) -> Instant {
        self.stopped().await;
        *self.0.at.get().expect("set before the flag")
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

    async fn stopped_at(&self) -> Instant {
        self.stop.stopped_at().await
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

    async fn stopped_at(&self) -> Instant {
        self.stop.stopped_at().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_call_still_under_way_a_grace_after_the_stop_is_abandoned() {
        let stop = Stop::default();
        let stopper = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(10)).await;
            stopper.stop();
        });
        let never = std::future::pending::<u8>();
        let started = std::time::Instant::now();
        let answer = unless_stopped(stop.stopped_at(), Duration::from_millis(50), never).await;
        assert_eq!(answer, None);
        assert!(started.elapsed() >= Duration::from_millis(60));
    }

    #[tokio::test]
    async fn a_call_started_once_the_grace_after_the_stop_is_over_is_abandoned_at_once() {
        let stop = Stop::default();
        stop.stop();
        tokio::time::sleep(Duration::from_millis(60)).await;
        let never = std::future::pending::<u8>();
        let started = std::time::Instant::now();
        let answer = unless_stopped(stop.stopped_at(), Duration::from_millis(50), never).await;
        assert_eq!(answer, None);
        assert!(started.elapsed() < Duration::from_millis(40));
    }

    #[tokio::test]
    async fn a_call_answering_within_the_grace_after_the_stop_keeps_its_answer() {
        let stop = Stop::default();
        stop.stop();
        let answering = async {
            tokio::time::sleep(Duration::from_millis(10)).await;
            7
        };
        let answer = unless_stopped(stop.stopped_at(), Duration::from_secs(5), answering).await;
        assert_eq!(answer, Some(7));
    }

    #[tokio::test]
    async fn a_call_of_a_run_never_stopped_is_never_abandoned() {
        let clock = FakeClock::default();
        let answering = async {
            tokio::time::sleep(Duration::from_millis(20)).await;
            7
        };
        let answer = unless_stopped(clock.stopped_at(), Duration::ZERO, answering).await;
        assert_eq!(answer, Some(7));
    }
}
