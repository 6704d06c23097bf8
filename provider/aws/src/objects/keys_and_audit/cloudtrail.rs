//! The audit trail: management events (read and write, so `GetSecretValue` is recorded) to the
//! encrypted audit bucket and the audit log group, with log file validation, logging on. Id: the
//! trail's ARN.
//!
//! CloudTrail checks at `CreateTrail`/`UpdateTrail` that it may assume the delivery role, write
//! to the bucket and use the key; right after those were created it may not see them yet, which
//! [`Classifier::TrailDeliveryNotYetPermitted`] retries.

use std::time::Duration;

use aws_sdk_cloudtrail::types::{EventSelector, ReadWriteType, Trail};
use vault_core::drift::Extra;
use vault_core::model::component::{CloudTrailSettings, Settings};
use vault_core::model::Component;

use super::log_group;
use crate::error::{returned, AwsError};
use crate::objects::tags::{is_managed, trail_tags, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{self, Classifier, RetryPolicy};
use crate::waiter::{Waiter, EXISTS};
use vault_core::model::Output;

/// IAM and resource-policy propagation usually takes seconds, rarely more than a minute.
const POLICY_PROPAGATION: RetryPolicy = RetryPolicy::with(
    &[Classifier::TrailDeliveryNotYetPermitted],
    Duration::from_secs(120),
);

/// Where the trail delivers, with every reference resolved.
struct Destinations {
    bucket: String,
    log_group_arn: String,
    role_arn: String,
    kms_key: String,
}

impl Destinations {
    fn of(ctx: &Ctx<'_>, s: &CloudTrailSettings) -> Result<Self, AwsError> {
        Ok(Destinations {
            bucket: ctx.id(&s.bucket)?.to_string(),
            log_group_arn: log_group_arn(ctx, ctx.id(&s.log_group)?),
            role_arn: role_arn(ctx, ctx.id(&s.cloudwatch_logs_role)?),
            kms_key: ctx.id(&s.kms_key)?.to_string(),
        })
    }
}

/// CloudTrail takes the log group's ARN in its `:*` form.
fn log_group_arn(ctx: &Ctx<'_>, name: &str) -> String {
    format!("{}:*", log_group::arn(ctx, name))
}

/// The role's id is its name; this is the ARN `Naming::iam_role_arn` gives.
fn role_arn(ctx: &Ctx<'_>, name: &str) -> String {
    format!(
        "arn:{}:iam::{}:role/{}",
        ctx.stack.region().partition(),
        ctx.account(),
        name
    )
}

// find

/// The trail of the stack's name, if it carries the management tag (`CreateTrail` tags it in
/// the same call).
pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    let Some(arn) = get(ctx, name)
        .await?
        .and_then(|t| t.trail_arn().map(str::to_string))
    else {
        return Ok(None);
    };
    Ok(is_managed(ctx, &Tagged::CloudTrail(&arn).read(ctx).await?).then_some(arn))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &CloudTrailSettings,
) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no trail name", c.id)))?;
    let d = Destinations::of(ctx, s)?;
    let tags = c.tags.as_ref().map(trail_tags).transpose()?;
    let out = ctx
        .call_with(&POLICY_PROPAGATION, "CreateTrail", || {
            ctx.clients
                .cloudtrail
                .create_trail()
                .name(&name)
                .s3_bucket_name(&d.bucket)
                .cloud_watch_logs_log_group_arn(&d.log_group_arn)
                .cloud_watch_logs_role_arn(&d.role_arn)
                .kms_key_id(&d.kms_key)
                .is_multi_region_trail(s.is_multi_region_trail)
                .include_global_service_events(s.include_global_service_events)
                .enable_log_file_validation(s.enable_log_file_validation)
                .set_tags_list(tags.clone())
                .send()
        })
        .await?;
    let arn = returned("CreateTrail", "trail ARN", out.trail_arn())?;
    put_event_selectors(ctx, s, &arn).await?;
    start_logging(ctx, &arn).await?;
    Ok(arn)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &CloudTrailSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(trail) = get(ctx, id).await? else {
        return Ok(None);
    };
    // Independent reads, at once: a refresh waits for the slowest object's chain of calls.
    let (status, selectors, tags) = futures::try_join!(
        ctx.call_found("GetTrailStatus", || {
            ctx.clients.cloudtrail.get_trail_status().name(id).send()
        }),
        ctx.call("GetEventSelectors", || {
            ctx.clients
                .cloudtrail
                .get_event_selectors()
                .trail_name(id)
                .send()
        }),
        Tagged::CloudTrail(id).read(ctx),
    )?;
    let Some(status) = status else {
        return Ok(None);
    };
    // The trail records the stack's events when one selector takes management events of the
    // wanted type; otherwise what the first management selector takes, if any.
    let management: Vec<&str> = selectors
        .event_selectors()
        .iter()
        .filter(|e| e.include_management_events() != Some(false))
        .filter_map(|e| e.read_write_type().map(ReadWriteType::as_str))
        .collect();
    let read_write_type = if management.contains(&s.read_write_type.as_str()) {
        s.read_write_type.clone()
    } else {
        management.first().copied().unwrap_or_default().to_string()
    };
    // CloudTrail names the log group and role by ARN; their recorded ids are names.
    let settings = CloudTrailSettings {
        bucket: ctx.reference(&s.bucket, trail.s3_bucket_name()),
        log_group: ctx.reference_by(
            &s.log_group,
            trail.cloud_watch_logs_log_group_arn(),
            |recorded, have| have == log_group_arn(ctx, recorded),
        ),
        cloudwatch_logs_role: ctx.reference_by(
            &s.cloudwatch_logs_role,
            trail.cloud_watch_logs_role_arn(),
            |recorded, have| have == role_arn(ctx, recorded),
        ),
        kms_key: ctx.reference(&s.kms_key, trail.kms_key_id()),
        is_multi_region_trail: trail.is_multi_region_trail().unwrap_or(false),
        include_global_service_events: trail.include_global_service_events().unwrap_or(false),
        enable_log_file_validation: trail.log_file_validation_enabled().unwrap_or(false),
        read_write_type,
    };
    let mut o = Observed::new(Settings::CloudTrail(settings)).tags(Some(tags));
    o.output(Output::Arn, trail.trail_arn().unwrap_or(id));
    o.extra(Extra::Logging(status.is_logging() == Some(true)));
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &CloudTrailSettings,
    id: &str,
) -> Result<(), AwsError> {
    let d = Destinations::of(ctx, s)?;
    ctx.call_with(&POLICY_PROPAGATION, "UpdateTrail", || {
        ctx.clients
            .cloudtrail
            .update_trail()
            .name(id)
            .s3_bucket_name(&d.bucket)
            .cloud_watch_logs_log_group_arn(&d.log_group_arn)
            .cloud_watch_logs_role_arn(&d.role_arn)
            .kms_key_id(&d.kms_key)
            .is_multi_region_trail(s.is_multi_region_trail)
            .include_global_service_events(s.include_global_service_events)
            .enable_log_file_validation(s.enable_log_file_validation)
            .send()
    })
    .await?;
    put_event_selectors(ctx, s, id).await?;
    Tagged::CloudTrail(id).sync(ctx, c).await?;
    start_logging(ctx, id).await
}

async fn put_event_selectors(
    ctx: &Ctx<'_>,
    s: &CloudTrailSettings,
    arn: &str,
) -> Result<(), AwsError> {
    let selector = EventSelector::builder()
        .read_write_type(ReadWriteType::from(s.read_write_type.as_str()))
        .include_management_events(true)
        .build();
    ctx.call("PutEventSelectors", || {
        ctx.clients
            .cloudtrail
            .put_event_selectors()
            .trail_name(arn)
            .event_selectors(selector.clone())
            .send()
    })
    .await?;
    Ok(())
}

/// Idempotent: starting a trail that logs already changes nothing.
async fn start_logging(ctx: &Ctx<'_>, arn: &str) -> Result<(), AwsError> {
    ctx.call("StartLogging", || {
        ctx.clients
            .cloudtrail
            .start_logging()
            // The name rather than the ARN: AWS takes either for a trail of its home region,
            // moto only the name.
            .name(trail_name(arn))
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.delete_and_wait(
        &retry::DEFAULT,
        "DeleteTrail",
        || {
            // By name, as for StartLogging: moto ignores a DeleteTrail by ARN.
            ctx.clients
                .cloudtrail
                .delete_trail()
                .name(trail_name(id))
                .send()
        },
        Waiter::gone(format!("trail {id}")),
        || async { Ok(get(ctx, id).await?.map(|_| EXISTS.to_string())) },
    )
    .await
}

// waiters (none on create: a trail exists as soon as CreateTrail returns)

/// The trail by name or ARN.
async fn get(ctx: &Ctx<'_>, name_or_arn: &str) -> Result<Option<Trail>, AwsError> {
    Ok(ctx
        .call_found("GetTrail", || {
            ctx.clients.cloudtrail.get_trail().name(name_or_arn).send()
        })
        .await?
        .and_then(|out| out.trail().cloned()))
}

/// The trails of `account` that count against CloudTrail's quota of trails in the clients'
/// region ([`vault_core::defaults::TRAILS_PER_REGION`]): those whose home is this region and the
/// account's multi-region trails homed elsewhere (AWS counts one of those in every region), by
/// name. An organisation trail another account runs is listed here too, and counts against that
/// account's quota, not this one's.
pub async fn trails_counting_here(
    clients: &crate::clients::Clients,
    account: &str,
) -> Result<Vec<String>, AwsError> {
    let out = clients
        .cloudtrail
        .describe_trails()
        .include_shadow_trails(true)
        .send()
        .await
        .map_err(crate::error::api("DescribeTrails"))?;
    Ok(out
        .trail_list()
        .iter()
        .filter(|t| {
            t.trail_arn()
                .is_some_and(|arn| arn.split(':').nth(4) == Some(account))
        })
        .filter_map(|t| t.name().map(str::to_string))
        .collect())
}

/// The trail's name from its ARN (`arn:aws:cloudtrail:<region>:<account>:trail/<name>`).
pub fn trail_name(arn: &str) -> &str {
    arn.rsplit_once(":trail/").map_or(arn, |(_, name)| name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_trail_name_is_the_last_part_of_its_arn() {
        assert_eq!(
            trail_name("arn:aws:cloudtrail:us-east-1:123456789012:trail/trail-dev"),
            "trail-dev"
        );
        assert_eq!(trail_name("trail-dev"), "trail-dev");
    }
}
