//! The audit bucket's default encryption: SSE-KMS with the stack's logs key. Id: the bucket's
//! name.
//!
//! Every S3 bucket has default encryption since 2023: without a configuration of its own, S3
//! reports SSE-S3 (`AES256`), and `DeleteBucketEncryption` returns a bucket to it. So a bucket
//! whose default encryption is not SSE-KMS reads as having none of ours (gone, created again by
//! the next apply); SSE-KMS under another key, or with the other bucket-key setting, is drift.

use aws_sdk_s3::types::{
    ServerSideEncryption, ServerSideEncryptionByDefault, ServerSideEncryptionConfiguration,
    ServerSideEncryptionRule,
};
use vault_core::drift::Extra;
use vault_core::model::component::{S3BucketEncryptionSettings, Settings};

use super::kms_key::key_id;
use super::s3::is_missing;
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};

const NOT_FOUND: &str = "ServerSideEncryptionConfigurationNotFoundError";

// find

pub async fn find(
    ctx: &Ctx<'_>,
    s: &S3BucketEncryptionSettings,
) -> Result<Option<String>, AwsError> {
    let Some(bucket) = ctx.parent(&s.bucket) else {
        return Ok(None);
    };
    Ok(kms_rule(ctx, bucket).await?.map(|_| bucket.to_string()))
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &S3BucketEncryptionSettings) -> Result<String, AwsError> {
    let bucket = ctx.id(&s.bucket)?;
    put(ctx, s, bucket).await?;
    Ok(bucket.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &S3BucketEncryptionSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(rule) = kms_rule(ctx, id).await? else {
        return Ok(None);
    };
    let default = rule.apply_server_side_encryption_by_default();
    let settings = S3BucketEncryptionSettings {
        // The configuration is read from this bucket: its id names it.
        bucket: s.bucket.clone(),
        // S3 keeps the key as given; it may have been set out of band by key id rather than ARN.
        kms_key: ctx.reference_by(
            &s.kms_key,
            default.and_then(|d| d.kms_master_key_id()),
            |recorded, have| have == recorded || have == key_id(recorded),
        ),
        bucket_key_enabled: rule.bucket_key_enabled().unwrap_or(false),
    };
    let mut o = Observed::new(Settings::S3BucketEncryption(settings));
    if let Some(d) = default {
        o.extra(Extra::Encryption(d.sse_algorithm().as_str().to_string()));
    }
    Ok(Some(o))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    s: &S3BucketEncryptionSettings,
    id: &str,
) -> Result<(), AwsError> {
    put(ctx, s, id).await
}

async fn put(ctx: &Ctx<'_>, s: &S3BucketEncryptionSettings, bucket: &str) -> Result<(), AwsError> {
    let key = ctx.id(&s.kms_key)?;
    let config = ServerSideEncryptionConfiguration::builder()
        .rules(
            ServerSideEncryptionRule::builder()
                .apply_server_side_encryption_by_default(
                    ServerSideEncryptionByDefault::builder()
                        .sse_algorithm(ServerSideEncryption::AwsKms)
                        .kms_master_key_id(key)
                        .build()
                        .map_err(|e| AwsError::Invalid(format!("bucket encryption: {e}")))?,
                )
                .bucket_key_enabled(s.bucket_key_enabled)
                .build(),
        )
        .build()
        .map_err(|e| AwsError::Invalid(format!("bucket encryption: {e}")))?;
    ctx.call("PutBucketEncryption", || {
        ctx.clients
            .s3
            .put_bucket_encryption()
            .bucket(bucket)
            .server_side_encryption_configuration(config.clone())
            .send()
    })
    .await?;
    Ok(())
}

// delete

/// Returns the bucket to S3's default (SSE-S3).
pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let result = ctx
        .call("DeleteBucketEncryption", || {
            ctx.clients.s3.delete_bucket_encryption().bucket(id).send()
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_missing(&e, NOT_FOUND) => Ok(()),
        Err(e) => Err(e),
    }
}

// waiters (none: default encryption applies as soon as the call returns)

/// The bucket's SSE-KMS default-encryption rule; `None` when the bucket is gone or encrypts
/// by default with anything else.
async fn kms_rule(
    ctx: &Ctx<'_>,
    bucket: &str,
) -> Result<Option<ServerSideEncryptionRule>, AwsError> {
    let result = ctx
        .call("GetBucketEncryption", || {
            ctx.clients.s3.get_bucket_encryption().bucket(bucket).send()
        })
        .await;
    match result {
        Ok(out) => Ok(out
            .server_side_encryption_configuration()
            .and_then(|c| {
                c.rules().iter().find(|r| {
                    r.apply_server_side_encryption_by_default()
                        .is_some_and(|d| {
                            matches!(
                                d.sse_algorithm(),
                                ServerSideEncryption::AwsKms | ServerSideEncryption::AwsKmsDsse
                            )
                        })
                })
            })
            .cloned()),
        Err(e) if is_missing(&e, NOT_FOUND) => Ok(None),
        Err(e) => Err(e),
    }
}
