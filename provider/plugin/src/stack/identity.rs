//! The stack's resource identity (Terraform >= 1.12, SPEC §3.4): `environment_suffix`, `region`
//! and `account_id` name one stack wherever its state lives, so `import { identity = {...} }`
//! and `terraform query` can point at it without knowing any AWS id.

use serde::{Deserialize, Serialize};

use super::lifecycle::Private;
use super::state::StackState;
use crate::protocol::{AttributeType, IdentityAttribute, IdentitySchema, Value};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct StackIdentity {
    #[serde(default)]
    pub environment_suffix: Value<String>,
    #[serde(default)]
    pub region: Value<String>,
    #[serde(default)]
    pub account_id: Value<String>,
}

pub fn identity_schema() -> IdentitySchema {
    let attribute = |name: &str, required_for_import, description: &str| IdentityAttribute {
        name: name.to_string(),
        attr_type: AttributeType::String,
        required_for_import,
        description: description.to_string(),
    };
    IdentitySchema {
        version: 0,
        attributes: vec![
            attribute(
                "environment_suffix",
                true,
                "The stack's `environment_suffix`: what every object's name and its `vault:stack` \
                 management tag carry.",
            ),
            attribute(
                "region",
                false,
                "The stack's AWS region. Optional at import; when given it must be the \
                 provider's region.",
            ),
            attribute(
                "account_id",
                false,
                "The stack's AWS account. Optional at import; when given it must be the \
                 account of the provider's credentials.",
            ),
        ],
    }
}

/// The identity of a stored stack; `None` until its account is known (a create not yet
/// applied) or when the suffix is unknown.
pub fn identity_of(
    state: &StackState,
    private: &Value<Private>,
    region: &str,
) -> Option<StackIdentity> {
    let (Value::Value(suffix), Value::Value(private)) = (&state.environment_suffix, private) else {
        return None;
    };
    if private.account.is_empty() {
        return None;
    }
    Some(StackIdentity {
        environment_suffix: Value::Value(suffix.clone()),
        region: Value::Value(region.to_string()),
        account_id: Value::Value(private.account.clone()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(suffix: &str) -> StackState {
        StackState {
            environment_suffix: Value::Value(suffix.to_string()),
            ..StackState::default()
        }
    }

    fn private(account: &str) -> Value<Private> {
        Value::Value(Private {
            account: account.to_string(),
            ..Private::default()
        })
    }

    #[test]
    fn a_stored_stack_is_identified_by_suffix_region_and_account() {
        let id = identity_of(&state("dev"), &private("123456789012"), "eu-west-1").unwrap();
        assert_eq!(id.environment_suffix, Value::Value("dev".to_string()));
        assert_eq!(id.region, Value::Value("eu-west-1".to_string()));
        assert_eq!(id.account_id, Value::Value("123456789012".to_string()));
    }

    #[test]
    fn a_stack_not_yet_created_has_no_identity() {
        assert_eq!(identity_of(&state("dev"), &Value::Null, "eu-west-1"), None);
        assert_eq!(identity_of(&state("dev"), &private(""), "eu-west-1"), None);
        let unknown = StackState {
            environment_suffix: Value::Unknown,
            ..StackState::default()
        };
        assert_eq!(
            identity_of(&unknown, &private("123456789012"), "eu-west-1"),
            None
        );
    }

    #[test]
    fn only_the_suffix_is_required_to_import() {
        let s = identity_schema();
        let required: Vec<_> = s
            .attributes
            .iter()
            .filter(|a| a.required_for_import)
            .map(|a| a.name.as_str())
            .collect();
        assert_eq!(required, ["environment_suffix"]);
        assert!(s.attributes.iter().all(|a| !a.description.is_empty()));
    }
}
