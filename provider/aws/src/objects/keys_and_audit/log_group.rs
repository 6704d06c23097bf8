//! A CloudWatch Logs group, encrypted with the stack's logs key and expiring after the stack's
//! retention. Created by the stack before anything writes to it, so AWS never creates it
//! unencrypted and never-expiring on first write.

use std::time::Duration;

use aws_sdk_cloudwatchlogs::types::LogGroup;
use vault_core::model::component::{LogGroupSettings, Settings};
use vault_core::model::Component;

use crate::error::AwsError;
use crate::objects::tags::{tag_map, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{self, Classifier, RetryPolicy};
use crate::waiter::{Waiter, EXISTS};
use vault_core::model::Output;

/// CloudWatch Logs refuses a key whose new policy it cannot see yet.
const KEY_PROPAGATION: RetryPolicy =
    RetryPolicy::with(&[Classifier::KmsKeyNotYetUsable], Duration::from_secs(120));

// find

/// By name alone: the name is the stack's, and a group of that name that exists without the
/// management tag (Lambda creates its function's group on first write if it is missing) is
/// adopted and repaired rather than blocking `CreateLogGroup` forever.
pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    Ok(describe(ctx, name)
        .await?
        .and_then(|g| g.log_group_name().map(str::to_string)))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &LogGroupSettings,
) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no log group name", c.id)))?;
    let key = ctx.id(&s.kms_key)?;
    let tags = c.tags.as_ref().map(tag_map);
    ctx.call_with(&KEY_PROPAGATION, "CreateLogGroup", || {
        ctx.clients
            .logs
            .create_log_group()
            .log_group_name(&name)
            .kms_key_id(key)
            .set_tags(tags.clone())
            .send()
    })
    .await?;
    put_retention(ctx, s, &name).await?;
    Ok(name)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &LogGroupSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(group) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let arn = arn_of(ctx, &group, id);
    let settings = LogGroupSettings {
        // Which group of the stack it is: its name says so.
        purpose: s.purpose,
        // No retention: the events never expire, which the core shows as such.
        retention_days: group
            .retention_in_days()
            .and_then(|d| u16::try_from(d).ok())
            .unwrap_or(0),
        kms_key: ctx.reference(&s.kms_key, group.kms_key_id()),
    };
    let mut o =
        Observed::new(Settings::LogGroup(settings)).tags(Some(Tagged::Logs(&arn).read(ctx).await?));
    o.output(Output::Name, id);
    o.output(Output::Arn, arn);
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &LogGroupSettings,
    id: &str,
) -> Result<(), AwsError> {
    let Some(group) = describe(ctx, id).await? else {
        return Err(AwsError::Invalid(format!(
            "log group {id} no longer exists"
        )));
    };
    put_retention(ctx, s, id).await?;
    let key = ctx.id(&s.kms_key)?;
    if group.kms_key_id() != Some(key) {
        // Only when the key differs: moto (the test emulator) does not implement
        // AssociateKmsKey and answers 500, which surfaces here as the error it is.
        ctx.call_with(&KEY_PROPAGATION, "AssociateKmsKey", || {
            ctx.clients
                .logs
                .associate_kms_key()
                .log_group_name(id)
                .kms_key_id(key)
                .send()
        })
        .await?;
    }
    Tagged::Logs(&arn_of(ctx, &group, id)).sync(ctx, c).await?;
    Ok(())
}

async fn put_retention(ctx: &Ctx<'_>, s: &LogGroupSettings, name: &str) -> Result<(), AwsError> {
    ctx.call("PutRetentionPolicy", || {
        ctx.clients
            .logs
            .put_retention_policy()
            .log_group_name(name)
            .retention_in_days(i32::from(s.retention_days))
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete_and_wait(
        &retry::DEFAULT,
        "DeleteLogGroup",
        || {
            ctx.clients
                .logs
                .delete_log_group()
                .log_group_name(id)
                .send()
        },
        Waiter::gone(format!("log group {id}")),
        || async { Ok(describe(ctx, id).await?.map(|_| EXISTS.to_string())) },
    )
    .await
}

// waiters (none on create: a log group is usable as soon as CreateLogGroup returns)

/// The group of exactly this name (`DescribeLogGroups` matches by prefix).
async fn describe(ctx: &Ctx<'_>, name: &str) -> Result<Option<LogGroup>, AwsError> {
    let mut token: Option<String> = None;
    loop {
        let page = ctx
            .call("DescribeLogGroups", || {
                ctx.clients
                    .logs
                    .describe_log_groups()
                    .log_group_name_prefix(name)
                    .set_next_token(token.clone())
                    .send()
            })
            .await?;
        if let Some(g) = page
            .log_groups()
            .iter()
            .find(|g| g.log_group_name() == Some(name))
        {
            return Ok(Some(g.clone()));
        }
        match page.next_token() {
            Some(t) if !t.is_empty() => token = Some(t.to_string()),
            _ => return Ok(None),
        }
    }
}

/// The group's ARN without the `:*` that `DescribeLogGroups` appends to `arn` (tagging APIs
/// and key policies use the plain form; CloudTrail wants the `:*` form).
fn arn_of(ctx: &Ctx<'_>, group: &LogGroup, name: &str) -> String {
    group
        .log_group_arn()
        .map(str::to_string)
        .or_else(|| {
            group
                .arn()
                .map(|a| a.strip_suffix(":*").unwrap_or(a).to_string())
        })
        .unwrap_or_else(|| arn(ctx, name))
}

/// The ARN of the log group of this name in the stack's account and region.
pub fn arn(ctx: &Ctx<'_>, name: &str) -> String {
    format!(
        "arn:{}:logs:{}:{}:log-group:{name}",
        ctx.stack.region().partition(),
        ctx.region(),
        ctx.account()
    )
}
