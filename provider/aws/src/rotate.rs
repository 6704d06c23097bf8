//! A rotation started on request (`vault_rotate_secret`): `RotateSecret` on the secret's own
//! rotation configuration, then a bounded watch of its version labels and of the failures the
//! rotation function logs, read as `vault_rotation_status` reads them. The rotation itself stays
//! the function's job.

use std::future::Future;
use std::time::{Duration, SystemTime};

use vault_core::rotation::{RotationProgress, RotationStatus, StartedRotation};

use crate::clients::Clients;
use crate::clock::Clock;
use crate::error::{api, AwsError};

/// How often the watch polls: soon after the start (a rotation takes seconds), then less often.
const FIRST_POLL: Duration = Duration::from_secs(2);
const MAX_POLL: Duration = Duration::from_secs(15);

#[derive(Debug, PartialEq, Eq, thiserror::Error)]
pub enum RotateError {
    #[error("the secret has no rotation to start: {0}")]
    NotConfigured(String),
    #[error(
        "a rotation of this secret is already under way (AWSPENDING is on version {0}); wait \
         for it to finish, or look at vault_rotation_status for why it stalled"
    )]
    AlreadyRotating(String),
    #[error("the rotation failed; the rotation function logged: {0}")]
    Failed(String),
    #[error(
        "the rotation did not finish within {}: {last}. It may still finish in AWS; \
         vault_rotation_status and the function's log group show how it went",
        as_written(*timeout)
    )]
    TimedOut { timeout: Duration, last: String },
    #[error("interrupted: Terraform asked the provider to stop while the rotation was under way")]
    Interrupted,
    #[error(transparent)]
    Aws(#[from] AwsError),
}

/// A duration as users write it: "10m", "90s".
pub fn as_written(d: Duration) -> String {
    let secs = d.as_secs();
    match secs {
        0 => format!("{d:?}"),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

/// A secret without a rotation function, or with a rotation under way, is refused with a
/// message that says so (AWS's own errors are vaguer).
pub fn check_startable(status: &RotationStatus) -> Result<(), RotateError> {
    if status.rotation_lambda_arn.is_none() || !status.rotation_enabled {
        return Err(RotateError::NotConfigured(
            "rotation is not enabled with a rotation function on it".to_string(),
        ));
    }
    if status.rotation_in_progress() {
        return Err(RotateError::AlreadyRotating(
            status.pending_version_id.clone().unwrap_or_default(),
        ));
    }
    Ok(())
}

/// Starts a rotation now with the secret's configured function and schedule. `status` is the
/// secret's status just before ([`check_startable`]).
pub async fn start(
    clients: &Clients,
    status: &RotationStatus,
) -> Result<StartedRotation, RotateError> {
    check_startable(status)?;
    let at = SystemTime::now();
    let out = clients
        .secretsmanager
        .rotate_secret()
        .secret_id(&status.secret_arn)
        .rotate_immediately(true)
        .send()
        .await
        .map_err(api("RotateSecret"))?;
    let version_id = out.version_id().map(str::to_string).ok_or_else(|| {
        AwsError::Invalid("RotateSecret answered without the new version's id".to_string())
    })?;
    Ok(StartedRotation { version_id, at })
}

/// Polls the status until the rotation finished or failed, or `timeout` has passed; reports each
/// change of the version labels through `report`.
pub async fn watch<F, Fut>(
    clock: &dyn Clock,
    started: &StartedRotation,
    timeout: Duration,
    mut poll: F,
    mut report: impl FnMut(String),
) -> Result<(), RotateError>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Result<RotationStatus, AwsError>>,
{
    let start = clock.elapsed();
    let mut delay = FIRST_POLL;
    let mut last = String::new();
    loop {
        match poll().await?.progress_of(started) {
            RotationProgress::Finished => return Ok(()),
            RotationProgress::Failed(message) => return Err(RotateError::Failed(message)),
            RotationProgress::Waiting(now) => {
                if now != last {
                    report(now.clone());
                    last = now;
                }
            }
        }
        let waited = clock.elapsed() - start;
        if waited >= timeout {
            return Err(RotateError::TimedOut { timeout, last });
        }
        clock.sleep(delay.min(timeout - waited)).await;
        if clock.stopped() {
            return Err(RotateError::Interrupted);
        }
        delay = (delay * 2).min(MAX_POLL);
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Mutex;

    use super::*;
    use crate::clock::FakeClock;

    fn started() -> StartedRotation {
        StartedRotation {
            version_id: "v2".into(),
            at: SystemTime::UNIX_EPOCH + Duration::from_secs(1000),
        }
    }

    fn labels(current: &str, pending: Option<&str>) -> RotationStatus {
        RotationStatus {
            current_version_id: Some(current.into()),
            pending_version_id: pending.map(Into::into),
            ..RotationStatus::default()
        }
    }

    #[tokio::test]
    async fn the_watch_reports_each_change_of_labels_and_ends_when_the_rotation_finished() {
        let clock = FakeClock::default();
        // Popped from the end: pending twice, then AWSCURRENT moved and AWSPENDING cleared.
        let seq = Mutex::new(vec![
            labels("v2", None),
            labels("v1", Some("v2")),
            labels("v1", Some("v2")),
        ]);
        let mut reports = Vec::new();
        let got = watch(
            &clock,
            &started(),
            Duration::from_secs(600),
            || async { Ok(seq.lock().unwrap().pop().unwrap()) },
            |m| reports.push(m),
        )
        .await;
        assert_eq!(got, Ok(()));
        assert_eq!(
            reports,
            ["AWSPENDING is on v2, AWSCURRENT still on v1"],
            "an unchanged status is reported once"
        );
        assert_eq!(
            *clock.sleeps.lock().unwrap(),
            [Duration::from_secs(2), Duration::from_secs(4)]
        );
    }

    #[tokio::test]
    async fn the_watch_fails_with_the_error_the_function_logged_after_the_start() {
        let clock = FakeClock::default();
        let mut failed = labels("v1", Some("v2"));
        failed.last_error = Some((
            SystemTime::UNIX_EPOCH + Duration::from_secs(1001),
            "setSecret: AccessDenied: cannot log in".into(),
        ));
        let got = watch(
            &clock,
            &started(),
            Duration::from_secs(600),
            || async { Ok(failed.clone()) },
            |_| {},
        )
        .await;
        assert_eq!(
            got,
            Err(RotateError::Failed(
                "setSecret: AccessDenied: cannot log in".into()
            ))
        );
    }

    #[tokio::test]
    async fn the_watch_gives_up_at_its_timeout_saying_where_the_rotation_stands() {
        let clock = FakeClock::default();
        let got = watch(
            &clock,
            &started(),
            Duration::from_secs(20),
            || async { Ok(labels("v1", Some("v2"))) },
            |_| {},
        )
        .await;
        assert_eq!(
            got,
            Err(RotateError::TimedOut {
                timeout: Duration::from_secs(20),
                last: "AWSPENDING is on v2, AWSCURRENT still on v1".into(),
            })
        );
        // 2 + 4 + 8, then the 6 seconds left: never past the timeout.
        assert_eq!(
            *clock.sleeps.lock().unwrap(),
            [2, 4, 8, 6].map(Duration::from_secs)
        );
        assert!(got
            .unwrap_err()
            .to_string()
            .starts_with("the rotation did not finish within 20s: AWSPENDING is on v2"));
    }

    #[test]
    fn a_secret_without_a_rotation_function_or_with_a_rotation_under_way_is_refused() {
        let mut status = RotationStatus::default();
        assert!(matches!(
            check_startable(&status),
            Err(RotateError::NotConfigured(_))
        ));
        status.rotation_enabled = true;
        status.rotation_lambda_arn = Some("arn:aws:lambda:us-east-1:1:function:f".into());
        status.current_version_id = Some("v1".into());
        status.pending_version_id = Some("v2".into());
        assert_eq!(
            check_startable(&status),
            Err(RotateError::AlreadyRotating("v2".into()))
        );
        status.pending_version_id = None;
        assert_eq!(check_startable(&status), Ok(()));
    }
}
