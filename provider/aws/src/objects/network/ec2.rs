//! What every EC2 module shares: not-found codes, tags, the filters finders use, and the checks
//! reads make of ids and policies.

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use vault_core::graph::ComponentId;
use vault_core::model::Component;
use vault_core::policy::PolicyKind;

use crate::error::AwsError;
use crate::objects::Ctx;

/// EC2 reports a missing object as `Invalid<Thing>ID.NotFound` / `Invalid<Thing>.NotFound`.
pub fn is_not_found(e: &AwsError) -> bool {
    e.code()
        .is_some_and(|c| c.ends_with(".NotFound") || c.ends_with("NotFound"))
}

pub fn ec2_tags(tags: &vault_core::input::Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn tags_of(tags: &[Tag]) -> std::collections::BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

pub fn tag_specification(kind: ResourceType, c: &Component) -> TagSpecification {
    TagSpecification::builder()
        .resource_type(kind)
        .set_tags(c.tags.as_ref().map(ec2_tags))
        .build()
}

/// Objects of this stack carry `vault:stack = <suffix>`.
pub fn management_filter(ctx: &Ctx<'_>) -> Filter {
    Filter::builder()
        .name(format!("tag:{}", vault_core::defaults::MANAGEMENT_TAG))
        .values(ctx.stack.suffix().as_str())
        .build()
}

/// EC2 objects have no name of their own; the core puts it in the `Name` tag.
pub fn name_filter(c: &Component) -> Filter {
    Filter::builder()
        .name("tag:Name")
        .values(c.name.clone().unwrap_or_default())
        .build()
}

/// Whether an object found by name and tag is in the stack's VPC (when its id is known): a
/// replaced VPC's objects, not yet deleted, carry the same names and tags.
pub fn in_stack_vpc(ctx: &Ctx<'_>, vpc: &ComponentId, have: Option<&str>) -> bool {
    ctx.ids
        .get(vpc)
        .is_none_or(|want| have == Some(want.as_str()))
}

/// A difference in an id another component owns; `None` when equal, or when that component's id
/// is not known (then there is nothing to compare with).
pub fn reference_drift(
    ctx: &Ctx<'_>,
    what: &str,
    have: Option<&str>,
    want: &ComponentId,
) -> Option<String> {
    let want = ctx.ids.get(want)?;
    (have != Some(want.as_str()))
        .then(|| format!("{what} is {}, want {want}", have.unwrap_or("(none)")))
}

/// Whether a policy document AWS returned means the same as the stack's `kind` document (with
/// the ids known so far). A document that does not parse never matches.
pub fn policy_matches(ctx: &Ctx<'_>, kind: PolicyKind, have: Option<&str>) -> bool {
    let want = ctx.stack.policy(kind, &ctx.assigned());
    // Parsed into the core's own JSON type, so the comparison needs no JSON crate of ours.
    fn parse_like<T: std::str::FromStr>(_: &T, text: &str) -> Option<T> {
        text.parse().ok()
    }
    have.and_then(|h| parse_like(&want, h))
        .is_some_and(|have| vault_core::policy::equivalent(&want, &have))
}
