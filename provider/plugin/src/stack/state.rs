//! The resource's Terraform value, field for field as in its schema, and its translation into the
//! core's [`StackConfig`].

use serde::{Deserialize, Serialize};
use vault_core::input::{
    AuditConfig, DatabaseConfig, KmsConfig, LogsConfig, NetworkConfig, RotationConfig,
    TimeoutsConfig,
};
use vault_core::{Input, StackConfig};

use crate::protocol::Value;
use crate::provider::{input_map, input_string, StringMap};

pub type Blocks<T> = Value<Vec<T>>;

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StackState {
    // Inputs.
    #[serde(default)]
    pub environment_suffix: Value<String>,
    #[serde(default)]
    pub tags: Value<StringMap>,
    #[serde(default)]
    pub network: Blocks<NetworkBlock>,
    #[serde(default)]
    pub database: Blocks<DatabaseBlock>,
    #[serde(default)]
    pub rotation: Blocks<RotationBlock>,
    #[serde(default)]
    pub logs: Blocks<LogsBlock>,
    #[serde(default)]
    pub kms: Blocks<KmsBlock>,
    #[serde(default)]
    pub audit: Blocks<AuditBlock>,
    #[serde(default)]
    pub timeouts: Blocks<TimeoutsBlock>,
    // Outputs.
    #[serde(default)]
    pub id: Value<String>,
    #[serde(default)]
    pub tags_all: Value<StringMap>,
    #[serde(default)]
    pub secret_arn: Value<String>,
    #[serde(default)]
    pub secret_name: Value<String>,
    #[serde(default)]
    pub app_secret_arn: Value<String>,
    #[serde(default)]
    pub vpc_id: Value<String>,
    #[serde(default)]
    pub private_subnet_ids: Value<Vec<Value<String>>>,
    #[serde(default)]
    pub security_group_ids: Value<StringMap>,
    #[serde(default)]
    pub vpc_endpoint_ids: Value<StringMap>,
    #[serde(default)]
    pub kms_key_arns: Value<StringMap>,
    #[serde(default)]
    pub cluster_arn: Value<String>,
    #[serde(default)]
    pub cluster_endpoint: Value<String>,
    #[serde(default)]
    pub reader_endpoint: Value<String>,
    #[serde(default)]
    pub rotation_lambda_arn: Value<String>,
    #[serde(default)]
    pub rotation_role_arn: Value<String>,
    #[serde(default)]
    pub log_group_names: Value<StringMap>,
    #[serde(default)]
    pub rotation_policy_json: Value<String>,
    #[serde(default)]
    pub components: Value<StringMap>,
    #[serde(default)]
    pub drift: Value<Vec<Value<String>>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct NetworkBlock {
    #[serde(default)]
    pub cidr_block: Value<String>,
    #[serde(default)]
    pub availability_zones: Value<Vec<Value<String>>>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DatabaseBlock {
    #[serde(default)]
    pub engine_version: Value<String>,
    #[serde(default)]
    pub instance_class: Value<String>,
    #[serde(default)]
    pub instance_count: Value<i64>,
    #[serde(default)]
    pub database_name: Value<String>,
    #[serde(default)]
    pub master_username: Value<String>,
    #[serde(default)]
    pub port: Value<i64>,
    #[serde(default)]
    pub backup_retention_days: Value<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct RotationBlock {
    #[serde(default)]
    pub automatically_after_days: Value<i64>,
    #[serde(default)]
    pub schedule_expression: Value<String>,
    #[serde(default)]
    pub duration: Value<String>,
    #[serde(default)]
    pub runtime: Value<String>,
    #[serde(default)]
    pub timeout_seconds: Value<i64>,
    #[serde(default)]
    pub memory_mb: Value<i64>,
    #[serde(default)]
    pub exclude_characters: Value<String>,
    #[serde(default)]
    pub password_length: Value<i64>,
    #[serde(default)]
    pub rotate_immediately: Value<bool>,
    #[serde(default)]
    pub strategy: Value<String>,
    #[serde(default)]
    pub app_username: Value<String>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct LogsBlock {
    #[serde(default)]
    pub retention_in_days: Value<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct KmsBlock {
    #[serde(default)]
    pub deletion_window_in_days: Value<i64>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AuditBlock {
    #[serde(default)]
    pub cloudtrail: Value<bool>,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct TimeoutsBlock {
    #[serde(default)]
    pub create: Value<String>,
    #[serde(default)]
    pub update: Value<String>,
    #[serde(default)]
    pub delete: Value<String>,
}

fn input<T: Clone>(v: &Value<T>) -> Input<T> {
    match v {
        Value::Value(x) => Input::Set(x.clone()),
        Value::Null => Input::Unset,
        Value::Unknown => Input::Unknown,
    }
}

fn input_list(v: &Value<Vec<Value<String>>>) -> Input<Vec<String>> {
    match v {
        Value::Value(items) => items
            .iter()
            .map(|i| i.as_ref_option().cloned())
            .collect::<Option<Vec<_>>>()
            .map_or(Input::Unknown, Input::Set),
        Value::Null => Input::Unset,
        Value::Unknown => Input::Unknown,
    }
}

/// The block, when written; an unknown block (a `dynamic` one) is checked at the next plan.
fn first<T>(blocks: &Blocks<T>) -> Option<&T> {
    blocks.as_ref_option().and_then(|b| b.first())
}

impl StackState {
    pub fn to_config(&self) -> StackConfig {
        StackConfig {
            environment_suffix: input_string(&self.environment_suffix),
            tags: input_map(&self.tags),
            network: first(&self.network).map(|b| NetworkConfig {
                cidr_block: input(&b.cidr_block),
                availability_zones: input_list(&b.availability_zones),
            }),
            database: first(&self.database).map(|b| DatabaseConfig {
                engine_version: input(&b.engine_version),
                instance_class: input(&b.instance_class),
                instance_count: input(&b.instance_count),
                database_name: input(&b.database_name),
                master_username: input(&b.master_username),
                port: input(&b.port),
                backup_retention_days: input(&b.backup_retention_days),
            }),
            rotation: first(&self.rotation).map(|b| RotationConfig {
                automatically_after_days: input(&b.automatically_after_days),
                schedule_expression: input(&b.schedule_expression),
                duration: input(&b.duration),
                runtime: input(&b.runtime),
                timeout_seconds: input(&b.timeout_seconds),
                memory_mb: input(&b.memory_mb),
                exclude_characters: input(&b.exclude_characters),
                password_length: input(&b.password_length),
                rotate_immediately: input(&b.rotate_immediately),
                strategy: input(&b.strategy),
                app_username: input(&b.app_username),
            }),
            logs: first(&self.logs).map(|b| LogsConfig {
                retention_in_days: input(&b.retention_in_days),
            }),
            kms: first(&self.kms).map(|b| KmsConfig {
                deletion_window_in_days: input(&b.deletion_window_in_days),
            }),
            audit: first(&self.audit).map(|b| AuditConfig {
                cloudtrail: input(&b.cloudtrail),
            }),
            timeouts: first(&self.timeouts).map(|b| TimeoutsConfig {
                create: input(&b.create),
                update: input(&b.update),
                delete: input(&b.delete),
            }),
        }
    }
}
