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

/// The kinds this group holds.
pub const KINDS: &[vault_core::model::ComponentKind] = &[
    vault_core::model::ComponentKind::KmsKey,
    vault_core::model::ComponentKind::KmsAlias,
    vault_core::model::ComponentKind::LogGroup,
    vault_core::model::ComponentKind::MetricFilter,
    vault_core::model::ComponentKind::S3Bucket,
    vault_core::model::ComponentKind::S3BucketPublicAccessBlock,
    vault_core::model::ComponentKind::S3BucketEncryption,
    vault_core::model::ComponentKind::S3BucketPolicy,
    vault_core::model::ComponentKind::IamRole,
    vault_core::model::ComponentKind::IamRolePolicy,
    vault_core::model::ComponentKind::CloudTrail,
];
