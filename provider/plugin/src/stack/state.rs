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

/// A configuration value as state holds it, its set value converted by `f`; the inverse of
/// [`input`] and [`input_list`].
fn value_with<T, U>(v: &Input<T>, f: impl FnOnce(&T) -> U) -> Value<U> {
    match v {
        Input::Set(x) => Value::Value(f(x)),
        Input::Unset => Value::Null,
        Input::Unknown => Value::Unknown,
    }
}

fn value<T: Clone>(v: &Input<T>) -> Value<T> {
    value_with(v, T::clone)
}

fn value_list(v: &Input<Vec<String>>) -> Value<Vec<Value<String>>> {
    value_with(v, |items| items.iter().cloned().map(Value::Value).collect())
}

/// A block as state holds it: written (one element) or not (none).
fn blocks<C, T>(config: &Option<C>, block: impl Fn(&C) -> T) -> Blocks<T> {
    Value::Value(config.iter().map(block).collect())
}

/// The block, when written; an unknown block (a `dynamic` one) is checked at the next plan.
fn first<T>(blocks: &Blocks<T>) -> Option<&T> {
    blocks.as_ref_option().and_then(|b| b.first())
}

impl StackState {
    /// The inputs of a configuration, outputs unset: what import writes before reading the
    /// objects. The inverse of [`StackState::to_config`] for the inputs.
    pub fn from_config(c: &StackConfig) -> StackState {
        StackState {
            environment_suffix: value(&c.environment_suffix),
            tags: value_with(&c.tags, |tags| {
                tags.iter()
                    .map(|(k, v)| (k.clone(), Value::Value(v.clone())))
                    .collect()
            }),
            network: blocks(&c.network, |b| NetworkBlock {
                cidr_block: value(&b.cidr_block),
                availability_zones: value_list(&b.availability_zones),
            }),
            database: blocks(&c.database, |b| DatabaseBlock {
                engine_version: value(&b.engine_version),
                instance_class: value(&b.instance_class),
                instance_count: value(&b.instance_count),
                database_name: value(&b.database_name),
                master_username: value(&b.master_username),
                port: value(&b.port),
                backup_retention_days: value(&b.backup_retention_days),
            }),
            rotation: blocks(&c.rotation, |b| RotationBlock {
                automatically_after_days: value(&b.automatically_after_days),
                schedule_expression: value(&b.schedule_expression),
                duration: value(&b.duration),
                runtime: value(&b.runtime),
                timeout_seconds: value(&b.timeout_seconds),
                memory_mb: value(&b.memory_mb),
                exclude_characters: value(&b.exclude_characters),
                password_length: value(&b.password_length),
                rotate_immediately: value(&b.rotate_immediately),
                strategy: value(&b.strategy),
                app_username: value(&b.app_username),
            }),
            logs: blocks(&c.logs, |b| LogsBlock {
                retention_in_days: value(&b.retention_in_days),
            }),
            kms: blocks(&c.kms, |b| KmsBlock {
                deletion_window_in_days: value(&b.deletion_window_in_days),
            }),
            audit: blocks(&c.audit, |b| AuditBlock {
                cloudtrail: value(&b.cloudtrail),
            }),
            timeouts: blocks(&c.timeouts, |b| TimeoutsBlock {
                create: value(&b.create),
                update: value(&b.update),
                delete: value(&b.delete),
            }),
            ..StackState::default()
        }
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    fn v<T>(x: T) -> Value<T> {
        Value::Value(x)
    }

    /// Every input written, some null and some unknown: the inputs a plan can hold.
    fn every_input() -> StackState {
        StackState {
            environment_suffix: v("dev".into()),
            tags: v(StringMap::from([("Team".into(), v("payments".into()))])),
            network: v(vec![NetworkBlock {
                cidr_block: Value::Null,
                availability_zones: v(vec![v("us-east-1a".into()), v("us-east-1b".into())]),
            }]),
            database: v(vec![DatabaseBlock {
                engine_version: v("8.0.mysql_aurora.3.08.2".into()),
                instance_class: Value::Unknown,
                instance_count: v(2),
                database_name: v("app".into()),
                master_username: v("admin".into()),
                port: v(3306),
                backup_retention_days: v(7),
            }]),
            rotation: v(vec![RotationBlock {
                automatically_after_days: Value::Null,
                schedule_expression: v("rate(10 days)".into()),
                duration: v("3h".into()),
                runtime: v("nodejs20.x".into()),
                timeout_seconds: v(30),
                memory_mb: v(256),
                exclude_characters: v("/@\" ".into()),
                password_length: v(32),
                rotate_immediately: v(true),
                strategy: v("alternating_users".into()),
                app_username: v("billing".into()),
            }]),
            logs: v(vec![LogsBlock {
                retention_in_days: v(30),
            }]),
            kms: v(vec![KmsBlock {
                deletion_window_in_days: v(14),
            }]),
            audit: v(vec![AuditBlock {
                cloudtrail: v(false),
            }]),
            timeouts: v(vec![TimeoutsBlock {
                create: v("2h".into()),
                update: Value::Null,
                delete: v("1h".into()),
            }]),
            ..StackState::default()
        }
    }

    #[test]
    fn state_from_a_configuration_gives_back_every_input_it_was_made_from() {
        let state = every_input();
        assert_eq!(StackState::from_config(&state.to_config()), state);
        let without_blocks = StackState {
            logs: v(vec![]),
            kms: v(vec![]),
            audit: v(vec![]),
            timeouts: v(vec![]),
            ..every_input()
        };
        assert_eq!(
            StackState::from_config(&without_blocks.to_config()),
            without_blocks
        );
    }
}
