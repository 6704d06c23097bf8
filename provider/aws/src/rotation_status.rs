//! The rotation status of a stack's secret: its rotation configuration and versions from Secrets
//! Manager, and the last failure the rotation function logged. Rotations that fail silently for
//! months are the pain this exists for.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::clients::Clients;
use crate::error::{api, AwsError};

/// How far back the rotation log group is searched for failures.
const LOG_LOOKBACK: Duration = Duration::from_secs(90 * 24 * 3600);

/// What the status holds, and the rules of a healthy rotation, are the core's.
pub use vault_core::rotation::{RotationStatus, Version};

fn to_system_time(d: &aws_smithy_types::DateTime) -> Option<SystemTime> {
    SystemTime::try_from(*d).ok()
}

/// Reads the status of `secret_id` (an ARN or a name).
pub async fn read(clients: &Clients, secret_id: &str) -> Result<RotationStatus, AwsError> {
    let d = clients
        .secretsmanager
        .describe_secret()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(api("DescribeSecret"))?;
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
    let listed = clients
        .secretsmanager
        .list_secret_version_ids()
        .secret_id(secret_id)
        .send()
        .await
        .map_err(api("ListSecretVersionIds"))?;
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
        match last_failure(clients, &group).await {
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
    group: &str,
) -> Result<Option<(SystemTime, String)>, AwsError> {
    let since = SystemTime::now()
        .checked_sub(LOG_LOOKBACK)
        .unwrap_or(UNIX_EPOCH)
        .duration_since(UNIX_EPOCH)
        .unwrap_or_default()
        .as_millis() as i64;
    let out = clients
        .logs
        .filter_log_events()
        .log_group_name(group)
        .start_time(since)
        .filter_pattern("failed")
        .send()
        .await
        .map_err(api("FilterLogEvents"));
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
