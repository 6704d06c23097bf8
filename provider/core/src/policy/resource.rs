//! Resource policies other than key policies: the audit bucket's, the VPC endpoints', and the
//! rotation function's invoke permission.

use serde_json::{json, Value};

use super::{policy, Arns, APP_INVOKE_STATEMENT_ID, INVOKE_STATEMENT_ID};
use crate::model::component::{KeyPurpose, RolePurpose};
use crate::model::ResolvedStack;

/// CloudTrail's documented bucket policy, limited to this trail (`aws:SourceArn`), plus a denial
/// of any request without TLS.
pub(super) fn audit_bucket(stack: &ResolvedStack) -> Value {
    let n = stack.naming();
    let bucket = n.audit_bucket_arn();
    let trail = n.trail_arn();
    policy(vec![
        json!({
            "Sid": "CloudTrailChecksBucketAcl",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "s3:GetBucketAcl",
            "Resource": bucket,
            "Condition": { "StringEquals": { "aws:SourceArn": trail } },
        }),
        json!({
            "Sid": "CloudTrailWritesThisTrail",
            "Effect": "Allow",
            "Principal": { "Service": "cloudtrail.amazonaws.com" },
            "Action": "s3:PutObject",
            "Resource": format!("{bucket}/AWSLogs/{}/*", stack.account()),
            "Condition": {
                "StringEquals": {
                    "s3:x-amz-acl": "bucket-owner-full-control",
                    "aws:SourceArn": trail,
                },
            },
        }),
        json!({
            "Sid": "DenyInsecureTransport",
            "Effect": "Deny",
            "Principal": "*",
            "Action": "s3:*",
            "Resource": [bucket.clone(), format!("{bucket}/*")],
            "Condition": { "Bool": { "aws:SecureTransport": "false" } },
        }),
    ])
}

/// Through the Secrets Manager endpoint, only the rotation function, only on this secret (and
/// `GetRandomPassword`, which names no resource). `aws:PrincipalArn` rather than a role principal:
/// a principal ARN in a resource policy is pinned to the role's unique id, and breaks when the
/// role is recreated.
pub(super) fn secretsmanager_endpoint(stack: &ResolvedStack, arns: &Arns) -> Value {
    let role = stack.naming().iam_role_arn(RolePurpose::Rotation);
    policy(vec![
        json!({
            "Sid": "RotationFunctionRotatesThisSecret",
            "Effect": "Allow",
            "Principal": "*",
            "Action": [
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
            ],
            "Resource": arns.secrets(),
            "Condition": { "ArnEquals": { "aws:PrincipalArn": role } },
        }),
        json!({
            "Sid": "RotationFunctionGeneratesPasswords",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "secretsmanager:GetRandomPassword",
            "Resource": "*",
            "Condition": { "ArnEquals": { "aws:PrincipalArn": role } },
        }),
    ])
}

/// Through the KMS endpoint, only the rotation function, only on the secrets key, only what its
/// role may do with it. (The function itself has no direct KMS call today; the endpoint exists so
/// that none could leave the VPC.)
pub(super) fn kms_endpoint(stack: &ResolvedStack, arns: &Arns) -> Value {
    let role = stack.naming().iam_role_arn(RolePurpose::Rotation);
    policy(vec![json!({
        "Sid": "RotationFunctionUsesSecretsKey",
        "Effect": "Allow",
        "Principal": "*",
        "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
        "Resource": arns.kms_key(KeyPurpose::Secrets),
        "Condition": { "ArnEquals": { "aws:PrincipalArn": role } },
    })])
}

/// The function policy the `AddPermission` calls create: Secrets Manager may invoke the function
/// only for this stack's secrets (`SourceArn`, one statement per secret, as each permission is
/// its own statement) in this account (`SourceAccount`).
pub(super) fn lambda_invoke(stack: &ResolvedStack, arns: &Arns) -> Value {
    let statement = |sid: &str, secret: String| {
        json!({
            "Sid": sid,
            "Effect": "Allow",
            "Principal": { "Service": "secretsmanager.amazonaws.com" },
            "Action": "lambda:InvokeFunction",
            "Resource": stack.naming().lambda_function_arn(),
            "Condition": {
                "StringEquals": { "aws:SourceAccount": stack.account().as_str() },
                "ArnLike": { "aws:SourceArn": secret },
            },
        })
    };
    let mut statements = vec![statement(INVOKE_STATEMENT_ID, arns.secret())];
    if let Some(app) = arns.app_secret() {
        statements.push(statement(APP_INVOKE_STATEMENT_ID, app));
    }
    policy(statements)
}
