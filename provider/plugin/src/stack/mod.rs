//! `vault_secrets_stack`: the resource users write.

mod defaults;
pub mod schema;
pub mod state;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use vault_core::{validate, ProviderContext};

use crate::protocol::{self, AttributePath, Diagnostics, Resource, Schema, Value, ValueEmpty};
use crate::provider::SharedConfig;
use state::StackState;

/// Every rule, including those that need the provider's region and default tags. Returns false
/// when an error was reported: the plan stops there, before any AWS call.
pub fn check_for_plan(diags: &mut Diagnostics, state: &StackState, ctx: &ProviderContext) -> bool {
    !protocol::report(diags, validate::validate(&state.to_config(), Some(ctx)))
}

pub struct SecretsStackResource {
    configured: SharedConfig,
}

impl SecretsStackResource {
    pub fn new(configured: SharedConfig) -> Self {
        SecretsStackResource { configured }
    }

    fn context(&self, diags: &mut Diagnostics) -> Option<ProviderContext> {
        let guard = self.configured.read().expect("provider configuration lock");
        match guard.as_ref() {
            Some(c) => Some(c.context.clone()),
            None => {
                diags.root_error(
                    "Provider not configured",
                    "The vault provider must be configured before vault_secrets_stack is planned.",
                );
                None
            }
        }
    }

    /// Validates with the provider's region and default tags, then fills defaults and marks what
    /// apply will compute as unknown.
    fn plan(
        &self,
        diags: &mut Diagnostics,
        proposed: StackState,
        prior: Option<&StackState>,
    ) -> Option<(StackState, Vec<AttributePath>)> {
        let ctx = self.context(diags)?;
        if !check_for_plan(diags, &proposed, &ctx) {
            return None;
        }
        let mut planned = proposed;
        defaults::fill(&mut planned);
        planned.id = planned.environment_suffix.clone();
        planned.tags_all = defaults::tags_all(&planned, &ctx);
        let mut replace = Vec::new();
        match prior {
            None => defaults::unknown_outputs(&mut planned),
            Some(prior) => {
                if prior.environment_suffix != planned.environment_suffix {
                    replace.push(AttributePath::new("environment_suffix"));
                    defaults::unknown_outputs(&mut planned);
                }
            }
        }
        Some((planned, replace))
    }

    fn not_yet_applicable(diags: &mut Diagnostics) {
        diags.root_error(
            "Applying vault_secrets_stack is not available in this build",
            "This version of the provider validates and plans stacks; creating and updating the \
             AWS objects is not implemented yet. Nothing was created.",
        );
    }
}

#[async_trait]
impl Resource for SecretsStackResource {
    type State<'a> = StackState;
    type PrivateState<'a> = ValueEmpty;
    type ProviderMetaState<'a> = ValueEmpty;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema::stack_schema())
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        protocol::report(diags, validate::validate(&config.to_config(), None));
        Some(())
    }

    async fn read<'a>(
        &self,
        _diags: &mut Diagnostics,
        state: Self::State<'a>,
        private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Some((state, private_state))
    }

    async fn plan_create<'a>(
        &self,
        diags: &mut Diagnostics,
        proposed_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let (planned, _) = self.plan(diags, proposed_state, None)?;
        Some((planned, Value::Null))
    }

    async fn plan_update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        proposed_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        prior_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>, Vec<AttributePath>)> {
        let (planned, replace) = self.plan(diags, proposed_state, Some(&prior_state))?;
        Some((planned, prior_private_state, replace))
    }

    async fn plan_destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: Self::State<'a>,
        prior_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<Self::PrivateState<'a>> {
        Some(prior_private_state)
    }

    async fn create<'a>(
        &self,
        diags: &mut Diagnostics,
        _planned_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        _planned_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Self::not_yet_applicable(diags);
        None
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        _prior_state: Self::State<'a>,
        _planned_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        _planned_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        Self::not_yet_applicable(diags);
        None
    }

    async fn destroy<'a>(
        &self,
        _diags: &mut Diagnostics,
        _prior_state: Self::State<'a>,
        _planned_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<()> {
        // Create never succeeds in this build, so no state ever names an AWS object.
        Some(())
    }
}
