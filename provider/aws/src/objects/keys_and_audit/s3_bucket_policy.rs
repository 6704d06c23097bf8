//! The audit bucket's policy: only this stack's trail may write, and only over TLS. Id: the
//! bucket's name. A bucket without a policy reads as gone, and the next apply puts it back.

use vault_core::model::component::{S3BucketPolicySettings, Settings};

use super::documents::held;
use super::s3::is_missing;
use crate::error::AwsError;
use crate::objects::{Ctx, Observed};

const NOT_FOUND: &str = "NoSuchBucketPolicy";

// find

pub async fn find(ctx: &Ctx<'_>, s: &S3BucketPolicySettings) -> Result<Option<String>, AwsError> {
    let Some(bucket) = ctx.parent(&s.bucket) else {
        return Ok(None);
    };
    Ok(get(ctx, bucket).await?.map(|_| bucket.to_string()))
}

// create

pub async fn create(ctx: &Ctx<'_>, s: &S3BucketPolicySettings) -> Result<String, AwsError> {
    let bucket = ctx.id(&s.bucket)?;
    put(ctx, s, bucket).await?;
    Ok(bucket.to_string())
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    s: &S3BucketPolicySettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    let Some(have) = get(ctx, id).await? else {
        return Ok(None);
    };
    // The policy is read from this bucket (its id names it); the document is compared by
    // meaning, as an extra.
    let mut o = Observed::new(Settings::S3BucketPolicy(S3BucketPolicySettings {
        bucket: s.bucket.clone(),
        policy: s.policy,
    }));
    o.extra(held("bucket policy", s.policy, Some(&have)));
    Ok(Some(o))
}

// update

pub async fn update(ctx: &Ctx<'_>, s: &S3BucketPolicySettings, id: &str) -> Result<(), AwsError> {
    put(ctx, s, id).await
}

async fn put(ctx: &Ctx<'_>, s: &S3BucketPolicySettings, bucket: &str) -> Result<(), AwsError> {
    let policy = ctx.policy(s.policy);
    ctx.call("PutBucketPolicy", || {
        ctx.clients
            .s3
            .put_bucket_policy()
            .bucket(bucket)
            .policy(&policy)
            .send()
    })
    .await?;
    Ok(())
}

// delete

pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let result = ctx
        .call("DeleteBucketPolicy", || {
            ctx.clients.s3.delete_bucket_policy().bucket(id).send()
        })
        .await;
    match result {
        Ok(_) => Ok(()),
        Err(e) if is_missing(&e, NOT_FOUND) => Ok(()),
        Err(e) => Err(e),
    }
}

// waiters (none: a bucket policy applies as soon as the call returns)

async fn get(ctx: &Ctx<'_>, bucket: &str) -> Result<Option<String>, AwsError> {
    let result = ctx
        .call("GetBucketPolicy", || {
            ctx.clients.s3.get_bucket_policy().bucket(bucket).send()
        })
        .await;
    match result {
        Ok(out) => Ok(out.policy().map(str::to_string)),
        Err(e) if is_missing(&e, NOT_FOUND) => Ok(None),
        Err(e) => Err(e),
    }
}
