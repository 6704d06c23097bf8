//! Encryption, logging and audit: KMS keys and aliases, CloudWatch log groups and the metric
//! filter, the audit bucket and its settings, IAM roles and inline policies, the CloudTrail trail.

use vault_core::model::component::ComponentKind;
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

pub async fn find(_ctx: &Ctx<'_>, c: &Component) -> Result<Option<String>, AwsError> {
    Err(unsupported(c.kind(), "find"))
}

pub async fn create(_ctx: &Ctx<'_>, c: &Component) -> Result<String, AwsError> {
    Err(unsupported(c.kind(), "create"))
}

pub async fn read(_ctx: &Ctx<'_>, c: &Component, _id: &str) -> Result<Option<Observed>, AwsError> {
    Err(unsupported(c.kind(), "read"))
}

pub async fn update(_ctx: &Ctx<'_>, c: &Component, _id: &str) -> Result<(), AwsError> {
    Err(unsupported(c.kind(), "update"))
}

pub async fn delete(_ctx: &Ctx<'_>, kind: ComponentKind, _id: &str) -> Result<(), AwsError> {
    Err(unsupported(kind, "delete"))
}
