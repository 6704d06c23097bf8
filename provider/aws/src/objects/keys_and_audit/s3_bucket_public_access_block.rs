//! The audit bucket's public access block: all four settings on. Id: the bucket's name.
//!
//! A bucket whose block was deleted out of band reads as gone, not as drifted: the block is an
//! object of its own (S3 has a `DeletePublicAccessBlock`), so the next plan shows it as missing
//! and apply creates it again, with the same `PutPublicAccessBlock` an update would send.

use aws_sdk_s3::types::PublicAccessBlockConfiguration;
use vault_core::model::component::{S3BucketPublicAccessBlockSettings, Settings};

use super::s3::{is_missing, is_no_such_bucket};
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};

const NOT_FOUND: &str = "NoSuchPublicAccessBlockConfiguration";

// find

pub async fn find(
    ctx: &Ctx<'_>,
    s: &S3BucketPublicAccessBlockSettings,
) -> Result<Option<String>, AwsError> {
    let Some(bucket) = ctx.parent(&s.bucket) else {
        return Ok(None);
    };
    Ok(get(ctx, bucket).await?.map(|_| bucket.to_string()))
}

// create

pub async fn create(
    ctx: &Ctx<'_>,
    s: &S3BucketPublicAccessBlockSettings,
) -> Result<String, AwsError> {
    let bucket = ctx.id(&s.bucket)?;
    put(ctx, s, bucket).await?;
    Ok(bucket.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &S3BucketPublicAccessBlockSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(have) = get(ctx, id).await? else {
        return Ok(None);
    };
    let settings = S3BucketPublicAccessBlockSettings {
        // The block is read from this bucket: its id names it.
        bucket: s.bucket.clone(),
        block_public_acls: have.block_public_acls().unwrap_or(false),
        ignore_public_acls: have.ignore_public_acls().unwrap_or(false),
        block_public_policy: have.block_public_policy().unwrap_or(false),
        restrict_public_buckets: have.restrict_public_buckets().unwrap_or(false),
    };
    Ok(Some(Observed::new(Settings::S3BucketPublicAccessBlock(
        settings,
    ))))
}

// update

pub async fn update(
    ctx: &Ctx<'_>,
    s: &S3BucketPublicAccessBlockSettings,
    id: &str,
) -> Result<(), AwsError> {
    put(ctx, s, id).await
}

async fn put(
    ctx: &Ctx<'_>,
    s: &S3BucketPublicAccessBlockSettings,
    bucket: &str,
) -> Result<(), AwsError> {
    let config = PublicAccessBlockConfiguration::builder()
        .block_public_acls(s.block_public_acls)
        .ignore_public_acls(s.ignore_public_acls)
        .block_public_policy(s.block_public_policy)
        .restrict_public_buckets(s.restrict_public_buckets)
        .build();
    ctx.call("PutPublicAccessBlock", || {
        ctx.clients
            .s3
            .put_public_access_block()
            .bucket(bucket)
            .public_access_block_configuration(config.clone())
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let result = ctx
        .call("DeletePublicAccessBlock", || {
            ctx.clients
                .s3
                .delete_public_access_block()
                .bucket(id)
                .send()
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_missing(&e, NOT_FOUND) => Ok(()),
        Err(e) => Err(e),
    }
}

// waiters (none: the block applies as soon as the call returns)

async fn get(
    ctx: &Ctx<'_>,
    bucket: &str,
) -> Result<Option<PublicAccessBlockConfiguration>, AwsError> {
    let result = ctx
        .call("GetPublicAccessBlock", || {
            ctx.clients
                .s3
                .get_public_access_block()
                .bucket(bucket)
                .send()
        })
        .await;
    match result {
        Ok(out) => Ok(out.public_access_block_configuration().cloned()),
        Err(e) if is_missing(&e, NOT_FOUND) || is_no_such_bucket(&e) => Ok(None),
        Err(e) => Err(e),
    }
}
