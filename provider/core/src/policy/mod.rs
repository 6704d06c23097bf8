//! Least-privilege policy synthesis: every IAM, KMS, S3, VPC-endpoint and Lambda policy document
//! a stack needs, as data, from the stack alone.
//!
//! ARNs AWS assigns on creation (a secret's random suffix, a key's UUID, subnet and security
//! group ids) come from [`AssignedIds`] once known. Before that (plan-time previews, the
//! `vault_policy_document` data source) each is replaced by a pattern that still names only this
//! stack's object where AWS allows: the secret by name with `-??????`, subnets and groups by
//! account and region. Key policies always use the name patterns: a key is created (with its
//! policy) before the secret it protects exists.
//!
//! `Resource: "*"` appears only in key policies, where it means "this key", and for actions on
//! [`RESOURCE_STAR_ALLOWED`].

mod compare;
pub mod deployer;
mod iam;
mod kms;
mod resource;

use std::collections::BTreeMap;

use serde_json::Value;

pub use compare::{changed_statements, equivalent, normalize};

use crate::ids::{KmsKeyArn, SecretArn, SecurityGroupId, SubnetId};
use crate::model::component::{EndpointService, KeyPurpose, SecurityGroupRole};
use crate::model::{logical, ResolvedStack};

/// The Sid of the Lambda permission that lets Secrets Manager invoke the rotation function (and
/// the `StatementId` of `AddPermission`).
pub const INVOKE_STATEMENT_ID: &str = "SecretsManagerRotatesThisSecret";
/// The same for the application secret of `alternating_users`.
pub const APP_INVOKE_STATEMENT_ID: &str = "SecretsManagerRotatesTheAppSecret";

/// Actions granted on `Resource: "*"` in identity and endpoint policies, each because AWS's
/// Service Authorization Reference lists no resource type for it (no ARN could be named). Reviewed:
/// adding an entry needs the same justification.
pub const RESOURCE_STAR_ALLOWED: &[(&str, &str)] = &[
    (
        "secretsmanager:GetRandomPassword",
        "generates a password and touches no resource; it has no resource type to name",
    ),
    (
        "ec2:DescribeNetworkInterfaces",
        "EC2 Describe calls have no resource-level permissions; Lambda lists the function's \
         network interfaces with the execution role",
    ),
    (
        "ec2:DescribeSubnets",
        "EC2 Describe calls have no resource-level permissions; Lambda reads the subnets' zones \
         when it attaches the function to the VPC",
    ),
    // The deployer policy's reads: lookups by name or tag that find the stack's objects (and
    // whether a stack exists) before their ids are known.
    (
        "sts:GetCallerIdentity",
        "says whose credentials these are; it reads no resource (and AWS never denies it)",
    ),
    (
        "ec2:DescribeAvailabilityZones",
        "EC2 Describe calls have no resource-level permissions; the region's zones are read \
         when the configuration names none",
    ),
    (
        "ec2:DescribeRouteTables",
        "EC2 Describe calls have no resource-level permissions; the provider finds its route \
         table by tag",
    ),
    (
        "ec2:DescribeSecurityGroupRules",
        "EC2 Describe calls have no resource-level permissions; the provider reads its groups' \
         rules",
    ),
    (
        "ec2:DescribeSecurityGroups",
        "EC2 Describe calls have no resource-level permissions; the provider finds its groups \
         by tag",
    ),
    (
        "ec2:DescribeTags",
        "EC2 Describe calls have no resource-level permissions; the provider reads its objects' \
         tags",
    ),
    (
        "ec2:DescribeVpcEndpoints",
        "EC2 Describe calls have no resource-level permissions; the provider finds its \
         endpoints by tag",
    ),
    (
        "ec2:DescribeVpcs",
        "EC2 Describe calls have no resource-level permissions; the provider finds its VPC by \
         tag (and whether a stack of the suffix exists)",
    ),
    (
        "ec2:DescribeVpcEndpointServices",
        "EC2 Describe calls have no resource-level permissions; the provider checks which zones \
         offer the Secrets Manager and KMS endpoints",
    ),
    (
        "rds:DescribeOrderableDBInstanceOptions",
        "describes what RDS offers in the region (instance classes by zone); it has no resource \
         type",
    ),
    (
        "kms:CreateKey",
        "a key's ARN does not exist before it is created; the deployer policy requires the \
         management tag on the request (aws:RequestTag)",
    ),
    (
        "kms:ListAliases",
        "lists the account's aliases; it has no resource type",
    ),
    (
        "kms:ListKeys",
        "lists the account's keys to find the stack's by tag; it has no resource type",
    ),
    (
        "logs:DescribeLogGroups",
        "lists log groups by name prefix; it has no resource type",
    ),
    (
        "cloudtrail:DescribeTrails",
        "lists the region's trails; it has no resource type",
    ),
];

pub fn resource_star_allowed(action: &str) -> bool {
    RESOURCE_STAR_ALLOWED
        .iter()
        .any(|(a, _)| a.eq_ignore_ascii_case(action))
}

/// Every policy document of a stack.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyKind {
    /// The rotation function role's inline policy.
    RotationRole,
    RotationTrust,
    /// The inline policy of the role CloudTrail uses to write to the audit log group.
    CloudTrailRole,
    CloudTrailTrust,
    DatabaseKey,
    SecretsKey,
    LogsKey,
    AuditBucket,
    SecretsManagerEndpoint,
    KmsEndpoint,
    /// The rotation function's resource policy, as `AddPermission` builds it.
    LambdaInvoke,
    /// What the principal running Terraform needs for this stack ([`deployer`]); attached by the
    /// user, never by the provider.
    Deployer,
}

/// What kind of document a policy is: it decides which linter rules apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum PolicyClass {
    /// Attached to a role: no `Principal`.
    Identity,
    /// A role's trust policy: `Principal`, no `Resource`.
    Trust,
    /// A KMS key policy: `Resource: "*"` is the key itself.
    Key,
    /// A bucket, endpoint or function policy: `Principal` and `Resource`.
    Resource,
}

impl PolicyKind {
    pub const ALL: [PolicyKind; 12] = [
        PolicyKind::RotationRole,
        PolicyKind::RotationTrust,
        PolicyKind::CloudTrailRole,
        PolicyKind::CloudTrailTrust,
        PolicyKind::DatabaseKey,
        PolicyKind::SecretsKey,
        PolicyKind::LogsKey,
        PolicyKind::AuditBucket,
        PolicyKind::SecretsManagerEndpoint,
        PolicyKind::KmsEndpoint,
        PolicyKind::LambdaInvoke,
        PolicyKind::Deployer,
    ];

    pub fn key(purpose: KeyPurpose) -> PolicyKind {
        match purpose {
            KeyPurpose::Database => PolicyKind::DatabaseKey,
            KeyPurpose::Secrets => PolicyKind::SecretsKey,
            KeyPurpose::Logs => PolicyKind::LogsKey,
        }
    }

    pub fn endpoint(service: EndpointService) -> PolicyKind {
        match service {
            EndpointService::SecretsManager => PolicyKind::SecretsManagerEndpoint,
            EndpointService::Kms => PolicyKind::KmsEndpoint,
        }
    }

    /// A file-name-friendly name: `rotation-role`, `logs-key`.
    pub fn as_str(self) -> &'static str {
        match self {
            PolicyKind::RotationRole => "rotation-role",
            PolicyKind::RotationTrust => "rotation-trust",
            PolicyKind::CloudTrailRole => "cloudtrail-role",
            PolicyKind::CloudTrailTrust => "cloudtrail-trust",
            PolicyKind::DatabaseKey => "database-key",
            PolicyKind::SecretsKey => "secrets-key",
            PolicyKind::LogsKey => "logs-key",
            PolicyKind::AuditBucket => "audit-bucket",
            PolicyKind::SecretsManagerEndpoint => "secretsmanager-endpoint",
            PolicyKind::KmsEndpoint => "kms-endpoint",
            PolicyKind::LambdaInvoke => "lambda-invoke",
            PolicyKind::Deployer => "deployer",
        }
    }

    pub fn class(self) -> PolicyClass {
        match self {
            PolicyKind::RotationRole | PolicyKind::CloudTrailRole | PolicyKind::Deployer => {
                PolicyClass::Identity
            }
            PolicyKind::RotationTrust | PolicyKind::CloudTrailTrust => PolicyClass::Trust,
            PolicyKind::DatabaseKey | PolicyKind::SecretsKey | PolicyKind::LogsKey => {
                PolicyClass::Key
            }
            PolicyKind::AuditBucket
            | PolicyKind::SecretsManagerEndpoint
            | PolicyKind::KmsEndpoint
            | PolicyKind::LambdaInvoke => PolicyClass::Resource,
        }
    }
}

/// Ids and ARNs AWS assigned to a stack's objects, as far as they are known (from state, or
/// once created during apply). Empty for previews.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AssignedIds {
    pub secret_arn: Option<SecretArn>,
    /// The application secret of `alternating_users`.
    pub app_secret_arn: Option<SecretArn>,
    pub kms_keys: BTreeMap<KeyPurpose, KmsKeyArn>,
    /// By availability zone.
    pub subnets: BTreeMap<String, SubnetId>,
    pub security_groups: BTreeMap<SecurityGroupRole, SecurityGroupId>,
}

impl AssignedIds {
    /// Nothing known yet: every policy uses its name-based patterns.
    pub fn none() -> Self {
        AssignedIds::default()
    }
}

/// The ARNs a policy names, exact where known.
pub(crate) struct Arns<'a> {
    stack: &'a ResolvedStack,
    assigned: &'a AssignedIds,
}

impl Arns<'_> {
    fn secret(&self) -> String {
        self.assigned
            .secret_arn
            .as_ref()
            .map(|a| a.to_string())
            .unwrap_or_else(|| self.stack.naming().secret_arn_pattern())
    }

    /// The application secret, when the stack has one (`alternating_users`).
    fn app_secret(&self) -> Option<String> {
        self.stack.component(&logical::app_secret())?;
        Some(
            self.assigned
                .app_secret_arn
                .as_ref()
                .map(|a| a.to_string())
                .unwrap_or_else(|| self.stack.naming().app_secret_arn_pattern()),
        )
    }

    /// Every secret the function rotates: the master secret, then the application secret. A
    /// single-user stack's documents keep the one ARN as a string, as before the application
    /// secret existed, so their text does not change.
    fn secrets(&self) -> Value {
        one_or_many(
            std::iter::once(self.secret())
                .chain(self.app_secret())
                .collect(),
        )
    }

    fn kms_key(&self, purpose: KeyPurpose) -> String {
        self.assigned
            .kms_keys
            .get(&purpose)
            .map(|a| a.to_string())
            .unwrap_or_else(|| self.stack.naming().kms_key_arn_pattern())
    }

    /// The stack's subnets, or all subnets of the account and region while any id is unknown.
    fn subnets(&self) -> Vec<String> {
        let n = self.stack.naming();
        let ids: Option<Vec<&SubnetId>> = self
            .stack
            .inputs()
            .network
            .availability_zones
            .iter()
            .map(|z| self.assigned.subnets.get(z))
            .collect();
        match ids {
            Some(ids) => ids
                .into_iter()
                .map(|id| n.ec2_arn(&format!("subnet/{id}")))
                .collect(),
            None => vec![n.ec2_arn("subnet/*")],
        }
    }

    fn security_group(&self, role: SecurityGroupRole) -> String {
        let n = self.stack.naming();
        match self.assigned.security_groups.get(&role) {
            Some(id) => n.ec2_arn(&format!("security-group/{id}")),
            None => n.ec2_arn("security-group/*"),
        }
    }
}

/// One policy document of a stack.
pub fn document(stack: &ResolvedStack, kind: PolicyKind, assigned: &AssignedIds) -> Value {
    let arns = Arns { stack, assigned };
    match kind {
        PolicyKind::RotationRole => iam::rotation_role(stack, &arns),
        PolicyKind::RotationTrust => iam::rotation_trust(stack),
        PolicyKind::CloudTrailRole => iam::cloudtrail_role(stack),
        PolicyKind::CloudTrailTrust => iam::cloudtrail_trust(stack),
        PolicyKind::DatabaseKey => kms::database_key(stack),
        PolicyKind::SecretsKey => kms::secrets_key(stack),
        PolicyKind::LogsKey => kms::logs_key(stack),
        PolicyKind::AuditBucket => resource::audit_bucket(stack),
        PolicyKind::SecretsManagerEndpoint => resource::secretsmanager_endpoint(stack, &arns),
        PolicyKind::KmsEndpoint => resource::kms_endpoint(stack, &arns),
        PolicyKind::LambdaInvoke => resource::lambda_invoke(stack, &arns),
        PolicyKind::Deployer => deployer::deployer(stack),
    }
}

/// One value as a string, several as a list.
fn one_or_many(mut values: Vec<String>) -> Value {
    if values.len() == 1 {
        Value::String(values.remove(0))
    } else {
        Value::from(values)
    }
}

/// A policy document around its statements.
fn policy(statements: Vec<Value>) -> Value {
    serde_json::json!({
        "Version": "2012-10-17",
        "Statement": statements,
    })
}

#[cfg(test)]
mod tests;
