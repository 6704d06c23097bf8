//! The resource's Terraform value, field for field as in its schema, and its translation into the
//! core's [`StackConfig`].

use serde::{Deserialize, Serialize};
use vault_core::input::{InputType, PresenceKind, Tags};
use vault_core::{Attribute, Input, StackConfig};

use crate::protocol::Value;
use crate::provider::{input_map, input_string, StringMap};

pub type Blocks<T> = Value<Vec<T>>;

/// The Terraform value of an input of type `Self` (`String`, `Vec<String>`, ...), and the
/// translation between it and the core's [`Input`]. Lists and maps keep unknown elements, which
/// Terraform requires a plan to keep as configured; the core sees such a collection as unknown.
pub trait StateField: InputType + Clone {
    type State: Clone
        + std::fmt::Debug
        + Default
        + PartialEq
        + Serialize
        + for<'de> Deserialize<'de>;
    fn input(v: &Self::State) -> Input<Self>;
    fn state(v: &Input<Self>) -> Self::State;
}

impl StateField for String {
    type State = Value<String>;
    fn input(v: &Value<String>) -> Input<String> {
        input_string(v)
    }
    fn state(v: &Input<String>) -> Value<String> {
        value_with(v, String::clone)
    }
}

impl StateField for i64 {
    type State = Value<i64>;
    fn input(v: &Value<i64>) -> Input<i64> {
        input_of(v)
    }
    fn state(v: &Input<i64>) -> Value<i64> {
        value_with(v, |x| *x)
    }
}

impl StateField for bool {
    type State = Value<bool>;
    fn input(v: &Value<bool>) -> Input<bool> {
        input_of(v)
    }
    fn state(v: &Input<bool>) -> Value<bool> {
        value_with(v, |x| *x)
    }
}

impl StateField for Vec<String> {
    type State = Value<Vec<Value<String>>>;
    fn input(v: &Self::State) -> Input<Vec<String>> {
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
    fn state(v: &Input<Vec<String>>) -> Self::State {
        value_with(v, |items| items.iter().cloned().map(Value::Value).collect())
    }
}

impl StateField for Tags {
    type State = Value<StringMap>;
    fn input(v: &Value<StringMap>) -> Input<Tags> {
        input_map(v)
    }
    fn state(v: &Input<Tags>) -> Value<StringMap> {
        value_with(v, |tags| {
            tags.iter()
                .map(|(k, v)| (k.clone(), Value::Value(v.clone())))
                .collect()
        })
    }
}

fn input_of<T: Clone>(v: &Value<T>) -> Input<T> {
    match v {
        Value::Value(x) => Input::Set(x.clone()),
        Value::Null => Input::Unset,
        Value::Unknown => Input::Unknown,
    }
}

/// A configuration value as state holds it, its set value converted by `f`; the inverse of
/// [`StateField::input`].
fn value_with<T, U>(v: &Input<T>, f: impl FnOnce(&T) -> U) -> Value<U> {
    match v {
        Input::Set(x) => Value::Value(f(x)),
        Input::Unset => Value::Null,
        Input::Unknown => Value::Unknown,
    }
}

/// A block as state holds it: written (one element) or not (none).
fn blocks<C, T>(config: &Option<C>, block: impl Fn(&C) -> T) -> Blocks<T> {
    Value::Value(config.iter().map(block).collect())
}

/// The block, when written; an unknown block (a `dynamic` one) is checked at the next plan.
fn first<T>(blocks: &Blocks<T>) -> Option<&T> {
    blocks.as_ref_option().and_then(|b| b.first())
}

/// Whether an input of a block is written, unset or unknown, whatever its value.
fn given<T: StateField>(v: &T::State) -> Input<()> {
    match T::input(v) {
        Input::Set(_) => Input::Set(()),
        Input::Unset => Input::Unset,
        Input::Unknown => Input::Unknown,
    }
}

/// Fills an unset input of a written block as its declared presence says: its default, unknown
/// when apply chooses it, and a default that applies unless another input of the block
/// (`given`) is set only when that one is not (unknown while it is).
fn fill<T: StateField>(v: &mut T::State, attribute: Attribute, given: &[(Attribute, Input<()>)]) {
    if T::input(v) != Input::Unset {
        return;
    }
    let default = |l| T::from_literal(l).map_or(Input::Unset, Input::Set);
    let filled = match attribute.presence().kind {
        PresenceKind::Default(l) => default(l),
        PresenceKind::DefaultUnless(l, other) => {
            match given.iter().find(|(a, _)| *a == other).map(|(_, g)| g) {
                Some(Input::Set(())) => Input::Unset,
                Some(Input::Unknown) => Input::Unknown,
                Some(Input::Unset) | None => default(l),
            }
        }
        PresenceKind::ChosenAtApply => Input::Unknown,
        PresenceKind::Required | PresenceKind::Optional | PresenceKind::Implied(_) => Input::Unset,
    };
    *v = T::state(&filled);
}

/// Generates the resource's state from the table of inputs ([`vault_core::stack_inputs`]): the
/// input attributes and blocks of [`StackState`] (its outputs are written here), the block
/// structs, both conversions to and from the core's [`StackConfig`], and the plan-time defaults.
macro_rules! stack_state {
    (
        top { $( $tattr:ident $tfield:ident : $tty:ty as $trty:ty { $($tspec:tt)* } )* }
        $(
            $block:ident $Config:ident $Block:ident $Inputs:ident $bdoc:literal {
                $( $attr:ident $field:ident : $ty:ty as $rty:ty { $($spec:tt)* } )*
            }
        )*
    ) => {
        #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
        pub struct StackState {
            // Inputs.
            $( #[serde(default)] pub $tfield: <$tty as StateField>::State, )*
            $( #[serde(default)] pub $block: Blocks<$Block>, )*
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

        $(
            #[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
            pub struct $Block {
                $( #[serde(default)] pub $field: <$ty as StateField>::State, )*
            }
        )*

        impl StackState {
            /// The inputs of a configuration, outputs unset: what import writes before reading
            /// the objects. The inverse of [`StackState::to_config`] for the inputs.
            pub fn from_config(c: &StackConfig) -> StackState {
                StackState {
                    $( $tfield: <$tty as StateField>::state(&c.$tfield), )*
                    $( $block: blocks(&c.$block, |b| $Block {
                        $( $field: <$ty as StateField>::state(&b.$field), )*
                    }), )*
                    ..StackState::default()
                }
            }

            pub fn to_config(&self) -> StackConfig {
                StackConfig {
                    $( $tfield: <$tty as StateField>::input(&self.$tfield), )*
                    $( $block: first(&self.$block).map(|b| vault_core::input::$Config {
                        $( $field: <$ty as StateField>::input(&b.$field), )*
                    }), )*
                }
            }

            /// Fills the declared defaults into every block the user wrote (SPEC §3.1).
            pub fn fill_defaults(&mut self) {
                $(
                    for b in self.$block.iter_mut().flatten() {
                        let given = [$( (Attribute::$attr, given::<$ty>(&b.$field)), )*];
                        $( fill::<$ty>(&mut b.$field, Attribute::$attr, &given); )*
                    }
                )*
            }
        }
    };
}

vault_core::stack_inputs!(stack_state);

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
