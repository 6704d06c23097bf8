//! `vault_secrets_stack`: the resource users write.

mod defaults;
pub mod identity;
mod lifecycle;
pub mod list;
#[cfg(test)]
mod plan_tests;
pub mod schema;
pub mod state;
#[cfg(test)]
mod tests;

use async_trait::async_trait;
use vault_core::{classify, plan_warning, validate, ProviderContext};

use crate::protocol::{
    self, AttributePath, Diagnostics, IdentitySchema, Resource, Schema, Value, ValueEmpty,
};
use crate::provider::{Configured, SharedConfig};
use identity::StackIdentity;
use lifecycle::{Private, PrivateValue};
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

    fn configured(&self, diags: &mut Diagnostics) -> Option<Configured> {
        let guard = self.configured.read().expect("provider configuration lock");
        match guard.as_ref() {
            Some(c) => Some(c.clone()),
            None => {
                diags.root_error(
                    "Provider not configured",
                    "The vault provider must be configured before vault_secrets_stack is used.",
                );
                None
            }
        }
    }

    /// The provider's configuration, when it is known: checks made with AWS before a create are
    /// skipped while it is not (a provider configured from another resource's outputs).
    fn configured_yet(&self) -> Option<Configured> {
        self.configured
            .read()
            .expect("provider configuration lock")
            .clone()
    }

    /// Validates with the provider's region and default tags, fills defaults, classifies the
    /// change against the prior stack, and marks what apply will compute as unknown.
    fn plan(
        &self,
        diags: &mut Diagnostics,
        proposed: StackState,
        prior: Option<(&StackState, &Private)>,
    ) -> Option<(StackState, Vec<AttributePath>)> {
        let configured = self.configured(diags)?;
        let ctx = configured.context.clone();
        if !check_for_plan(diags, &proposed, &ctx) {
            return None;
        }
        let mut planned = proposed;
        planned.fill_defaults();
        planned.id = planned.environment_suffix.clone();
        planned.tags_all = defaults::tags_all(&planned, &ctx);
        let Some((prior, private)) = prior else {
            defaults::unknown_outputs(&mut planned);
            return Some((planned, Vec::new()));
        };
        if prior.environment_suffix != planned.environment_suffix {
            defaults::unknown_outputs(&mut planned);
            return Some((planned, vec![AttributePath::new("environment_suffix")]));
        }
        // Zones resolved at apply stay what they were unless the configuration names others.
        for (b, p) in planned
            .network
            .iter_mut()
            .flatten()
            .zip(prior.network.iter().flatten())
        {
            if b.availability_zones.is_unknown() {
                b.availability_zones = p.availability_zones.clone();
            }
        }
        let region = &configured.clients.region;
        let prior_stack = match lifecycle::stack_of(prior, private, region) {
            Ok(s) => s,
            // A state without a recorded model (a failed create) is planned as a fresh create.
            Err(_) => {
                defaults::unknown_outputs(&mut planned);
                return Some((planned, Vec::new()));
            }
        };
        let mut changes = match classify(&prior_stack, &planned.to_config(), &ctx, &private.zones) {
            Ok(c) => c,
            Err(e) => {
                diags.root_error("Cannot plan the stack", e.to_string());
                return None;
            }
        };
        let replace: Vec<AttributePath> = changes
            .requires_replace()
            .iter()
            .map(protocol::attribute_path)
            .collect();
        if !replace.is_empty() {
            defaults::unknown_outputs(&mut planned);
            return Some((planned, replace));
        }
        let ids = lifecycle::ids_of(prior);
        let mut rebuilt = lifecycle::rebuilt(&changes);
        // Objects deleted out of band are created again.
        rebuilt.extend(
            prior_stack
                .components()
                .iter()
                .filter(|c| !ids.contains_key(&c.id))
                .map(|c| c.id.clone()),
        );
        let drifted = matches!(&prior.drift, Value::Value(d) if !d.is_empty());
        let unknown_inputs = changes.changes.iter().any(|c| !c.is_known());
        if !changes.components.is_empty() || !rebuilt.is_empty() || drifted || unknown_inputs {
            let applied = lifecycle::private_for_update(private, &planned, &ctx);
            match lifecycle::stack_of(&planned, &applied, region) {
                // A value apply learns could change any object: nothing computed is guessed.
                Ok(next) if !unknown_inputs => {
                    let planned_ids = lifecycle::planned_ids(&next, &ids, &rebuilt);
                    lifecycle::plan_outputs(&mut planned, &next, &planned_ids);
                    if let Err(preview) = lifecycle::rotation_policy(&next, &planned_ids) {
                        let before = prior
                            .rotation_policy_json
                            .as_ref_option()
                            .and_then(|p| serde_json::from_str(p).ok())
                            .unwrap_or_default();
                        changes.rotation_statements_after_apply =
                            vault_core::policy::changed_statements(&before, &preview);
                    }
                }
                _ => defaults::unknown_outputs(&mut planned),
            }
            // Apply brings every object in line with the configuration: nothing is left to
            // report as drift.
            planned.drift = Value::Value(Vec::new());
        }
        if let Some(w) = plan_warning(&changes) {
            protocol::report(diags, vec![w]);
        }
        if drifted {
            diags.add_warning(protocol::Diagnostic::new(
                "Drift will be repaired",
                "These objects differ from the configuration and will be brought back in line.",
                AttributePath::new("drift"),
            ));
        }
        Some((planned, Vec::new()))
    }

    /// Stops a create when a complete stack of the same suffix exists (see
    /// [`lifecycle::check_suffix`]), or when the region has no room for its audit trail
    /// ([`lifecycle::check_trail_room`]); nothing is created or changed. At plan the checks are
    /// bounded and only warn when AWS cannot be asked (apply checks again, and fails then).
    /// Skipped while the suffix or the provider's configuration is not known yet.
    async fn check_new_stack(
        &self,
        diags: &mut Diagnostics,
        planned: &StackState,
        at_plan: bool,
    ) -> Option<()> {
        let Value::Value(suffix) = &planned.environment_suffix else {
            return Some(());
        };
        let Some(configured) = self.configured_yet() else {
            return Some(());
        };
        let limit = at_plan.then_some(PLAN_CHECK_LIMIT);
        let suffix_check = lifecycle::check_suffix(&configured, suffix, limit).await;
        report_check(
            diags,
            &configured,
            suffix_check,
            at_plan,
            ("Stack already exists", "whether this stack already exists"),
            AttributePath::new("environment_suffix"),
        )?;
        self.check_trail_room(diags, planned, at_plan).await
    }

    /// Stops a plan, or a create, whose audit trail the region has no room for
    /// ([`lifecycle::check_trail_room`]).
    async fn check_trail_room(
        &self,
        diags: &mut Diagnostics,
        planned: &StackState,
        at_plan: bool,
    ) -> Option<()> {
        let Some(configured) = self.configured_yet() else {
            return Some(());
        };
        let limit = at_plan.then_some(PLAN_CHECK_LIMIT);
        let check = lifecycle::check_trail_room(&configured, planned, limit).await;
        report_check(
            diags,
            &configured,
            check,
            at_plan,
            (
                "No room for the audit trail",
                "whether the region has room for the audit trail",
            ),
            protocol::attribute_path(&vault_core::Path::block_attr("audit", "cloudtrail")),
        )
    }

    /// Rejects zones that cannot hold the stack (an endpoint service or the instance class
    /// missing there, or no zone of the region) on `network.availability_zones`, element by
    /// element; with no zones configured, checks the region has enough that can. Asked for a
    /// new stack, and for an update only when the zones, the instance class or the engine
    /// version change. Bounded like the suffix check: when AWS cannot be asked, a warning, and
    /// apply checks again.
    async fn check_zones(
        &self,
        diags: &mut Diagnostics,
        planned: &StackState,
        prior: Option<&StackState>,
    ) -> Option<()> {
        let wanted = lifecycle::configured_zones(planned);
        if let Some(prior) = prior {
            if wanted == lifecycle::configured_zones(prior)
                && lifecycle::zone_needs(planned) == lifecycle::zone_needs(prior)
            {
                return Some(());
            }
        }
        let zones_unknown = planned
            .network
            .iter()
            .flatten()
            .any(|n| n.availability_zones.is_unknown());
        let (Some(configured), false) = (self.configured_yet(), zones_unknown) else {
            return Some(());
        };
        let at = vault_core::Path::block_attr("network", "availability_zones");
        let offer = lifecycle::ask(
            &configured,
            Some(PLAN_CHECK_LIMIT),
            lifecycle::zone_offer(&configured, planned),
        )
        .await;
        let offer = match offer {
            Ok(offer) => offer,
            Err(why) => {
                let check = lifecycle::Check::Unknown(why);
                let what = ("", "the availability zones");
                let at = protocol::attribute_path(&at);
                return report_check(diags, &configured, check, true, what, at);
            }
        };
        let mut ok = true;
        match wanted {
            Some(zones) => {
                for (zone, why) in offer.unfit(&zones) {
                    let i = zones.iter().position(|z| *z == zone).unwrap_or_default();
                    diags.error(
                        "Availability zone cannot hold the stack",
                        format!(
                            "{why}. Choose zones that offer it, or leave availability_zones \
                             unset to let the provider choose."
                        ),
                        protocol::attribute_path(&at.clone().index(i)),
                    );
                    ok = false;
                }
            }
            None => {
                if let Err(why) = offer.choose(vault_core::defaults::AVAILABILITY_ZONE_COUNT) {
                    diags.root_error("Not enough availability zones for the stack", why);
                    ok = false;
                }
            }
        }
        ok.then_some(())
    }

    /// The state after a walk: ids recorded, outputs read back, and the walk's error reported.
    /// Another working directory holds the stack's claim: said on `environment_suffix`.
    fn claimed(diags: &mut Diagnostics, error: &vault_aws::error::AwsError) {
        let at = AttributePath::new("environment_suffix");
        diags.error(
            "Stack belongs to another working directory",
            error.to_string(),
            at,
        );
    }

    async fn settle(
        diags: &mut Diagnostics,
        configured: &Configured,
        mut state: StackState,
        stack: &vault_core::ResolvedStack,
        report: vault_aws::executor::Report,
        action: &str,
    ) -> StackState {
        let interrupted = matches!(
            &report.failure,
            Some(f) if matches!(f.error, vault_aws::error::AwsError::Interrupted(_))
        );
        if interrupted {
            // A stopped run reads nothing more (each read could take as long as the wait that
            // was abandoned): the ids recorded so far are the state, and the next plan's refresh
            // reads the rest.
            let planned = state.clone();
            let recorded = vault_aws::executor::Refreshed {
                ids: report.ids.clone(),
                ..Default::default()
            };
            lifecycle::set_outputs(&mut state, stack, &recorded);
            // The cluster's outputs come from reading it; a cluster kept as it was keeps them.
            if report
                .ids
                .contains_key(&vault_core::model::logical::db_cluster())
            {
                for (now, before) in [
                    (&mut state.cluster_arn, &planned.cluster_arn),
                    (&mut state.cluster_endpoint, &planned.cluster_endpoint),
                    (&mut state.reader_endpoint, &planned.reader_endpoint),
                ] {
                    if now.is_null() && before.is_value() {
                        *now = before.clone();
                    }
                }
            }
            if let Some(f) = report.failure {
                diags.root_error(
                    format!("The {action} was interrupted"),
                    format!(
                        "Terraform asked the provider to stop before {} was done. No new AWS \
                         object was started after that, and AWS calls waiting to be retried \
                         (throttled or failed) were abandoned, as were calls still unanswered \
                         {} s after the stop. Everything created so far is recorded in state; \
                         an object whose creation was abandoned is found by its tags by the \
                         next apply or destroy. Run apply again to resume, or destroy to remove \
                         it.",
                        f.component,
                        vault_aws::clock::ATTEMPT_GRACE_AFTER_STOP.as_secs()
                    ),
                );
            }
            return state;
        }
        match lifecycle::refresh(configured, stack, &report.ids).await {
            Ok(refreshed) => {
                lifecycle::set_outputs(&mut state, stack, &refreshed);
                // The plan promised an empty `drift` (apply repairs it). What a read right after
                // a finished apply still finds (AWS not yet consistent, or a change AWS would
                // not make) is said here instead, and the next refresh reads it again.
                let left = refreshed.drift();
                if report.failure.is_none() && !left.is_empty() {
                    state.drift = Value::Value(Vec::new());
                    diags.root_warning(
                        format!("Not every object read as configured after {action}"),
                        format!(
                            "{}\n\nThe next plan reads the objects again and repairs what still \
                             differs.",
                            left.join("\n")
                        ),
                    );
                }
            }
            Err(e) => {
                diags.root_error(format!("Reading the stack after {action} failed"), e);
                let refreshed = vault_aws::executor::Refreshed {
                    ids: report.ids.clone(),
                    ..Default::default()
                };
                lifecycle::set_outputs(&mut state, stack, &refreshed);
            }
        }
        if report.failure.is_none() {
            if let Err(e) = lifecycle::mark_complete(configured, &report.ids).await {
                diags.root_error(
                    format!("Could not mark the stack complete after {action}"),
                    e,
                );
            }
        }
        if let Some(f) = report.failure {
            if let vault_aws::error::AwsError::Claimed { .. } = f.error {
                // Nothing was created: the "resume" advice below would mislead.
                Self::claimed(diags, &f.error);
                return state;
            }
            // A wait that ran out says which setting bounds it: AWS often needs longer than
            // a short timeout (an Aurora cluster takes minutes).
            let bound = match f.error {
                vault_aws::error::AwsError::Timeout { .. } => {
                    let t = &stack.inputs().timeouts;
                    let limit = if action == "create" {
                        t.create
                    } else {
                        t.update
                    };
                    format!(
                        "\n\nThe wait is bounded by timeouts.{action} ({}); raise it if AWS \
                         needs longer.",
                        vault_aws::error::human_duration(limit)
                    )
                }
                _ => String::new(),
            };
            diags.root_error(
                format!("Could not {action} {}", f.component),
                format!(
                    "{}{bound}\n\nEverything created so far is recorded in state; run apply \
                     again to resume once the cause is fixed, or destroy to remove it.",
                    f.error
                ),
            );
        }
        state
    }
}

/// Reports a check made before a create: a failure is an error on `at`; a check AWS could not
/// answer is a warning at plan (apply checks again) and an error at apply. `titles`: the
/// failure's summary, and what could not be checked. A plan Ctrl-C cut short warns of nothing:
/// Terraform halts it and says so.
fn report_check(
    diags: &mut Diagnostics,
    configured: &Configured,
    check: lifecycle::Check,
    at_plan: bool,
    (failed, what): (&str, &str),
    at: AttributePath,
) -> Option<()> {
    match check {
        lifecycle::Check::Passed => Some(()),
        lifecycle::Check::Failed(detail) => {
            diags.error(failed, detail, at);
            None
        }
        lifecycle::Check::Unknown(_) if at_plan && configured.stop.is_stopped() => Some(()),
        lifecycle::Check::Unknown(why) if at_plan => {
            diags.add_warning(protocol::Diagnostic::new(
                format!("Could not check {what}"),
                format!("{why}\n\nApply checks again before creating anything."),
                at,
            ));
            Some(())
        }
        lifecycle::Check::Unknown(why) => {
            diags.error(
                format!("Could not check {what}"),
                format!("{why}\n\nNothing was created."),
                at,
            );
            None
        }
    }
}

/// How long a plan waits for AWS to answer at all before it learns whether a new stack's suffix is
/// taken and what its zones offer ([`vault_aws::clients::Clients::bounded`]).
const PLAN_CHECK_LIMIT: std::time::Duration = std::time::Duration::from_secs(10);

#[async_trait]
impl Resource for SecretsStackResource {
    type State<'a> = StackState;
    type PrivateState<'a> = PrivateValue;
    type ProviderMetaState<'a> = ValueEmpty;
    type Identity = StackIdentity;

    fn schema(&self, _diags: &mut Diagnostics) -> Option<Schema> {
        Some(schema::stack_schema())
    }

    fn identity_schema(&self) -> Option<IdentitySchema> {
        Some(identity::identity_schema())
    }

    fn identity<'a>(
        &self,
        state: &Self::State<'a>,
        private_state: &Self::PrivateState<'a>,
    ) -> Option<StackIdentity> {
        let guard = self.configured.read().expect("provider configuration lock");
        identity::identity_of(state, private_state, &guard.as_ref()?.clients.region)
    }

    /// Through the same path as `terraform import <suffix>`; the region and account, when given,
    /// must be the provider's: a stack elsewhere is not reachable with this configuration.
    async fn import_identity<'a>(
        &self,
        diags: &mut Diagnostics,
        identity: StackIdentity,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let configured = self.configured(diags)?;
        let Value::Value(suffix) = identity.environment_suffix else {
            diags.error(
                "Missing environment_suffix",
                "The identity of a vault_secrets_stack needs its environment_suffix.",
                AttributePath::new("environment_suffix"),
            );
            return None;
        };
        if let Value::Value(region) = &identity.region {
            if *region != configured.clients.region {
                diags.error(
                    "Stack identity in another region",
                    format!(
                        "The identity names region {region:?}, but this provider is configured \
                         for {:?}. Import with a provider configured for {region:?} (a provider \
                         alias), or leave region out.",
                        configured.clients.region
                    ),
                    AttributePath::new("region"),
                );
                return None;
            }
        }
        let (state, private) = self.import(diags, suffix).await?;
        if let (Value::Value(wanted), Value::Value(p)) = (&identity.account_id, &private) {
            if *wanted != p.account {
                diags.error(
                    "Stack identity in another account",
                    format!(
                        "The identity names account {wanted:?}, but the provider's credentials \
                         are for account {:?}.",
                        p.account
                    ),
                    AttributePath::new("account_id"),
                );
                return None;
            }
        }
        Some((state, private))
    }

    async fn validate<'a>(&self, diags: &mut Diagnostics, config: Self::State<'a>) -> Option<()> {
        protocol::report(diags, validate::validate(&config.to_config(), None));
        Some(())
    }

    async fn read<'a>(
        &self,
        diags: &mut Diagnostics,
        state: Self::State<'a>,
        private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(private) = &private_state else {
            return Some((state, private_state));
        };
        let configured = self.configured(diags)?;
        let stack = match lifecycle::stack_of(&state, private, &configured.clients.region) {
            Ok(s) => s,
            Err(_) => return Some((state, private_state)),
        };
        let ids = lifecycle::ids_of(&state);
        // The rotation's health is read beside the objects, not after them: a plan waits only
        // for the slower of the two.
        let secret = state.secret_arn.as_ref_option().cloned();
        let status = async {
            match &secret {
                Some(arn) => crate::rotation_status::read_status(&configured, arn)
                    .await
                    .ok(),
                None => None,
            }
        };
        let (refreshed, status) =
            tokio::join!(lifecycle::refresh(&configured, &stack, &ids), status);
        let refreshed = match refreshed {
            Ok(r) => r,
            Err(e) => {
                diags.root_error("Reading the stack failed", e);
                return None;
            }
        };
        if refreshed.ids.is_empty() && !ids.is_empty() {
            // Every object is gone: the stack no longer exists.
            return Some((StackState::default(), Value::Null));
        }
        let mut state = state;
        lifecycle::set_outputs(&mut state, &stack, &refreshed);
        // A rotation that fails silently for months is the failure nobody notices: say so in
        // every plan. (A rotation log that cannot be read says nothing either way.)
        if let (Value::Value(_), Some(status)) = (&state.secret_arn, status) {
            for problem in status.problems(std::time::SystemTime::now()) {
                diags.root_warning("Secret rotation is unhealthy", problem);
            }
        }
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
        self.check_new_stack(diags, &planned, true).await?;
        self.check_zones(diags, &planned, None).await?;
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
        let private = prior_private_state
            .as_ref_option()
            .cloned()
            .unwrap_or_default();
        let (planned, replace) =
            self.plan(diags, proposed_state, Some((&prior_state, &private)))?;
        self.check_zones(diags, &planned, Some(&prior_state))
            .await?;
        if lifecycle::wants_trail(&planned) && !lifecycle::wants_trail(&prior_state) {
            self.check_trail_room(diags, &planned, true).await?;
        }
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
        planned_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        _planned_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let configured = self.configured(diags)?;
        // Checked again: another apply may have finished this suffix since the plan.
        self.check_new_stack(diags, &planned_state, false).await?;
        let (stack, private) = match lifecycle::new_stack(&configured, &planned_state).await {
            Ok(x) => x,
            Err(e) => {
                diags.root_error("Cannot create the stack", e);
                return None;
            }
        };
        let mut state = planned_state;
        lifecycle::record_zones(&mut state, &private);
        let timeout = stack.inputs().timeouts.create;
        let report = lifecycle::apply(
            &configured,
            &stack,
            None,
            Default::default(),
            &Default::default(),
            timeout,
        )
        .await;
        if let (Some(f), true) = (&report.failure, report.ids.is_empty()) {
            if let vault_aws::error::AwsError::Claimed { .. } = f.error {
                // Nothing exists: no state, so this directory's next plan is a plain create
                // again and its destroy has nothing to do.
                Self::claimed(diags, &f.error);
                return None;
            }
        }
        let state = Box::pin(Self::settle(
            diags,
            &configured,
            state,
            &stack,
            report,
            "create",
        ))
        .await;
        Some((state, Value::Value(private)))
    }

    async fn update<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        planned_state: Self::State<'a>,
        _config_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let configured = self.configured(diags)?;
        let region = configured.clients.region.clone();
        let prior_private = planned_private_state.as_ref_option().cloned();
        let prior_stack = prior_private
            .as_ref()
            .and_then(|p| lifecycle::stack_of(&prior_state, p, &region).ok());
        let mut state = planned_state;
        let private = lifecycle::private_for_update(
            &prior_private.clone().unwrap_or_default(),
            &state,
            &configured.context,
        );
        let (stack, private) = match (&prior_stack, lifecycle::stack_of(&state, &private, &region))
        {
            (Some(_), Ok(stack)) => (stack, private),
            _ => match lifecycle::new_stack(&configured, &state).await {
                Ok(x) => x,
                Err(e) => {
                    diags.root_error("Cannot update the stack", e);
                    return None;
                }
            },
        };
        let planned = match &prior_stack {
            Some(prior) => classify(
                prior,
                &state.to_config(),
                &configured.context,
                &private.zones,
            )
            .map(|c| lifecycle::planned(&c))
            .unwrap_or_default(),
            None => Default::default(),
        };
        lifecycle::record_zones(&mut state, &private);
        let ids = lifecycle::ids_of(&prior_state);
        let timeout = stack.inputs().timeouts.update;
        let report = lifecycle::apply(
            &configured,
            &stack,
            prior_stack.as_ref(),
            ids,
            &planned,
            timeout,
        )
        .await;
        let state = Box::pin(Self::settle(
            diags,
            &configured,
            state,
            &stack,
            report,
            "update",
        ))
        .await;
        Some((state, Value::Value(private)))
    }

    async fn import<'a>(
        &self,
        diags: &mut Diagnostics,
        id: String,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let configured = self.configured(diags)?;
        match lifecycle::import(&configured, &id).await {
            Ok((state, private)) => Some((state, Value::Value(private))),
            Err(e) => {
                diags.root_error("Cannot import the stack", e);
                None
            }
        }
    }

    async fn destroy<'a>(
        &self,
        diags: &mut Diagnostics,
        prior_state: Self::State<'a>,
        planned_private_state: Self::PrivateState<'a>,
        _meta: Self::ProviderMetaState<'a>,
    ) -> Option<(Self::State<'a>, Self::PrivateState<'a>)> {
        let Value::Value(private) = &planned_private_state else {
            return None;
        };
        let configured = self.configured(diags)?;
        let stack = match lifecycle::stack_of(&prior_state, private, &configured.clients.region) {
            Ok(s) => s,
            Err(e) => {
                diags.root_error("Cannot destroy the stack", e);
                return None;
            }
        };
        let report = lifecycle::destroy(&configured, &stack, lifecycle::ids_of(&prior_state)).await;
        let f = report.failure?;
        diags.root_error(
            format!("Could not delete {}", f.component),
            format!(
                "{}\n\nThe objects still present stay in state; run destroy again once the \
                 cause is fixed.",
                f.error
            ),
        );
        let mut left = prior_state;
        lifecycle::keep_outputs_of_left(&mut left, &stack, &report.ids);
        Some((left, planned_private_state))
    }
}
