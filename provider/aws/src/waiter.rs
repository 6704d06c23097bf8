//! Waiters as data: which states mean "keep polling" and which mean "done", how often to poll
//! and for how long. The clock is an input, so the schedule is testable in fake time.

use std::future::Future;
use std::time::Duration;

use crate::clock::Clock;
use crate::error::AwsError;

/// The state a poll saw; `None` from a poll means the object is gone.
pub const GONE: &str = "(gone)";

/// The state of an object that has no state of its own, only existence.
pub const EXISTS: &str = "exists";

/// How long a new object may stay invisible to reads: EC2's reads are eventually consistent
/// with its writes, so a describe right after a create can answer NotFound. A waiter for any
/// state but [`GONE`] takes "gone" for "not visible yet" this long (terraform-provider-aws waits
/// two minutes too).
pub const VISIBILITY: Duration = Duration::from_secs(120);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Waiter {
    /// What is waited for, for messages: "aurora cluster db-cluster-dev".
    pub what: String,
    pub pending: &'static [&'static str],
    /// Target states; [`GONE`] when waiting for a deletion.
    pub target: &'static [&'static str],
    pub first_delay: Duration,
    pub max_delay: Duration,
    pub timeout: Duration,
}

impl Waiter {
    pub fn new(
        what: impl Into<String>,
        pending: &'static [&'static str],
        target: &'static [&'static str],
    ) -> Self {
        Waiter {
            what: what.into(),
            pending,
            target,
            first_delay: Duration::from_secs(2),
            max_delay: Duration::from_secs(30),
            timeout: Duration::from_secs(60 * 60),
        }
    }

    /// Until an object with no state of its own is gone.
    pub fn gone(what: impl Into<String>) -> Self {
        Waiter::new(what, &[EXISTS], &[GONE])
    }

    /// Until a new object with no state of its own is visible to reads (eventual consistency).
    pub fn visible(what: impl Into<String>) -> Self {
        Waiter::new(what, &[GONE], &[EXISTS])
    }

    pub fn timeout(mut self, t: Duration) -> Self {
        self.timeout = t;
        self
    }

    /// Polls until a target state: waits out pending states with a growing delay, fails on any
    /// other state, and gives up at the timeout. Returns the state reached.
    pub async fn wait<F, Fut>(&self, clock: &dyn Clock, mut poll: F) -> Result<String, AwsError>
    where
        F: FnMut() -> Fut,
        Fut: Future<Output = Result<Option<String>, AwsError>>,
    {
        let start = clock.elapsed();
        let mut delay = self.first_delay;
        loop {
            let state = poll().await?.unwrap_or_else(|| GONE.to_string());
            if self.target.contains(&state.as_str()) {
                return Ok(state);
            }
            let not_visible_yet = state == GONE
                && !self.target.contains(&GONE)
                && clock.elapsed() - start < VISIBILITY;
            if !self.pending.contains(&state.as_str()) && !not_visible_yet {
                return Err(AwsError::UnexpectedState {
                    what: self.what.clone(),
                    state,
                });
            }
            let waited = clock.elapsed() - start;
            if waited + delay > self.timeout {
                return Err(AwsError::Timeout {
                    what: self.what.clone(),
                    target: self.target.join(" or "),
                    last: state,
                    waited,
                });
            }
            clock.sleep(delay).await;
            if clock.stopped() {
                return Err(AwsError::Interrupted(self.what.clone()));
            }
            delay = (delay * 3 / 2).min(self.max_delay);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::clock::FakeClock;
    use std::sync::Mutex;

    fn states(seq: &[&str]) -> Mutex<Vec<Option<String>>> {
        Mutex::new(
            seq.iter()
                .rev()
                .map(|s| (*s != GONE).then(|| s.to_string()))
                .collect(),
        )
    }

    #[tokio::test]
    async fn waiter_polls_through_pending_states_with_growing_delays() {
        let clock = FakeClock::default();
        let seq = states(&["creating", "creating", "backing-up", "available"]);
        let w = Waiter::new("cluster", &["creating", "backing-up"], &["available"]);
        let got = w
            .wait(&clock, || async { Ok(seq.lock().unwrap().pop().unwrap()) })
            .await;
        assert_eq!(got, Ok("available".to_string()));
        assert_eq!(
            *clock.sleeps.lock().unwrap(),
            [
                Duration::from_secs(2),
                Duration::from_secs(3),
                Duration::from_millis(4500)
            ]
        );
    }

    #[tokio::test]
    async fn waiter_for_a_state_waits_out_a_new_object_not_visible_yet_then_calls_it_gone() {
        let clock = FakeClock::default();
        let seq = states(&[GONE, "pending", "available"]);
        let w = Waiter::new("vpc", &["pending"], &["available"]);
        let got = w
            .wait(&clock, || async { Ok(seq.lock().unwrap().pop().unwrap()) })
            .await;
        assert_eq!(got, Ok("available".to_string()));

        let clock = FakeClock::default();
        let got = w.wait(&clock, || async { Ok(None) }).await;
        assert!(
            matches!(&got, Err(AwsError::UnexpectedState { state, .. }) if state == GONE),
            "{got:?}"
        );
        assert!(
            clock.elapsed() >= VISIBILITY,
            "gone only after {VISIBILITY:?}"
        );
    }

    #[tokio::test]
    async fn waiter_for_deletion_succeeds_when_the_object_is_gone() {
        let clock = FakeClock::default();
        let seq = states(&["deleting", GONE]);
        let w = Waiter::new("cluster", &["deleting"], &[GONE]);
        let got = w
            .wait(&clock, || async { Ok(seq.lock().unwrap().pop().unwrap()) })
            .await;
        assert_eq!(got, Ok(GONE.to_string()));
    }

    #[tokio::test]
    async fn waiter_fails_at_once_on_a_state_it_does_not_know() {
        let clock = FakeClock::default();
        let w = Waiter::new("cluster", &["creating"], &["available"]);
        let got = w
            .wait(&clock, || async { Ok(Some("failed".to_string())) })
            .await;
        assert!(matches!(got, Err(AwsError::UnexpectedState { .. })));
        assert!(clock.sleeps.lock().unwrap().is_empty());
    }

    #[tokio::test]
    async fn waiter_gives_up_at_its_timeout_without_sleeping_past_it() {
        let clock = FakeClock::default();
        let w =
            Waiter::new("cluster", &["creating"], &["available"]).timeout(Duration::from_secs(60));
        let got = w
            .wait(&clock, || async { Ok(Some("creating".to_string())) })
            .await;
        assert!(matches!(got, Err(AwsError::Timeout { .. })), "{got:?}");
        assert!(clock.elapsed() <= Duration::from_secs(60));
    }
}
