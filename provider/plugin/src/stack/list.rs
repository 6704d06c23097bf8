//! List resource `vault_secrets_stack` (Terraform >= 1.14, `terraform query`, SPEC §4.1): every
//! stack in the account and region, found by its VPC's `vault:stack` management tag, with its
//! identity and main ids; with `include_resource = true` (and for `-generate-config-out`) each
//! one's full state, rebuilt exactly as `terraform import` rebuilds it.

use async_trait::async_trait;
use vault_core::model::Naming;
use vault_core::{AccountId, EnvironmentSuffix, Region};

use super::identity::StackIdentity;
use super::lifecycle;
use super::state::StackState;
use crate::protocol::{Diagnostics, ListResource, Listed, Schema, Value, ValueEmpty};
use crate::provider::SharedConfig;
use crate::schema::block;
use crate::secret_lookup;

pub fn list_schema() -> Schema {
    Schema {
        version: 0,
        block: block(
            "Every `vault_secrets_stack` in the provider's account and region, found by the \
             `vault:stack` management tag on its VPC, for `terraform query` (Terraform >= \
             1.14). Each result carries the stack's identity (`environment_suffix`, `region`, \
             `account_id`) and names its VPC, Aurora cluster and secret; \
             `terraform query -generate-config-out=FILE` writes an `import` block and a \
             configuration for each. Takes no arguments.",
            vec![],
        ),
    }
}

pub struct SecretsStackList {
    configured: SharedConfig,
}

impl SecretsStackList {
    pub fn new(configured: SharedConfig) -> Self {
        SecretsStackList { configured }
    }
}

#[async_trait]
impl ListResource for SecretsStackList {
    type Config<'a> = ValueEmpty;
    type Identity = StackIdentity;
    type State = StackState;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(list_schema())
    }

    async fn validate<'a>(&self, _diags: &mut Diagnostics, _config: ValueEmpty) -> Option<()> {
        Some(())
    }

    async fn list<'a>(
        &self,
        diags: &mut Diagnostics,
        _config: ValueEmpty,
        include_state: bool,
        limit: Option<usize>,
    ) -> Vec<Listed<StackIdentity, StackState>> {
        let Some(configured) = secret_lookup::configured(diags, &self.configured) else {
            return Vec::new();
        };
        let clients = &configured.clients;
        let account = match configured.account().await {
            Ok(a) => a,
            Err(e) => {
                diags.root_error("Cannot look up the AWS account", e.to_string());
                return Vec::new();
            }
        };
        let stacks = match configured
            .unless_stopped(vault_aws::discover::stacks(clients))
            .await
        {
            Some(Ok(s)) => s,
            None => {
                diags.root_error_short(crate::provider::STOPPED);
                return Vec::new();
            }
            Some(Err(e)) => {
                diags.root_error("Cannot list the stacks", e.to_string());
                return Vec::new();
            }
        };
        let (Ok(account_id), Ok(region)) =
            (AccountId::parse(&account), Region::parse(&clients.region))
        else {
            diags.root_error_short("Cannot read the caller's account or the provider's region");
            return Vec::new();
        };
        let mut out = Vec::new();
        for stack in stacks.into_iter().take(limit.unwrap_or(usize::MAX)) {
            let Ok(suffix) = EnvironmentSuffix::parse(&stack.suffix) else {
                diags.root_warning(
                    "A VPC carries a management tag that is no stack's suffix",
                    format!(
                        "{} is tagged vault:stack = {:?}; it is left out.",
                        stack.vpc_id, stack.suffix
                    ),
                );
                continue;
            };
            let naming = Naming::new(suffix, account_id.clone(), region.clone());
            let display_name = format!(
                "{}: VPC {}, cluster {}, secret {}{}",
                stack.suffix,
                stack.vpc_id,
                naming.db_cluster(),
                naming.secret(),
                if stack.created.is_none() {
                    " (create not finished)"
                } else {
                    ""
                }
            );
            let state = if include_state {
                match lifecycle::import(&configured, &stack.suffix).await {
                    Ok((state, _)) => Some(state),
                    Err(e) => {
                        diags.root_warning(
                            format!("Cannot read stack {:?}", stack.suffix),
                            format!("It is listed without its attributes: {e}"),
                        );
                        None
                    }
                }
            } else {
                None
            };
            out.push(Listed {
                display_name,
                identity: StackIdentity {
                    environment_suffix: Value::Value(stack.suffix.clone()),
                    region: Value::Value(clients.region.clone()),
                    account_id: Value::Value(account.clone()),
                },
                state,
            });
        }
        out
    }
}
