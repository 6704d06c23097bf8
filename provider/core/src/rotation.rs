//! Whether a secret's rotation is healthy, from what Secrets Manager and the rotation
//! function's log say (read by the AWS layer): rules only, no I/O.

use std::time::{Duration, SystemTime};

/// A rotation this late past its due date counts as overdue (Secrets Manager starts rotations
/// within a window, not at the exact instant).
const OVERDUE_GRACE: Duration = Duration::from_secs(24 * 3600);

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Version {
    pub id: String,
    pub stages: Vec<String>,
    /// RFC 3339.
    pub created: Option<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RotationStatus {
    pub secret_arn: String,
    pub rotation_enabled: bool,
    pub rotation_lambda_arn: Option<String>,
    pub automatically_after_days: Option<i64>,
    pub schedule_expression: Option<String>,
    pub last_rotated: Option<SystemTime>,
    pub next_rotation: Option<SystemTime>,
    pub current_version_id: Option<String>,
    pub pending_version_id: Option<String>,
    pub versions: Vec<Version>,
    /// The last failure the rotation function logged, and when.
    pub last_error: Option<(SystemTime, String)>,
    /// Why the log group could not be read, when it could not.
    pub log_unreadable: Option<String>,
}

impl RotationStatus {
    /// A pending version apart from the current one: a rotation started and has not finished.
    pub fn rotation_in_progress(&self) -> bool {
        self.pending_version_id.is_some() && self.pending_version_id != self.current_version_id
    }

    /// Past its next rotation date by more than a day.
    pub fn overdue(&self, now: SystemTime) -> bool {
        self.rotation_enabled
            && self
                .next_rotation
                .is_some_and(|next| now > next + OVERDUE_GRACE)
    }

    /// The last logged failure came after the last successful rotation.
    pub fn last_rotation_failed(&self) -> bool {
        match (&self.last_error, self.last_rotated) {
            (Some((at, _)), Some(rotated)) => *at > rotated,
            (Some(_), None) => true,
            (None, _) => false,
        }
    }

    /// Rotation is on, has a function, is not overdue, and did not last fail.
    pub fn healthy(&self, now: SystemTime) -> bool {
        self.rotation_enabled
            && self.rotation_lambda_arn.is_some()
            && !self.overdue(now)
            && !self.last_rotation_failed()
    }

    /// What is wrong, in one sentence per problem; empty when healthy.
    pub fn problems(&self, now: SystemTime) -> Vec<String> {
        let mut out = Vec::new();
        if !self.rotation_enabled {
            out.push("rotation is not enabled on the secret".to_string());
        }
        if self.overdue(now) {
            out.push("the secret is overdue for rotation".to_string());
        }
        if self.last_rotation_failed() {
            let msg = self
                .last_error
                .as_ref()
                .map(|(_, m)| m.as_str())
                .unwrap_or("");
            out.push(format!("the last rotation failed: {msg}"));
        }
        out
    }
}

/// A rotation started on request (`vault_rotate_secret`): the version it makes current, and when
/// it was started, so that only failures logged since count.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StartedRotation {
    pub version_id: String,
    pub at: SystemTime,
}

/// Where a started rotation stands.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum RotationProgress {
    /// Still under way: what the version labels say, in words.
    Waiting(String),
    /// AWSCURRENT moved to the new version and AWSPENDING is on no other version.
    Finished,
    /// The function logged a failure after the rotation started: its message.
    Failed(String),
}

impl RotationStatus {
    pub fn progress_of(&self, started: &StartedRotation) -> RotationProgress {
        if let Some((at, message)) = &self.last_error {
            if *at >= started.at {
                return RotationProgress::Failed(message.clone());
            }
        }
        let token = Some(&started.version_id);
        let current_moved = self.current_version_id.as_ref() == token;
        let pending_gone = self.pending_version_id.is_none()
            || (current_moved && self.pending_version_id.as_ref() == token);
        if current_moved && pending_gone {
            return RotationProgress::Finished;
        }
        let name = |v: &Option<String>| v.clone().unwrap_or_else(|| "no version".to_string());
        RotationProgress::Waiting(if current_moved {
            format!(
                "AWSCURRENT is on the new version {}; AWSPENDING still on {}",
                started.version_id,
                name(&self.pending_version_id)
            )
        } else {
            format!(
                "AWSPENDING is on {}, AWSCURRENT still on {}",
                name(&self.pending_version_id),
                name(&self.current_version_id)
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::UNIX_EPOCH;

    fn at(secs: u64) -> SystemTime {
        UNIX_EPOCH + Duration::from_secs(secs)
    }

    fn enabled() -> RotationStatus {
        RotationStatus {
            rotation_enabled: true,
            rotation_lambda_arn: Some("arn:aws:lambda:us-east-1:1:function:rotation-dev".into()),
            last_rotated: Some(at(1_000)),
            next_rotation: Some(at(1_000 + 30 * 86_400)),
            ..Default::default()
        }
    }

    #[test]
    fn an_enabled_rotation_on_schedule_without_failures_is_healthy() {
        assert!(enabled().healthy(at(2_000)));
        assert!(enabled().problems(at(2_000)).is_empty());
    }

    #[test]
    fn a_rotation_more_than_a_day_past_due_is_overdue() {
        let s = enabled();
        assert!(!s.overdue(at(1_000 + 31 * 86_400 - 1)));
        assert!(s.overdue(at(1_000 + 31 * 86_400 + 1)));
        assert!(!s.healthy(at(1_000 + 40 * 86_400)));
    }

    #[test]
    fn a_failure_logged_after_the_last_rotation_is_unhealthy_and_an_older_one_is_not() {
        let mut s = enabled();
        s.last_error = Some((at(500), "setSecret: ER_ACCESS_DENIED: denied".into()));
        assert!(
            s.healthy(at(2_000)),
            "the failure was followed by a successful rotation"
        );
        s.last_error = Some((at(1_500), "setSecret: ER_ACCESS_DENIED: denied".into()));
        assert!(!s.healthy(at(2_000)));
        assert_eq!(
            s.problems(at(2_000)),
            ["the last rotation failed: setSecret: ER_ACCESS_DENIED: denied"]
        );
    }

    #[test]
    fn a_pending_version_apart_from_the_current_one_is_a_rotation_in_progress() {
        let mut s = enabled();
        s.current_version_id = Some("a".into());
        s.pending_version_id = Some("a".into());
        assert!(!s.rotation_in_progress());
        s.pending_version_id = Some("b".into());
        assert!(s.rotation_in_progress());
    }

    fn started() -> StartedRotation {
        StartedRotation {
            version_id: "v2".into(),
            at: at(1000),
        }
    }

    fn labels(current: &str, pending: Option<&str>) -> RotationStatus {
        RotationStatus {
            current_version_id: Some(current.into()),
            pending_version_id: pending.map(Into::into),
            ..enabled()
        }
    }

    #[test]
    fn a_started_rotation_waits_while_awspending_is_on_a_version_that_is_not_current() {
        let p = labels("v1", Some("v2")).progress_of(&started());
        assert_eq!(
            p,
            RotationProgress::Waiting("AWSPENDING is on v2, AWSCURRENT still on v1".into())
        );
    }

    #[test]
    fn a_rotation_finishes_when_awscurrent_moved_to_its_version_and_awspending_left_the_others() {
        assert_eq!(
            labels("v2", None).progress_of(&started()),
            RotationProgress::Finished
        );
        // Secrets Manager may leave AWSPENDING on the new current version until it clears it.
        assert_eq!(
            labels("v2", Some("v2")).progress_of(&started()),
            RotationProgress::Finished
        );
        assert!(matches!(
            labels("v3", None).progress_of(&started()),
            RotationProgress::Waiting(_)
        ));
    }

    #[test]
    fn only_a_failure_logged_since_the_start_fails_the_rotation() {
        let mut s = labels("v1", Some("v2"));
        s.last_error = Some((at(999), "setSecret: Old: before".into()));
        assert!(matches!(
            s.progress_of(&started()),
            RotationProgress::Waiting(_)
        ));
        s.last_error = Some((at(1001), "setSecret: AccessDenied: cannot log in".into()));
        assert_eq!(
            s.progress_of(&started()),
            RotationProgress::Failed("setSecret: AccessDenied: cannot log in".into())
        );
    }
}
