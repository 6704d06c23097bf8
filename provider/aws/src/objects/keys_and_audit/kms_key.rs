//! A customer-managed KMS key: symmetric, rotation on, with the key policy the stack synthesizes.
//! Destroy schedules it for deletion with the stack's window; a key pending deletion is gone.

use aws_sdk_kms::types::{KeySpec, KeyState, KeyUsageType};
use vault_core::drift::Extra;
use vault_core::model::component::{KmsKeySettings, Settings};
use vault_core::model::Component;

use super::documents::held;
use crate::error::{returned, AwsError};
use crate::objects::tags::{is_managed, kms_tags, Tagged};
use crate::objects::{Ctx, Observed};
use crate::waiter::{Waiter, GONE};
use vault_core::model::Output;

/// KMS has one key policy per key, always named `default`.
const POLICY_NAME: &str = "default";

// find

/// The key tagged as this stack's with the component's `Name` tag (or, where the core left
/// `Name` out for AWS's tag limit, with its description), not pending deletion.
pub async fn find(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &KmsKeySettings,
) -> Result<Option<String>, AwsError> {
    Ok(find_all(ctx, c, s).await?.into_iter().next())
}

/// Every key of the component's name and management tag not pending deletion.
pub async fn find_all(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &KmsKeySettings,
) -> Result<Vec<String>, AwsError> {
    let mut found = Vec::new();
    let want_name = c.tags.as_ref().and_then(|t| t.get("Name"));
    let mut marker: Option<String> = None;
    loop {
        let page = ctx
            .call("ListKeys", || {
                ctx.clients
                    .kms
                    .list_keys()
                    .set_marker(marker.clone())
                    .send()
            })
            .await?;
        for entry in page.keys() {
            let Some(key_id) = entry.key_id() else {
                continue;
            };
            // AWS-managed keys and keys of other principals may refuse to list their tags.
            let tags = match Tagged::Kms(key_id).read(ctx).await {
                Ok(tags) => tags,
                Err(e) if e.is_not_found() || e.is_code(&["AccessDeniedException"]) => continue,
                Err(e) => return Err(e),
            };
            if !is_managed(ctx, &tags) {
                continue;
            }
            if let Some(name) = want_name {
                if tags.get("Name") != Some(name) {
                    continue;
                }
            }
            let Some(key) = describe(ctx, key_id).await? else {
                continue;
            };
            if is_deleted(&key) {
                continue;
            }
            if want_name.is_none() && key.description() != Some(s.description.as_str()) {
                continue;
            }
            if let Some(arn) = key.arn() {
                found.push(arn.to_string());
            }
        }
        match page.next_marker() {
            Some(m) if page.truncated() => marker = Some(m.to_string()),
            _ => return Ok(found),
        }
    }
}

// create

pub async fn create(ctx: &Ctx<'_>, c: &Component, s: &KmsKeySettings) -> Result<String, AwsError> {
    let policy = ctx.policy(s.policy);
    let tags = c.tags.as_ref().map(kms_tags).transpose()?;
    let out = ctx
        .call("CreateKey", || {
            ctx.clients
                .kms
                .create_key()
                .description(&s.description)
                .key_usage(KeyUsageType::from(s.key_usage))
                .key_spec(KeySpec::from(s.key_spec))
                .policy(&policy)
                .set_tags(tags.clone())
                .send()
        })
        .await?;
    let arn = returned(
        "CreateKey",
        "key ARN",
        out.key_metadata().and_then(|k| k.arn()),
    )?;
    enabled(ctx, &arn).await?;
    set_rotation(ctx, s, &arn).await?;
    Ok(arn)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &KmsKeySettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(key) = describe(ctx, id).await? else {
        return Ok(None);
    };
    if is_deleted(&key) {
        return Ok(None);
    }
    // Independent reads, at once: a refresh waits for the slowest object's chain of calls.
    let (rotation, policy, tags) = futures::try_join!(
        ctx.call("GetKeyRotationStatus", || {
            ctx.clients.kms.get_key_rotation_status().key_id(id).send()
        }),
        ctx.call("GetKeyPolicy", || {
            ctx.clients
                .kms
                .get_key_policy()
                .key_id(id)
                .policy_name(POLICY_NAME)
                .send()
        }),
        Tagged::Kms(id).read(ctx),
    )?;
    let settings = KmsKeySettings {
        description: key.description().unwrap_or_default().to_string(),
        enable_key_rotation: rotation.key_rotation_enabled(),
        // Which key of the stack it is, what a change replaces (the plan), what is used only
        // at destroy, and the document (compared by meaning, below).
        purpose: s.purpose,
        key_spec: s.key_spec,
        key_usage: s.key_usage,
        deletion_window_days: s.deletion_window_days,
        policy: s.policy,
    };
    let mut o = Observed::new(Settings::KmsKey(settings)).tags(Some(tags));
    o.output(Output::Arn, key.arn().unwrap_or(id));
    o.extra(Extra::KeyState(
        key.key_state()
            .map(KeyState::as_str)
            .unwrap_or_default()
            .to_string(),
    ));
    o.extra(held("key policy", s.policy, policy.policy()));
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &KmsKeySettings,
    id: &str,
) -> Result<(), AwsError> {
    let Some(key) = describe(ctx, id).await? else {
        return Err(AwsError::Invalid(format!("kms key {id} no longer exists")));
    };
    if key.key_state() == Some(&KeyState::Disabled) && key.deletion_date().is_none() {
        ctx.call("EnableKey", || {
            ctx.clients.kms.enable_key().key_id(key_id(id)).send()
        })
        .await?;
    }
    if key.description() != Some(s.description.as_str()) {
        ctx.call("UpdateKeyDescription", || {
            ctx.clients
                .kms
                .update_key_description()
                .key_id(id)
                .description(&s.description)
                .send()
        })
        .await?;
    }
    set_rotation(ctx, s, id).await?;
    let policy = ctx.policy(s.policy);
    ctx.call("PutKeyPolicy", || {
        ctx.clients
            .kms
            .put_key_policy()
            .key_id(id)
            .policy_name(POLICY_NAME)
            .policy(&policy)
            .send()
    })
    .await?;
    Tagged::Kms(id).sync(ctx, c).await?;
    Ok(())
}

async fn set_rotation(ctx: &Ctx<'_>, s: &KmsKeySettings, id: &str) -> Result<(), AwsError> {
    if s.enable_key_rotation {
        ctx.call("EnableKeyRotation", || {
            ctx.clients.kms.enable_key_rotation().key_id(id).send()
        })
        .await?;
    } else {
        ctx.call("DisableKeyRotation", || {
            ctx.clients.kms.disable_key_rotation().key_id(id).send()
        })
        .await?;
    }
    Ok(())
}

// delete

/// Schedules the key for deletion with the stack's window (`kms { deletion_window_in_days }`):
/// KMS never deletes a key at once. A key already pending deletion is left as it is.
pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    match describe(ctx, id).await? {
        None => return Ok(()),
        Some(key) if is_deleted(&key) => return Ok(()),
        Some(_) => {}
    }
    let days = i32::from(ctx.stack.inputs().kms.deletion_window_in_days);
    let result = ctx
        .call("ScheduleKeyDeletion", || {
            ctx.clients
                .kms
                .schedule_key_deletion()
                // The key id rather than the ARN: AWS takes either, moto only the id.
                .key_id(key_id(id))
                .pending_window_in_days(days)
                .send()
        })
        .await;
    match result {
        Ok(_) => {}
        Err(e) if e.is_not_found() => return Ok(()),
        // Already pending deletion (scheduled by someone else since the describe above).
        Err(e) if e.is_code(&["KMSInvalidStateException"]) => {}
        Err(e) => return Err(e),
    }
    ctx.wait(
        Waiter::new(
            format!("kms key {id}"),
            &["Enabled", "Disabled"],
            &["PendingDeletion", "PendingReplicaDeletion", GONE],
        ),
        || async { state(ctx, id).await },
    )
    .await?;
    Ok(())
}

// waiters

/// A new key is `Enabled` at once, but may not be visible to the next call yet (KMS is
/// eventually consistent): "not found" counts as still pending here.
async fn enabled(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    ctx.wait(
        Waiter::new(format!("kms key {id}"), &["Creating", GONE], &["Enabled"]),
        || async { state(ctx, id).await },
    )
    .await?;
    Ok(())
}

async fn state(ctx: &Ctx<'_>, id: &str) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, id)
        .await?
        .and_then(|k| k.key_state().map(|s| s.as_str().to_string())))
}

async fn describe(
    ctx: &Ctx<'_>,
    id: &str,
) -> Result<Option<aws_sdk_kms::types::KeyMetadata>, AwsError> {
    Ok(ctx
        .call_found("DescribeKey", || {
            ctx.clients.kms.describe_key().key_id(id).send()
        })
        .await?
        .and_then(|out| out.key_metadata().cloned()))
}

/// Scheduled for deletion, by us or anyone: for the stack the key is gone, and a new one is
/// created (a pending key can only be used again after `CancelKeyDeletion`, a decision for a
/// human, not for an apply).
fn is_deleted(key: &aws_sdk_kms::types::KeyMetadata) -> bool {
    matches!(
        key.key_state(),
        Some(KeyState::PendingDeletion | KeyState::PendingReplicaDeletion)
    ) || key.deletion_date().is_some()
}

/// The key's UUID from its ARN (`arn:aws:kms:<region>:<account>:key/<uuid>`).
pub fn key_id(arn: &str) -> &str {
    arn.rsplit_once(":key/").map_or(arn, |(_, id)| id)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_id_is_the_last_part_of_its_arn() {
        assert_eq!(
            key_id("arn:aws:kms:us-east-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab"),
            "1234abcd-12ab-34cd-56ef-1234567890ab"
        );
        assert_eq!(key_id("1234abcd"), "1234abcd");
    }
}
