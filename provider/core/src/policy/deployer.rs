//! The deployer policy: what the principal running Terraform needs to plan, apply, update,
//! import and destroy one stack, and nothing more.
//!
//! Every AWS operation the provider calls is listed in [`OPERATIONS`] with the IAM actions it
//! needs; the policy grants exactly those actions, scoped to this stack's objects by name or ARN
//! where AWS names them before they exist, and by the management tag (`aws:RequestTag` on create,
//! `aws:ResourceTag` after) where AWS assigns the id. An end-to-end test records every call of a
//! whole lifecycle and fails when the table, the policy and the calls disagree.

use serde_json::{json, Value};

use super::policy;
use crate::defaults::MANAGEMENT_TAG;
use crate::model::component::{KeyPurpose, LogGroupPurpose, RolePurpose};
use crate::model::{logical, ResolvedStack};

/// `(service as the AWS SDK names it in its spans, operation, IAM action it needs)`. An
/// operation needing several actions has several rows (`CreateFunction` also passes the role).
pub const OPERATIONS: &[(&str, &str, &str)] = &[
    ("CloudTrail", "AddTags", "cloudtrail:AddTags"),
    ("CloudTrail", "CreateTrail", "cloudtrail:CreateTrail"),
    ("CloudTrail", "DeleteTrail", "cloudtrail:DeleteTrail"),
    ("CloudTrail", "DescribeTrails", "cloudtrail:DescribeTrails"),
    (
        "CloudTrail",
        "GetEventSelectors",
        "cloudtrail:GetEventSelectors",
    ),
    ("CloudTrail", "GetTrail", "cloudtrail:GetTrail"),
    ("CloudTrail", "GetTrailStatus", "cloudtrail:GetTrailStatus"),
    ("CloudTrail", "ListTags", "cloudtrail:ListTags"),
    (
        "CloudTrail",
        "PutEventSelectors",
        "cloudtrail:PutEventSelectors",
    ),
    ("CloudTrail", "RemoveTags", "cloudtrail:RemoveTags"),
    ("CloudTrail", "StartLogging", "cloudtrail:StartLogging"),
    ("CloudTrail", "UpdateTrail", "cloudtrail:UpdateTrail"),
    ("EC2", "AssociateRouteTable", "ec2:AssociateRouteTable"),
    (
        "EC2",
        "AuthorizeSecurityGroupEgress",
        "ec2:AuthorizeSecurityGroupEgress",
    ),
    (
        "EC2",
        "AuthorizeSecurityGroupIngress",
        "ec2:AuthorizeSecurityGroupIngress",
    ),
    ("EC2", "CreateRouteTable", "ec2:CreateRouteTable"),
    ("EC2", "CreateSecurityGroup", "ec2:CreateSecurityGroup"),
    ("EC2", "CreateSubnet", "ec2:CreateSubnet"),
    ("EC2", "CreateTags", "ec2:CreateTags"),
    ("EC2", "CreateVpc", "ec2:CreateVpc"),
    ("EC2", "CreateVpcEndpoint", "ec2:CreateVpcEndpoint"),
    (
        "EC2",
        "DeleteNetworkInterface",
        "ec2:DeleteNetworkInterface",
    ),
    ("EC2", "DeleteRoute", "ec2:DeleteRoute"),
    ("EC2", "DeleteRouteTable", "ec2:DeleteRouteTable"),
    ("EC2", "DeleteSecurityGroup", "ec2:DeleteSecurityGroup"),
    ("EC2", "DeleteSubnet", "ec2:DeleteSubnet"),
    ("EC2", "DeleteTags", "ec2:DeleteTags"),
    ("EC2", "DeleteVpc", "ec2:DeleteVpc"),
    ("EC2", "DeleteVpcEndpoints", "ec2:DeleteVpcEndpoints"),
    (
        "EC2",
        "DescribeAvailabilityZones",
        "ec2:DescribeAvailabilityZones",
    ),
    (
        "EC2",
        "DescribeNetworkInterfaces",
        "ec2:DescribeNetworkInterfaces",
    ),
    ("EC2", "DescribeRouteTables", "ec2:DescribeRouteTables"),
    (
        "EC2",
        "DescribeSecurityGroupRules",
        "ec2:DescribeSecurityGroupRules",
    ),
    (
        "EC2",
        "DescribeSecurityGroups",
        "ec2:DescribeSecurityGroups",
    ),
    ("EC2", "DescribeSubnets", "ec2:DescribeSubnets"),
    ("EC2", "DescribeTags", "ec2:DescribeTags"),
    ("EC2", "DescribeVpcAttribute", "ec2:DescribeVpcAttribute"),
    (
        "EC2",
        "DescribeVpcEndpointServices",
        "ec2:DescribeVpcEndpointServices",
    ),
    ("EC2", "DescribeVpcEndpoints", "ec2:DescribeVpcEndpoints"),
    ("EC2", "DescribeVpcs", "ec2:DescribeVpcs"),
    (
        "EC2",
        "DisableVgwRoutePropagation",
        "ec2:DisableVgwRoutePropagation",
    ),
    (
        "EC2",
        "DisassociateRouteTable",
        "ec2:DisassociateRouteTable",
    ),
    (
        "EC2",
        "ModifySecurityGroupRules",
        "ec2:ModifySecurityGroupRules",
    ),
    ("EC2", "ModifySubnetAttribute", "ec2:ModifySubnetAttribute"),
    ("EC2", "ModifyVpcAttribute", "ec2:ModifyVpcAttribute"),
    ("EC2", "ModifyVpcEndpoint", "ec2:ModifyVpcEndpoint"),
    (
        "EC2",
        "RevokeSecurityGroupEgress",
        "ec2:RevokeSecurityGroupEgress",
    ),
    (
        "EC2",
        "RevokeSecurityGroupIngress",
        "ec2:RevokeSecurityGroupIngress",
    ),
    ("IAM", "CreateRole", "iam:CreateRole"),
    ("IAM", "DeleteRole", "iam:DeleteRole"),
    ("IAM", "DeleteRolePolicy", "iam:DeleteRolePolicy"),
    ("IAM", "DetachRolePolicy", "iam:DetachRolePolicy"),
    ("IAM", "GetRole", "iam:GetRole"),
    ("IAM", "GetRolePolicy", "iam:GetRolePolicy"),
    (
        "IAM",
        "ListAttachedRolePolicies",
        "iam:ListAttachedRolePolicies",
    ),
    (
        "IAM",
        "ListInstanceProfilesForRole",
        "iam:ListInstanceProfilesForRole",
    ),
    ("IAM", "ListRolePolicies", "iam:ListRolePolicies"),
    ("IAM", "ListRoleTags", "iam:ListRoleTags"),
    ("IAM", "PutRolePolicy", "iam:PutRolePolicy"),
    (
        "IAM",
        "RemoveRoleFromInstanceProfile",
        "iam:RemoveRoleFromInstanceProfile",
    ),
    ("IAM", "TagRole", "iam:TagRole"),
    ("IAM", "UntagRole", "iam:UntagRole"),
    (
        "IAM",
        "UpdateAssumeRolePolicy",
        "iam:UpdateAssumeRolePolicy",
    ),
    ("IAM", "UpdateRole", "iam:UpdateRole"),
    ("KMS", "CreateAlias", "kms:CreateAlias"),
    ("KMS", "CreateKey", "kms:CreateKey"),
    ("KMS", "DeleteAlias", "kms:DeleteAlias"),
    ("KMS", "DescribeKey", "kms:DescribeKey"),
    ("KMS", "DisableKeyRotation", "kms:DisableKeyRotation"),
    ("KMS", "EnableKey", "kms:EnableKey"),
    ("KMS", "EnableKeyRotation", "kms:EnableKeyRotation"),
    ("KMS", "GetKeyPolicy", "kms:GetKeyPolicy"),
    ("KMS", "GetKeyRotationStatus", "kms:GetKeyRotationStatus"),
    ("KMS", "ListAliases", "kms:ListAliases"),
    ("KMS", "ListKeys", "kms:ListKeys"),
    ("KMS", "ListResourceTags", "kms:ListResourceTags"),
    ("KMS", "PutKeyPolicy", "kms:PutKeyPolicy"),
    ("KMS", "ScheduleKeyDeletion", "kms:ScheduleKeyDeletion"),
    ("KMS", "TagResource", "kms:TagResource"),
    ("KMS", "UntagResource", "kms:UntagResource"),
    ("KMS", "UpdateAlias", "kms:UpdateAlias"),
    ("KMS", "UpdateKeyDescription", "kms:UpdateKeyDescription"),
    ("Lambda", "AddPermission", "lambda:AddPermission"),
    ("Lambda", "CreateFunction", "lambda:CreateFunction"),
    ("Lambda", "DeleteFunction", "lambda:DeleteFunction"),
    ("Lambda", "GetFunction", "lambda:GetFunction"),
    (
        "Lambda",
        "GetFunctionConfiguration",
        "lambda:GetFunctionConfiguration",
    ),
    ("Lambda", "GetPolicy", "lambda:GetPolicy"),
    ("Lambda", "ListTags", "lambda:ListTags"),
    ("Lambda", "RemovePermission", "lambda:RemovePermission"),
    ("Lambda", "TagResource", "lambda:TagResource"),
    ("Lambda", "UntagResource", "lambda:UntagResource"),
    ("Lambda", "UpdateFunctionCode", "lambda:UpdateFunctionCode"),
    (
        "Lambda",
        "UpdateFunctionConfiguration",
        "lambda:UpdateFunctionConfiguration",
    ),
    ("CloudWatch Logs", "AssociateKmsKey", "logs:AssociateKmsKey"),
    ("CloudWatch Logs", "CreateLogGroup", "logs:CreateLogGroup"),
    ("CloudWatch Logs", "DeleteLogGroup", "logs:DeleteLogGroup"),
    (
        "CloudWatch Logs",
        "DeleteMetricFilter",
        "logs:DeleteMetricFilter",
    ),
    (
        "CloudWatch Logs",
        "DescribeLogGroups",
        "logs:DescribeLogGroups",
    ),
    (
        "CloudWatch Logs",
        "DescribeMetricFilters",
        "logs:DescribeMetricFilters",
    ),
    ("CloudWatch Logs", "FilterLogEvents", "logs:FilterLogEvents"),
    (
        "CloudWatch Logs",
        "ListTagsForResource",
        "logs:ListTagsForResource",
    ),
    ("CloudWatch Logs", "PutMetricFilter", "logs:PutMetricFilter"),
    (
        "CloudWatch Logs",
        "PutRetentionPolicy",
        "logs:PutRetentionPolicy",
    ),
    ("CloudWatch Logs", "TagResource", "logs:TagResource"),
    ("CloudWatch Logs", "UntagResource", "logs:UntagResource"),
    ("RDS", "AddTagsToResource", "rds:AddTagsToResource"),
    ("RDS", "CreateDBCluster", "rds:CreateDBCluster"),
    (
        "RDS",
        "CreateDBClusterParameterGroup",
        "rds:CreateDBClusterParameterGroup",
    ),
    ("RDS", "CreateDBInstance", "rds:CreateDBInstance"),
    ("RDS", "CreateDBSubnetGroup", "rds:CreateDBSubnetGroup"),
    ("RDS", "DeleteDBCluster", "rds:DeleteDBCluster"),
    (
        "RDS",
        "DeleteDBClusterParameterGroup",
        "rds:DeleteDBClusterParameterGroup",
    ),
    ("RDS", "DeleteDBInstance", "rds:DeleteDBInstance"),
    ("RDS", "DeleteDBSubnetGroup", "rds:DeleteDBSubnetGroup"),
    (
        "RDS",
        "DescribeDBClusterParameterGroups",
        "rds:DescribeDBClusterParameterGroups",
    ),
    (
        "RDS",
        "DescribeDBClusterParameters",
        "rds:DescribeDBClusterParameters",
    ),
    ("RDS", "DescribeDBClusters", "rds:DescribeDBClusters"),
    ("RDS", "DescribeDBInstances", "rds:DescribeDBInstances"),
    (
        "RDS",
        "DescribeDBSubnetGroups",
        "rds:DescribeDBSubnetGroups",
    ),
    ("RDS", "ListTagsForResource", "rds:ListTagsForResource"),
    ("RDS", "ModifyDBCluster", "rds:ModifyDBCluster"),
    (
        "RDS",
        "ModifyDBClusterParameterGroup",
        "rds:ModifyDBClusterParameterGroup",
    ),
    ("RDS", "ModifyDBInstance", "rds:ModifyDBInstance"),
    ("RDS", "ModifyDBSubnetGroup", "rds:ModifyDBSubnetGroup"),
    (
        "RDS",
        "RemoveTagsFromResource",
        "rds:RemoveTagsFromResource",
    ),
    ("S3", "CreateBucket", "s3:CreateBucket"),
    ("S3", "DeleteBucket", "s3:DeleteBucket"),
    (
        "S3",
        "DeleteBucketEncryption",
        "s3:PutEncryptionConfiguration",
    ),
    ("S3", "DeleteBucketPolicy", "s3:DeleteBucketPolicy"),
    ("S3", "DeleteBucketTagging", "s3:PutBucketTagging"),
    ("S3", "DeleteObjects", "s3:DeleteObject"),
    (
        "S3",
        "DeletePublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ),
    ("S3", "GetBucketEncryption", "s3:GetEncryptionConfiguration"),
    (
        "S3",
        "GetBucketOwnershipControls",
        "s3:GetBucketOwnershipControls",
    ),
    ("S3", "GetBucketPolicy", "s3:GetBucketPolicy"),
    ("S3", "GetBucketTagging", "s3:GetBucketTagging"),
    (
        "S3",
        "GetPublicAccessBlock",
        "s3:GetBucketPublicAccessBlock",
    ),
    ("S3", "HeadBucket", "s3:ListBucket"),
    ("S3", "ListObjectVersions", "s3:ListBucketVersions"),
    ("S3", "PutBucketEncryption", "s3:PutEncryptionConfiguration"),
    (
        "S3",
        "PutBucketOwnershipControls",
        "s3:PutBucketOwnershipControls",
    ),
    ("S3", "PutBucketPolicy", "s3:PutBucketPolicy"),
    ("S3", "PutBucketTagging", "s3:PutBucketTagging"),
    (
        "S3",
        "PutPublicAccessBlock",
        "s3:PutBucketPublicAccessBlock",
    ),
    (
        "Secrets Manager",
        "CancelRotateSecret",
        "secretsmanager:CancelRotateSecret",
    ),
    (
        "Secrets Manager",
        "CreateSecret",
        "secretsmanager:CreateSecret",
    ),
    (
        "Secrets Manager",
        "DeleteSecret",
        "secretsmanager:DeleteSecret",
    ),
    (
        "Secrets Manager",
        "DescribeSecret",
        "secretsmanager:DescribeSecret",
    ),
    (
        "Secrets Manager",
        "GetRandomPassword",
        "secretsmanager:GetRandomPassword",
    ),
    (
        "Secrets Manager",
        "GetSecretValue",
        "secretsmanager:GetSecretValue",
    ),
    (
        "Secrets Manager",
        "ListSecretVersionIds",
        "secretsmanager:ListSecretVersionIds",
    ),
    (
        "Secrets Manager",
        "PutSecretValue",
        "secretsmanager:PutSecretValue",
    ),
    (
        "Secrets Manager",
        "RotateSecret",
        "secretsmanager:RotateSecret",
    ),
    (
        "Secrets Manager",
        "TagResource",
        "secretsmanager:TagResource",
    ),
    (
        "Secrets Manager",
        "UntagResource",
        "secretsmanager:UntagResource",
    ),
    (
        "Secrets Manager",
        "UpdateSecret",
        "secretsmanager:UpdateSecret",
    ),
    (
        "Secrets Manager",
        "UpdateSecretVersionStage",
        "secretsmanager:UpdateSecretVersionStage",
    ),
    ("STS", "GetCallerIdentity", "sts:GetCallerIdentity"),
    (
        "RDS",
        "DescribeOrderableDBInstanceOptions",
        "rds:DescribeOrderableDBInstanceOptions",
    ),
    // Operations that need more than their own action.
    ("S3", "DeleteObjects", "s3:DeleteObjectVersion"),
    ("Lambda", "CreateFunction", "iam:PassRole"),
    ("Lambda", "UpdateFunctionConfiguration", "iam:PassRole"),
    ("CloudTrail", "CreateTrail", "iam:PassRole"),
    ("CloudTrail", "UpdateTrail", "iam:PassRole"),
    // RDS creates a grant on the storage key with the caller's credentials.
    ("RDS", "CreateDBCluster", "kms:CreateGrant"),
    ("RDS", "CreateDBCluster", "kms:DescribeKey"),
    // Secrets Manager encrypts and decrypts a secret's value with the caller's credentials.
    ("Secrets Manager", "CreateSecret", "kms:GenerateDataKey"),
    ("Secrets Manager", "PutSecretValue", "kms:GenerateDataKey"),
    ("Secrets Manager", "GetSecretValue", "kms:Decrypt"),
];

/// Actions the deployer policy grants that the end-to-end lifecycle (apply, no-op plan, update,
/// import, destroy against moto) does not reach, each with the path that needs it. The coverage
/// test fails on a granted action neither called nor listed here, and on a listed one it sees
/// called.
pub const NOT_EXERCISED: &[(&str, &str)] = &[
    (
        "ec2:DeleteNetworkInterface",
        "a destroy that finds Lambda's network interfaces still in the stack's subnets",
    ),
    ("ec2:DeleteRoute", "repairing a route added to the stack's route table by hand"),
    (
        "ec2:DisableVgwRoutePropagation",
        "repairing a gateway's route propagation added to the stack's route table by hand",
    ),
    (
        "ec2:ModifySecurityGroupRules",
        "repairing a rule of the stack's security groups changed by hand",
    ),
    (
        "ec2:ModifyVpcEndpoint",
        "repairing an endpoint's policy, subnets or security groups changed by hand",
    ),
    (
        "iam:DetachRolePolicy",
        "repairing (and destroying) a role to which a managed policy was attached by hand",
    ),
    (
        "iam:RemoveRoleFromInstanceProfile",
        "destroying a role that was added to an instance profile by hand",
    ),
    ("kms:DisableKeyRotation", "a key whose rotation the configuration turns off"),
    ("kms:EnableKey", "repairing a key disabled by hand"),
    ("kms:UpdateAlias", "repairing an alias pointed at another key by hand"),
    ("kms:UpdateKeyDescription", "repairing a key's description changed by hand"),
    (
        "lambda:UpdateFunctionCode",
        "a provider upgrade that ships new rotation code, or code replaced by hand",
    ),
    (
        "lambda:UpdateFunctionConfiguration",
        "repairing the function's settings (timeout, memory, environment, network) changed by hand",
    ),
    (
        "logs:AssociateKmsKey",
        "repairing a log group whose key was disassociated by hand",
    ),
    (
        "rds:ModifyDBCluster",
        "repairing the cluster's settings (security groups, parameter group, backups) changed by hand",
    ),
    (
        "rds:ModifyDBSubnetGroup",
        "repairing the subnet group's subnets or description changed by hand",
    ),
    (
        "s3:DeleteObject",
        "a destroy of an audit bucket holding trail logs (the test bed's trail writes none)",
    ),
    (
        "s3:DeleteObjectVersion",
        "a destroy of an audit bucket holding trail logs (the test bed's trail writes none)",
    ),
    (
        "secretsmanager:UpdateSecret",
        "repairing the secret's description or key changed by hand",
    ),
];

/// The IAM actions an operation needs, whatever the service (for an access-denied message that
/// names only the operation); several when services share an operation name (`TagResource`).
pub fn actions_of_operation(operation: &str) -> Vec<&'static str> {
    let rows = || OPERATIONS.iter().filter(|(_, op, _)| *op == operation);
    // The action named like the operation, where there is one; the extra rows (passing a role,
    // using a key) are the other services' concern.
    let own: Vec<&'static str> = rows()
        .map(|(_, _, a)| *a)
        .filter(|a| a.split(':').nth(1) == Some(operation))
        .collect();
    let mut actions = if own.is_empty() {
        rows().map(|(_, _, a)| *a).collect()
    } else {
        own
    };
    actions.sort_unstable();
    actions.dedup();
    actions
}

/// The IAM actions one recorded call (`service`, `operation`, as the SDK names them) needs;
/// empty for a call the table does not know.
pub fn actions_of_call(service: &str, operation: &str) -> Vec<&'static str> {
    OPERATIONS
        .iter()
        .filter(|(s, op, _)| *s == service && *op == operation)
        .map(|(_, _, a)| *a)
        .collect()
}

fn actions(service: &str, names: &[&str]) -> Value {
    Value::from(
        names
            .iter()
            .map(|n| format!("{service}:{n}"))
            .collect::<Vec<_>>(),
    )
}

/// The deployer policy of a stack.
pub(super) fn deployer(stack: &ResolvedStack) -> Value {
    let n = stack.naming();
    let suffix = n.suffix().as_str();
    let request_tag =
        json!({ "StringEquals": { format!("aws:RequestTag/{MANAGEMENT_TAG}"): suffix } });
    let resource_tag =
        json!({ "StringEquals": { format!("aws:ResourceTag/{MANAGEMENT_TAG}"): suffix } });
    let ec2_types = [
        "vpc",
        "subnet",
        "security-group",
        "route-table",
        "vpc-endpoint",
    ];
    let ec2_arns: Vec<String> = ec2_types
        .iter()
        .map(|t| n.ec2_arn(&format!("{t}/*")))
        .collect();
    let key_arns = n.kms_key_arn_pattern();
    let mut secrets = vec![n.secret_arn_pattern()];
    if stack.component(&logical::app_secret()).is_some() {
        secrets.push(n.app_secret_arn_pattern());
    }
    let rds = |resource: &str| {
        format!(
            "arn:{}:rds:{}:{}:{resource}",
            n.region().partition(),
            n.region(),
            n.account()
        )
    };
    let log_groups: Vec<String> = [LogGroupPurpose::Rotation, LogGroupPurpose::Audit]
        .iter()
        .flat_map(|p| {
            let arn = n.log_group_arn(*p);
            [arn.clone(), format!("{arn}:*")]
        })
        .collect();
    let mut statements = vec![
        json!({
            "Sid": "ReadAccountAndRegion",
            "Effect": "Allow",
            "Action": [
                "sts:GetCallerIdentity",
                "ec2:DescribeAvailabilityZones",
                "ec2:DescribeNetworkInterfaces",
                "ec2:DescribeRouteTables",
                "ec2:DescribeSecurityGroupRules",
                "ec2:DescribeSecurityGroups",
                "ec2:DescribeSubnets",
                "ec2:DescribeTags",
                "ec2:DescribeVpcEndpointServices",
                "ec2:DescribeVpcEndpoints",
                "ec2:DescribeVpcs",
                "kms:ListAliases",
                "kms:ListKeys",
                "logs:DescribeLogGroups",
                "rds:DescribeOrderableDBInstanceOptions",
                "cloudtrail:DescribeTrails",
                "secretsmanager:GetRandomPassword",
            ],
            "Resource": "*",
        }),
        json!({
            "Sid": "CreateNetworkTaggedForThisStack",
            "Effect": "Allow",
            "Action": actions("ec2", &[
                "CreateRouteTable",
                "CreateSecurityGroup",
                "CreateSubnet",
                "CreateTags",
                "CreateVpc",
                "CreateVpcEndpoint",
            ]),
            "Resource": ec2_arns,
            "Condition": request_tag,
        }),
        json!({
            "Sid": "ManageThisStacksNetwork",
            "Effect": "Allow",
            "Action": actions("ec2", &[
                "AssociateRouteTable",
                "AuthorizeSecurityGroupEgress",
                "AuthorizeSecurityGroupIngress",
                "CreateRouteTable",
                "CreateSecurityGroup",
                "CreateSubnet",
                "CreateTags",
                "CreateVpcEndpoint",
                "DeleteRoute",
                "DeleteRouteTable",
                "DeleteSecurityGroup",
                "DeleteSubnet",
                "DeleteTags",
                "DeleteVpc",
                "DeleteVpcEndpoints",
                "DescribeVpcAttribute",
                "DisableVgwRoutePropagation",
                "DisassociateRouteTable",
                "ModifySecurityGroupRules",
                "ModifySubnetAttribute",
                "ModifyVpcAttribute",
                "ModifyVpcEndpoint",
                "RevokeSecurityGroupEgress",
                "RevokeSecurityGroupIngress",
            ]),
            "Resource": ec2_arns,
            "Condition": resource_tag,
        }),
        // Rules carry no tags; the groups they belong to are scoped by the statement above.
        json!({
            "Sid": "ManageRulesOfThisStacksGroups",
            "Effect": "Allow",
            "Action": actions("ec2", &[
                "AuthorizeSecurityGroupEgress",
                "AuthorizeSecurityGroupIngress",
                "ModifySecurityGroupRules",
            ]),
            "Resource": n.ec2_arn("security-group-rule/*"),
        }),
        // Lambda's network interfaces carry no tag of the stack; a destroy deletes those left in
        // the stack's subnets.
        json!({
            "Sid": "DeleteLeftoverFunctionInterfaces",
            "Effect": "Allow",
            "Action": "ec2:DeleteNetworkInterface",
            "Resource": n.ec2_arn("network-interface/*"),
        }),
        json!({
            "Sid": "ManageThisStacksRoles",
            "Effect": "Allow",
            "Action": actions("iam", &[
                "CreateRole",
                "DeleteRole",
                "DeleteRolePolicy",
                "DetachRolePolicy",
                "GetRole",
                "GetRolePolicy",
                "ListAttachedRolePolicies",
                "ListInstanceProfilesForRole",
                "ListRolePolicies",
                "ListRoleTags",
                "PutRolePolicy",
                "TagRole",
                "UntagRole",
                "UpdateAssumeRolePolicy",
                "UpdateRole",
            ]),
            "Resource": [
                n.iam_role_arn(RolePurpose::Rotation),
                n.iam_role_arn(RolePurpose::CloudTrail),
            ],
        }),
        json!({
            "Sid": "DetachThisStacksRolesFromInstanceProfiles",
            "Effect": "Allow",
            "Action": "iam:RemoveRoleFromInstanceProfile",
            "Resource": format!("arn:{}:iam::{}:instance-profile/*", n.region().partition(), n.account()),
        }),
        json!({
            "Sid": "PassRotationRoleToLambda",
            "Effect": "Allow",
            "Action": "iam:PassRole",
            "Resource": n.iam_role_arn(RolePurpose::Rotation),
            "Condition": { "StringEquals": { "iam:PassedToService": "lambda.amazonaws.com" } },
        }),
        json!({
            "Sid": "CreateKeysTaggedForThisStack",
            "Effect": "Allow",
            "Action": "kms:CreateKey",
            "Resource": "*",
            "Condition": request_tag,
        }),
        json!({
            "Sid": "ManageThisStacksKeys",
            "Effect": "Allow",
            "Action": actions("kms", &[
                "CreateAlias",
                "DeleteAlias",
                "DescribeKey",
                "DisableKeyRotation",
                "EnableKey",
                "EnableKeyRotation",
                "GetKeyPolicy",
                "GetKeyRotationStatus",
                "ListResourceTags",
                "PutKeyPolicy",
                "ScheduleKeyDeletion",
                "TagResource",
                "UntagResource",
                "UpdateAlias",
                "UpdateKeyDescription",
            ]),
            "Resource": key_arns,
            "Condition": resource_tag,
        }),
        json!({
            "Sid": "ManageThisStacksAliases",
            "Effect": "Allow",
            "Action": ["kms:CreateAlias", "kms:DeleteAlias", "kms:UpdateAlias"],
            "Resource": KeyPurpose::ALL
                .iter()
                .map(|p| format!("arn:{}:kms:{}:{}:{}", n.region().partition(), n.region(), n.account(), n.kms_alias(*p)))
                .collect::<Vec<_>>(),
        }),
        json!({
            "Sid": "LetRdsUseTheDatabaseKey",
            "Effect": "Allow",
            "Action": "kms:CreateGrant",
            "Resource": key_arns,
            "Condition": {
                "StringEquals": {
                    format!("aws:ResourceTag/{MANAGEMENT_TAG}"): suffix,
                    "kms:ViaService": stack.region().service_host("rds"),
                },
                "Bool": { "kms:GrantIsForAWSResource": "true" },
            },
        }),
        json!({
            "Sid": "WriteSecretsThroughSecretsManager",
            "Effect": "Allow",
            "Action": ["kms:Decrypt", "kms:GenerateDataKey"],
            "Resource": key_arns,
            "Condition": {
                "StringEquals": {
                    format!("aws:ResourceTag/{MANAGEMENT_TAG}"): suffix,
                    "kms:ViaService": stack.region().service_host("secretsmanager"),
                },
            },
        }),
        json!({
            "Sid": "ManageThisStacksLogGroups",
            "Effect": "Allow",
            "Action": actions("logs", &[
                "AssociateKmsKey",
                "CreateLogGroup",
                "DeleteLogGroup",
                "DeleteMetricFilter",
                "DescribeMetricFilters",
                "FilterLogEvents",
                "ListTagsForResource",
                "PutMetricFilter",
                "PutRetentionPolicy",
                "TagResource",
                "UntagResource",
            ]),
            "Resource": log_groups,
        }),
        json!({
            "Sid": "ManageThisStacksRotationFunction",
            "Effect": "Allow",
            "Action": actions("lambda", &[
                "AddPermission",
                "CreateFunction",
                "DeleteFunction",
                "GetFunction",
                "GetFunctionConfiguration",
                "GetPolicy",
                "ListTags",
                "RemovePermission",
                "TagResource",
                "UntagResource",
                "UpdateFunctionCode",
                "UpdateFunctionConfiguration",
            ]),
            "Resource": n.lambda_function_arn(),
        }),
        json!({
            "Sid": "ManageThisStacksDatabase",
            "Effect": "Allow",
            "Action": actions("rds", &[
                "AddTagsToResource",
                "CreateDBCluster",
                "CreateDBClusterParameterGroup",
                "CreateDBInstance",
                "CreateDBSubnetGroup",
                "DeleteDBCluster",
                "DeleteDBClusterParameterGroup",
                "DeleteDBInstance",
                "DeleteDBSubnetGroup",
                "DescribeDBClusterParameterGroups",
                "DescribeDBClusterParameters",
                "DescribeDBClusters",
                "DescribeDBInstances",
                "DescribeDBSubnetGroups",
                "ListTagsForResource",
                "ModifyDBCluster",
                "ModifyDBClusterParameterGroup",
                "ModifyDBInstance",
                "ModifyDBSubnetGroup",
                "RemoveTagsFromResource",
            ]),
            "Resource": [
                rds(&format!("cluster:{}", n.db_cluster())),
                rds(&format!("db:{}-*", n.db_cluster())),
                rds(&format!("subgrp:{}", n.db_subnet_group())),
                rds(&format!("cluster-pg:{}", n.db_cluster_parameter_group())),
            ],
        }),
        json!({
            "Sid": "ManageThisStacksSecrets",
            "Effect": "Allow",
            "Action": actions("secretsmanager", &[
                "CancelRotateSecret",
                "CreateSecret",
                "DeleteSecret",
                "DescribeSecret",
                "GetSecretValue",
                "ListSecretVersionIds",
                "PutSecretValue",
                "RotateSecret",
                "TagResource",
                "UntagResource",
                "UpdateSecret",
                "UpdateSecretVersionStage",
            ]),
            "Resource": secrets,
        }),
    ];
    if stack.component(&logical::cloudtrail()).is_some() {
        let bucket = n.audit_bucket_arn();
        statements.extend([
            json!({
                "Sid": "PassCloudTrailRoleToCloudTrail",
                "Effect": "Allow",
                "Action": "iam:PassRole",
                "Resource": n.iam_role_arn(RolePurpose::CloudTrail),
                "Condition": { "StringEquals": { "iam:PassedToService": "cloudtrail.amazonaws.com" } },
            }),
            json!({
                "Sid": "ManageThisStacksTrail",
                "Effect": "Allow",
                "Action": actions("cloudtrail", &[
                    "AddTags",
                    "CreateTrail",
                    "DeleteTrail",
                    "GetEventSelectors",
                    "GetTrail",
                    "GetTrailStatus",
                    "ListTags",
                    "PutEventSelectors",
                    "RemoveTags",
                    "StartLogging",
                    "UpdateTrail",
                ]),
                "Resource": n.trail_arn(),
            }),
            json!({
                "Sid": "ManageThisStacksAuditBucket",
                "Effect": "Allow",
                "Action": actions("s3", &[
                    "CreateBucket",
                    "DeleteBucket",
                    "DeleteBucketPolicy",
                    "GetBucketOwnershipControls",
                    "GetBucketPolicy",
                    "GetBucketPublicAccessBlock",
                    "GetBucketTagging",
                    "GetEncryptionConfiguration",
                    "ListBucket",
                    "ListBucketVersions",
                    "PutBucketOwnershipControls",
                    "PutBucketPolicy",
                    "PutBucketPublicAccessBlock",
                    "PutBucketTagging",
                    "PutEncryptionConfiguration",
                ]),
                "Resource": bucket.clone(),
            }),
            json!({
                "Sid": "EmptyThisStacksAuditBucketOnDestroy",
                "Effect": "Allow",
                "Action": ["s3:DeleteObject", "s3:DeleteObjectVersion"],
                "Resource": format!("{bucket}/*"),
            }),
        ]);
    }
    policy(statements)
}
