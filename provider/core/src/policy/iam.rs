//! The stack's IAM roles: the rotation function's execution role and the role CloudTrail writes
//! the audit log group with.

use serde_json::{json, Value};

use super::{policy, Arns};
use crate::model::component::{KeyPurpose, LogGroupPurpose, SecurityGroupRole};
use crate::model::ResolvedStack;

/// What the rotation function does, and nothing else: rotate this secret (single-user strategy)
/// and, with alternating users, the application secret, for which it also reads the master
/// secret (already covered: it rotates that one); decrypt and encrypt them through Secrets
/// Manager, write its own log group, and let Lambda attach it to the stack's subnets.
pub(super) fn rotation_role(stack: &ResolvedStack, arns: &Arns) -> Value {
    let n = stack.naming();
    let secrets = arns.secrets();
    let mut eni_resources = vec![n.ec2_arn("network-interface/*")];
    eni_resources.extend(arns.subnets());
    eni_resources.push(arns.security_group(SecurityGroupRole::Lambda));
    policy(vec![
        json!({
            "Sid": "RotateThisSecret",
            "Effect": "Allow",
            "Action": [
                "secretsmanager:DescribeSecret",
                "secretsmanager:GetSecretValue",
                "secretsmanager:PutSecretValue",
                "secretsmanager:UpdateSecretVersionStage",
            ],
            "Resource": secrets,
        }),
        json!({
            "Sid": "GenerateRandomPasswords",
            "Effect": "Allow",
            "Action": "secretsmanager:GetRandomPassword",
            "Resource": "*",
        }),
        // Secrets Manager decrypts and encrypts on the function's behalf with its credentials:
        // only through Secrets Manager, and only for this secret's encryption context.
        json!({
            "Sid": "UseSecretsKeyThroughSecretsManager",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": arns.kms_key(KeyPurpose::Secrets),
            "Condition": {
                "StringEquals": {
                    "kms:ViaService": stack.region().service_host("secretsmanager"),
                },
                "StringLike": {
                    "kms:EncryptionContext:SecretARN": secrets,
                },
            },
        }),
        json!({
            "Sid": "WriteOwnLogs",
            "Effect": "Allow",
            "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
            "Resource": format!("{}:*", n.log_group_arn(LogGroupPurpose::Rotation)),
        }),
        // Lambda creates the function's network interfaces with the execution role: only in the
        // stack's subnets, only with the function's security group.
        json!({
            "Sid": "CreateNetworkInterfacesInStackSubnets",
            "Effect": "Allow",
            "Action": "ec2:CreateNetworkInterface",
            "Resource": eni_resources,
        }),
        // Lambda checks and releases interfaces by id, which it picks; AWS's guidance is to allow
        // all interface ids (here: of this account and region) or the function may lose its VPC.
        json!({
            "Sid": "ReleaseNetworkInterfaces",
            "Effect": "Allow",
            "Action": [
                "ec2:AssignPrivateIpAddresses",
                "ec2:DeleteNetworkInterface",
                "ec2:UnassignPrivateIpAddresses",
            ],
            "Resource": n.ec2_arn("network-interface/*"),
        }),
        json!({
            "Sid": "DescribeNetwork",
            "Effect": "Allow",
            "Action": ["ec2:DescribeNetworkInterfaces", "ec2:DescribeSubnets"],
            "Resource": "*",
        }),
    ])
}

/// Only Lambda, and only on behalf of this account's functions, may assume the rotation role.
pub(super) fn rotation_trust(stack: &ResolvedStack) -> Value {
    policy(vec![json!({
        "Sid": "LambdaAssumesRoleForThisAccount",
        "Effect": "Allow",
        "Principal": { "Service": "lambda.amazonaws.com" },
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": { "aws:SourceAccount": stack.account().as_str() },
        },
    })])
}

/// CloudTrail writes to streams it names `<account>_CloudTrail_<region>...` in the audit group.
pub(super) fn cloudtrail_role(stack: &ResolvedStack) -> Value {
    let n = stack.naming();
    let streams = format!(
        "{}:log-stream:{}_CloudTrail_{}*",
        n.log_group_arn(LogGroupPurpose::Audit),
        stack.account(),
        stack.region()
    );
    policy(vec![json!({
        "Sid": "DeliverTrailToAuditLogGroup",
        "Effect": "Allow",
        "Action": ["logs:CreateLogStream", "logs:PutLogEvents"],
        "Resource": streams,
    })])
}

/// Only CloudTrail, on behalf of this account, may assume the delivery role. (CloudTrail does not
/// document `aws:SourceArn` for this role, so the trail is not named: see docs/guides/core-design.md.)
pub(super) fn cloudtrail_trust(stack: &ResolvedStack) -> Value {
    policy(vec![json!({
        "Sid": "CloudTrailAssumesRoleForThisAccount",
        "Effect": "Allow",
        "Principal": { "Service": "cloudtrail.amazonaws.com" },
        "Action": "sts:AssumeRole",
        "Condition": {
            "StringEquals": { "aws:SourceAccount": stack.account().as_str() },
        },
    })])
}
