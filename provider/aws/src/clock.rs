//! Time as an input: waiters and retries sleep through a [`Clock`], so tests run them in fake
//! time with exact poll schedules.

use std::future::Future;
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
    /// Resolves once the run is stopped; never, for a clock nothing stops.
    async fn until_stopped(&self) {
        std::future::pending().await
    }
}

/// How long an attempt under way when the run stops may still take. An AWS answer takes well
/// under a second; one not back this long after Ctrl-C was lost on the way (the connection
/// silent), and waiting for it would be waiting out the read timeout ([`crate::config`]).
pub const ATTEMPT_GRACE_AFTER_STOP: Duration = Duration::from_secs(10);

/// `work` (AWS calls), or `None` once the run is stopped (`until_stopped` resolves) and an AWS
/// call of `work` is waiting to be retried, or its attempt under way is still unanswered
/// [`ATTEMPT_GRACE_AFTER_STOP`] after the stop: it is abandoned then. An attempt that answers
/// within the grace is never cut: it ends, and what it did (the id of what it created) reaches
/// state. What is abandoned is what could keep Terraform waiting for minutes after Ctrl-C: a
/// call the SDK would try again (under a throttling burst it retries up to 25 times, backing off
/// up to 20 s each), and a response lost on a silent connection. What an abandoned attempt asked,
/// AWS may still have done (as after a lost response); an object it created is found by its name
/// or tag and adopted by the next apply, or deleted by a destroy.
pub fn unless_stopped<'a, T: 'a>(
    until_stopped: impl Future<Output = ()> + 'a,
    work: impl Future<Output = T> + 'a,
) -> impl Future<Output = Option<T>> + 'a {
    unless_stopped_within(ATTEMPT_GRACE_AFTER_STOP, until_stopped, work)
}

/// [`unless_stopped`] with another grace, for the tests.
fn unless_stopped_within<'a, T: 'a>(
    grace: Duration,
    until_stopped: impl Future<Output = ()> + 'a,
    work: impl Future<Output = T> + 'a,
) -> impl Future<Output = Option<T>> + 'a {
    let call = Arc::new(Retrying::default());
    // Boxed before it is awaited: an SDK call's future is large, and held inline by both this
    // future and its caller's it overflowed the stack of the deepest waits (RDS's).
    let work = Box::pin(CALL.scope(call.clone(), work));
    async move {
        tokio::select! {
            biased;
            done = work => Some(done),
            () = async {
                until_stopped.await;
                tokio::select! {
                    () = call.reached() => {}
                    () = tokio::time::sleep(grace) => {}
                }
            } => None,
        }
    }
}

tokio::task_local! {
    /// The calls [`unless_stopped`] is running: the clients' interceptor
    /// (`clients::AttemptWatch`), which runs inside their task, reports each attempt here.
    static CALL: Arc<Retrying>;
}

/// Whether the call's last attempt failed: the SDK is about to retry it (or gives up).
#[derive(Debug, Default)]
struct Retrying {
    now: AtomicBool,
    notify: tokio::sync::Notify,
}

impl Retrying {
    async fn reached(&self) {
        loop {
            // Created before the check: `notify_waiters` reaches it from then on.
            let notified = self.notify.notified();
            if self.now.load(Ordering::SeqCst) {
                return;
            }
            notified.await;
        }
    }
}

/// An attempt of an AWS call starts (the clients' interceptor).
pub(crate) fn attempt_starts() {
    let _ = CALL.try_with(|c| c.now.store(false, Ordering::SeqCst));
}

/// An attempt of an AWS call ended; a `failed` one is retried next, or ends the call.
pub(crate) fn attempt_ended(failed: bool) {
    let _ = CALL.try_with(|c| {
        c.now.store(failed, Ordering::SeqCst);
        if failed {
            c.notify.notify_waiters();
        }
    });
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

    async fn until_stopped(&self) {
        self.stop.stopped().await
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

    async fn until_stopped(&self) {
        self.stop.stopped().await
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A call whose attempts fail (a throttled call): it would retry for as long as it is let.
    async fn failing_attempts() -> u8 {
        loop {
            attempt_starts();
            tokio::time::sleep(Duration::from_millis(20)).await;
            attempt_ended(true);
            tokio::time::sleep(Duration::from_secs(20)).await;
        }
    }

    /// A stop switch flipped 100 ms from now, as Ctrl-C during a call.
    fn stopped_in_100_ms() -> Stop {
        let stop = Stop::default();
        let stopper = stop.clone();
        tokio::spawn(async move {
            tokio::time::sleep(Duration::from_millis(100)).await;
            stopper.stop();
        });
        stop
    }

    #[tokio::test]
    async fn a_call_waiting_to_be_retried_when_the_run_stops_is_abandoned_at_once() {
        let stop = stopped_in_100_ms();
        let started = std::time::Instant::now();
        let answer = unless_stopped(stop.stopped(), failing_attempts()).await;
        assert_eq!(answer, None);
        assert!(started.elapsed() < Duration::from_secs(5));
    }

    #[tokio::test]
    async fn a_call_stopped_during_an_attempt_is_abandoned_once_the_attempt_fails() {
        let stop = Stop::default();
        stop.stop();
        let started = std::time::Instant::now();
        let answer = unless_stopped(stop.stopped(), failing_attempts()).await;
        assert_eq!(answer, None);
        assert!(started.elapsed() >= Duration::from_millis(20));
    }

    #[tokio::test]
    async fn an_attempt_under_way_when_the_run_stops_ends_and_keeps_its_answer() {
        let stop = Stop::default();
        stop.stop();
        let slow_attempt = async {
            attempt_starts();
            tokio::time::sleep(Duration::from_millis(300)).await;
            attempt_ended(false);
            7
        };
        assert_eq!(unless_stopped(stop.stopped(), slow_attempt).await, Some(7));
    }

    /// An attempt whose response never comes (a silent connection) ends the call the grace
    /// after the stop, not when the read timeout would end it.
    #[tokio::test]
    async fn an_attempt_still_unanswered_the_grace_after_the_stop_is_abandoned() {
        const GRACE: Duration = Duration::from_millis(300);
        let stop = stopped_in_100_ms();
        let started = std::time::Instant::now();
        let silent = async {
            attempt_starts();
            tokio::time::sleep(Duration::from_secs(3600)).await;
            attempt_ended(false);
            7
        };
        assert_eq!(
            unless_stopped_within(GRACE, stop.stopped(), silent).await,
            None
        );
        let took = started.elapsed();
        assert!(took >= Duration::from_millis(100) + GRACE, "{took:?}");
        assert!(took < Duration::from_secs(5), "{took:?}");
    }

    /// The grace counts from the stop, or from the call when it starts after the stop: an
    /// attempt slower than usual but answered within the grace keeps its answer.
    #[tokio::test]
    async fn a_slow_attempt_answered_within_the_grace_keeps_its_answer() {
        const GRACE: Duration = Duration::from_millis(600);
        let stop = Stop::default();
        stop.stop();
        tokio::time::sleep(GRACE).await;
        let slow = async {
            attempt_starts();
            tokio::time::sleep(GRACE / 2).await;
            attempt_ended(false);
            7
        };
        assert_eq!(
            unless_stopped_within(GRACE, stop.stopped(), slow).await,
            Some(7)
        );
    }

    #[tokio::test]
    async fn a_call_of_a_run_never_stopped_is_never_abandoned() {
        let clock = FakeClock::default();
        let retried_then_answered = async {
            attempt_starts();
            attempt_ended(true);
            tokio::time::sleep(Duration::from_millis(20)).await;
            attempt_starts();
            attempt_ended(false);
            7
        };
        let answer = unless_stopped(clock.until_stopped(), retried_then_answered).await;
        assert_eq!(answer, Some(7));
    }
}
