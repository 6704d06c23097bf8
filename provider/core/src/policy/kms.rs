//! Key policies. Each key has the same shape:
//! - the account administers the key (through IAM policies) but cannot use it directly: the
//!   administration statement lists no cryptographic action and no `kms:CreateGrant`;
//! - cryptographic use is granted only through the service the key is for (`kms:ViaService`),
//!   to callers of this account, and where the service supplies one, only for this stack's
//!   encryption context;
//! - service principals (CloudWatch Logs, CloudTrail) get exactly what their documentation asks,
//!   limited to this stack's log groups and trail.
//!
//! In a key policy `Resource: "*"` means "this key".

use serde_json::{json, Value};

use super::policy;
use crate::model::component::LogGroupPurpose;
use crate::model::logical;
use crate::model::ResolvedStack;

/// Key management without use. `kms:CreateGrant`, `kms:Decrypt` and friends are deliberately
/// absent; so are `kms:DisableKey` and `kms:DisableKeyRotation`, which the stack never needs.
/// `kms:DescribeKey` is here, so services acting for the account can always describe the key.
const ADMINISTRATION: &[&str] = &[
    "kms:CancelKeyDeletion",
    "kms:CreateAlias",
    "kms:DeleteAlias",
    "kms:DescribeKey",
    "kms:EnableKey",
    "kms:EnableKeyRotation",
    "kms:GetKeyPolicy",
    "kms:GetKeyRotationStatus",
    "kms:ListGrants",
    "kms:ListKeyPolicies",
    "kms:ListResourceTags",
    "kms:PutKeyPolicy",
    "kms:RevokeGrant",
    "kms:ScheduleKeyDeletion",
    "kms:TagResource",
    "kms:UntagResource",
    "kms:UpdateAlias",
    "kms:UpdateKeyDescription",
];

const CRYPTOGRAPHY: &[&str] = &[
    "kms:Decrypt",
    "kms:Encrypt",
    "kms:GenerateDataKey*",
    "kms:ReEncrypt*",
];

fn administration(stack: &ResolvedStack) -> Value {
    json!({
        "Sid": "AccountAdministersKey",
        "Effect": "Allow",
        "Principal": { "AWS": stack.naming().account_root_arn() },
        "Action": ADMINISTRATION,
        "Resource": "*",
    })
}

/// `kms:ViaService` and `kms:CallerAccount` for use through one service by this account.
fn through(stack: &ResolvedStack, service: &str) -> serde_json::Map<String, Value> {
    let mut m = serde_json::Map::new();
    m.insert(
        "kms:ViaService".into(),
        stack.region().service_host(service).into(),
    );
    m.insert("kms:CallerAccount".into(), stack.account().as_str().into());
    m
}

/// Aurora storage: RDS encrypts with data keys and grants, for this account's clusters.
pub(super) fn database_key(stack: &ResolvedStack) -> Value {
    let root = stack.naming().account_root_arn();
    policy(vec![
        administration(stack),
        json!({
            "Sid": "UseThroughRds",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": CRYPTOGRAPHY,
            "Resource": "*",
            "Condition": { "StringEquals": through(stack, "rds") },
        }),
        // RDS holds grants on the key for as long as the cluster lives.
        json!({
            "Sid": "GrantsForRds",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": "kms:CreateGrant",
            "Resource": "*",
            "Condition": {
                "StringEquals": through(stack, "rds"),
                "Bool": { "kms:GrantIsForAWSResource": "true" },
            },
        }),
    ])
}

/// The secret: Secrets Manager encrypts each version under the context `SecretARN`, so the key
/// serves this stack's secret (by name) and no other.
pub(super) fn secrets_key(stack: &ResolvedStack) -> Value {
    let root = stack.naming().account_root_arn();
    policy(vec![
        administration(stack),
        json!({
            "Sid": "UseThroughSecretsManagerForThisSecret",
            "Effect": "Allow",
            "Principal": { "AWS": root },
            "Action": CRYPTOGRAPHY,
            "Resource": "*",
            "Condition": {
                "StringEquals": through(stack, "secretsmanager"),
                "StringLike": {
                    "kms:EncryptionContext:SecretARN": secret_patterns(stack),
                },
            },
        }),
    ])
}

/// The stack's secrets by name: the master secret and, with alternating users, the application
/// secret.
fn secret_patterns(stack: &ResolvedStack) -> Value {
    let n = stack.naming();
    let mut patterns = vec![n.secret_arn_pattern()];
    if stack.component(&logical::app_secret()).is_some() {
        patterns.push(n.app_secret_arn_pattern());
    }
    super::one_or_many(patterns)
}

/// The log groups (and, with `audit.cloudtrail`, the trail's files in S3).
pub(super) fn logs_key(stack: &ResolvedStack) -> Value {
    let n = stack.naming();
    let log_groups = vec![
        n.log_group_arn(LogGroupPurpose::Rotation),
        n.log_group_arn(LogGroupPurpose::Audit),
    ];
    let mut statements = vec![
        administration(stack),
        // CloudWatch Logs' documented statement, limited to this stack's groups. Its
        // `kms:Describe*` is left out: DescribeKey carries no encryption context, so under this
        // condition it could never be allowed anyway. The context value is a string: exact
        // matches need `StringEquals`, not an ARN operator.
        json!({
            "Sid": "CloudWatchLogsEncryptsStackLogGroups",
            "Effect": "Allow",
            "Principal": { "Service": stack.region().service_host("logs") },
            "Action": CRYPTOGRAPHY,
            "Resource": "*",
            "Condition": {
                "StringEquals": { "kms:EncryptionContext:aws:logs:arn": log_groups },
            },
        }),
    ];
    if stack.inputs().audit.cloudtrail {
        let trail = n.trail_arn();
        statements.extend([
            // CloudTrail encrypts the log files it writes to the audit bucket, for this trail.
            json!({
                "Sid": "CloudTrailEncryptsThisTrail",
                "Effect": "Allow",
                "Principal": { "Service": "cloudtrail.amazonaws.com" },
                "Action": "kms:GenerateDataKey*",
                "Resource": "*",
                "Condition": {
                    "StringEquals": { "aws:SourceArn": trail },
                    "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": trail },
                },
            }),
            json!({
                "Sid": "CloudTrailDescribesKey",
                "Effect": "Allow",
                "Principal": { "Service": "cloudtrail.amazonaws.com" },
                "Action": "kms:DescribeKey",
                "Resource": "*",
                "Condition": { "StringEquals": { "aws:SourceArn": trail } },
            }),
            // Reading the trail's files: S3 decrypts them for callers of this account.
            json!({
                "Sid": "ReadTrailFilesThroughS3",
                "Effect": "Allow",
                "Principal": { "AWS": n.account_root_arn() },
                "Action": "kms:Decrypt",
                "Resource": "*",
                "Condition": {
                    "StringEquals": through(stack, "s3"),
                    "StringLike": { "kms:EncryptionContext:aws:cloudtrail:arn": trail },
                },
            }),
        ]);
    }
    policy(statements)
}
