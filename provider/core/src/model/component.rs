//! One AWS object of a stack: its logical name, kind, AWS name, tags, dependencies and the
//! settings the AWS layer creates it with.

use std::collections::BTreeMap;

use crate::cidr::Ipv4Cidr;
use crate::graph::ComponentId;
use crate::ids::AccountId;
use crate::input::Tags;
use crate::model::inputs::RotationSchedule;
use crate::policy::PolicyKind;

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ComponentKind {
    Vpc,
    Subnet,
    RouteTable,
    RouteTableAssociation,
    SecurityGroup,
    SecurityGroupRule,
    VpcEndpoint,
    KmsKey,
    KmsAlias,
    LogGroup,
    S3Bucket,
    S3BucketPublicAccessBlock,
    S3BucketEncryption,
    S3BucketPolicy,
    IamRole,
    IamRolePolicy,
    CloudTrail,
    MetricFilter,
    DbSubnetGroup,
    DbClusterParameterGroup,
    DbCluster,
    DbInstance,
    Secret,
    LambdaFunction,
    LambdaPermission,
    SecretRotation,
}

impl ComponentKind {
    /// Every kind, in the order the stack's objects are listed.
    pub const ALL: [ComponentKind; 26] = {
        use ComponentKind::*;
        [
            Vpc,
            Subnet,
            RouteTable,
            RouteTableAssociation,
            SecurityGroup,
            SecurityGroupRule,
            VpcEndpoint,
            KmsKey,
            KmsAlias,
            LogGroup,
            S3Bucket,
            S3BucketPublicAccessBlock,
            S3BucketEncryption,
            S3BucketPolicy,
            IamRole,
            IamRolePolicy,
            CloudTrail,
            MetricFilter,
            DbSubnetGroup,
            DbClusterParameterGroup,
            DbCluster,
            DbInstance,
            Secret,
            LambdaFunction,
            LambdaPermission,
            SecretRotation,
        ]
    };

    /// The kind of a logical name (`db_instance/3`), also for a component the model no longer
    /// has (an instance beyond a lowered count), so such objects can still be deleted.
    pub fn of(id: &ComponentId) -> Option<ComponentKind> {
        let prefix = id.as_str().split('/').next()?;
        ComponentKind::ALL
            .into_iter()
            .find(|k| k.as_str() == prefix)
    }

    /// The first part of a logical name: `subnet` in `subnet/us-east-1a`.
    pub fn as_str(self) -> &'static str {
        use ComponentKind::*;
        match self {
            Vpc => "vpc",
            Subnet => "subnet",
            RouteTable => "route_table",
            RouteTableAssociation => "route_table_association",
            SecurityGroup => "security_group",
            SecurityGroupRule => "security_group_rule",
            VpcEndpoint => "vpc_endpoint",
            KmsKey => "kms_key",
            KmsAlias => "kms_alias",
            LogGroup => "log_group",
            S3Bucket => "s3_bucket",
            S3BucketPublicAccessBlock => "s3_bucket_public_access_block",
            S3BucketEncryption => "s3_bucket_encryption",
            S3BucketPolicy => "s3_bucket_policy",
            IamRole => "iam_role",
            IamRolePolicy => "iam_role_policy",
            CloudTrail => "cloudtrail",
            MetricFilter => "metric_filter",
            DbSubnetGroup => "db_subnet_group",
            DbClusterParameterGroup => "db_cluster_parameter_group",
            DbCluster => "db_cluster",
            DbInstance => "db_instance",
            Secret => "secret",
            LambdaFunction => "lambda_function",
            LambdaPermission => "lambda_permission",
            SecretRotation => "secret_rotation",
        }
    }

    /// Whether the provider tags objects of this kind. Objects AWS cannot tag (aliases, inline
    /// policies, permissions, metric filters, a secret's rotation configuration, a bucket's
    /// sub-configurations, route-table associations) are found through their parent instead.
    /// Security-group rules can carry tags in AWS, but they too are found through their group, and
    /// the provider leaves them untagged (see docs/guides/core-design.md).
    pub fn taggable(self) -> bool {
        use ComponentKind::*;
        matches!(
            self,
            Vpc | Subnet
                | RouteTable
                | SecurityGroup
                | VpcEndpoint
                | KmsKey
                | LogGroup
                | S3Bucket
                | IamRole
                | CloudTrail
                | DbSubnetGroup
                | DbClusterParameterGroup
                | DbCluster
                | DbInstance
                | Secret
                | LambdaFunction
        )
    }

    /// Kinds without a name field of their own show their name through a `Name` tag, as the EC2
    /// console does.
    pub fn named_by_tag(self) -> bool {
        use ComponentKind::*;
        matches!(
            self,
            Vpc | Subnet | RouteTable | SecurityGroup | VpcEndpoint | KmsKey
        )
    }

    /// The noun plan warnings use, singular and plural.
    pub fn noun(self) -> (&'static str, &'static str) {
        use ComponentKind::*;
        match self {
            Vpc => ("vpc", "vpcs"),
            Subnet => ("subnet", "subnets"),
            RouteTable => ("route table", "route tables"),
            RouteTableAssociation => ("route table association", "route table associations"),
            SecurityGroup => ("security group", "security groups"),
            SecurityGroupRule => ("security group rule", "security group rules"),
            VpcEndpoint => ("vpc endpoint", "vpc endpoints"),
            KmsKey => ("kms key", "kms keys"),
            KmsAlias => ("kms alias", "kms aliases"),
            LogGroup => ("log group", "log groups"),
            S3Bucket => ("audit bucket", "audit buckets"),
            S3BucketPublicAccessBlock => {
                ("bucket public access block", "bucket public access blocks")
            }
            S3BucketEncryption => ("bucket encryption", "bucket encryptions"),
            S3BucketPolicy => ("bucket policy", "bucket policies"),
            IamRole => ("iam role", "iam roles"),
            IamRolePolicy => ("iam role policy", "iam role policies"),
            CloudTrail => ("cloudtrail trail", "cloudtrail trails"),
            MetricFilter => ("metric filter", "metric filters"),
            DbSubnetGroup => ("db subnet group", "db subnet groups"),
            DbClusterParameterGroup => {
                ("db cluster parameter group", "db cluster parameter groups")
            }
            DbCluster => ("aurora cluster", "aurora clusters"),
            DbInstance => ("aurora instance", "aurora instances"),
            Secret => ("secret", "secrets"),
            LambdaFunction => ("rotation function", "rotation functions"),
            LambdaPermission => ("lambda permission", "lambda permissions"),
            SecretRotation => ("rotation schedule", "rotation schedules"),
        }
    }

    /// The network: replacing it replaces "everything inside it".
    pub fn is_network(self) -> bool {
        use ComponentKind::*;
        matches!(
            self,
            Vpc | Subnet
                | RouteTable
                | RouteTableAssociation
                | SecurityGroup
                | SecurityGroupRule
                | VpcEndpoint
        )
    }
}

/// A value an object's read reports for the resource's outputs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Output {
    Arn,
    Name,
    Endpoint,
    ReaderEndpoint,
    AvailabilityZone,
    /// The function a permission or rotation names.
    LambdaArn,
}

/// How a component depends on another; decides what a replacement of the other does to it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum DependencyKind {
    /// Lives inside the other, or names it in a setting AWS cannot change: replaced with it
    /// (a subnet in its VPC, an instance in its cluster, a cluster in its DB subnet group).
    Inside,
    /// Names the other in a setting AWS updates in place: updated when the other is replaced
    /// (a function's subnets, a policy's ARNs, an alias's key).
    Refers,
    /// Needs the other to exist first and nothing more (permissions before use, the log group
    /// before the function that logs to it).
    After,
}

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Dependency {
    pub on: ComponentId,
    pub kind: DependencyKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Component {
    pub id: ComponentId,
    /// The object's AWS name (or `Name` tag, alias, identifier); `None` for objects without one.
    pub name: Option<String>,
    /// `None` for kinds AWS cannot tag.
    pub tags: Option<Tags>,
    pub depends_on: Vec<Dependency>,
    pub settings: Settings,
}

impl Component {
    pub fn kind(&self) -> ComponentKind {
        self.settings.kind()
    }

    pub fn dependency_ids(&self) -> impl Iterator<Item = &ComponentId> {
        self.depends_on.iter().map(|d| &d.on)
    }
}

/// What a component is created with, kind by kind. References to other components are logical
/// names; the AWS layer substitutes the ids it recorded for them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Settings {
    Vpc(VpcSettings),
    Subnet(SubnetSettings),
    RouteTable(RouteTableSettings),
    RouteTableAssociation(RouteTableAssociationSettings),
    SecurityGroup(SecurityGroupSettings),
    SecurityGroupRule(SecurityGroupRuleSettings),
    VpcEndpoint(VpcEndpointSettings),
    KmsKey(KmsKeySettings),
    KmsAlias(KmsAliasSettings),
    LogGroup(LogGroupSettings),
    S3Bucket(S3BucketSettings),
    S3BucketPublicAccessBlock(S3BucketPublicAccessBlockSettings),
    S3BucketEncryption(S3BucketEncryptionSettings),
    S3BucketPolicy(S3BucketPolicySettings),
    IamRole(IamRoleSettings),
    IamRolePolicy(IamRolePolicySettings),
    CloudTrail(CloudTrailSettings),
    MetricFilter(MetricFilterSettings),
    DbSubnetGroup(DbSubnetGroupSettings),
    DbClusterParameterGroup(DbClusterParameterGroupSettings),
    DbCluster(DbClusterSettings),
    DbInstance(DbInstanceSettings),
    Secret(SecretSettings),
    LambdaFunction(LambdaFunctionSettings),
    LambdaPermission(LambdaPermissionSettings),
    SecretRotation(SecretRotationSettings),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcSettings {
    pub cidr_block: Ipv4Cidr,
    pub enable_dns_support: bool,
    /// Needed for the interface endpoints' private DNS names.
    pub enable_dns_hostnames: bool,
    /// AWS gives every VPC a default security group that allows all egress to `0.0.0.0/0`; the
    /// stack removes its rules so no group in the VPC opens anything (nothing uses it).
    pub restrict_default_security_group: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SubnetSettings {
    pub vpc: ComponentId,
    pub availability_zone: String,
    pub cidr_block: Ipv4Cidr,
    pub map_public_ip_on_launch: bool,
}

/// A route table with only the implicit local route: no internet gateway, no NAT.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTableSettings {
    pub vpc: ComponentId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RouteTableAssociationSettings {
    pub route_table: ComponentId,
    pub subnet: ComponentId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SecurityGroupRole {
    Lambda,
    Database,
    Endpoints,
}

impl SecurityGroupRole {
    pub const ALL: [SecurityGroupRole; 3] = [
        SecurityGroupRole::Lambda,
        SecurityGroupRole::Database,
        SecurityGroupRole::Endpoints,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SecurityGroupRole::Lambda => "lambda",
            SecurityGroupRole::Database => "database",
            SecurityGroupRole::Endpoints => "endpoints",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroupSettings {
    pub role: SecurityGroupRole,
    pub vpc: ComponentId,
    pub description: String,
    /// New groups come with an allow-all egress rule to `0.0.0.0/0`; it is revoked right away.
    pub revoke_default_egress: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Ingress,
    Egress,
}

/// One TCP port between two of the stack's security groups. The peer is always a security group:
/// the type has no room for a CIDR, so no rule can open `0.0.0.0/0`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecurityGroupRuleSettings {
    pub group: ComponentId,
    pub direction: Direction,
    pub port: u16,
    pub peer: ComponentId,
    pub description: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EndpointService {
    SecretsManager,
    Kms,
}

impl EndpointService {
    /// Every interface endpoint a stack has; each zone of the stack must offer them all.
    pub const ALL: [EndpointService; 2] = [EndpointService::SecretsManager, EndpointService::Kms];

    /// The endpoint service's name in `region`: `com.amazonaws.<region>.<service>`.
    pub fn service_name(self, region: &str) -> String {
        format!("com.amazonaws.{region}.{}", self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            EndpointService::SecretsManager => "secretsmanager",
            EndpointService::Kms => "kms",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct VpcEndpointSettings {
    pub service: EndpointService,
    /// `com.amazonaws.<region>.<service>`
    pub service_name: String,
    pub vpc: ComponentId,
    pub subnets: Vec<ComponentId>,
    pub security_groups: Vec<ComponentId>,
    pub private_dns_enabled: bool,
    pub policy: PolicyKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum KeyPurpose {
    Database,
    Secrets,
    Logs,
}

impl KeyPurpose {
    pub const ALL: [KeyPurpose; 3] = [KeyPurpose::Database, KeyPurpose::Secrets, KeyPurpose::Logs];

    pub fn as_str(self) -> &'static str {
        match self {
            KeyPurpose::Database => "database",
            KeyPurpose::Secrets => "secrets",
            KeyPurpose::Logs => "logs",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsKeySettings {
    pub purpose: KeyPurpose,
    pub description: String,
    pub key_spec: &'static str,
    pub key_usage: &'static str,
    pub enable_key_rotation: bool,
    /// Used only when the key is scheduled for deletion at destroy; changing it changes no object.
    pub deletion_window_days: u8,
    pub policy: PolicyKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct KmsAliasSettings {
    pub key: ComponentId,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LogGroupPurpose {
    Rotation,
    Audit,
}

impl LogGroupPurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            LogGroupPurpose::Rotation => "rotation",
            LogGroupPurpose::Audit => "audit",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LogGroupSettings {
    pub purpose: LogGroupPurpose,
    pub retention_days: u16,
    pub kms_key: ComponentId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3BucketSettings {
    /// Destroy empties the bucket first: it only ever holds this stack's trail logs.
    pub force_destroy: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3BucketPublicAccessBlockSettings {
    pub bucket: ComponentId,
    pub block_public_acls: bool,
    pub ignore_public_acls: bool,
    pub block_public_policy: bool,
    pub restrict_public_buckets: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3BucketEncryptionSettings {
    pub bucket: ComponentId,
    /// SSE-KMS with this key.
    pub kms_key: ComponentId,
    pub bucket_key_enabled: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct S3BucketPolicySettings {
    pub bucket: ComponentId,
    pub policy: PolicyKind,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RolePurpose {
    Rotation,
    CloudTrail,
}

impl RolePurpose {
    pub fn as_str(self) -> &'static str {
        match self {
            RolePurpose::Rotation => "rotation",
            RolePurpose::CloudTrail => "cloudtrail",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamRoleSettings {
    pub purpose: RolePurpose,
    pub description: String,
    pub trust_policy: PolicyKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IamRolePolicySettings {
    pub role: ComponentId,
    pub policy: PolicyKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CloudTrailSettings {
    pub bucket: ComponentId,
    pub log_group: ComponentId,
    /// The role CloudTrail assumes to write to the log group.
    pub cloudwatch_logs_role: ComponentId,
    pub kms_key: ComponentId,
    /// Secret access is regional; a single-region trail sees every call to this stack's secret.
    pub is_multi_region_trail: bool,
    pub include_global_service_events: bool,
    pub enable_log_file_validation: bool,
    /// Management events, read and write: `GetSecretValue` is a read management event.
    pub read_write_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MetricFilterSettings {
    pub log_group: ComponentId,
    pub pattern: String,
    pub metric_namespace: String,
    pub metric_name: String,
    pub metric_value: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbSubnetGroupSettings {
    pub description: String,
    pub subnets: Vec<ComponentId>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbClusterParameterGroupSettings {
    pub family: &'static str,
    pub description: String,
    pub parameters: BTreeMap<String, String>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbClusterSettings {
    pub engine: &'static str,
    pub engine_version: String,
    pub database_name: String,
    pub master_username: String,
    /// The initial master password is read from this secret, where it was stored first.
    pub master_password_secret: ComponentId,
    pub port: u16,
    pub backup_retention_days: u8,
    pub subnet_group: ComponentId,
    pub parameter_group: ComponentId,
    pub security_groups: Vec<ComponentId>,
    pub kms_key: ComponentId,
    pub storage_encrypted: bool,
    pub deletion_protection: bool,
    pub skip_final_snapshot: bool,
    pub copy_tags_to_snapshot: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DbInstanceSettings {
    /// 1-based position; instance `i` of `n`.
    pub index: u8,
    pub cluster: ComponentId,
    pub engine: &'static str,
    pub instance_class: String,
    /// Instances go round-robin over the zones, so two instances are in two zones.
    pub availability_zone: String,
    pub publicly_accessible: bool,
}

/// How the first password is generated (`GetRandomPassword`); afterwards the rotation function
/// generates them with its own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub length: u8,
    pub exclude_characters: String,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretSettings {
    pub description: String,
    pub kms_key: ComponentId,
    /// The value's fields other than `password` and `host` (known once the cluster exists, when
    /// the AWS layer writes it in, keeping the password).
    pub engine: &'static str,
    pub username: String,
    pub dbname: String,
    pub port: u16,
    pub db_cluster_identifier: String,
    /// Only used when the secret is created. `None` for the application secret: it is created
    /// without a password, which its first rotation generates along with the user.
    pub initial_password: Option<PasswordPolicy>,
    /// For the application secret: the master secret its value names (`masterarn`), whose user
    /// the rotation function logs in as to create and change the application users.
    pub master_secret: Option<ComponentId>,
    /// Destroy deletes the secret without a recovery window, so the name can be reused.
    pub force_delete_without_recovery: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaFunctionSettings {
    pub role: ComponentId,
    pub runtime: String,
    pub handler: String,
    pub timeout_seconds: u16,
    pub memory_mb: u16,
    pub subnets: Vec<ComponentId>,
    pub security_groups: Vec<ComponentId>,
    pub environment: BTreeMap<String, String>,
    pub log_group: ComponentId,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LambdaPermissionSettings {
    pub function: ComponentId,
    pub statement_id: String,
    pub action: String,
    pub principal: String,
    /// The secret whose ARN is the permission's `SourceArn`.
    pub source_secret: ComponentId,
    pub source_account: AccountId,
    pub policy: PolicyKind,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SecretRotationSettings {
    pub secret: ComponentId,
    pub function: ComponentId,
    pub schedule: RotationSchedule,
    /// Passed with the rotation configuration; changing it alone changes nothing in AWS.
    pub rotate_immediately: bool,
    /// Rotate at once when the rotation is first configured, whatever `rotate_immediately` says:
    /// the application secret, whose first rotation creates its user. A later change of the
    /// rotation does not rotate it again (Secrets Manager reattempts a failed first rotation).
    pub first_rotation_at_once: bool,
}

/// Whether a change between two settings of the same kind is an update or needs a replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SettingsChange {
    Update,
    Replace,
}

impl Settings {
    pub fn kind(&self) -> ComponentKind {
        use ComponentKind as K;
        use Settings as S;
        match self {
            S::Vpc(_) => K::Vpc,
            S::Subnet(_) => K::Subnet,
            S::RouteTable(_) => K::RouteTable,
            S::RouteTableAssociation(_) => K::RouteTableAssociation,
            S::SecurityGroup(_) => K::SecurityGroup,
            S::SecurityGroupRule(_) => K::SecurityGroupRule,
            S::VpcEndpoint(_) => K::VpcEndpoint,
            S::KmsKey(_) => K::KmsKey,
            S::KmsAlias(_) => K::KmsAlias,
            S::LogGroup(_) => K::LogGroup,
            S::S3Bucket(_) => K::S3Bucket,
            S::S3BucketPublicAccessBlock(_) => K::S3BucketPublicAccessBlock,
            S::S3BucketEncryption(_) => K::S3BucketEncryption,
            S::S3BucketPolicy(_) => K::S3BucketPolicy,
            S::IamRole(_) => K::IamRole,
            S::IamRolePolicy(_) => K::IamRolePolicy,
            S::CloudTrail(_) => K::CloudTrail,
            S::MetricFilter(_) => K::MetricFilter,
            S::DbSubnetGroup(_) => K::DbSubnetGroup,
            S::DbClusterParameterGroup(_) => K::DbClusterParameterGroup,
            S::DbCluster(_) => K::DbCluster,
            S::DbInstance(_) => K::DbInstance,
            S::Secret(_) => K::Secret,
            S::LambdaFunction(_) => K::LambdaFunction,
            S::LambdaPermission(_) => K::LambdaPermission,
            S::SecretRotation(_) => K::SecretRotation,
        }
    }

    /// Every other component these settings name.
    pub fn references(&self) -> Vec<&ComponentId> {
        use Settings as S;
        match self {
            S::Vpc(_) | S::S3Bucket(_) | S::KmsKey(_) | S::IamRole(_) => vec![],
            S::DbClusterParameterGroup(_) => vec![],
            S::Subnet(s) => vec![&s.vpc],
            S::RouteTable(s) => vec![&s.vpc],
            S::RouteTableAssociation(s) => vec![&s.route_table, &s.subnet],
            S::SecurityGroup(s) => vec![&s.vpc],
            S::SecurityGroupRule(s) => vec![&s.group, &s.peer],
            S::VpcEndpoint(s) => std::iter::once(&s.vpc)
                .chain(&s.subnets)
                .chain(&s.security_groups)
                .collect(),
            S::KmsAlias(s) => vec![&s.key],
            S::LogGroup(s) => vec![&s.kms_key],
            S::S3BucketPublicAccessBlock(s) => vec![&s.bucket],
            S::S3BucketEncryption(s) => vec![&s.bucket, &s.kms_key],
            S::S3BucketPolicy(s) => vec![&s.bucket],
            S::IamRolePolicy(s) => vec![&s.role],
            S::CloudTrail(s) => vec![&s.bucket, &s.log_group, &s.cloudwatch_logs_role, &s.kms_key],
            S::MetricFilter(s) => vec![&s.log_group],
            S::DbSubnetGroup(s) => s.subnets.iter().collect(),
            S::DbCluster(s) => [
                &s.master_password_secret,
                &s.subnet_group,
                &s.parameter_group,
                &s.kms_key,
            ]
            .into_iter()
            .chain(&s.security_groups)
            .collect(),
            S::DbInstance(s) => vec![&s.cluster],
            S::Secret(s) => std::iter::once(&s.kms_key)
                .chain(&s.master_secret)
                .collect(),
            S::LambdaFunction(s) => std::iter::once(&s.role)
                .chain(&s.subnets)
                .chain(&s.security_groups)
                .chain(std::iter::once(&s.log_group))
                .collect(),
            S::LambdaPermission(s) => vec![&s.function, &s.source_secret],
            S::SecretRotation(s) => vec![&s.secret, &s.function],
        }
    }

    /// The policy document these settings carry, if any.
    pub fn policies(&self) -> Vec<PolicyKind> {
        use Settings as S;
        match self {
            S::VpcEndpoint(s) => vec![s.policy],
            S::KmsKey(s) => vec![s.policy],
            S::S3BucketPolicy(s) => vec![s.policy],
            S::IamRole(s) => vec![s.trust_policy],
            S::IamRolePolicy(s) => vec![s.policy],
            S::LambdaPermission(s) => vec![s.policy],
            _ => vec![],
        }
    }

    /// How AWS applies a change from `self` to `new` (of the same kind): in place, or only by
    /// creating a new object. `None` when nothing AWS holds differs. Policy documents are compared
    /// by the caller, since they are rendered from the whole stack.
    pub fn change_to(&self, new: &Settings) -> Option<SettingsChange> {
        use Settings as S;
        use SettingsChange::{Replace, Update};
        let replace = match (self, new) {
            (S::Vpc(a), S::Vpc(b)) => a.cidr_block != b.cidr_block,
            (S::Subnet(a), S::Subnet(b)) => {
                a.vpc != b.vpc
                    || a.availability_zone != b.availability_zone
                    || a.cidr_block != b.cidr_block
            }
            (S::RouteTable(a), S::RouteTable(b)) => a != b,
            (S::RouteTableAssociation(a), S::RouteTableAssociation(b)) => a != b,
            (S::SecurityGroup(a), S::SecurityGroup(b)) => {
                a.vpc != b.vpc || a.description != b.description
            }
            // Rules cannot be modified, only revoked and authorized again.
            (S::SecurityGroupRule(a), S::SecurityGroupRule(b)) => a != b,
            (S::VpcEndpoint(a), S::VpcEndpoint(b)) => {
                a.vpc != b.vpc || a.service_name != b.service_name
            }
            (S::KmsKey(a), S::KmsKey(b)) => a.key_spec != b.key_spec || a.key_usage != b.key_usage,
            (S::KmsAlias(_), S::KmsAlias(_)) => false,
            (S::LogGroup(_), S::LogGroup(_)) => false,
            (S::S3Bucket(_), S::S3Bucket(_)) => false,
            (S::S3BucketPublicAccessBlock(a), S::S3BucketPublicAccessBlock(b)) => {
                a.bucket != b.bucket
            }
            (S::S3BucketEncryption(a), S::S3BucketEncryption(b)) => a.bucket != b.bucket,
            (S::S3BucketPolicy(a), S::S3BucketPolicy(b)) => a.bucket != b.bucket,
            (S::IamRole(_), S::IamRole(_)) => false,
            (S::IamRolePolicy(a), S::IamRolePolicy(b)) => a.role != b.role,
            (S::CloudTrail(_), S::CloudTrail(_)) => false,
            (S::MetricFilter(a), S::MetricFilter(b)) => a.log_group != b.log_group,
            (S::DbSubnetGroup(_), S::DbSubnetGroup(_)) => false,
            // RDS cannot change a parameter group's family or description.
            (S::DbClusterParameterGroup(a), S::DbClusterParameterGroup(b)) => {
                a.family != b.family || a.description != b.description
            }
            // Aurora cannot rename the initial database or the master user, move a cluster to
            // another subnet group (VPC), or re-encrypt storage under another key.
            (S::DbCluster(a), S::DbCluster(b)) => {
                a.engine != b.engine
                    || a.database_name != b.database_name
                    || a.master_username != b.master_username
                    || a.subnet_group != b.subnet_group
                    || a.kms_key != b.kms_key
                    || a.storage_encrypted != b.storage_encrypted
            }
            // An instance cannot move to another zone or cluster.
            (S::DbInstance(a), S::DbInstance(b)) => {
                a.cluster != b.cluster
                    || a.engine != b.engine
                    || a.availability_zone != b.availability_zone
            }
            // The application secret's value names its user and master, which only its first
            // rotation acts on: another user or master needs a new secret (and first rotation).
            (S::Secret(a), S::Secret(b)) => {
                a.master_secret != b.master_secret
                    || (a.master_secret.is_some() && a.username != b.username)
            }
            (S::LambdaFunction(_), S::LambdaFunction(_)) => false,
            // Permissions cannot be modified, only removed and added again.
            (S::LambdaPermission(a), S::LambdaPermission(b)) => a != b,
            (S::SecretRotation(a), S::SecretRotation(b)) => a.secret != b.secret,
            _ => return Some(Replace),
        };
        if replace {
            return Some(Replace);
        }
        (self.comparable() != new.comparable()).then_some(Update)
    }

    /// The settings with what changes no AWS object masked out: a key's deletion window (used at
    /// destroy), the first password's policy (used at creation), `rotate_immediately` and
    /// `first_rotation_at_once` (used when the rotation is configured).
    fn comparable(&self) -> Settings {
        let mut s = self.clone();
        match &mut s {
            Settings::KmsKey(k) => k.deletion_window_days = 0,
            Settings::Secret(k) => k.initial_password = None,
            Settings::SecretRotation(r) => {
                r.rotate_immediately = false;
                r.first_rotation_at_once = false;
            }
            _ => {}
        }
        s
    }
}
