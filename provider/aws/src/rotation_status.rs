//! The rotation status of a stack's secret: its rotation configuration and versions from Secrets
//! Manager, and the last failure the rotation function logged. Rotations that fail silently for
//! months are the pain this exists for.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::clients::Clients;
use crate::clock::Clock;
use crate::error::{api, AwsError};
use crate::retry::DEFAULT;

/// How far back the rotation log group is searched for failures.
const LOG_LOOKBACK: Duration = Duration::from_secs(90 * 24 * 3600);
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

fn to_system_time(d: &aws_smithy_types::DateTime) -> Option<SystemTime> {
    SystemTime::try_from(*d).ok()
}

/// Reads the status of `secret_id` (an ARN or a name).
pub async fn read(
    clients: &Clients,
    clock: &dyn Clock,
    secret_id: &str,
) -> Result<RotationStatus, AwsError> {
    let d = DEFAULT
        .run(clock, || async {
            clients
                .secretsmanager
                .describe_secret()
                .secret_id(secret_id)
                .send()
                .await
                .map_err(api("DescribeSecret"))
        })
        .await?;
    let mut status = RotationStatus {
        secret_arn: d.arn().unwrap_or(secret_id).to_string(),
        rotation_enabled: d.rotation_enabled().unwrap_or(false),
        rotation_lambda_arn: d
            .rotation_lambda_arn()
            .filter(|a| !a.is_empty())
            .map(str::to_string),
        automatically_after_days: d
            .rotation_rules()
            .and_then(|r| r.automatically_after_days()),
        schedule_expression: d
            .rotation_rules()
            .and_then(|r| r.schedule_expression())
            .map(str::to_string),
        last_rotated: d.last_rotated_date().and_then(to_system_time),
        next_rotation: d.next_rotation_date().and_then(to_system_time),
        ..RotationStatus::default()
    };
    let stages = d.version_ids_to_stages().cloned().unwrap_or_default();
    for (id, s) in &stages {
        if s.iter().any(|s| s == "AWSCURRENT") {
            status.current_version_id = Some(id.clone());
        }
        if s.iter().any(|s| s == "AWSPENDING") {
            status.pending_version_id = Some(id.clone());
        }
    }
    let listed = DEFAULT
        .run(clock, || async {
            clients
                .secretsmanager
                .list_secret_version_ids()
                .secret_id(secret_id)
                .send()
                .await
                .map_err(api("ListSecretVersionIds"))
        })
        .await?;
    status.versions = listed
        .versions()
        .iter()
        .filter_map(|v| {
            Some(Version {
                id: v.version_id()?.to_string(),
                stages: v.version_stages().to_vec(),
                created: v
                    .created_date()
                    .and_then(|t| t.fmt(aws_smithy_types::date_time::Format::DateTime).ok()),
            })
        })
        .collect();
    status
        .versions
        .sort_by(|a, b| a.created.cmp(&b.created).then(a.id.cmp(&b.id)));
    if let Some(function) = &status.rotation_lambda_arn {
        let group = format!(
            "/aws/lambda/{}",
            function.rsplit(':').next().unwrap_or(function)
        );
        match last_failure(clients, clock, &group).await {
            Ok(e) => status.last_error = e,
            Err(e) => status.log_unreadable = Some(e.to_string()),
        }
    }
    Ok(status)
}

/// The newest line the rotation function logged with `"outcome":"failed"`, as
/// `step: errorCode: message` (the function never logs secret values).
async fn last_failure(
    clients: &Clients,
    clock: &dyn Clock,
    group: &str,
) -> Result<Option<(SystemTime, String)>, AwsError> {
    let since = SystemTime::now()
        .checked_sub(LOG_LOOKBACK)
        .unwrap_or(UNIX_EPOCH)
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let out = DEFAULT
        .run(clock, || async {
            clients
                .logs
                .filter_log_events()
                .log_group_name(group)
                .start_time(since)
                .filter_pattern("failed")
                .send()
                .await
                .map_err(api("FilterLogEvents"))
        })
        .await;
    let out = match out {
        Ok(o) => o,
        Err(e) if e.is_not_found() => return Ok(None),
        Err(e) => return Err(e),
    };
    let mut last: Option<(i64, String)> = None;
    for event in out.events() {
        let Some(line) = event.message() else {
            continue;
        };
        let Ok(json) = serde_json::from_str::<serde_json::Value>(line.trim()) else {
            continue;
        };
        if json["outcome"] != "failed" {
            continue;
        }
        let at = event.timestamp().unwrap_or(0);
        if last.as_ref().is_none_or(|(t, _)| at >= *t) {
            let text = [&json["step"], &json["errorCode"], &json["message"]]
                .iter()
                .filter_map(|v| v.as_str())
                .collect::<Vec<_>>()
                .join(": ");
            last = Some((at, text));
        }
    }
    Ok(last.map(|(at, text)| (UNIX_EPOCH + Duration::from_millis(at.max(0) as u64), text)))
}

#[cfg(test)]
mod tests {
    use super::*;

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
