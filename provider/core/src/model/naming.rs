//! The AWS names of a stack's objects, and the ARNs that follow from names alone.
//!
//! The rule: `{resource-type}-{suffix}`, then a qualifier when a stack has several objects of the
//! type (`subnet-dev-us-east-1a`, `key-dev-secrets`, `aurora-dev-2`). Exceptions, each forced by
//! AWS:
//! - the rotation function's log group is `/aws/lambda/{function}`, where Lambda writes;
//! - the audit bucket is `audit-{suffix}-{account}-{region}`: bucket names are global across all
//!   accounts, and the account and region make it unique (at most 58 characters, under S3's 63);
//! - KMS aliases carry the `alias/` prefix AWS requires.
//!
//! The secret is `secret-{suffix}-database`, deliberately not ending in `-` and six characters:
//! Secrets Manager appends exactly that to the ARN, and a name that already ends so makes partial
//! ARNs ambiguous.

use crate::ids::{AccountId, Region};
use crate::model::component::{
    EndpointService, KeyPurpose, LogGroupPurpose, RolePurpose, SecurityGroupRole,
};
use crate::names::EnvironmentSuffix;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Naming {
    suffix: EnvironmentSuffix,
    account: AccountId,
    region: Region,
}

impl Naming {
    pub fn new(suffix: EnvironmentSuffix, account: AccountId, region: Region) -> Self {
        Naming {
            suffix,
            account,
            region,
        }
    }

    pub fn suffix(&self) -> &EnvironmentSuffix {
        &self.suffix
    }

    pub fn account(&self) -> &AccountId {
        &self.account
    }

    pub fn region(&self) -> &Region {
        &self.region
    }

    fn base(&self, ty: &str) -> String {
        self.suffix.name(ty)
    }

    fn qualified(&self, ty: &str, qualifier: impl std::fmt::Display) -> String {
        format!("{}-{qualifier}", self.suffix.name(ty))
    }

    pub fn vpc(&self) -> String {
        self.base("vpc")
    }

    pub fn subnet(&self, zone: &str) -> String {
        self.qualified("subnet", zone)
    }

    pub fn route_table(&self) -> String {
        self.base("route-table")
    }

    /// Group names may not start with `sg-`, hence the long type.
    pub fn security_group(&self, role: SecurityGroupRole) -> String {
        self.qualified("security-group", role.as_str())
    }

    pub fn vpc_endpoint(&self, service: EndpointService) -> String {
        self.qualified("endpoint", service.as_str())
    }

    pub fn kms_key(&self, purpose: KeyPurpose) -> String {
        self.qualified("key", purpose.as_str())
    }

    pub fn kms_alias(&self, purpose: KeyPurpose) -> String {
        format!("alias/{}", self.kms_key(purpose))
    }

    pub fn log_group(&self, purpose: LogGroupPurpose) -> String {
        match purpose {
            LogGroupPurpose::Rotation => format!("/aws/lambda/{}", self.lambda_function()),
            LogGroupPurpose::Audit => format!("/vault/{}", self.base("audit")),
        }
    }

    pub fn audit_bucket(&self) -> String {
        format!("{}-{}-{}", self.base("audit"), self.account, self.region)
    }

    pub fn iam_role(&self, purpose: RolePurpose) -> String {
        self.qualified("role", purpose.as_str())
    }

    pub fn iam_role_policy(&self, purpose: RolePurpose) -> String {
        self.qualified("policy", purpose.as_str())
    }

    pub fn trail(&self) -> String {
        self.base("trail")
    }

    pub fn metric_filter(&self) -> String {
        self.base("secret-access")
    }

    /// CloudWatch metrics of the stack live under their own namespace.
    pub fn metric_namespace(&self) -> String {
        format!("Vault/{}", self.suffix)
    }

    pub fn db_subnet_group(&self) -> String {
        self.base("db-subnets")
    }

    pub fn db_cluster_parameter_group(&self) -> String {
        self.base("aurora-mysql8")
    }

    pub fn db_cluster(&self) -> String {
        self.base("aurora")
    }

    pub fn db_instance(&self, index: u8) -> String {
        self.qualified("aurora", index)
    }

    pub fn secret(&self) -> String {
        self.qualified("secret", "database")
    }

    /// The application secret of `alternating_users` (SPEC §3.5).
    pub fn app_secret(&self) -> String {
        self.qualified("secret", "app")
    }

    pub fn lambda_function(&self) -> String {
        self.base("rotation")
    }

    fn arn(&self, service: &str, region: &str, account: &str, resource: &str) -> String {
        format!(
            "arn:{}:{service}:{region}:{account}:{resource}",
            self.region.partition()
        )
    }

    fn regional_arn(&self, service: &str, resource: &str) -> String {
        self.arn(
            service,
            self.region.as_str(),
            self.account.as_str(),
            resource,
        )
    }

    /// The account principal: in a key policy it hands the decision to IAM policies.
    pub fn account_root_arn(&self) -> String {
        self.arn("iam", "", self.account.as_str(), "root")
    }

    pub fn iam_role_arn(&self, purpose: RolePurpose) -> String {
        self.arn(
            "iam",
            "",
            self.account.as_str(),
            &format!("role/{}", self.iam_role(purpose)),
        )
    }

    pub fn log_group_arn(&self, purpose: LogGroupPurpose) -> String {
        self.regional_arn("logs", &format!("log-group:{}", self.log_group(purpose)))
    }

    pub fn lambda_function_arn(&self) -> String {
        self.regional_arn("lambda", &format!("function:{}", self.lambda_function()))
    }

    pub fn trail_arn(&self) -> String {
        self.regional_arn("cloudtrail", &format!("trail/{}", self.trail()))
    }

    pub fn audit_bucket_arn(&self) -> String {
        self.arn("s3", "", "", &self.audit_bucket())
    }

    /// Before the secret exists its ARN is unknown: Secrets Manager appends `-` and six random
    /// characters to the name. `?` matches exactly one character in `ArnLike`/`StringLike`, so
    /// this pattern matches this stack's secret, by name, and nothing else.
    pub fn secret_arn_pattern(&self) -> String {
        self.regional_arn(
            "secretsmanager",
            &format!("secret:{}-??????", self.secret()),
        )
    }

    /// The same for the application secret.
    pub fn app_secret_arn_pattern(&self) -> String {
        self.regional_arn(
            "secretsmanager",
            &format!("secret:{}-??????", self.app_secret()),
        )
    }

    /// Before a key exists its id is unknown; this matches the keys of this account and region.
    /// Policies that use it narrow it further by conditions (see the policy module).
    pub fn kms_key_arn_pattern(&self) -> String {
        self.regional_arn("kms", "key/*")
    }

    pub fn ec2_arn(&self, resource: &str) -> String {
        self.regional_arn("ec2", resource)
    }
}
