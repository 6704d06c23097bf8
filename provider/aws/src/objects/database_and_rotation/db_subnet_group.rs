//! The DB subnet group: the stack's private subnets, one per zone, where Aurora places its
//! instances. Its id is its name.

use std::time::Duration;

use aws_sdk_rds::types::DbSubnetGroup;
use vault_core::model::component::{DbSubnetGroupSettings, Settings};
use vault_core::model::Component;

use super::rds;
use super::{name, same_set};
use crate::error::AwsError;
use crate::objects::tags::{rds_tags, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{Classifier, RetryPolicy};
use crate::waiter::{Waiter, GONE};
use vault_core::model::Output;

/// A group whose cluster is still being deleted cannot be deleted yet.
const IN_USE: RetryPolicy = RetryPolicy::with(
    &[Classifier::DependencyViolation],
    Duration::from_secs(20 * 60),
);

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(group) = describe(ctx, name(c)?).await? else {
        return Ok(None);
    };
    rds::managed_name(
        ctx,
        group.db_subnet_group_arn(),
        group.db_subnet_group_name(),
    )
    .await
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbSubnetGroupSettings,
) -> Result<String, AwsError> {
    let name = name(c)?;
    let subnets = ctx.ids_of(&s.subnets)?;
    ctx.call("CreateDBSubnetGroup", || {
        ctx.clients
            .rds
            .create_db_subnet_group()
            .db_subnet_group_name(name)
            .db_subnet_group_description(&s.description)
            .set_subnet_ids(Some(subnets.clone()))
            .set_tags(c.tags.as_ref().map(rds_tags))
            .send()
    })
    .await?;
    Ok(name.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &DbSubnetGroupSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(group) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let settings = DbSubnetGroupSettings {
        description: group
            .db_subnet_group_description()
            .unwrap_or_default()
            .to_string(),
        subnets: ctx.references(&s.subnets, &subnet_ids(&group)),
    };
    let mut o = Observed::new(Settings::DbSubnetGroup(settings));
    if let Some(arn) = group.db_subnet_group_arn() {
        o = o.tags(Some(Tagged::Rds(arn).read(ctx).await?));
        o.output(Output::Arn, arn);
    }
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbSubnetGroupSettings,
    id: &str,
) -> Result<(), AwsError> {
    let group = describe(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("db subnet group {id} is gone")))?;
    let subnets = ctx.ids_of(&s.subnets)?;
    // Only when something ModifyDBSubnetGroup sets differs: moto 5.2's ModifyDBSubnetGroup
    // drops the group from its store, so a tag repair must not go through it.
    if !same_set(&subnet_ids(&group), &subnets)
        || group.db_subnet_group_description() != Some(s.description.as_str())
    {
        ctx.call("ModifyDBSubnetGroup", || {
            ctx.clients
                .rds
                .modify_db_subnet_group()
                .db_subnet_group_name(id)
                .db_subnet_group_description(&s.description)
                .set_subnet_ids(Some(subnets.clone()))
                .send()
        })
        .await?;
    }
    if let Some(arn) = group.db_subnet_group_arn() {
        Tagged::Rds(arn).sync(ctx, c).await?;
    }
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete_and_wait(
        &IN_USE,
        "DeleteDBSubnetGroup",
        || {
            ctx.clients
                .rds
                .delete_db_subnet_group()
                .db_subnet_group_name(id)
                .send()
        },
        Waiter::new(format!("db subnet group {id}"), &["Complete"], &[GONE]),
        || async {
            Ok(describe(ctx, id)
                .await?
                .map(|g| g.subnet_group_status().unwrap_or("Complete").to_string()))
        },
    )
    .await
}

// waiters

async fn describe(ctx: &Ctx<'_>, name: &str) -> Result<Option<DbSubnetGroup>, AwsError> {
    Ok(ctx
        .call_found("DescribeDBSubnetGroups", || {
            ctx.clients
                .rds
                .describe_db_subnet_groups()
                .db_subnet_group_name(name)
                .send()
        })
        .await?
        .and_then(|out| out.db_subnet_groups().first().cloned()))
}

fn subnet_ids(g: &DbSubnetGroup) -> Vec<String> {
    sorted(
        g.subnets()
            .iter()
            .filter_map(|s| s.subnet_identifier().map(str::to_string))
            .collect(),
    )
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}
