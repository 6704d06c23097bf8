//! What the RDS modules share: not-found codes, tags by ARN, and the component ids they resolve.

use std::collections::BTreeMap;

use aws_sdk_rds::types::Tag;
use vault_core::model::Component;

use super::unwanted_tags;
use crate::error::AwsError;
use crate::objects::Ctx;

/// RDS names a missing object per kind; the codes differ from the SDK's error names
/// (`DBInstanceNotFound`, not `DBInstanceNotFoundFault`), so both spellings are accepted.
pub fn is_not_found(e: &AwsError) -> bool {
    e.is_code(&[
        "DBSubnetGroupNotFoundFault",
        "DBSubnetGroupNotFound",
        "DBParameterGroupNotFound",
        "DBParameterGroupNotFoundFault",
        "DBClusterParameterGroupNotFound",
        "DBClusterParameterGroupNotFoundFault",
        "DBClusterNotFoundFault",
        "DBClusterNotFound",
        "DBInstanceNotFound",
        "DBInstanceNotFoundFault",
    ])
}

pub fn rds_tags(tags: &vault_core::input::Tags) -> Vec<Tag> {
    tags.iter()
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect()
}

pub fn tags_of(tags: &[Tag]) -> BTreeMap<String, String> {
    tags.iter()
        .filter_map(|t| Some((t.key()?.to_string(), t.value().unwrap_or("").to_string())))
        .collect()
}

pub async fn list_tags(ctx: &Ctx<'_>, arn: &str) -> Result<BTreeMap<String, String>, AwsError> {
    let out = ctx
        .call("ListTagsForResource", || {
            ctx.clients
                .rds
                .list_tags_for_resource()
                .resource_name(arn)
                .send()
        })
        .await?;
    Ok(tags_of(out.tag_list()))
}

/// Makes the object's tags the component's: adds or corrects the wanted ones, removes the rest
/// (AWS's own `aws:` tags excepted).
pub async fn sync_tags(
    ctx: &Ctx<'_>,
    c: &Component,
    arn: &str,
    have: &BTreeMap<String, String>,
) -> Result<(), AwsError> {
    let Some(want) = &c.tags else { return Ok(()) };
    let missing: Vec<Tag> = want
        .iter()
        .filter(|(k, v)| have.get(*k) != Some(v))
        .map(|(k, v)| Tag::builder().key(k).value(v).build())
        .collect();
    if !missing.is_empty() {
        ctx.call("AddTagsToResource", || {
            ctx.clients
                .rds
                .add_tags_to_resource()
                .resource_name(arn)
                .set_tags(Some(missing.clone()))
                .send()
        })
        .await?;
    }
    let unwanted = unwanted_tags(c.tags.as_ref(), have);
    if !unwanted.is_empty() {
        ctx.call("RemoveTagsFromResource", || {
            ctx.clients
                .rds
                .remove_tags_from_resource()
                .resource_name(arn)
                .set_tag_keys(Some(unwanted.clone()))
                .send()
        })
        .await?;
    }
    Ok(())
}
