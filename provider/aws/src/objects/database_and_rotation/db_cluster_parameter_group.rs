//! The cluster parameter group: Aurora MySQL 8.0 with `require_secure_transport = ON`, so the
//! database refuses connections without TLS. Its id is its name.

use aws_sdk_rds::types::{ApplyMethod, DbClusterParameterGroup, Parameter};
use vault_core::model::component::{DbClusterParameterGroupSettings, Settings};
use vault_core::model::Component;

use super::name;
use super::rds;
use crate::error::AwsError;
use crate::objects::tags::{rds_tags, Tagged};
use crate::objects::{Ctx, Observed};
use vault_core::model::Output;

/// Parameters Aurora MySQL applies without a reboot. AWS refuses `immediate` for the others,
/// which take effect at the next reboot.
const DYNAMIC: &[&str] = &["require_secure_transport"];

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(group) = describe(ctx, name(c)?).await? else {
        return Ok(None);
    };
    rds::managed_name(
        ctx,
        group.db_cluster_parameter_group_arn(),
        group.db_cluster_parameter_group_name(),
    )
    .await
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbClusterParameterGroupSettings,
) -> Result<String, AwsError> {
    let name = name(c)?;
    ctx.call("CreateDBClusterParameterGroup", || {
        ctx.clients
            .rds
            .create_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(name)
            .db_parameter_group_family(s.family)
            .description(&s.description)
            .set_tags(c.tags.as_ref().map(rds_tags))
            .send()
    })
    .await?;
    set_parameters(ctx, s, name).await?;
    // RDS lowercases parameter group names; the id is the name AWS knows it by.
    Ok(name.to_lowercase())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &DbClusterParameterGroupSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(group) = describe(ctx, id).await? else {
        return Ok(None);
    };
    // Independent reads, at once: a refresh waits for the slowest object's chain of calls.
    let tags = async {
        match group.db_cluster_parameter_group_arn() {
            Some(arn) => Tagged::Rds(arn).read(ctx).await.map(Some),
            None => Ok(None),
        }
    };
    let (have, tags) = futures::try_join!(user_parameters(ctx, id), tags)?;
    let settings = DbClusterParameterGroupSettings {
        // A parameter listed without a value is not set.
        parameters: have
            .into_iter()
            .filter_map(|(name, value)| Some((name, value?)))
            .collect(),
        // Fixed at creation: the plan replaces the group for a change.
        family: s.family,
        description: s.description.clone(),
    };
    let mut o = Observed::new(Settings::DbClusterParameterGroup(settings)).tags(tags);
    if let Some(arn) = group.db_cluster_parameter_group_arn() {
        o.output(Output::Arn, arn);
    }
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &DbClusterParameterGroupSettings,
    id: &str,
) -> Result<(), AwsError> {
    set_parameters(ctx, s, id).await?;
    let group = describe(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("db cluster parameter group {id} is gone")))?;
    if let Some(arn) = group.db_cluster_parameter_group_arn() {
        Tagged::Rds(arn).sync(ctx, c).await?;
    }
    Ok(())
}

async fn set_parameters(
    ctx: &Ctx<'_>,
    s: &DbClusterParameterGroupSettings,
    name: &str,
) -> Result<(), AwsError> {
    if s.parameters.is_empty() {
        return Ok(());
    }
    let parameters: Vec<Parameter> = s
        .parameters
        .iter()
        .map(|(k, v)| {
            Parameter::builder()
                .parameter_name(k)
                .parameter_value(v)
                .apply_method(apply_method(k))
                .build()
        })
        .collect();
    // AWS takes at most 20 parameters per call.
    for chunk in parameters.chunks(20) {
        ctx.call("ModifyDBClusterParameterGroup", || {
            ctx.clients
                .rds
                .modify_db_cluster_parameter_group()
                .db_cluster_parameter_group_name(name)
                .set_parameters(Some(chunk.to_vec()))
                .send()
        })
        .await?;
    }
    Ok(())
}

fn apply_method(parameter: &str) -> ApplyMethod {
    if DYNAMIC.contains(&parameter) {
        ApplyMethod::Immediate
    } else {
        ApplyMethod::PendingReboot
    }
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    // Deletion is synchronous: the group is gone when the call returns.
    ctx.call_delete("DeleteDBClusterParameterGroup", || {
        ctx.clients
            .rds
            .delete_db_cluster_parameter_group()
            .db_cluster_parameter_group_name(id)
            .send()
    })
    .await
}

// waiters

async fn describe(ctx: &Ctx<'_>, name: &str) -> Result<Option<DbClusterParameterGroup>, AwsError> {
    Ok(ctx
        .call_found("DescribeDBClusterParameterGroups", || {
            ctx.clients
                .rds
                .describe_db_cluster_parameter_groups()
                .db_cluster_parameter_group_name(name)
                .send()
        })
        .await?
        .and_then(|out| out.db_cluster_parameter_groups().first().cloned()))
}

/// The parameters set on the group (not the engine's defaults), with their values.
async fn user_parameters(
    ctx: &Ctx<'_>,
    name: &str,
) -> Result<Vec<(String, Option<String>)>, AwsError> {
    let mut out = Vec::new();
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call("DescribeDBClusterParameters", || {
                ctx.clients
                    .rds
                    .describe_db_cluster_parameters()
                    .db_cluster_parameter_group_name(name)
                    .source("user")
                    .set_marker(marker.clone())
                    .send()
            })
            .await?;
        out.extend(page.parameters().iter().filter_map(|p| {
            Some((
                p.parameter_name()?.to_string(),
                p.parameter_value().map(str::to_string),
            ))
        }));
        match page.marker() {
            Some(m) if !m.is_empty() => marker = Some(m.to_string()),
            _ => return Ok(out),
        }
    }
}
