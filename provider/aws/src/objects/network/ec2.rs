//! What every EC2 module shares: not-found codes, tags, and the filters finders use.

use aws_sdk_ec2::types::{Filter, ResourceType, Tag, TagSpecification};
use vault_core::model::Component;

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
