//! A Secrets Manager secret holding database credentials, encrypted with the secrets key: the
//! master secret and, with alternating users, the application secret. The master's first password
//! comes from `GetRandomPassword` and goes straight into the secret: it exists only in memory and
//! in the requests that set it. The application secret starts without one (its first rotation
//! creates the user). Its id is its ARN.
//!
//! Reads compare the key, description and tags, never the value or its version stages: a
//! rotation changes those, and a rotation is not drift.

use std::time::Duration;

use aws_sdk_secretsmanager::operation::describe_secret::DescribeSecretOutput;
use vault_core::model::component::{PasswordPolicy, SecretSettings, Settings};
use vault_core::model::{logical, Component};

use super::secret_value::SecretValue;
use super::{kms_key_id, name, request_token};
use crate::error::AwsError;
use crate::objects::tags::{self, is_managed, secret_tags, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{Classifier, RetryPolicy};
use crate::waiter::{Waiter, GONE};
use vault_core::model::Output;

/// Secrets Manager releases a force-deleted secret's name within seconds to minutes.
const NAME_RELEASED: RetryPolicy = RetryPolicy::with(
    &[Classifier::SecretNameScheduledForDeletion],
    Duration::from_secs(5 * 60),
);

pub const CURRENT: &str = "AWSCURRENT";
/// The label of a version being written, until AWSCURRENT moves to it.
const WRITING: &str = "VAULTWRITING";

// find

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Ok(describe(ctx, name(c)?)
        .await?
        .filter(|d| is_managed(ctx, &tags::from_secret(d.tags())))
        .and_then(|d| d.arn().map(str::to_string)))
}

// create

pub async fn create(ctx: &Ctx<'_>, c: &Component, s: &SecretSettings) -> Result<String, AwsError> {
    let name = name(c)?;
    let key = ctx.id(&s.kms_key)?;
    let value = match (&s.master_secret, &s.initial_password) {
        (Some(master), _) => SecretValue::application(s, ctx.id(master)?),
        (None, Some(policy)) => SecretValue::initial(s, random_password(ctx, policy).await?),
        (None, None) => {
            return Err(AwsError::Invalid(format!(
                "{name}: a secret needs a first password or a master secret"
            )))
        }
    };
    let text = value.to_json();
    // One token for every attempt: a retried request that AWS already carried out succeeds.
    let token = request_token();
    let out = ctx
        .call_with(&NAME_RELEASED, "CreateSecret", || {
            ctx.clients
                .secretsmanager
                .create_secret()
                .name(name)
                .description(&s.description)
                .kms_key_id(key)
                .set_tags(c.tags.as_ref().map(secret_tags))
                .secret_string(&text)
                .client_request_token(&token)
                .send()
        })
        .await
        .map_err(|e| value.scrub(e))?;
    out.arn()
        .map(str::to_string)
        .ok_or_else(|| AwsError::Invalid("CreateSecret returned no ARN".into()))
}

async fn random_password(ctx: &Ctx<'_>, policy: &PasswordPolicy) -> Result<String, AwsError> {
    let exclude = (!policy.exclude_characters.is_empty()).then_some(&policy.exclude_characters);
    let out = ctx
        .call("GetRandomPassword", || {
            ctx.clients
                .secretsmanager
                .get_random_password()
                .password_length(i64::from(policy.length))
                .set_exclude_characters(exclude.cloned())
                .send()
        })
        .await?;
    out.random_password
        .filter(|p| !p.is_empty())
        .ok_or_else(|| AwsError::Invalid("GetRandomPassword returned no password".into()))
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &SecretSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(d) = describe(ctx, id).await? else {
        return Ok(None);
    };
    let settings = SecretSettings {
        description: d.description().unwrap_or_default().to_string(),
        // Secrets Manager names the key as it was given: by ARN or by key id. No key at all is
        // the AWS managed key.
        kms_key: ctx.reference_by(&s.kms_key, d.kms_key_id(), |recorded, have| {
            kms_key_id(have) == kms_key_id(recorded)
        }),
        // Not read here: the value's fields are the rotation's business (the cluster checks the
        // host), and the rest is used only at creation or destroy.
        engine: s.engine,
        username: s.username.clone(),
        dbname: s.dbname.clone(),
        port: s.port,
        db_cluster_identifier: s.db_cluster_identifier.clone(),
        initial_password: s.initial_password.clone(),
        master_secret: s.master_secret.clone(),
        force_delete_without_recovery: s.force_delete_without_recovery,
    };
    let mut o = Observed::new(Settings::Secret(settings)).tags(Some(tags::from_secret(d.tags())));
    if let Some(arn) = d.arn() {
        o.output(Output::Arn, arn);
    }
    if let Some(name) = d.name() {
        o.output(Output::Name, name);
    }
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    c: &Component,
    s: &SecretSettings,
    id: &str,
) -> Result<(), AwsError> {
    let d = describe(ctx, id)
        .await?
        .ok_or_else(|| AwsError::Invalid(format!("secret {id} is gone")))?;
    let key = ctx.id(&s.kms_key)?;
    let key_differs = d.kms_key_id().map(kms_key_id) != Some(kms_key_id(key));
    if key_differs || d.description().unwrap_or("") != s.description {
        // Without a value, UpdateSecret changes metadata only; Secrets Manager re-encrypts the
        // labelled versions with the new key itself.
        ctx.call("UpdateSecret", || {
            ctx.clients
                .secretsmanager
                .update_secret()
                .secret_id(id)
                .kms_key_id(key)
                .description(&s.description)
                .send()
        })
        .await?;
    }
    Tagged::Secret(id).sync(ctx, c).await?;
    Ok(())
}

/// Writes the cluster's endpoint into the secret's `host`, keeping every other field (the
/// password above all) as the current version has it. Nothing is written when the host is
/// already right.
///
/// The new version is written under a transient label and AWSCURRENT is then moved to it from
/// the version it was read from, as a rotation's last step does: a plain PutSecretValue would
/// do the same on AWS, but moto tracks "current" apart from the labels and, after a rotation,
/// leaves two AWSCURRENT versions.
pub async fn set_host(ctx: &Ctx<'_>, secret: &str, host: &str) -> Result<(), AwsError> {
    let (current_version, value) = current(ctx, secret).await?;
    if value.host() == Some(host) {
        return Ok(());
    }
    let value = value.with_host(host);
    let text = value.to_json();
    let token = request_token();
    let out = ctx
        .call("PutSecretValue", || {
            ctx.clients
                .secretsmanager
                .put_secret_value()
                .secret_id(secret)
                .secret_string(&text)
                .version_stages(WRITING)
                .client_request_token(&token)
                .send()
        })
        .await
        .map_err(|e| value.scrub(e))?;
    let version = out.version_id().unwrap_or(&token).to_string();
    for (stage, to, from) in [
        (CURRENT, Some(&version), Some(&current_version)),
        (WRITING, None, Some(&version)),
    ] {
        let moved = ctx
            .call("UpdateSecretVersionStage", || {
                ctx.clients
                    .secretsmanager
                    .update_secret_version_stage()
                    .secret_id(secret)
                    .version_stage(stage)
                    .set_move_to_version_id(to.cloned())
                    .set_remove_from_version_id(from.cloned())
                    .send()
            })
            .await;
        // A retry of a move whose answer was lost meets its own work ("stage not found in
        // version"): when the label already sits where it should, the move is done.
        if let Err(e) = moved {
            if !stage_is(ctx, secret, stage, to.map(String::as_str)).await? {
                return Err(e);
            }
        }
    }
    Ok(())
}

/// Whether `stage` is on version `on`, or (`None`) on no version at all.
async fn stage_is(
    ctx: &Ctx<'_>,
    secret: &str,
    stage: &str,
    on: Option<&str>,
) -> Result<bool, AwsError> {
    let Some(d) = describe(ctx, secret).await? else {
        return Ok(false);
    };
    let stages = d.version_ids_to_stages().cloned().unwrap_or_default();
    let holders: Vec<&String> = stages
        .iter()
        .filter(|(_, labels)| labels.iter().any(|l| l == stage))
        .map(|(v, _)| v)
        .collect();
    Ok(match on {
        Some(version) => holders.iter().any(|v| v.as_str() == version),
        None => holders.is_empty(),
    })
}

/// The AWSCURRENT value, read by its stage: a read without one can return a stale version on
/// emulators (moto), and names what it means on AWS.
pub async fn current_value(ctx: &Ctx<'_>, secret: &str) -> Result<SecretValue, AwsError> {
    Ok(current(ctx, secret).await?.1)
}

/// The AWSCURRENT version's id and value.
async fn current(ctx: &Ctx<'_>, secret: &str) -> Result<(String, SecretValue), AwsError> {
    let out = ctx
        .call("GetSecretValue", || {
            ctx.clients
                .secretsmanager
                .get_secret_value()
                .secret_id(secret)
                .version_stage(CURRENT)
                .send()
        })
        .await?;
    let what = format!("the {CURRENT} value of {secret}");
    let text = out
        .secret_string()
        .ok_or_else(|| AwsError::Invalid(format!("{what} is not a string")))?;
    let version = out
        .version_id()
        .ok_or_else(|| AwsError::Invalid(format!("{what} has no version id")))?
        .to_string();
    Ok((version, SecretValue::parse(text, &what)?))
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    // The setting, when the secret is still in the model; without a recovery window otherwise,
    // as the stack always deletes it (SPEC §3.4), so the name can be reused at once.
    let force = match ctx.stack.component(&logical::secret()).map(|c| &c.settings) {
        Some(Settings::Secret(s)) => s.force_delete_without_recovery,
        _ => true,
    };
    let result = ctx
        .call("DeleteSecret", || {
            let req = ctx.clients.secretsmanager.delete_secret().secret_id(id);
            if force {
                req.force_delete_without_recovery(true).send()
            } else {
                req.send()
            }
        })
        .await;
    match result {
        Err(e) if e.is_not_found() || is_deleted(&e) => Ok(()),
        Err(e) => Err(e),
        Ok(_) => {
            ctx.wait(
                Waiter::new(format!("secret {id}"), &["present"], &[GONE]),
                || async { Ok(describe(ctx, id).await?.map(|_| "present".to_string())) },
            )
            .await?;
            Ok(())
        }
    }
}

// waiters

/// The secret, unless it is gone or scheduled for deletion (which counts as gone).
pub async fn describe(ctx: &Ctx<'_>, id: &str) -> Result<Option<DescribeSecretOutput>, AwsError> {
    let result = ctx
        .call("DescribeSecret", || {
            ctx.clients
                .secretsmanager
                .describe_secret()
                .secret_id(id)
                .send()
        })
        .await;
    match result {
        Ok(d) if d.deleted_date().is_some() => Ok(None),
        Ok(d) => Ok(Some(d)),
        Err(e) if e.is_not_found() => Ok(None),
        Err(e) => Err(e),
    }
}

/// Operations on a secret scheduled for deletion fail with this.
pub fn is_deleted(e: &AwsError) -> bool {
    e.is_code(&["InvalidRequestException"])
        && (e.message().contains("marked for deletion")
            || e.message().contains("scheduled for deletion")
            || e.message().contains("marked deleted"))
}
