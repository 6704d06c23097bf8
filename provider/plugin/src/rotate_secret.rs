//! Action `vault_rotate_secret` (Terraform >= 1.14, SPEC §4.1): rotate a stack's secret now.
//! Starts a rotation with the secret's own configuration (`RotateSecret`) and waits, reporting
//! progress, until AWSCURRENT moved to the new version or the function logged a failure (read as
//! `vault_rotation_status` reads it), or the timeout passed. The rotation stays the function's job.

use std::time::Duration;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use vault_aws::clock::SystemClock;
use vault_aws::rotate::{self, RotateError};

use crate::protocol::{Action, AttributePath, Diagnostics, Progress, Schema, Value};
use crate::provider::SharedConfig;
use crate::schema::{block, optional, string};
use crate::secret_lookup;

/// Long enough for a rotation of an Aurora user (seconds, or a cold start and a retry), short
/// enough that a stuck one does not hold a run for an hour.
pub const DEFAULT_TIMEOUT: &str = "10m";

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RotateSecretConfig {
    #[serde(default)]
    pub secret_arn: Value<String>,
    #[serde(default)]
    pub environment_suffix: Value<String>,
    #[serde(default)]
    pub timeout: Value<String>,
}

pub fn rotate_secret_schema() -> Schema {
    let b = block(
        "Rotates a stack's database secret now (Terraform >= 1.14): starts a rotation with the \
         secret's rotation function and waits until it has finished (AWSCURRENT moved to the \
         new version, AWSPENDING on no other version), reporting progress. A failed rotation \
         fails the action with the error the rotation function logged. Invoke it with \
         `terraform apply -invoke=action.vault_rotate_secret.<name>` or from an \
         `action_trigger`. Give `secret_arn` or `environment_suffix`.",
        vec![
            ("secret_arn", optional(string(), "ARN of the stack's secret.")),
            ("environment_suffix", optional(string(), "The stack's suffix, instead of `secret_arn`.")),
            ("timeout", optional(string(), &format!("How long to wait for the rotation to finish, as a duration such as `\"5m\"`. Defaults to `\"{DEFAULT_TIMEOUT}\"`. A rotation still under way then fails the action; it may still finish in AWS."))),
        ],
    );
    Schema {
        version: 0,
        block: b,
    }
}

fn timeout(diags: &mut Diagnostics, config: &RotateSecretConfig) -> Option<Duration> {
    let text = match &config.timeout {
        Value::Value(t) => t.as_str(),
        _ => DEFAULT_TIMEOUT,
    };
    match vault_core::duration::parse(text) {
        Ok(d) if !d.is_zero() => Some(d),
        Ok(_) => {
            diags.error(
                "Invalid timeout",
                "timeout must be longer than zero.",
                AttributePath::new("timeout"),
            );
            None
        }
        Err(e) => {
            diags.error(
                "Invalid timeout",
                format!("{e}."),
                AttributePath::new("timeout"),
            );
            None
        }
    }
}

pub struct RotateSecretAction {
    configured: SharedConfig,
}

impl RotateSecretAction {
    pub fn new(configured: SharedConfig) -> Self {
        RotateSecretAction { configured }
    }
}

#[async_trait]
impl Action for RotateSecretAction {
    type Config<'a> = RotateSecretConfig;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(rotate_secret_schema())
    }

    async fn validate<'a>(
        &self,
        diags: &mut Diagnostics,
        config: RotateSecretConfig,
    ) -> Option<()> {
        secret_lookup::validate(diags, &config.secret_arn, &config.environment_suffix);
        if !config.timeout.is_unknown() {
            timeout(diags, &config);
        }
        Some(())
    }

    async fn invoke<'a>(
        &self,
        diags: &mut Diagnostics,
        config: RotateSecretConfig,
        progress: Progress,
    ) {
        let Some(limit) = timeout(diags, &config) else {
            return;
        };
        let Some(configured) = secret_lookup::configured(diags, &self.configured) else {
            return;
        };
        let Some(id) = secret_lookup::secret_id(
            diags,
            &configured,
            &config.secret_arn,
            &config.environment_suffix,
        )
        .await
        else {
            return;
        };
        let clients = &configured.clients;
        let status = match vault_aws::rotation_status::read(clients, &id).await {
            Ok(s) => s,
            Err(e) => {
                diags.root_error("Cannot read the secret's rotation", e.to_string());
                return;
            }
        };
        let arn = status.secret_arn.clone();
        let started = match rotate::start(clients, &status).await {
            Ok(s) => s,
            Err(e) => {
                diags.root_error(format!("Cannot start a rotation of {arn}"), e.to_string());
                return;
            }
        };
        let _ = progress.send(format!(
            "Rotation of {arn} started: new version {}; waiting up to {} for it to finish.",
            started.version_id,
            rotate::as_written(limit)
        ));
        let clock = SystemClock::stoppable(configured.stop.clone());
        let watched = rotate::watch(
            &clock,
            &started,
            limit,
            || vault_aws::rotation_status::read(clients, &arn),
            |m| {
                let _ = progress.send(m);
            },
        )
        .await;
        match watched {
            Ok(()) => {
                let _ = progress.send(format!(
                    "Rotation of {arn} finished: AWSCURRENT is version {}.",
                    started.version_id
                ));
            }
            Err(e @ RotateError::TimedOut { .. }) => {
                diags.root_error(format!("Rotation of {arn} timed out"), e.to_string())
            }
            Err(e) => diags.root_error(format!("Rotation of {arn} failed"), e.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_timeout_that_is_not_a_duration_is_an_error_at_its_attribute() {
        let mut diags = Diagnostics::default();
        let a = RotateSecretAction::new(SharedConfig::default());
        let config = RotateSecretConfig {
            environment_suffix: Value::Value("dev".into()),
            timeout: Value::Value("soon".into()),
            ..Default::default()
        };
        Action::validate(&a, &mut diags, config).await;
        assert_eq!(diags.errors.len(), 1);
        assert_eq!(diags.errors[0].summary, "Invalid timeout");
        assert_eq!(diags.errors[0].attribute.to_string(), "timeout");
    }

    #[test]
    fn the_default_timeout_is_ten_minutes() {
        let mut diags = Diagnostics::default();
        let t = timeout(&mut diags, &RotateSecretConfig::default());
        assert_eq!(t, Some(Duration::from_secs(600)));
    }
}
