//! The audit bucket CloudTrail delivers to, named `audit-<suffix>-<account>-<region>` (bucket
//! names are global; the account and region make it this stack's). ACLs are disabled (object
//! ownership `BucketOwnerEnforced`). Destroy empties it first: it only holds the trail's logs.

use std::time::Duration;

use aws_sdk_s3::types::{
    BucketLocationConstraint, CreateBucketConfiguration, Delete, ObjectIdentifier, ObjectOwnership,
    OwnershipControls, OwnershipControlsRule,
};
use vault_core::drift::Extra;
use vault_core::model::component::{S3BucketSettings, Settings};
use vault_core::model::Component;

use super::s3::{bucket_arn, is_missing, is_no_such_bucket};
use crate::error::AwsError;
use crate::objects::tags::{is_managed, Tagged};
use crate::objects::{Ctx, Observed};
use crate::retry::{Classifier, RetryPolicy};
use crate::waiter::{Waiter, EXISTS};
use vault_core::model::Output;

/// S3 releases a deleted bucket's name within seconds to minutes (a stack destroyed and applied
/// again at once meets it).
const NAME_RELEASED: RetryPolicy = RetryPolicy::with(
    &[Classifier::BucketNameNotYetReleased],
    Duration::from_secs(5 * 60),
);
/// `DeleteObjects` takes at most 1000 keys per call.
const DELETE_BATCH: usize = 1000;
/// Emptying and deleting is tried this often: CloudTrail may deliver a file in between.
const DELETE_ROUNDS: usize = 5;

// find

/// The bucket of the stack's name, if it carries the management tag. One that exists without
/// it (a crash between `CreateBucket` and `PutBucketTagging`) is left to `create`, which takes
/// over a bucket it already owns.
pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    let Some(name) = &c.name else {
        return Ok(None);
    };
    if !exists(ctx, name).await? {
        return Ok(None);
    }
    match Tagged::S3(name).read(ctx).await {
        Ok(tags) if is_managed(ctx, &tags) => Ok(Some(name.clone())),
        Ok(_) => Ok(None),
        Err(e) if is_no_such_bucket(&e) => Ok(None),
        Err(e) => Err(e),
    }
}

// create

pub async fn create(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    let name = c
        .name
        .clone()
        .ok_or_else(|| AwsError::Invalid(format!("{} has no bucket name", c.id)))?;
    // us-east-1 is S3's default location and must not be named as a constraint.
    let location = (ctx.region() != "us-east-1").then(|| {
        CreateBucketConfiguration::builder()
            .location_constraint(BucketLocationConstraint::from(ctx.region()))
            .build()
    });
    let result = ctx
        .call_with(&NAME_RELEASED, "CreateBucket", || {
            ctx.clients
                .s3
                .create_bucket()
                .bucket(&name)
                .set_create_bucket_configuration(location.clone())
                .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                .send()
        })
        .await;
    match result {
        Ok(_) => {}
        // Ours already, from an apply that stopped before tagging it: carry on from there.
        Err(e) if e.is_code(&["BucketAlreadyOwnedByYou"]) => {}
        Err(e) => return Err(e),
    }
    ctx.wait(Waiter::visible(format!("bucket {name}")), || async {
        Ok(exists(ctx, &name).await?.then(|| EXISTS.to_string()))
    })
    .await?;
    update(ctx, c, &name).await?;
    Ok(name)
}

// read

pub async fn read(
    ctx: &Ctx<'_>,
    _c: &Component,
    s: &S3BucketSettings,
    id: &str,
) -> Result<Option<Observed>, AwsError> {
    if !exists(ctx, id).await? {
        return Ok(None);
    }
    // Independent reads, at once: a refresh waits for the slowest object's chain of calls.
    let (tags, ownership) = futures::join!(
        Tagged::S3(id).read(ctx),
        ctx.call("GetBucketOwnershipControls", || {
            ctx.clients
                .s3
                .get_bucket_ownership_controls()
                .bucket(id)
                .send()
        }),
    );
    let tags = match tags {
        Ok(tags) => tags,
        Err(e) if is_no_such_bucket(&e) => return Ok(None),
        Err(e) => return Err(e),
    };
    let ownership = match ownership {
        Ok(out) => out
            .ownership_controls()
            .and_then(|c| c.rules().first())
            .map(|r| r.object_ownership().as_str().to_string()),
        Err(e) if is_missing(&e, "OwnershipControlsNotFoundError") => None,
        Err(e) => return Err(e),
    };
    let settings = S3BucketSettings {
        // The provider's, used at destroy: AWS holds no such setting.
        force_destroy: s.force_destroy,
    };
    let mut o = Observed::new(Settings::S3Bucket(settings)).tags(Some(tags));
    o.extra(Extra::ObjectOwnership(ownership));
    o.output(Output::Name, id);
    o.output(Output::Arn, bucket_arn(ctx.stack.region().partition(), id));
    Ok(Some(o))
}

// update

pub async fn update(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<(), AwsError> {
    Tagged::S3(id).sync(ctx, c).await?;
    let controls = OwnershipControls::builder()
        .rules(
            OwnershipControlsRule::builder()
                .object_ownership(ObjectOwnership::BucketOwnerEnforced)
                .build()
                .map_err(|e| AwsError::Invalid(format!("ownership controls: {e}")))?,
        )
        .build()
        .map_err(|e| AwsError::Invalid(format!("ownership controls: {e}")))?;
    ctx.call("PutBucketOwnershipControls", || {
        ctx.clients
            .s3
            .put_bucket_ownership_controls()
            .bucket(id)
            .ownership_controls(controls.clone())
            .send()
    })
    .await?;
    Ok(())
}

// delete

/// Empties the bucket when the model says so (`force_destroy`; also when the bucket is no
/// longer in the model, as when `audit { cloudtrail = false }` removes it: it only ever held
/// the trail's files), then deletes it.
pub async fn delete(ctx: &Ctx<'_>, id: &str) -> Result<(), AwsError> {
    let force_destroy = ctx
        .stack
        .components()
        .iter()
        .find_map(|c| match &c.settings {
            Settings::S3Bucket(s) if c.name.as_deref() == Some(id) => Some(s.force_destroy),
            _ => None,
        })
        .unwrap_or(true);
    for round in 1..=DELETE_ROUNDS {
        if force_destroy {
            match empty(ctx, id).await {
                Ok(()) => {}
                Err(e) if is_no_such_bucket(&e) => return Ok(()),
                Err(e) => return Err(e),
            }
        }
        let result = ctx
            .call("DeleteBucket", || {
                ctx.clients.s3.delete_bucket().bucket(id).send()
            })
            .await;
        match result {
            Ok(_) => break,
            Err(e) if is_no_such_bucket(&e) => return Ok(()),
            Err(e) if force_destroy && e.is_code(&["BucketNotEmpty"]) && round < DELETE_ROUNDS => {}
            Err(e) => return Err(e),
        }
    }
    ctx.wait(Waiter::gone(format!("bucket {id}")), || async {
        Ok(exists(ctx, id).await?.then(|| EXISTS.to_string()))
    })
    .await?;
    Ok(())
}

/// Deletes every object version and delete marker (the bucket may have had versioning turned
/// on out of band; an unversioned object is listed with version `null`).
async fn empty(ctx: &Ctx<'_>, bucket: &str) -> Result<(), AwsError> {
    let mut key_marker: Option<String> = None;
    let mut version_marker: Option<String> = None;
    loop {
        let page = ctx
            .call("ListObjectVersions", || {
                ctx.clients
                    .s3
                    .list_object_versions()
                    .bucket(bucket)
                    .set_key_marker(key_marker.clone())
                    .set_version_id_marker(version_marker.clone())
                    .send()
            })
            .await?;
        let versions = page
            .versions()
            .iter()
            .map(|v| (v.key(), v.version_id()))
            .chain(
                page.delete_markers()
                    .iter()
                    .map(|m| (m.key(), m.version_id())),
            )
            .filter_map(|(key, version)| {
                ObjectIdentifier::builder()
                    .key(key?)
                    .set_version_id(version.map(str::to_string))
                    .build()
                    .ok()
            })
            .collect::<Vec<_>>();
        for batch in versions.chunks(DELETE_BATCH) {
            let delete = Delete::builder()
                .set_objects(Some(batch.to_vec()))
                .quiet(true)
                .build()
                .map_err(|e| AwsError::Invalid(format!("DeleteObjects: {e}")))?;
            let out = ctx
                .call("DeleteObjects", || {
                    ctx.clients
                        .s3
                        .delete_objects()
                        .bucket(bucket)
                        .delete(delete.clone())
                        .send()
                })
                .await?;
            if let Some(e) = out.errors().first() {
                return Err(AwsError::Api {
                    operation: "DeleteObjects",
                    code: e.code().unwrap_or("Unknown").to_string(),
                    message: format!(
                        "{} objects not deleted, first \"{}\": {}",
                        out.errors().len(),
                        e.key().unwrap_or_default(),
                        e.message().unwrap_or_default()
                    ),
                    request_id: None,
                });
            }
        }
        if page.is_truncated() != Some(true) {
            return Ok(());
        }
        key_marker = page.next_key_marker().map(str::to_string);
        version_marker = page.next_version_id_marker().map(str::to_string);
        if key_marker.is_none() && version_marker.is_none() {
            return Err(AwsError::Invalid(format!(
                "ListObjectVersions of bucket {bucket} is truncated but names no next page"
            )));
        }
    }
}

// waiters

async fn exists(ctx: &Ctx<'_>, name: &str) -> Result<bool, AwsError> {
    let result = ctx
        .call("HeadBucket", || {
            ctx.clients.s3.head_bucket().bucket(name).send()
        })
        .await;
    match result {
        Ok(_) => Ok(true),
        Err(e) if is_no_such_bucket(&e) => Ok(false),
        Err(e) => Err(e),
    }
}
