//! Encryption, logging and audit: KMS keys and aliases, CloudWatch log groups and the metric
//! filter, the audit bucket and its settings, IAM roles and inline policies, the CloudTrail trail.

pub mod cloudtrail;
pub mod documents;
pub mod iam_role;
pub mod iam_role_policy;
pub mod kms_alias;
pub mod kms_key;
pub mod log_group;
pub mod metric_filter;
pub mod s3;
pub mod s3_bucket;
pub mod s3_bucket_encryption;
pub mod s3_bucket_policy;
pub mod s3_bucket_public_access_block;

use vault_core::model::component::{ComponentKind, Settings};
use vault_core::model::Component;

use super::{unsupported, Ctx, Observed};
use crate::error::AwsError;

pub const KINDS: &[ComponentKind] = &[
    ComponentKind::KmsKey,
    ComponentKind::KmsAlias,
    ComponentKind::LogGroup,
    ComponentKind::MetricFilter,
    ComponentKind::S3Bucket,
    ComponentKind::S3BucketPublicAccessBlock,
    ComponentKind::S3BucketEncryption,
    ComponentKind::S3BucketPolicy,
    ComponentKind::IamRole,
    ComponentKind::IamRolePolicy,
    ComponentKind::CloudTrail,
];

pub async fn find(ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    match &c.settings {
        Settings::KmsKey(s) => kms_key::find(ctx, c, s).await,
        Settings::KmsAlias(_) => kms_alias::find(ctx, c).await,
        Settings::LogGroup(_) => log_group::find(ctx, c).await,
        Settings::MetricFilter(s) => metric_filter::find(ctx, c, s).await,
        Settings::S3Bucket(_) => s3_bucket::find(ctx, c).await,
        Settings::S3BucketPublicAccessBlock(s) => s3_bucket_public_access_block::find(ctx, s).await,
        Settings::S3BucketEncryption(s) => s3_bucket_encryption::find(ctx, s).await,
        Settings::S3BucketPolicy(s) => s3_bucket_policy::find(ctx, s).await,
        Settings::IamRole(_) => iam_role::find(ctx, c).await,
        Settings::IamRolePolicy(s) => iam_role_policy::find(ctx, c, s).await,
        Settings::CloudTrail(_) => cloudtrail::find(ctx, c).await,
        _ => Err(unsupported(c.kind(), "find")),
    }
}

pub async fn create(ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    match &c.settings {
        Settings::KmsKey(s) => kms_key::create(ctx, c, s).await,
        Settings::KmsAlias(s) => kms_alias::create(ctx, c, s).await,
        Settings::LogGroup(s) => log_group::create(ctx, c, s).await,
        Settings::MetricFilter(s) => metric_filter::create(ctx, c, s).await,
        Settings::S3Bucket(_) => s3_bucket::create(ctx, c).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            s3_bucket_public_access_block::create(ctx, s).await
        }
        Settings::S3BucketEncryption(s) => s3_bucket_encryption::create(ctx, s).await,
        Settings::S3BucketPolicy(s) => s3_bucket_policy::create(ctx, s).await,
        Settings::IamRole(s) => iam_role::create(ctx, c, s).await,
        Settings::IamRolePolicy(s) => iam_role_policy::create(ctx, c, s).await,
        Settings::CloudTrail(s) => cloudtrail::create(ctx, c, s).await,
        _ => Err(unsupported(c.kind(), "create")),
    }
}

pub async fn read(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<Option<Observed>, AwsError> {
    match &c.settings {
        Settings::KmsKey(s) => kms_key::read(ctx, c, s, id).await,
        Settings::KmsAlias(s) => kms_alias::read(ctx, s, id).await,
        Settings::LogGroup(s) => log_group::read(ctx, c, s, id).await,
        Settings::MetricFilter(s) => metric_filter::read(ctx, s, id).await,
        Settings::S3Bucket(_) => s3_bucket::read(ctx, c, id).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            s3_bucket_public_access_block::read(ctx, s, id).await
        }
        Settings::S3BucketEncryption(s) => s3_bucket_encryption::read(ctx, s, id).await,
        Settings::S3BucketPolicy(s) => s3_bucket_policy::read(ctx, s, id).await,
        Settings::IamRole(s) => iam_role::read(ctx, c, s, id).await,
        Settings::IamRolePolicy(s) => iam_role_policy::read(ctx, s, id).await,
        Settings::CloudTrail(s) => cloudtrail::read(ctx, c, s, id).await,
        _ => Err(unsupported(c.kind(), "read")),
    }
}

pub async fn update(ctx: &Ctx<'_>, c: &Component, id: &str) -> Result<(), AwsError> {
    match &c.settings {
        Settings::KmsKey(s) => kms_key::update(ctx, c, s, id).await,
        Settings::KmsAlias(s) => kms_alias::update(ctx, s, id).await,
        Settings::LogGroup(s) => log_group::update(ctx, c, s, id).await,
        Settings::MetricFilter(s) => metric_filter::update(ctx, s, id).await,
        Settings::S3Bucket(_) => s3_bucket::update(ctx, c, id).await,
        Settings::S3BucketPublicAccessBlock(s) => {
            s3_bucket_public_access_block::update(ctx, s, id).await
        }
        Settings::S3BucketEncryption(s) => s3_bucket_encryption::update(ctx, s, id).await,
        Settings::S3BucketPolicy(s) => s3_bucket_policy::update(ctx, s, id).await,
        Settings::IamRole(s) => iam_role::update(ctx, c, s, id).await,
        Settings::IamRolePolicy(s) => iam_role_policy::update(ctx, s, id).await,
        Settings::CloudTrail(s) => cloudtrail::update(ctx, c, s, id).await,
        _ => Err(unsupported(c.kind(), "update")),
    }
}

pub async fn delete(ctx: &Ctx<'_>, kind: ComponentKind, id: &str) -> Result<(), AwsError> {
    match kind {
        ComponentKind::KmsKey => kms_key::delete(ctx, id).await,
        ComponentKind::KmsAlias => kms_alias::delete(ctx, id).await,
        ComponentKind::LogGroup => log_group::delete(ctx, id).await,
        ComponentKind::MetricFilter => metric_filter::delete(ctx, id).await,
        ComponentKind::S3Bucket => s3_bucket::delete(ctx, id).await,
        ComponentKind::S3BucketPublicAccessBlock => {
            s3_bucket_public_access_block::delete(ctx, id).await
        }
        ComponentKind::S3BucketEncryption => s3_bucket_encryption::delete(ctx, id).await,
        ComponentKind::S3BucketPolicy => s3_bucket_policy::delete(ctx, id).await,
        ComponentKind::IamRole => iam_role::delete(ctx, id).await,
        ComponentKind::IamRolePolicy => iam_role_policy::delete(ctx, id).await,
        ComponentKind::CloudTrail => cloudtrail::delete(ctx, id).await,
        _ => Err(unsupported(kind, "delete")),
    }
}
