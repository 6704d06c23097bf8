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
}
