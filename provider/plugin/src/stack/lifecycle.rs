//! The stack's lifecycle against AWS: the model rebuilt from state, the executor's walks, and
//! the outputs read back. Plan-time classification of changes lives here too.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use vault_aws::clock::SystemClock;
use vault_aws::executor::{Executor, Planned, Refreshed, Report};
use vault_aws::objects::{assigned_ids, Ids};
use vault_core::classify::{ChangeSet, ComponentAction};
use vault_core::input::StackConfig;
use vault_core::model::component::{
    DependencyKind, EndpointService, KeyPurpose, LogGroupPurpose, RolePurpose, SecurityGroupRole,
};
use vault_core::model::{logical, Output};
use vault_core::{AccountId, ComponentId, Input, PolicyKind, ProviderContext, ResolvedStack};

use super::state::StackState;
use crate::protocol::Value;
use crate::provider::{Configured, StringMap, STOPPED};

/// What state keeps beside the attributes: what the model needs to be rebuilt exactly as it was
/// applied (zones looked up at apply, the account, the provider's tags at the time).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Private {
    pub account: String,
    pub zones: Vec<String>,
    pub default_tags: BTreeMap<String, String>,
}

pub type PrivateValue = Value<Private>;

/// The model of the stack a state describes.
pub fn stack_of(
    state: &StackState,
    private: &Private,
    region: &str,
) -> Result<ResolvedStack, String> {
    let account = AccountId::parse(&private.account).map_err(|e| e.to_string())?;
    let ctx = ProviderContext {
        region: Some(region.to_string()),
        default_tags: private.default_tags.clone(),
    };
    ResolvedStack::build(&state.to_config(), &ctx, &account, &private.zones)
        .map_err(|e| e.to_string())
}

/// The model of a stack about to be created: the account from STS, the zones from the
/// configuration (each checked to offer what the stack needs) or, when unset, the region's
/// first three that offer it.
pub async fn new_stack(
    configured: &Configured,
    planned: &StackState,
) -> Result<(ResolvedStack, Private), String> {
    let clients = &configured.clients;
    let account = configured
        .account()
        .await
        .map_err(|e| format!("looking up the AWS account: {e}"))?;
    let offer = zone_offer(configured, planned).await?;
    let zones = match configured_zones(planned) {
        Some(z) => match offer.unfit(&z).into_iter().next() {
            Some((_, why)) => return Err(format!("network.availability_zones: {why}")),
            None => z,
        },
        None => offer.choose(vault_core::defaults::AVAILABILITY_ZONE_COUNT)?,
    };
    let private = Private {
        account,
        zones,
        default_tags: configured.context.default_tags.clone(),
    };
    // A `network` block without zones plans them unknown; the model takes those just chosen.
    let mut resolved = planned.clone();
    record_zones(&mut resolved, &private);
    let stack = stack_of(&resolved, &private, &clients.region)?;
    Ok((stack, private))
}

/// What the region's zones offer of what `planned` needs there.
pub async fn zone_offer(
    configured: &Configured,
    planned: &StackState,
) -> Result<vault_aws::zones::Offer, String> {
    vault_aws::zones::offer(&configured.clients, &zone_needs(planned))
        .await
        .map_err(|e| format!("looking up what the region's availability zones offer: {e}"))
}

/// What every zone of `planned` must offer: its instance class for its engine version.
pub fn zone_needs(planned: &StackState) -> vault_aws::zones::Needs {
    let db = planned.to_config().database.unwrap_or_default();
    vault_aws::zones::Needs {
        engine_version: db
            .engine_version
            .known()
            .cloned()
            .unwrap_or_else(|| vault_core::defaults::ENGINE_VERSION.into()),
        instance_class: db
            .instance_class
            .known()
            .cloned()
            .unwrap_or_else(|| vault_core::defaults::INSTANCE_CLASS.into()),
    }
}

/// The zones a configuration names, when it names them.
pub fn configured_zones(state: &StackState) -> Option<Vec<String>> {
    state
        .to_config()
        .network
        .and_then(|n| n.availability_zones.known().cloned())
}

/// What an update of a stack to `planned` records: the provider's current default tags, and
/// the zones the configuration now names (else those recorded before).
pub fn private_for_update(prior: &Private, planned: &StackState, ctx: &ProviderContext) -> Private {
    Private {
        default_tags: ctx.default_tags.clone(),
        zones: configured_zones(planned).unwrap_or_else(|| prior.zones.clone()),
        ..prior.clone()
    }
}

/// The zones the stack was applied in, shown in a written `network` block.
pub fn record_zones(state: &mut StackState, private: &Private) {
    for b in state.network.iter_mut().flatten() {
        b.availability_zones =
            Value::Value(private.zones.iter().cloned().map(Value::Value).collect());
    }
}

pub fn ids_of(state: &StackState) -> Ids {
    match &state.components {
        Value::Value(m) => m
            .iter()
            .filter_map(|(k, v)| {
                v.as_ref_option()
                    .map(|v| (ComponentId::from(k.as_str()), v.clone()))
            })
            .collect(),
        _ => Ids::new(),
    }
}

/// The executor of one run, on this run's clock.
fn executor<'a>(configured: &'a Configured, clock: &'a SystemClock) -> Executor<'a> {
    Executor {
        clients: &configured.clients,
        clock,
        owner: &configured.owner,
    }
}

pub async fn apply(
    configured: &Configured,
    stack: &ResolvedStack,
    prior: Option<&ResolvedStack>,
    ids: Ids,
    planned: &Planned,
    timeout: std::time::Duration,
) -> Report {
    let clock = SystemClock::stoppable(configured.stop.clone());
    let executor = executor(configured, &clock);
    Box::pin(executor.apply(stack, prior, ids, planned, timeout)).await
}

pub async fn destroy(configured: &Configured, stack: &ResolvedStack, ids: Ids) -> Report {
    let clock = SystemClock::stoppable(configured.stop.clone());
    let executor = executor(configured, &clock);
    executor
        .destroy(stack, ids, stack.inputs().timeouts.delete)
        .await
}

pub async fn refresh(
    configured: &Configured,
    stack: &ResolvedStack,
    ids: &Ids,
) -> Result<Refreshed, String> {
    let clock = SystemClock::stoppable(configured.stop.clone());
    let executor = executor(configured, &clock);
    executor
        .refresh(stack, ids, stack.inputs().timeouts.update)
        .await
        .map_err(|f| f.to_string())
}

/// Each object's id as a plan knows it: known for objects apply keeps, unknown for those it
/// creates or replaces (AWS assigns their ids). Objects the stack does not have are absent.
pub type PlannedIds = BTreeMap<ComponentId, Value<String>>;

/// The ids of `stack`'s objects once `rebuilt` are created or replaced over `prior`: every
/// other recorded object keeps its id (apply updates it in place).
pub fn planned_ids(
    stack: &ResolvedStack,
    prior: &Ids,
    rebuilt: &BTreeSet<ComponentId>,
) -> PlannedIds {
    stack
        .components()
        .iter()
        .map(|c| {
            let id = match prior.get(&c.id) {
                Some(id) if !rebuilt.contains(&c.id) => Value::Value(id.clone()),
                _ => Value::Unknown,
            };
            (c.id.clone(), id)
        })
        .collect()
}

fn map_of<K: Copy>(
    keys: &[K],
    name: impl Fn(K) -> &'static str,
    value: impl Fn(K) -> Option<Value<String>>,
) -> Value<StringMap> {
    Value::Value(
        keys.iter()
            .filter_map(|k| value(*k).map(|v| (name(*k).to_string(), v)))
            .collect(),
    )
}

/// The rotation role's policy over `ids`: `Ok` with the document apply will leave when every
/// id it names is known, else `Err` with a preview naming patterns where ids are unknown.
pub fn rotation_policy(
    stack: &ResolvedStack,
    ids: &PlannedIds,
) -> Result<serde_json::Value, serde_json::Value> {
    let known: Ids = ids
        .iter()
        .filter_map(|(c, id)| id.as_ref_option().map(|id| (c.clone(), id.clone())))
        .collect();
    let document = stack.policy(PolicyKind::RotationRole, &assigned_ids(stack, &known));
    // The policy names exactly the objects its component refers to (secret, key, subnets,
    // security group): see the graph's `Refers` dependencies.
    let names_unknown = stack
        .component(&logical::iam_role_policy(RolePurpose::Rotation))
        .into_iter()
        .flat_map(|c| &c.depends_on)
        .filter(|d| d.kind == DependencyKind::Refers)
        .any(|d| ids.get(&d.on).is_some_and(Value::is_unknown));
    if names_unknown {
        Err(document)
    } else {
        Ok(document)
    }
}

/// Sets every output but `drift` from the objects' ids and what reading them found.
/// `read(object, output, now)` is the value read for one output, given what the state holds
/// there now; `None` when nothing was read.
fn write_outputs(
    state: &mut StackState,
    stack: &ResolvedStack,
    ids: &PlannedIds,
    read: impl Fn(&ComponentId, Output, &Value<String>) -> Option<Value<String>>,
) {
    let id = |c: &ComponentId| ids.get(c).cloned().unwrap_or(Value::Null);
    let naming = stack.naming();
    let secret = logical::secret();
    state.secret_arn = id(&secret);
    state.secret_name = if ids.contains_key(&secret) {
        read(&secret, Output::Name, &state.secret_name)
            .unwrap_or_else(|| Value::Value(naming.secret()))
    } else {
        Value::Null
    };
    state.app_secret_arn = id(&logical::app_secret());
    state.vpc_id = id(&logical::vpc());
    state.private_subnet_ids = Value::Value(
        stack
            .inputs()
            .network
            .availability_zones
            .iter()
            .filter_map(|z| ids.get(&logical::subnet(z)).cloned())
            .collect(),
    );
    state.security_group_ids = map_of(
        &SecurityGroupRole::ALL,
        |r| r.as_str(),
        |r| ids.get(&logical::security_group(r)).cloned(),
    );
    state.vpc_endpoint_ids = map_of(
        &[EndpointService::SecretsManager, EndpointService::Kms],
        |e| e.as_str(),
        |e| ids.get(&logical::vpc_endpoint(e)).cloned(),
    );
    let arns_now = state.kms_key_arns.clone().unwrap_or_default();
    state.kms_key_arns = map_of(
        &KeyPurpose::ALL,
        |k| k.as_str(),
        |k| {
            let key = logical::kms_key(k);
            let now = arns_now.get(k.as_str()).cloned().unwrap_or_default();
            ids.get(&key)
                .map(|id| read(&key, Output::Arn, &now).unwrap_or_else(|| id.clone()))
        },
    );
    let cluster = logical::db_cluster();
    for (output, key) in [
        (&mut state.cluster_arn, Output::Arn),
        (&mut state.cluster_endpoint, Output::Endpoint),
        (&mut state.reader_endpoint, Output::ReaderEndpoint),
    ] {
        *output = read(&cluster, key, output).unwrap_or_default();
    }
    state.rotation_lambda_arn = id(&logical::lambda_function());
    let role = logical::iam_role(RolePurpose::Rotation);
    state.rotation_role_arn = if ids.contains_key(&role) {
        read(&role, Output::Arn, &state.rotation_role_arn)
            .unwrap_or_else(|| Value::Value(naming.iam_role_arn(RolePurpose::Rotation)))
    } else {
        Value::Null
    };
    state.log_group_names = map_of(
        &[LogGroupPurpose::Rotation, LogGroupPurpose::Audit],
        |p| p.as_str(),
        |p| ids.get(&logical::log_group(p)).cloned(),
    );
    state.rotation_policy_json = match rotation_policy(stack, ids) {
        Ok(document) => Value::Value(document.to_string()),
        Err(_) => Value::Unknown,
    };
    state.components = Value::Value(
        ids.iter()
            .map(|(k, v)| (k.to_string(), v.clone()))
            .collect(),
    );
}

/// Sets every output from the objects' ids and what a refresh read.
pub fn set_outputs(state: &mut StackState, stack: &ResolvedStack, refreshed: &Refreshed) {
    let ids: PlannedIds = refreshed
        .ids
        .iter()
        .map(|(c, id)| (c.clone(), Value::Value(id.clone())))
        .collect();
    write_outputs(state, stack, &ids, |c, key, _| {
        refreshed
            .observed
            .get(c)
            .and_then(|o| o.outputs.get(&key))
            .cloned()
            .map(Value::Value)
    });
    state.drift = Value::Value(refreshed.drift().into_iter().map(Value::Value).collect());
}

/// Plans every output but `drift` over the state's current (prior) values: what comes from a
/// kept object stays as it is, what comes from an object apply creates or replaces is unknown,
/// what came from a deleted object is gone. Element by element, so Terraform shows only what
/// changes.
pub fn plan_outputs(state: &mut StackState, stack: &ResolvedStack, ids: &PlannedIds) {
    write_outputs(state, stack, ids, |c, _, now| match ids.get(c)? {
        Value::Value(_) => Some(now.clone()),
        _ => Some(Value::Unknown),
    });
}

/// The outputs of a stack that a destroy could not finish: what is `left` keeps its values,
/// what was deleted is gone, so the next destroy (or apply) starts from the truth.
pub fn keep_outputs_of_left(state: &mut StackState, stack: &ResolvedStack, left: &Ids) {
    let policy = state.rotation_policy_json.clone();
    let ids: PlannedIds = left
        .iter()
        .map(|(c, id)| (c.clone(), Value::Value(id.clone())))
        .collect();
    plan_outputs(state, stack, &ids);
    if !state.rotation_policy_json.is_value() {
        // The policy names objects already deleted; while the role is left, it still holds the
        // policy last applied.
        let role = logical::iam_role(RolePurpose::Rotation);
        state.rotation_policy_json = if left.contains_key(&role) {
            policy
        } else {
            Value::Null
        };
    }
}

/// Components a change set creates, replaces or deletes.
pub fn rebuilt(changes: &ChangeSet) -> BTreeSet<ComponentId> {
    changes
        .components
        .iter()
        .filter(|c| c.action != ComponentAction::Update)
        .map(|c| c.id.clone())
        .collect()
}

/// What a change set does to existing objects: those replaced (deleted, then created again)
/// and those updated in place.
pub fn planned(changes: &ChangeSet) -> Planned {
    let with = |action: ComponentAction| {
        changes
            .components
            .iter()
            .filter(|c| c.action == action)
            .map(|c| c.id.clone())
            .collect()
    };
    Planned {
        replace: with(ComponentAction::Replace),
        update: with(ComponentAction::Update),
    }
}

/// The state of an existing stack, rebuilt from its tagged objects (`terraform import`): the
/// structure AWS holds (`discover`), every object found by name and tag and read, the inputs its
/// settings hold read back from those reads, all written as a configuration would most likely
/// say it (`StackConfig::as_imported`); then every output, and the drift against the model the
/// complete configuration describes.
pub async fn import(
    configured: &Configured,
    suffix: &str,
) -> Result<(StackState, Private), String> {
    let suffix_name = vault_core::EnvironmentSuffix::parse(suffix)
        .map_err(|e| format!("the import id is the stack's environment_suffix: {suffix:?} {e}"))?;
    let clock = SystemClock::stoppable(configured.stop.clone());
    let clients = &configured.clients;
    let naming = configured.naming(suffix_name).await?;
    let account = naming.account().to_string();
    let mut config = configured
        .unless_stopped(vault_aws::discover::discover(clients, &naming))
        .await
        .ok_or(STOPPED)?
        .map_err(|e| e.to_string())?;
    let zones = config
        .network
        .as_ref()
        .and_then(|n| n.availability_zones.known())
        .cloned()
        .unwrap_or_default();
    let private = Private {
        account,
        zones,
        default_tags: configured.context.default_tags.clone(),
    };
    let imported = |config: &StackConfig| -> Result<(StackState, ResolvedStack), String> {
        let mut state =
            StackState::from_config(&config.clone().as_imported(&configured.context.default_tags));
        state.id = state.environment_suffix.clone();
        state.tags_all = super::defaults::tags_all(&state, &configured.context);
        let stack = stack_of(&state, &private, &clients.region)?;
        Ok((state, stack))
    };
    // The structure alone names and places every object; their settings fill in the rest.
    let (_, structure) = imported(&config)?;
    let executor = executor(configured, &clock);
    let timeout = structure.inputs().timeouts.update;
    let ids = executor
        .discover(&structure, timeout)
        .await
        .map_err(|f| f.to_string())?;
    let found = executor
        .read(&structure, &ids, timeout)
        .await
        .map_err(|f| f.to_string())?;
    found.read_back(&structure, &mut config);
    let (mut state, stack) = imported(&config)?;
    let refreshed = executor.compared(&stack, &ids, found, timeout);
    set_outputs(&mut state, &stack, &refreshed);
    Ok((state, private))
}

/// What a check made before anything is created found.
pub enum Check {
    Passed,
    /// The stack cannot be created as configured: the diagnostic's detail.
    Failed(String),
    /// AWS could not be asked: why.
    Unknown(String),
}

/// Runs a check's AWS calls; `limit` bounds AWS's silence (a plan must not hang on an
/// unreachable AWS: apply checks again), not a throttled AWS's answers. Ctrl-C abandons them
/// once one waits to be retried or goes unanswered ([`Configured::unless_stopped`]), as it does
/// an apply's calls: a plan riding out a throttling burst would otherwise keep Terraform waiting
/// until it ends.
pub async fn ask<T>(
    configured: &Configured,
    limit: Option<std::time::Duration>,
    work: impl std::future::Future<Output = Result<T, String>>,
) -> Result<T, String> {
    let answered = async {
        match limit {
            Some(limit) => configured
                .clients
                .bounded(limit, work)
                .await
                .unwrap_or_else(|_| Err(format!("AWS did not answer within {limit:?}"))),
            None => work.await,
        }
    };
    configured
        .unless_stopped(answered)
        .await
        .unwrap_or_else(|| Err(STOPPED.to_string()))
}

/// Whether a complete stack of `suffix` exists in the account and region. Such a stack belongs
/// to another state (or to this one before it was lost); adopting it would let this state's
/// destroy delete another team's stack.
pub async fn check_suffix(
    configured: &Configured,
    suffix: &str,
    limit: Option<std::time::Duration>,
) -> Check {
    let found = ask(configured, limit, async {
        vault_aws::discover::complete_stack(&configured.clients, suffix)
            .await
            .map_err(|e| e.to_string())
    })
    .await;
    match found {
        Ok(None) => Check::Passed,
        Err(why) => Check::Unknown(why),
        Ok(Some(existing)) => Check::Failed(format!(
            "A complete stack with environment_suffix {suffix:?} already exists in region {} \
             (VPC {}, created {}). It is managed by another Terraform state, or by this one \
             before its state was lost; creating it here would take it over.\n\nTo manage that \
             stack from this configuration, import it:\n  terraform import \
             vault_secrets_stack.<name> {suffix}\n(or an import block with id = \"{suffix}\"). \
             To create a new stack, choose another environment_suffix.",
            configured.clients.region, existing.vpc_id, existing.created
        )),
    }
}

/// Whether the stack `state` has an audit trail; not yet when that is unknown (computed from
/// another resource), which apply checks.
pub fn wants_trail(state: &StackState) -> bool {
    match state.to_config().audit.unwrap_or_default().cloudtrail {
        Input::Set(wanted) => wanted,
        Input::Unset => vault_core::defaults::CLOUDTRAIL,
        Input::Unknown => false,
    }
}

/// Whether the region has room for the audit trail of a new stack `planned`. CloudTrail refuses
/// an account's sixth trail in a region and AWS does not raise that quota; the trail is among
/// the last objects an apply makes, so without this check the refusal would come after the
/// cluster, minutes into the apply. Passed when the stack makes no trail, or when its trail
/// exists already (a create interrupted after making it).
pub async fn check_trail_room(
    configured: &Configured,
    planned: &StackState,
    limit: Option<std::time::Duration>,
) -> Check {
    let suffix = planned
        .to_config()
        .environment_suffix
        .known()
        .and_then(|s| vault_core::EnvironmentSuffix::parse(s).ok());
    let (true, Some(suffix)) = (wants_trail(planned), suffix) else {
        return Check::Passed;
    };
    let found = ask(configured, limit, async {
        let naming = configured.naming(suffix).await?;
        let trails = vault_aws::objects::keys_and_audit::cloudtrail::trails_counting_here(
            &configured.clients,
            naming.account().as_str(),
        )
        .await
        .map_err(|e| e.to_string())?;
        Ok((naming, trails))
    })
    .await;
    let (naming, trails) = match found {
        Ok(x) => x,
        Err(why) => return Check::Unknown(why),
    };
    let quota = vault_core::defaults::TRAILS_PER_REGION;
    if trails.len() < quota || trails.contains(&naming.trail()) {
        return Check::Passed;
    }
    Check::Failed(format!(
        "Account {} already has {} CloudTrail trails in region {} ({}). CloudTrail allows {quota} \
         per region and AWS does not raise that quota, so the stack's audit trail {} could not \
         be created. Nothing was created.\n\nDelete a trail that is no longer used, or set \
         audit {{ cloudtrail = false }} when an organisation trail already records this \
         account's management events.",
        naming.account(),
        trails.len(),
        naming.region().as_str(),
        trails.join(", "),
        naming.trail(),
    ))
}

/// Marks the stack complete once an apply finished with every object in place: from then on
/// only this state (or a deliberate import) manages it.
pub async fn mark_complete(configured: &Configured, ids: &Ids) -> Result<(), String> {
    let Some(vpc) = ids.get(&logical::vpc()) else {
        return Ok(());
    };
    vault_aws::discover::mark_complete(&configured.clients, vpc, std::time::SystemTime::now())
        .await
        .map_err(|e| e.to_string())
}
