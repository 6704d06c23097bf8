//! Data source `vault_policy_document`: the IAM, KMS, S3 and VPC endpoint policy documents a
//! stack with the given inputs would get, computed without creating anything (only the caller
//! identity is looked up), for policy review in CI.

use std::collections::BTreeMap;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};
use vault_core::{AccountId, AssignedIds, PolicyKind, ResolvedStack};

use crate::protocol::{self, DataSource, Diagnostics, Schema, Value, ValueEmpty};
use crate::provider::{SharedConfig, StringMap};
use crate::schema::{computed, map_of_strings, string};
use crate::stack::check_for_plan;
use crate::stack::state::{
    AuditBlock, Blocks, DatabaseBlock, KmsBlock, LogsBlock, NetworkBlock, RotationBlock, StackState,
};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PolicyDocumentState {
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
    pub id: Value<String>,
    #[serde(default)]
    pub account_id: Value<String>,
    #[serde(default)]
    pub policies: Value<StringMap>,
    #[serde(default)]
    pub rotation_role_policy_json: Value<String>,
    #[serde(default)]
    pub deployer_policy_json: Value<String>,
}

impl PolicyDocumentState {
    /// The same inputs as a `vault_secrets_stack`, so the same validation and model apply.
    fn as_stack(&self) -> StackState {
        StackState {
            environment_suffix: self.environment_suffix.clone(),
            tags: self.tags.clone(),
            network: self.network.clone(),
            database: self.database.clone(),
            rotation: self.rotation.clone(),
            logs: self.logs.clone(),
            kms: self.kms.clone(),
            audit: self.audit.clone(),
            ..StackState::default()
        }
    }
}

pub fn policy_document_schema() -> Schema {
    let mut block = crate::stack::schema::stack_schema().block;
    block.description = protocol::Description::markdown(
        "The policy documents a `vault_secrets_stack` with these inputs would get: the rotation \
         role's inline policy and trust policy, the CloudTrail role's, the three key policies, the \
         audit bucket policy, the VPC endpoint policies and the rotation function's invoke \
         permission. Nothing is created; only the caller identity is looked up. ARNs AWS assigns \
         at creation (the secret's random suffix, key ids, subnet and group ids) appear as the \
         narrowest pattern that matches them.",
    );
    block.attributes.retain(|name, a| {
        name == "environment_suffix"
            || name == "tags"
            || a.constraint != protocol::AttributeConstraint::Computed
    });
    block.blocks.remove("timeouts");
    block
        .attributes
        .insert("id".into(), computed(string(), "The environment suffix."));
    block.attributes.insert(
        "account_id".into(),
        computed(
            string(),
            "The AWS account the documents are written for (the caller's).",
        ),
    );
    block.attributes.insert(
        "policies".into(),
        computed(
            map_of_strings(),
            "Every document as JSON, by name: `rotation-role`, `rotation-trust`, \
             `cloudtrail-role`, `cloudtrail-trust`, `database-key`, `secrets-key`, `logs-key`, \
             `audit-bucket`, `secretsmanager-endpoint`, `kms-endpoint`, `lambda-invoke` (those \
             without a CloudTrail trail are absent when `audit.cloudtrail` is false).",
        ),
    );
    block.attributes.insert(
        "rotation_role_policy_json".into(),
        computed(string(), "The rotation role's inline policy: the same document as `policies[\"rotation-role\"]`."),
    );
    block.attributes.insert(
        "deployer_policy_json".into(),
        computed(
            string(),
            "The least-privilege IAM policy the principal running Terraform (a CI role, say) \
             needs to plan, apply, update, import and destroy this stack: every action the \
             provider calls, scoped to the stack's names and ARNs, to the management tag \
             `vault:stack` where AWS assigns ids, and `iam:PassRole` to the stack's roles for \
             their services. Attach it to that principal; see the guide \
             \"Deployer policy\".",
        ),
    );
    Schema { version: 1, block }
}

pub struct PolicyDocumentDataSource {
    configured: SharedConfig,
}

impl PolicyDocumentDataSource {
    pub fn new(configured: SharedConfig) -> Self {
        PolicyDocumentDataSource { configured }
    }
}

#[async_trait]
impl DataSource for PolicyDocumentDataSource {
    type State<'a> = PolicyDocumentState;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(policy_document_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        protocol::report(
            diags,
            vault_core::validate::validate(&config.as_stack().to_config(), None),
        );
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        config: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::State<'a>> {
        let configured = self
            .configured
            .read()
            .expect("provider configuration lock")
            .clone();
        let Some(configured) = configured else {
            diags.root_error_short("The vault provider is not configured");
            return None;
        };
        let stack_state = config.as_stack();
        if !check_for_plan(diags, &stack_state, &configured.context) {
            return None;
        }
        let account = match configured.account().await {
            Ok(a) => a,
            Err(e) => {
                diags.root_error("Cannot look up the caller identity", e.to_string());
                return None;
            }
        };
        let account_id = match AccountId::parse(&account) {
            Ok(a) => a,
            Err(e) => {
                diags.root_error("Unexpected account id", e.to_string());
                return None;
            }
        };
        // Zones change no document (subnets are named by pattern until they exist), so a preview
        // does not look them up.
        let region = &configured.clients.region;
        let zones: Vec<String> = ["a", "b", "c"]
            .iter()
            .map(|l| format!("{region}{l}"))
            .collect();
        let stack = match ResolvedStack::build(
            &stack_state.to_config(),
            &configured.context,
            &account_id,
            &zones,
        ) {
            Ok(s) => s,
            Err(e) => {
                diags.root_error("Cannot model the stack", e.to_string());
                return None;
            }
        };
        let none = AssignedIds::none();
        let deployer = serde_json::to_string_pretty(&stack.policy(PolicyKind::Deployer, &none))
            .unwrap_or_default();
        let policies: BTreeMap<String, Value<String>> = stack
            .policy_kinds()
            .into_iter()
            .map(|k| {
                let doc = serde_json::to_string_pretty(&stack.policy(k, &none)).unwrap_or_default();
                (k.as_str().to_string(), Value::Value(doc))
            })
            .collect();
        let mut state = config;
        state.id = state.environment_suffix.clone();
        state.account_id = Value::Value(account);
        state.rotation_role_policy_json = policies
            .get("rotation-role")
            .cloned()
            .unwrap_or(Value::Null);
        state.policies = Value::Value(policies);
        state.deployer_policy_json = Value::Value(deployer);
        Some(state)
    }
}
