//! Change classification: for every input attribute that changes between the stack as it is and
//! the proposed configuration, what happens to which AWS objects.
//!
//! Each attribute is judged on its own: the prior stack with only that attribute changed is built
//! and its components compared with the prior ones. Settings AWS can modify are updates, others
//! replacements (see [`Settings::change_to`]); a replacement then spreads along the dependency
//! graph: what lives inside a replaced object is replaced, what merely names it is updated.

use std::collections::{BTreeMap, BTreeSet};

use crate::attribute::Attribute;
use crate::graph::ComponentId;
use crate::input::{ProviderContext, StackConfig};
use crate::model::component::{DependencyKind, Settings, SettingsChange};
use crate::model::{
    logical, Component, ComponentKind, ModelError, ResolvedStack, RotationStrategy, StackInputs,
};
use crate::policy::{equivalent, AssignedIds};
use crate::Path;

/// What happens to one AWS object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentAction {
    Update,
    Create,
    Delete,
    Replace,
}

impl ComponentAction {
    /// "created", as in "2 created".
    pub fn participle(self) -> &'static str {
        match self {
            ComponentAction::Create => "created",
            ComponentAction::Update => "updated",
            ComponentAction::Replace => "replaced",
            ComponentAction::Delete => "deleted",
        }
    }

    pub fn verb(self) -> &'static str {
        match self {
            ComponentAction::Create => "creates",
            ComponentAction::Update => "updates",
            ComponentAction::Replace => "replaces",
            ComponentAction::Delete => "deletes",
        }
    }
}

/// What a change does to the stack as a whole, from mildest to most drastic.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Effect {
    /// No AWS object changes (possibly with a note on when the value takes effect).
    NoOp,
    /// Objects are updated in place, created or deleted; the resource is updated in place.
    Update,
    /// Some objects are replaced (deleted and created again); the resource is updated in place.
    Replace,
    /// Every object is replaced: Terraform replaces the resource (`RequiresReplace`).
    ReplaceStack,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ComponentChange {
    pub id: ComponentId,
    pub kind: ComponentKind,
    pub action: ComponentAction,
    /// The object as users know it: "aurora instance 2 of 2", "subnet in us-east-1a".
    pub description: String,
}

impl ComponentChange {
    /// "replaces aurora instance 2 of 2"
    pub fn line(&self) -> String {
        format!("{} {}", self.action.verb(), self.description)
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AttributeChange {
    pub attribute: Attribute,
    pub effect: Effect,
    pub before: String,
    /// `None` while the new value is not known (it is computed from another resource).
    pub after: Option<String>,
    pub components: Vec<ComponentChange>,
    /// One phrase: "replaces network (vpc, 3 subnets, ...) and everything inside it (...)".
    pub summary: String,
    /// What users should know beyond the objects: data loss, when a value takes effect.
    pub notes: Vec<String>,
}

impl AttributeChange {
    pub fn is_known(&self) -> bool {
        self.after.is_some()
    }
}

#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ChangeSet {
    /// One entry per changed (or unknown) attribute, in [`Attribute::ALL`] order.
    pub changes: Vec<AttributeChange>,
    /// Every affected object once, with the most drastic action of all changes together (known
    /// values only).
    pub components: Vec<ComponentChange>,
    /// Statements of the rotation role's policy that will name ids AWS assigns only at apply,
    /// so the plan cannot show the policy. Classification cannot tell (it knows no ids): the
    /// caller that plans the outputs fills this in for the warning.
    pub rotation_statements_after_apply: Vec<String>,
}

impl ChangeSet {
    pub fn is_empty(&self) -> bool {
        self.changes.is_empty()
    }

    pub fn effect(&self) -> Effect {
        self.changes
            .iter()
            .map(|c| c.effect)
            .max()
            .unwrap_or(Effect::NoOp)
    }

    /// The attribute paths Terraform must mark `RequiresReplace`. A change of the provider's
    /// region also replaces the stack but has no attribute path: it is not listed.
    pub fn requires_replace(&self) -> Vec<Path> {
        self.changes
            .iter()
            .filter(|c| c.effect == Effect::ReplaceStack && c.attribute != Attribute::Region)
            .map(|c| c.attribute.path())
            .collect()
    }

    pub fn change(&self, attribute: Attribute) -> Option<&AttributeChange> {
        self.changes.iter().find(|c| c.attribute == attribute)
    }

    /// How many objects each action touches, for known values: created, updated, replaced,
    /// deleted, in that order.
    pub fn counts(&self) -> [(ComponentAction, usize); 4] {
        [
            ComponentAction::Create,
            ComponentAction::Update,
            ComponentAction::Replace,
            ComponentAction::Delete,
        ]
        .map(|a| (a, self.components.iter().filter(|c| c.action == a).count()))
    }
}

/// The rule for one attribute, as documented: the most drastic effect a change can have and
/// what it does.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct AttributeRule {
    pub attribute: Attribute,
    pub worst: Effect,
    pub what: &'static str,
}

pub fn rule(attribute: Attribute) -> AttributeRule {
    let (worst, what) = attribute.declared_change();
    AttributeRule {
        attribute,
        worst,
        what,
    }
}

/// Classifies every change from `prior` (the stack as applied) to `proposed` (the planned
/// configuration, possibly with unknown values). `region_zones` as for
/// [`ResolvedStack::build`].
pub fn classify(
    prior: &ResolvedStack,
    proposed: &StackConfig,
    ctx: &ProviderContext,
    region_zones: &[String],
) -> Result<ChangeSet, ModelError> {
    let (new_inputs, unknown) =
        StackInputs::resolve_over(prior.inputs(), proposed, ctx, region_zones)?;
    let mut changes = Vec::new();
    for attribute in Attribute::ALL {
        let before = prior.inputs().display(attribute);
        if unknown.contains(&attribute) {
            let r = rule(attribute);
            if r.worst == Effect::NoOp {
                // Whatever it turns out to be, no object changes.
                continue;
            }
            changes.push(AttributeChange {
                attribute,
                effect: r.worst,
                before,
                after: None,
                components: vec![],
                summary: format!("known after apply; a change {}", r.what),
                notes: vec![],
            });
            continue;
        }
        if prior.inputs().same(attribute, &new_inputs) {
            continue;
        }
        // Without an application secret its user names nothing; a switch to single_user is
        // reported (and its deletions named) under rotation.strategy alone.
        if attribute == Attribute::RotationAppUsername
            && new_inputs.rotation.strategy == RotationStrategy::SingleUser
        {
            continue;
        }
        let after = Some(new_inputs.display(attribute));
        if matches!(attribute, Attribute::EnvironmentSuffix | Attribute::Region) {
            changes.push(AttributeChange {
                attribute,
                effect: Effect::ReplaceStack,
                before,
                after,
                components: everything(prior, ComponentAction::Replace),
                summary: rule(attribute).what.to_string(),
                notes: vec![
                    "every object is deleted and created again; the Aurora cluster starts empty \
                     and the secret gets a new password"
                        .to_string(),
                ],
            });
            continue;
        }
        let only_this = prior.inputs().with_attribute_of(attribute, &new_inputs);
        let next = ResolvedStack::from_inputs(only_this, prior.account().clone())?;
        let components = diff(prior, &next);
        let effect = match components.iter().map(|c| c.action).max() {
            None => Effect::NoOp,
            Some(ComponentAction::Replace) => Effect::Replace,
            Some(_) => Effect::Update,
        };
        let mut notes = notes(attribute, prior, &next, &components);
        let summary = if components.is_empty() {
            let what = rule(attribute).what;
            if rule(attribute).worst == Effect::NoOp {
                what.to_string()
            } else {
                // e.g. automatically_after_days while a schedule_expression overrides it.
                notes.push("the new value has no effect on any object".to_string());
                "changes no object".to_string()
            }
        } else {
            summarize(&components)
        };
        changes.push(AttributeChange {
            attribute,
            effect,
            before,
            after,
            components,
            summary,
            notes,
        });
    }

    let total = if changes
        .iter()
        .any(|c| c.effect == Effect::ReplaceStack && c.is_known())
    {
        everything(prior, ComponentAction::Replace)
    } else {
        let next = ResolvedStack::from_inputs(new_inputs, prior.account().clone())?;
        diff(prior, &next)
    };
    Ok(ChangeSet {
        changes,
        components: total,
        rotation_statements_after_apply: Vec::new(),
    })
}

fn everything(stack: &ResolvedStack, action: ComponentAction) -> Vec<ComponentChange> {
    stack
        .components()
        .iter()
        .map(|c| ComponentChange {
            id: c.id.clone(),
            kind: c.kind(),
            action,
            description: describe(stack, &c.id),
        })
        .collect()
}

/// What happens to each object between two stacks of the same account: objects only in `prior`
/// are deleted, objects only in `next` created, the others updated or replaced as their settings
/// require, and replacements spread to what depends on the replaced object.
pub fn diff(prior: &ResolvedStack, next: &ResolvedStack) -> Vec<ComponentChange> {
    let none = AssignedIds::none();
    let mut actions: BTreeMap<ComponentId, ComponentAction> = BTreeMap::new();
    for old in prior.components() {
        let Some(new) = next.component(&old.id) else {
            actions.insert(old.id.clone(), ComponentAction::Delete);
            continue;
        };
        let mut action = old.settings.change_to(&new.settings).map(|c| match c {
            SettingsChange::Update => ComponentAction::Update,
            SettingsChange::Replace => ComponentAction::Replace,
        });
        // Names are fixed when an object is created.
        if old.name != new.name {
            action = Some(ComponentAction::Replace);
        }
        let tags_differ = old.tags != new.tags;
        // Dependencies on objects created or deleted change what the object names (a policy's
        // subnet ARNs); a replaced dependency is handled below.
        let deps_differ = named(old) != named(new);
        // A Lambda permission is one statement of the function's policy, built from its settings
        // alone (compared above); the document also holds the other secret's statement.
        let policies_differ = !matches!(old.settings, Settings::LambdaPermission(_))
            && old
                .settings
                .policies()
                .iter()
                .any(|&p| !equivalent(&prior.policy(p, &none), &next.policy(p, &none)));
        if action.is_none() && (tags_differ || policies_differ || deps_differ) {
            action = Some(ComponentAction::Update);
        }
        if let Some(a) = action {
            actions.insert(old.id.clone(), a);
        }
    }
    for new in next.components() {
        if prior.component(&new.id).is_none() {
            actions.insert(new.id.clone(), ComponentAction::Create);
        }
    }

    // A replaced object gets a new id: what lives inside it is replaced, what names it updated.
    loop {
        let mut changed = false;
        let replaced: Vec<ComponentId> = actions
            .iter()
            .filter(|(_, a)| **a == ComponentAction::Replace)
            .map(|(id, _)| id.clone())
            .collect();
        for id in &replaced {
            for dependent in prior.graph().dependents(id) {
                let Some(component) = prior.component(dependent) else {
                    continue;
                };
                let current = actions.get(dependent).copied();
                if matches!(
                    current,
                    Some(ComponentAction::Delete | ComponentAction::Replace)
                ) {
                    continue;
                }
                let kind = component
                    .depends_on
                    .iter()
                    .filter(|d| &d.on == id)
                    .map(|d| d.kind)
                    .min();
                let wanted = match kind {
                    Some(DependencyKind::Inside) => Some(ComponentAction::Replace),
                    Some(DependencyKind::Refers) => Some(ComponentAction::Update),
                    _ => None,
                };
                if let Some(w) = wanted {
                    if current != Some(w) && current.is_none_or(|c| c < w) {
                        actions.insert(dependent.clone(), w);
                        changed = true;
                    }
                }
            }
        }
        // The secret's value carries the cluster's endpoint: a new cluster rewrites it (keeping
        // the password). Not a graph edge, since the cluster is created from the secret.
        let secret = logical::secret();
        if actions.get(&logical::db_cluster()) == Some(&ComponentAction::Replace)
            && prior.component(&secret).is_some()
            && !actions.contains_key(&secret)
        {
            actions.insert(secret, ComponentAction::Update);
            changed = true;
        }
        if !changed {
            break;
        }
    }

    // In the prior stack's creation order, then the new objects in theirs.
    let mut out = Vec::new();
    for c in prior.components() {
        if let Some(a) = actions.get(&c.id) {
            if *a != ComponentAction::Create {
                out.push(ComponentChange {
                    id: c.id.clone(),
                    kind: c.kind(),
                    action: *a,
                    description: describe(prior, &c.id),
                });
            }
        }
    }
    for c in next.components() {
        if actions.get(&c.id) == Some(&ComponentAction::Create) {
            out.push(ComponentChange {
                id: c.id.clone(),
                kind: c.kind(),
                action: ComponentAction::Create,
                description: describe(next, &c.id),
            });
        }
    }
    out
}

/// The components a component names (not those it merely comes after).
fn named(c: &Component) -> BTreeSet<&ComponentId> {
    c.depends_on
        .iter()
        .filter(|d| d.kind != DependencyKind::After)
        .map(|d| &d.on)
        .collect()
}

/// The object as users know it.
pub fn describe(stack: &ResolvedStack, id: &ComponentId) -> String {
    let Some(c) = stack.component(id) else {
        return id.to_string();
    };
    let name = c.name.clone().unwrap_or_default();
    match &c.settings {
        Settings::Vpc(_) => format!("vpc {name}"),
        Settings::Subnet(s) => format!("subnet in {} ({})", s.availability_zone, s.cidr_block),
        Settings::RouteTable(_) => format!("route table {name}"),
        Settings::RouteTableAssociation(s) => {
            let zone = stack
                .component(&s.subnet)
                .and_then(|sub| match &sub.settings {
                    Settings::Subnet(s) => Some(s.availability_zone.clone()),
                    _ => None,
                })
                .unwrap_or_default();
            format!("route table association of the subnet in {zone}")
        }
        Settings::SecurityGroup(s) => format!("{} security group", s.role.as_str()),
        Settings::SecurityGroupRule(s) => {
            format!("security group rule: {} (port {})", s.description, s.port)
        }
        Settings::VpcEndpoint(s) => format!("{} vpc endpoint", s.service.as_str()),
        Settings::KmsKey(s) => format!("{} kms key", s.purpose.as_str()),
        Settings::KmsAlias(_) => format!("kms alias {name}"),
        Settings::LogGroup(_) => format!("log group {name}"),
        Settings::S3Bucket(_) => format!("audit bucket {name}"),
        Settings::S3BucketPublicAccessBlock(_) => "audit bucket public access block".to_string(),
        Settings::S3BucketEncryption(_) => "audit bucket encryption".to_string(),
        Settings::S3BucketPolicy(_) => "audit bucket policy".to_string(),
        Settings::IamRole(s) => format!("{} role {name}", s.purpose.as_str()),
        Settings::IamRolePolicy(s) => {
            let purpose = stack
                .component(&s.role)
                .and_then(|r| match &r.settings {
                    Settings::IamRole(r) => Some(r.purpose.as_str()),
                    _ => None,
                })
                .unwrap_or("role");
            format!("{purpose} role policy")
        }
        Settings::CloudTrail(_) => format!("cloudtrail trail {name}"),
        Settings::MetricFilter(_) => "secret access metric filter".to_string(),
        Settings::DbSubnetGroup(_) => format!("db subnet group {name}"),
        Settings::DbClusterParameterGroup(_) => format!("db cluster parameter group {name}"),
        Settings::DbCluster(_) => format!("aurora cluster {name}"),
        Settings::DbInstance(s) => format!(
            "aurora instance {} of {}",
            s.index,
            stack.inputs().database.instance_count
        ),
        Settings::Secret(_) => format!("secret {name}"),
        Settings::LambdaFunction(_) => format!("rotation function {name}"),
        Settings::LambdaPermission(s) if s.source_secret == logical::app_secret() => {
            "secrets manager invoke permission for the app secret".to_string()
        }
        Settings::LambdaPermission(_) => "secrets manager invoke permission".to_string(),
        Settings::SecretRotation(s) if s.secret == logical::app_secret() => {
            "app secret rotation schedule".to_string()
        }
        Settings::SecretRotation(_) => "rotation schedule".to_string(),
    }
}

/// "replaces network (vpc, 3 subnets, ...) and everything inside it (...); updates ..."
/// Whether these changes replace the network (its VPC), and with it everything inside it: what a
/// summary says and a per-object list does not.
pub(crate) fn replaces_network<'a>(changes: impl IntoIterator<Item = &'a ComponentChange>) -> bool {
    changes
        .into_iter()
        .any(|c| c.kind == ComponentKind::Vpc && c.action == ComponentAction::Replace)
}

fn summarize(components: &[ComponentChange]) -> String {
    let mut parts = Vec::new();
    for action in [
        ComponentAction::Replace,
        ComponentAction::Create,
        ComponentAction::Update,
        ComponentAction::Delete,
    ] {
        let these: Vec<&ComponentChange> =
            components.iter().filter(|c| c.action == action).collect();
        if these.is_empty() {
            continue;
        }
        let network_replaced = replaces_network(these.iter().copied());
        if network_replaced {
            let (network, inside): (Vec<&ComponentChange>, Vec<&ComponentChange>) =
                these.iter().partition(|c| c.kind.is_network());
            let mut phrase = format!(
                "replaces network ({}) and everything inside it",
                group(&network)
            );
            if !inside.is_empty() {
                phrase.push_str(&format!(" ({})", group(&inside)));
            }
            parts.push(phrase);
        } else {
            parts.push(format!("{} {}", action.verb(), group(&these)));
        }
    }
    parts.join("; ")
}

/// Objects of one action, a kind at a time: the description for one, a count for several.
fn group(components: &[&ComponentChange]) -> String {
    let mut kinds: Vec<ComponentKind> = Vec::new();
    for c in components {
        if !kinds.contains(&c.kind) {
            kinds.push(c.kind);
        }
    }
    kinds
        .into_iter()
        .map(|kind| {
            let of_kind: Vec<&&ComponentChange> =
                components.iter().filter(|c| c.kind == kind).collect();
            match of_kind.as_slice() {
                // Objects known by their name read better as a plain noun in a summary.
                [one] if named_by_noun(kind) => kind.noun().0.to_string(),
                [one] => one.description.clone(),
                many => format!("{} {}", many.len(), kind.noun().1),
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn named_by_noun(kind: ComponentKind) -> bool {
    use ComponentKind::*;
    matches!(
        kind,
        Vpc | RouteTable
            | S3Bucket
            | CloudTrail
            | DbSubnetGroup
            | DbClusterParameterGroup
            | DbCluster
            | Secret
            | LambdaFunction
    )
}

/// What a user should know beyond the list of objects.
fn notes(
    attribute: Attribute,
    prior: &ResolvedStack,
    next: &ResolvedStack,
    components: &[ComponentChange],
) -> Vec<String> {
    let mut notes = Vec::new();
    let action_of = |id: &ComponentId| components.iter().find(|c| &c.id == id).map(|c| c.action);
    if matches!(
        action_of(&logical::db_cluster()),
        Some(ComponentAction::Replace | ComponentAction::Delete)
    ) {
        notes.push(
            "the new Aurora cluster starts empty: the old one is deleted without a final \
             snapshot (skip_final_snapshot = true)"
                .to_string(),
        );
    }
    if matches!(
        action_of(&logical::s3_bucket()),
        Some(ComponentAction::Replace | ComponentAction::Delete)
    ) {
        notes
            .push("the audit bucket is emptied and deleted with the trail's log files".to_string());
    }
    match attribute {
        Attribute::DatabasePort => notes
            .push("Aurora applies a new port by restarting the cluster's instances".to_string()),
        Attribute::DatabaseEngineVersion => {
            let old = aurora_version(&prior.inputs().database.engine_version);
            let new = aurora_version(&next.inputs().database.engine_version);
            if new < old {
                notes.push(
                    "Aurora cannot downgrade a cluster in place: AWS will reject this change"
                        .to_string(),
                );
            } else {
                notes.push("Aurora upgrades in place, restarting the instances".to_string());
            }
        }
        Attribute::DatabaseInstanceClass => notes.push(
            "each instance restarts on its new class; Aurora fails over when the writer does"
                .to_string(),
        ),
        Attribute::DatabaseInstanceCount
            if components
                .iter()
                .any(|c| c.action == ComponentAction::Delete) =>
        {
            notes.push(
                "the highest-numbered instances are deleted; if one is the writer, Aurora fails \
                 over to another first"
                    .to_string(),
            )
        }
        _ => {}
    }
    notes
}

/// `8.0.mysql_aurora.3.08.2` -> `[3, 8, 2]`; unparsable parts count as zero.
fn aurora_version(v: &str) -> Vec<u32> {
    v.rsplit("mysql_aurora.")
        .next()
        .unwrap_or_default()
        .split('.')
        .map(|p| p.parse().unwrap_or(0))
        .collect()
}

#[cfg(test)]
mod tests;
