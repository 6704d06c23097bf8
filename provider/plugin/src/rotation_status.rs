//! Data source `vault_rotation_status`: is the stack's secret actually being rotated? Reads the
//! rotation configuration and versions from Secrets Manager and the last failure the rotation
//! function logged.

use std::collections::HashMap;
use std::time::SystemTime;

use crate::protocol::{AttributeType, DataSource, Diagnostics, Schema, Value, ValueEmpty};
use crate::provider::{Configured, SharedConfig};
use crate::schema::{block, boolean, computed, defaulted, number, optional, string};
use crate::secret_lookup;
use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use vault_aws::rotation_status::{self, RotationStatus};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct VersionValue {
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub stages: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub created: Value<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RotationStatusState {
    #[serde(default)]
    pub secret_arn: Value<String>,
    #[serde(default)]
    pub environment_suffix: Value<String>,
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub rotation_enabled: Value<bool>,
    #[serde(default)]
    pub rotation_lambda_arn: Value<String>,
    #[serde(default)]
    pub automatically_after_days: Value<i64>,
    #[serde(default)]
    pub schedule_expression: Value<String>,
    #[serde(default)]
    pub last_rotated_date: Value<String>,
    #[serde(default)]
    pub next_rotation_date: Value<String>,
    #[serde(default)]
    pub current_version_id: Value<String>,
    #[serde(default)]
    pub pending_version_id: Value<String>,
    #[serde(default)]
    pub rotation_in_progress: Value<bool>,
    #[serde(default)]
    pub versions: Value<Vec<VersionValue>>,
    #[serde(default)]
    pub last_rotation_error: Value<String>,
    #[serde(default)]
    pub healthy: Value<bool>,
}

pub fn rotation_status_schema() -> Schema {
    let version = HashMap::from([
        ("id".to_string(), AttributeType::String),
        (
            "stages".to_string(),
            AttributeType::List(Box::new(AttributeType::String)),
        ),
        ("created".to_string(), AttributeType::String),
    ]);
    let b = block(
        "Whether a stack's database secret is really being rotated: its rotation configuration \
         and versions from Secrets Manager, and the last failure the rotation function logged. \
         Give `secret_arn` or `environment_suffix`.",
        vec![
            ("secret_arn", defaulted(string(), "ARN of the secret. Computed from `environment_suffix` when that is given instead.")),
            ("environment_suffix", optional(string(), "The stack's suffix, instead of `secret_arn`.")),
            ("id", computed(string(), "The secret's ARN.")),
            ("rotation_enabled", computed(boolean(), "Whether Secrets Manager rotates the secret.")),
            ("rotation_lambda_arn", computed(string(), "The rotation function.")),
            ("automatically_after_days", computed(number(), "The rotation interval in days, when set that way.")),
            ("schedule_expression", computed(string(), "The rotation schedule, when set as an expression.")),
            ("last_rotated_date", computed(string(), "When the secret was last rotated (RFC 3339).")),
            ("next_rotation_date", computed(string(), "When the next rotation is due (RFC 3339).")),
            ("current_version_id", computed(string(), "The version labelled AWSCURRENT.")),
            ("pending_version_id", computed(string(), "The version labelled AWSPENDING, if any.")),
            ("rotation_in_progress", computed(boolean(), "A pending version other than the current one exists: a rotation started and did not finish.")),
            ("versions", computed(AttributeType::List(Box::new(AttributeType::Object(version))), "Every version: `id`, `stages`, `created` (RFC 3339), oldest first.")),
            ("last_rotation_error", computed(string(), "The last failure the rotation function logged in the last 90 days (step, error code and message; never a secret value), or null.")),
            ("healthy", computed(boolean(), "Rotation is enabled with a function, not overdue by more than a day, and the last logged failure is older than the last rotation.")),
        ],
    );
    Schema {
        version: 1,
        block: b,
    }
}

fn time(t: Option<SystemTime>) -> Value<String> {
    t.and_then(|t| {
        aws_smithy_types::DateTime::from(t)
            .fmt(aws_smithy_types::date_time::Format::DateTime)
            .ok()
    })
    .map_or(Value::Null, Value::Value)
}

fn opt(s: &Option<String>) -> Value<String> {
    s.clone().map_or(Value::Null, Value::Value)
}

/// Reads the status; the problems become warnings.
pub async fn read_status(
    configured: &Configured,
    secret_id: &str,
) -> Result<RotationStatus, String> {
    configured
        .unless_stopped(rotation_status::read(&configured.clients, secret_id))
        .await
        .ok_or(crate::provider::STOPPED.to_string())?
        .map_err(|e| e.to_string())
}

pub struct RotationStatusDataSource {
    configured: SharedConfig,
}

impl RotationStatusDataSource {
    pub fn new(configured: SharedConfig) -> Self {
        RotationStatusDataSource { configured }
    }
}

#[async_trait]
impl DataSource for RotationStatusDataSource {
    type State<'a> = RotationStatusState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(rotation_status_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        secret_lookup::validate(diags, &config.secret_arn, &config.environment_suffix);
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let configured = secret_lookup::configured(diags, &self.configured)?;
        let id = secret_lookup::secret_id(
            diags,
            &configured,
            &config.secret_arn,
            &config.environment_suffix,
        )
        .await?;
        let status = match read_status(&configured, &id).await {
            Ok(s) => s,
            Err(e) => {
                diags.root_error("Cannot read the secret's rotation status", e);
                return None;
            }
        };
        let now = SystemTime::now();
        for problem in status.problems(now) {
            diags.root_warning("Secret rotation is unhealthy", problem);
        }
        if let Some(why) = &status.log_unreadable {
            diags.root_warning("Could not read the rotation function's log", why.clone());
        }
        let mut state = config;
        state.secret_arn = Value::Value(status.secret_arn.clone());
        state.id = Value::Value(status.secret_arn.clone());
        state.rotation_enabled = Value::Value(status.rotation_enabled);
        state.rotation_lambda_arn = opt(&status.rotation_lambda_arn);
        state.automatically_after_days = status
            .automatically_after_days
            .map_or(Value::Null, Value::Value);
        state.schedule_expression = opt(&status.schedule_expression);
        state.last_rotated_date = time(status.last_rotated);
        state.next_rotation_date = time(status.next_rotation);
        state.current_version_id = opt(&status.current_version_id);
        state.pending_version_id = opt(&status.pending_version_id);
        state.rotation_in_progress = Value::Value(status.rotation_in_progress());
        state.versions = Value::Value(
            status
                .versions
                .iter()
                .map(|v| VersionValue {
                    id: Value::Value(v.id.clone()),
                    stages: Value::Value(v.stages.iter().cloned().map(Value::Value).collect()),
                    created: opt(&v.created),
                })
                .collect(),
        );
        state.last_rotation_error = status
            .last_error
            .as_ref()
            .map_or(Value::Null, |(_, m)| Value::Value(m.clone()));
        state.healthy = Value::Value(status.healthy(now));
        Some(state)
    }
}
