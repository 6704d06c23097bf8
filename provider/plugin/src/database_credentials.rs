//! Ephemeral resource `vault_database_credentials` (Terraform >= 1.10, SPEC §4.1): a stack's
//! database credentials for configuring another provider or a provisioner during a run. Terraform
//! never writes an ephemeral resource's values to state or to a plan file, and the provider logs
//! none of them: the password exists only in memory, for the run.

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

use crate::protocol::{AttributePath, Diagnostics, EphemeralResource, Schema, Value};
use crate::provider::SharedConfig;
use crate::schema::{block, computed, defaulted, number, optional, sensitive, string};
use crate::secret_lookup;

/// The version stage read when none is given: the credentials in use.
pub const DEFAULT_STAGE: &str = "AWSCURRENT";

#[derive(Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct DatabaseCredentials {
    #[serde(default)]
    pub secret_arn: Value<String>,
    #[serde(default)]
    pub environment_suffix: Value<String>,
    #[serde(default)]
    pub version_stage: Value<String>,
    #[serde(default)]
    pub version_id: Value<String>,
    #[serde(default)]
    pub host: Value<String>,
    #[serde(default)]
    pub port: Value<i64>,
    #[serde(default)]
    pub username: Value<String>,
    #[serde(default)]
    pub password: Value<String>,
    #[serde(default)]
    pub dbname: Value<String>,
    #[serde(default)]
    pub engine: Value<String>,
}

pub fn database_credentials_schema() -> Schema {
    let b = block(
        "A stack's database credentials, read from its secret for the length of one Terraform \
         run (Terraform >= 1.10), to configure another provider or a provisioner. As an \
         ephemeral resource it is never written to state or to a plan file. Give `secret_arn` or \
         `environment_suffix`.",
        vec![
            ("secret_arn", defaulted(string(), "ARN of the stack's secret. Computed from `environment_suffix` when that is given instead.")),
            ("environment_suffix", optional(string(), "The stack's suffix, instead of `secret_arn`.")),
            ("version_stage", defaulted(string(), &format!("The version stage to read. Defaults to `{DEFAULT_STAGE}`, the credentials in use; `AWSPENDING` during a rotation, `AWSPREVIOUS` after one."))),
            ("version_id", computed(string(), "The secret version read.")),
            ("host", computed(string(), "The database endpoint (the Aurora cluster's writer endpoint); empty until the cluster exists.")),
            ("port", computed(number(), "The database port.")),
            ("username", computed(string(), "The database user.")),
            ("password", sensitive(computed(string(), "The user's password. Never in state, plan or logs."))),
            ("dbname", computed(string(), "The database name.")),
            ("engine", computed(string(), "The engine, as AWS's rotation functions name it (`mysql`).")),
        ],
    );
    Schema {
        version: 0,
        block: b,
    }
}

pub struct DatabaseCredentialsResource {
    configured: SharedConfig,
}

impl DatabaseCredentialsResource {
    pub fn new(configured: SharedConfig) -> Self {
        DatabaseCredentialsResource { configured }
    }
}

fn check_stage(diags: &mut Diagnostics, stage: &Value<String>) {
    if let Value::Value(s) = stage {
        // Secrets Manager's limit for a staging label.
        if s.is_empty() || s.len() > 256 {
            diags.error(
                "Invalid version_stage",
                "version_stage is a staging label of 1 to 256 characters, such as AWSCURRENT, \
                 AWSPENDING or AWSPREVIOUS.",
                AttributePath::new("version_stage"),
            );
        }
    }
}

fn text(v: Option<String>) -> Value<String> {
    v.map_or(Value::Null, Value::Value)
}

#[async_trait]
impl EphemeralResource for DatabaseCredentialsResource {
    type Value<'a> = DatabaseCredentials;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(database_credentials_schema())
    }

    async fn validate<'a>(
        &self,
        diags: &mut Diagnostics,
        config: DatabaseCredentials,
    ) -> Option<()> {
        secret_lookup::validate(diags, &config.secret_arn, &config.environment_suffix);
        check_stage(diags, &config.version_stage);
        Some(())
    }

    async fn open<'a>(
        &self,
        diags: &mut Diagnostics,
        config: DatabaseCredentials,
    ) -> Option<DatabaseCredentials> {
        check_stage(diags, &config.version_stage);
        if diags.has_errors() {
            return None;
        }
        let configured = secret_lookup::configured(diags, &self.configured)?;
        let id = secret_lookup::secret_id(
            diags,
            &configured,
            &config.secret_arn,
            &config.environment_suffix,
        )
        .await?;
        let stage = match &config.version_stage {
            Value::Value(s) => s.clone(),
            _ => DEFAULT_STAGE.to_string(),
        };
        let read = vault_aws::credentials::read(&configured.clients, &id, &stage);
        let read = match configured.unless_stopped(read).await {
            Some(Ok(c)) => c,
            None => {
                diags.root_error_short(crate::provider::STOPPED);
                return None;
            }
            Some(Err(e)) => {
                diags.root_error(
                    "Cannot read the database credentials",
                    format!("Reading the {stage} version of {id}: {e}"),
                );
                return None;
            }
        };
        if read.password.is_none() {
            // An application secret before its first rotation has no password yet.
            diags.root_warning(
                "The secret holds no password",
                format!(
                    "The {stage} version of {} has no password field.",
                    read.secret_arn
                ),
            );
        }
        Some(DatabaseCredentials {
            secret_arn: Value::Value(read.secret_arn),
            environment_suffix: config.environment_suffix,
            version_stage: Value::Value(stage),
            version_id: Value::Value(read.version_id),
            host: text(read.host),
            port: read
                .port
                .map_or(Value::Null, |p| Value::Value(i64::from(p))),
            username: text(read.username),
            password: text(read.password),
            dbname: text(read.dbname),
            engine: text(read.engine),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    async fn validated(config: DatabaseCredentials) -> Diagnostics {
        let mut diags = Diagnostics::default();
        let r = DatabaseCredentialsResource::new(SharedConfig::default());
        EphemeralResource::validate(&r, &mut diags, config).await;
        diags
    }

    #[tokio::test]
    async fn bad_input_is_an_error_at_its_attribute_before_any_aws_call() {
        // The provider is not configured: an AWS call could not even be attempted.
        let both = validated(DatabaseCredentials {
            secret_arn: Value::Value("arn:aws:secretsmanager:us-east-1:1:secret:x".into()),
            environment_suffix: Value::Value("dev".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(both.errors[0].summary, "Conflicting arguments");
        let suffix = validated(DatabaseCredentials {
            environment_suffix: Value::Value("Not A Suffix".into()),
            version_stage: Value::Value(String::new()),
            ..Default::default()
        })
        .await;
        let at: Vec<_> = suffix
            .errors
            .iter()
            .map(|e| (e.summary.as_str(), e.attribute.to_string()))
            .collect();
        assert_eq!(
            at,
            [
                (
                    "Invalid environment_suffix",
                    "environment_suffix".to_string()
                ),
                ("Invalid version_stage", "version_stage".to_string()),
            ]
        );
        let neither = validated(DatabaseCredentials::default()).await;
        assert_eq!(neither.errors[0].summary, "Missing argument");
    }

    #[tokio::test]
    async fn unknown_values_are_left_for_the_run() {
        let diags = validated(DatabaseCredentials {
            environment_suffix: Value::Unknown,
            version_stage: Value::Unknown,
            ..Default::default()
        })
        .await;
        assert!(diags.errors.is_empty());
    }
}
