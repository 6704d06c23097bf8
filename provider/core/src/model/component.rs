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

/// Declares every kind's settings once, field by field: its type; what a change to it does to the
/// object (`replace`: AWS cannot change it in place, so a new object is made; `update`; `inert`:
/// used only at creation or destroy, so changing it changes no object); and how drift compares it
/// with what AWS holds: a rule of [`crate::drift::rules`] with the words the drift list uses, or
/// `ignore` and why not. `replaced_also` adds a replacement no single field implies.
///
/// Generates the settings structs, the enum [`Settings`] over them, [`Settings::kind`],
/// [`Settings::change_to`] and the field-by-field drift. A field added here needs no other line
/// in the core but the value [`build`](crate::model::build) gives it.
macro_rules! settings {
    ($(
        $(#[$doc:meta])*
        $Kind:ident($T:ident) $( given($Given:ident) )? $( replaced_also($also:expr) )? {
            $(
                $(#[$fdoc:meta])*
                $field:ident : $fty:ty => $change:ident, $rule:ident($name:literal)
                    $( from($block:ident . $input:ident) )?
            ),* $(,)?
        }
    )*) => {
        $(
            $(#[$doc])*
            #[derive(Clone, Debug, PartialEq, Eq)]
            pub struct $T {
                $( $(#[$fdoc])* pub $field: $fty, )*
            }

            given_settings!($T [$($Given)?] [] [$( $field : $fty, $($block . $input)? ; )*]
                $( $field : $fty, $($block . $input)? ; )*);

            impl $T {
                /// Writes each input this object holds (`from(..)`) into `config`, unless an
                /// earlier object gave it already or the input cannot say AWS's value
                /// ([`crate::model::inputs::read_back`]).
                fn read_back(&self, config: &mut crate::input::StackConfig) {
                    let _ = &config; // a kind that holds no input
                    $($(
                        crate::model::inputs::read_back(
                            config,
                            (stringify!($block), stringify!($input)),
                            &self.$field,
                            |c| &mut c.$block.get_or_insert_with(Default::default).$input,
                        );
                    )?)*
                }

                /// The most a change to `new` does: the strongest effect of the fields that differ.
                fn change_to(&self, new: &$T) -> Option<SettingsChange> {
                    #[allow(unused_mut)] // a kind whose every field is inert
                    let mut change = None;
                    $(
                        if self.$field != new.$field {
                            change = change.max(field_change!($change));
                        }
                    )*
                    $(
                        if ($also)(self, new) {
                            change = Some(SettingsChange::Replace);
                        }
                    )?
                    change
                }

                /// How AWS's settings (`have`) differ from these, a line per field.
                fn drift(&self, have: &$T) -> Vec<String> {
                    let mut out = Vec::new();
                    $( crate::drift::rules::$rule(&mut out, $name, &self.$field, &have.$field); )*
                    out
                }
            }

            /// For the tests: each compared field changed alone, with its rule and name.
            #[cfg(test)]
            impl crate::drift::tests::Varied for $T {
                fn variants() -> Vec<crate::drift::tests::Variant<$T>> {
                    #[allow(unused_mut)] // a kind whose every field is ignored
                    let mut v: Vec<crate::drift::tests::Variant<$T>> = Vec::new();
                    $( variant!(v, $rule, $name, $T, $field); )*
                    v
                }
            }
        )*

        /// What a component is created with, kind by kind. References to other components are
        /// logical names; the AWS layer substitutes the ids it recorded for them.
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub enum Settings {
            $( $Kind($T), )*
        }

        impl Settings {
            pub fn kind(&self) -> ComponentKind {
                match self {
                    $( Settings::$Kind(_) => ComponentKind::$Kind, )*
                }
            }

            /// How AWS applies a change from `self` to `new`: in place, or only by creating a new
            /// object (always, for another kind). `None` when nothing AWS holds differs. Policy
            /// documents are compared by the caller, since they are rendered from the whole stack.
            pub fn change_to(&self, new: &Settings) -> Option<SettingsChange> {
                match (self, new) {
                    $( (Settings::$Kind(a), Settings::$Kind(b)) => a.change_to(b), )*
                    _ => Some(SettingsChange::Replace),
                }
            }

            /// Writes the inputs these settings, as a read found them, hold into `config`
            /// (`terraform import`): each field declared `from(block.field)`, unless `config`
            /// has that input already.
            pub fn read_back(&self, config: &mut crate::input::StackConfig) {
                match self {
                    $( Settings::$Kind(s) => s.read_back(config), )*
                }
            }

            /// How AWS's settings (`have`) differ from these, field by field; `None` when they
            /// are of another kind.
            pub(crate) fn field_drift(&self, have: &Settings) -> Option<Vec<String>> {
                match (self, have) {
                    $( (Settings::$Kind(w), Settings::$Kind(h)) => Some(w.drift(h)), )*
                    _ => None,
                }
            }
        }
    };
}

/// For a kind that names a given struct (`given(DbClusterGiven)`): that struct, holding the fields
/// the builder gives, and `from_inputs`, which takes each `from(..)` field from the resolved
/// inputs and the rest from the given struct. So a field taken from an input is named once, in
/// the table, and the builder still names every other field (the compiler asks for each).
/// Arguments: the settings type, the given struct if any, the given fields found so far, every
/// field, then the fields still to sort.
macro_rules! given_settings {
    // Every field sorted: the struct, and the constructor over all fields.
    ($T:ident [$G:ident] [$($given:tt)*]
        [$( $field:ident : $fty:ty, $($block:ident . $input:ident)? ; )*]) => {
        /// What the builder gives the settings: every field not taken from an input.
        pub struct $G {
            $($given)*
        }

        impl $T {
            pub(crate) fn from_inputs(
                inputs: &crate::model::inputs::StackInputs,
                given: $G,
            ) -> $T {
                $T { $( $field: given_field!(inputs, given, $field $(, $block . $input)?), )* }
            }
        }
    };
    ($T:ident [] [$($given:tt)*] [$($all:tt)*]) => {};
    ($T:ident [$($G:ident)?] [$($given:tt)*] [$($all:tt)*]
        $field:ident : $fty:ty, ; $($rest:tt)*) => {
        given_settings!($T [$($G)?] [$($given)* pub $field: $fty,] [$($all)*] $($rest)*);
    };
    ($T:ident [$G:ident] [$($given:tt)*] [$($all:tt)*]
        $field:ident : $fty:ty, $block:ident . $input:ident ; $($rest:tt)*) => {
        given_settings!($T [$G] [$($given)*] [$($all)*] $($rest)*);
    };
    ($T:ident [] [$($given:tt)*] [$($all:tt)*]
        $field:ident : $fty:ty, $block:ident . $input:ident ; $($rest:tt)*) => {
        compile_error!(concat!(
            stringify!($T), "::", stringify!($field),
            " is taken from an input: name the kind's given struct, given(..)"
        ));
    };
}

/// A field of `from_inputs`: the input it is declared to take, or what the builder gave.
macro_rules! given_field {
    ($inputs:ident, $given:ident, $field:ident) => {
        $given.$field
    };
    ($inputs:ident, $given:ident, $field:ident, $block:ident . $input:ident) => {
        $inputs.$block.$input.clone()
    };
}

macro_rules! field_change {
    (replace) => {
        Some(SettingsChange::Replace)
    };
    (update) => {
        Some(SettingsChange::Update)
    };
    (inert) => {
        None
    };
}

/// One entry of a kind's variants; ignored fields have none.
#[cfg(test)]
macro_rules! variant {
    ($v:ident, ignore, $name:literal, $T:ident, $field:ident) => {};
    ($v:ident, $rule:ident, $name:literal, $T:ident, $field:ident) => {
        $v.push((stringify!($rule), $name, |s: &mut $T| {
            s.$field = crate::drift::tests::Vary::vary(&s.$field)
        }));
    };
}

// rustfmt leaves macro input alone; the table is kept within 100 columns by hand.
settings! {
    Vpc(VpcSettings) {
        cidr_block: Ipv4Cidr => replace, plain("cidr block"),
        enable_dns_support: bool => update, flag("enableDnsSupport"),
        /// Needed for the interface endpoints' private DNS names.
        enable_dns_hostnames: bool => update, flag("enableDnsHostnames"),
        /// AWS gives every VPC a default security group that allows all egress to `0.0.0.0/0`; the
        /// stack removes its rules so no group in the VPC opens anything (nothing uses it).
        // Not read back: every update empties the default group again.
        restrict_default_security_group: bool => update,
            ignore("not read; every update applies it"),
    }
    Subnet(SubnetSettings) {
        vpc: ComponentId => replace, plain("vpc"),
        availability_zone: String => replace, plain("availability zone"),
        cidr_block: Ipv4Cidr => replace, plain("cidr block"),
        map_public_ip_on_launch: bool => update, flag("map public ip on launch"),
    }
    /// A route table with only the implicit local route: no internet gateway, no NAT.
    RouteTable(RouteTableSettings) {
        vpc: ComponentId => replace, plain("vpc"),
    }
    RouteTableAssociation(RouteTableAssociationSettings) {
        route_table: ComponentId => replace, plain("route table"),
        subnet: ComponentId => replace, plain("subnet"),
    }
    SecurityGroup(SecurityGroupSettings) {
        role: SecurityGroupRole => update,
            ignore("which of the stack's groups it is: its name says so"),
        vpc: ComponentId => replace, plain("vpc"),
        description: String => replace, text("description"),
        /// New groups come with an allow-all egress rule to `0.0.0.0/0`; it is revoked right away.
        // The default egress rule shows as a foreign rule (Extra::ForeignRule) when unwanted.
        revoke_default_egress: bool => update,
            ignore("a create-time step; what it leaves is checked as rules"),
    }
    /// One TCP port between two of the stack's security groups. The peer is always a security
    /// group: the type has no room for a CIDR, so no rule can open `0.0.0.0/0`.
    SecurityGroupRule(SecurityGroupRuleSettings) {
        group: ComponentId => replace, plain("group"),
        direction: Direction => replace, direction("direction"),
        port: u16 => replace, plain("tcp port"),
        peer: ComponentId => replace, plain("peer"),
        description: String => replace, text("description"),
    }
    VpcEndpoint(VpcEndpointSettings) {
        service: EndpointService => update, ignore("the service name below says it"),
        /// `com.amazonaws.<region>.<service>`
        service_name: String => replace, plain("service"),
        vpc: ComponentId => replace, plain("vpc"),
        // Order-insensitive: AWS lists an endpoint's subnets and groups in no particular order.
        subnets: Vec<ComponentId> => update, set("subnets"),
        security_groups: Vec<ComponentId> => update, set("security groups"),
        private_dns_enabled: bool => update, flag("private DNS"),
        policy: PolicyKind => update,
            ignore("compared by meaning, as the document the endpoint holds"),
    }
    KmsKey(KmsKeySettings) {
        purpose: KeyPurpose => update, ignore("which of the stack's keys it is: its alias says so"),
        description: String => update, text("description"),
        key_spec: &'static str => replace, ignore("fixed at creation; a change replaces the key"),
        key_usage: &'static str => replace, ignore("fixed at creation; a change replaces the key"),
        enable_key_rotation: bool => update, on_off("automatic rotation"),
        /// Used only when the key is scheduled for deletion at destroy.
        deletion_window_days: u8 => inert,
            ignore("used only when the key is scheduled for deletion"),
        policy: PolicyKind => update, ignore("compared by meaning, as the document the key holds"),
    }
    KmsAlias(KmsAliasSettings) {
        key: ComponentId => update, plain("alias targets key"),
    }
    LogGroup(LogGroupSettings) given(LogGroupGiven) {
        purpose: LogGroupPurpose => update,
            ignore("which of the stack's groups it is: its name says so"),
        retention_days: u16 => update, retention("retention") from(logs.retention_in_days),
        kms_key: ComponentId => update, plain("kms key"),
    }
    S3Bucket(S3BucketSettings) {
        /// Destroy empties the bucket first: it only ever holds this stack's trail logs.
        force_destroy: bool => update, ignore("used only at destroy; AWS holds no such setting"),
    }
    S3BucketPublicAccessBlock(S3BucketPublicAccessBlockSettings) {
        bucket: ComponentId => replace, plain("bucket"),
        block_public_acls: bool => update, flag("block_public_acls"),
        ignore_public_acls: bool => update, flag("ignore_public_acls"),
        block_public_policy: bool => update, flag("block_public_policy"),
        restrict_public_buckets: bool => update, flag("restrict_public_buckets"),
    }
    S3BucketEncryption(S3BucketEncryptionSettings) {
        bucket: ComponentId => replace, plain("bucket"),
        /// SSE-KMS with this key.
        kms_key: ComponentId => update, plain("default encryption kms key"),
        bucket_key_enabled: bool => update, flag("bucket key"),
    }
    S3BucketPolicy(S3BucketPolicySettings) {
        bucket: ComponentId => replace, plain("bucket"),
        policy: PolicyKind => update,
            ignore("compared by meaning, as the document the bucket holds"),
    }
    IamRole(IamRoleSettings) {
        purpose: RolePurpose => update,
            ignore("which of the stack's roles it is: its name says so"),
        description: String => update, text("description"),
        trust_policy: PolicyKind => update,
            ignore("compared by meaning, as the document the role holds"),
    }
    IamRolePolicy(IamRolePolicySettings) {
        role: ComponentId => replace, plain("role"),
        policy: PolicyKind => update, ignore("compared by meaning, as the document the role holds"),
    }
    CloudTrail(CloudTrailSettings) {
        bucket: ComponentId => update, plain("delivers to bucket"),
        log_group: ComponentId => update, plain("delivers to log group"),
        /// The role CloudTrail assumes to write to the log group.
        cloudwatch_logs_role: ComponentId => update, plain("log delivery role"),
        kms_key: ComponentId => update, plain("kms key"),
        /// Secret access is regional; a single-region trail sees every call to this stack's secret.
        is_multi_region_trail: bool => update, flag("multi-region"),
        include_global_service_events: bool => update, flag("global service events"),
        enable_log_file_validation: bool => update, flag("log file validation"),
        /// Management events, read and write: `GetSecretValue` is a read management event.
        read_write_type: String => update, management_events("management events"),
    }
    MetricFilter(MetricFilterSettings) {
        log_group: ComponentId => replace, plain("log group"),
        pattern: String => update, text("filter pattern"),
        metric_namespace: String => update, plain("metric namespace"),
        metric_name: String => update, plain("metric name"),
        metric_value: String => update, plain("metric value"),
    }
    DbSubnetGroup(DbSubnetGroupSettings) {
        description: String => update, text("description"),
        // Order-insensitive: RDS lists a group's subnets in no particular order.
        subnets: Vec<ComponentId> => update, set("subnets"),
    }
    DbClusterParameterGroup(DbClusterParameterGroupSettings) {
        family: &'static str => replace, ignore("fixed at creation; a change replaces the group"),
        description: String => replace, ignore("fixed at creation; a change replaces the group"),
        parameters: BTreeMap<String, String> => update, parameters("parameter"),
    }
    DbCluster(DbClusterSettings) given(DbClusterGiven) {
        engine: &'static str => replace, ignore("fixed at creation; a change replaces the cluster"),
        // A floor: AWS's automatic minor upgrades are not drift.
        engine_version: String => update, floor("engine version") from(database.engine_version),
        database_name: String => replace,
            ignore("fixed at creation; a change replaces the cluster") from(database.database_name),
        master_username: String => replace,
            ignore("fixed at creation; a change replaces the cluster"),
        /// The initial master password is read from this secret, where it was stored first.
        master_password_secret: ComponentId => update, ignore("used only at creation"),
        port: u16 => update, plain("port") from(database.port),
        backup_retention_days: u8 => update, days("backup retention")
            from(database.backup_retention_days),
        subnet_group: ComponentId => replace,
            ignore("fixed at creation; a change replaces the cluster"),
        parameter_group: ComponentId => update, plain("parameter group"),
        // Order-insensitive: RDS lists a cluster's groups in no particular order.
        security_groups: Vec<ComponentId> => update, set("security groups"),
        kms_key: ComponentId => replace, ignore("fixed at creation; a change replaces the cluster"),
        storage_encrypted: bool => replace,
            ignore("fixed at creation; a change replaces the cluster"),
        deletion_protection: bool => update, flag("deletion protection"),
        skip_final_snapshot: bool => update, ignore("used only at destroy"),
        copy_tags_to_snapshot: bool => update, ignore("set at creation only"),
    }
    DbInstance(DbInstanceSettings) given(DbInstanceGiven) {
        /// 1-based position; instance `i` of `n`.
        index: u8 => update, ignore("which of the stack's instances it is: its name says so"),
        cluster: ComponentId => replace,
            ignore("fixed at creation; a change replaces the instance"),
        engine: &'static str => replace,
            ignore("fixed at creation; a change replaces the instance"),
        instance_class: String => update, plain("instance class") from(database.instance_class),
        /// Instances go round-robin over the zones, so two instances are in two zones.
        availability_zone: String => replace,
            ignore("fixed at creation; a change replaces the instance"),
        publicly_accessible: bool => update, flag("publicly accessible"),
    }
    // The application secret's value names its user and master, which only its first rotation
    // acts on: another user or master needs a new secret (and first rotation).
    Secret(SecretSettings) replaced_also(|a: &SecretSettings, b: &SecretSettings| {
        a.master_secret.is_some() && a.username != b.username
    }) {
        description: String => update, text("description"),
        kms_key: ComponentId => update, plain("kms key"),
        /// The value's fields other than `password` and `host` (known once the cluster exists, when
        /// the AWS layer writes it in, keeping the password).
        // The value's fields are the rotation's business; the cluster checks the host.
        engine: &'static str => update, ignore("a field of the value, which rotation owns"),
        username: String => update, ignore("a field of the value, which rotation owns"),
        dbname: String => update, ignore("a field of the value, which rotation owns"),
        port: u16 => update, ignore("a field of the value, which rotation owns"),
        db_cluster_identifier: String => update,
            ignore("a field of the value, which rotation owns"),
        /// Only used when the secret is created. `None` for the application secret: it is created
        /// without a password, which its first rotation generates along with the user.
        initial_password: Option<PasswordPolicy> => inert, ignore("used only at creation"),
        /// For the application secret: the master secret its value names (`masterarn`), whose user
        /// the rotation function logs in as to create and change the application users.
        master_secret: Option<ComponentId> => replace,
            ignore("a field of the value, which rotation owns"),
        /// Destroy deletes the secret without a recovery window, so the name can be reused.
        force_delete_without_recovery: bool => update, ignore("used only at destroy"),
    }
    LambdaFunction(LambdaFunctionSettings) given(LambdaFunctionGiven) {
        role: ComponentId => update, plain("role"),
        runtime: String => update, plain("runtime") from(rotation.runtime),
        handler: String => update, plain("handler"),
        timeout_seconds: u16 => update, seconds("timeout") from(rotation.timeout_seconds),
        memory_mb: u16 => update, megabytes("memory") from(rotation.memory_mb),
        // Order-insensitive: Lambda lists the VPC's subnets and groups in no particular order.
        subnets: Vec<ComponentId> => update, set("subnets"),
        security_groups: Vec<ComponentId> => update, set("security groups"),
        environment: BTreeMap<String, String> => update, variable_names("environment"),
        log_group: ComponentId => update, plain("log group"),
    }
    LambdaPermission(LambdaPermissionSettings) {
        function: ComponentId => replace,
            ignore("the permission is read from this function's policy"),
        statement_id: String => replace, ignore("the permission is found by it"),
        principal: String => replace, plain("principal"),
        // IAM action names are case-insensitive.
        action: String => replace, any_case("action"),
        /// The secret whose ARN is the permission's `SourceArn`.
        source_secret: ComponentId => replace, plain("source ARN"),
        // A condition can list none or several accounts: compared as Extra::SourceAccounts.
        source_account: AccountId => replace,
            ignore("compared as the condition's list of accounts"),
        policy: PolicyKind => replace,
            ignore("the statement is compared by meaning when no field differs"),
    }
    SecretRotation(SecretRotationSettings) {
        secret: ComponentId => replace, ignore("the rotation is read from this secret"),
        function: ComponentId => update, plain("rotation function"),
        schedule: RotationSchedule => update, schedule("rotation schedule"),
        /// Passed with the rotation configuration; changing it alone changes nothing in AWS.
        rotate_immediately: bool => inert, ignore("acts only when the rotation is configured"),
        /// Rotate at once when the rotation is first configured, whatever `rotate_immediately`
        /// says: the application secret, whose first rotation creates its user. A later change of
        /// the rotation does not rotate it again (Secrets Manager reattempts a failed first
        /// rotation).
        first_rotation_at_once: bool => inert,
            ignore("acts only when the rotation is first configured"),
    }
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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Direction {
    Ingress,
    Egress,
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

/// How the first password is generated (`GetRandomPassword`); afterwards the rotation function
/// generates them with its own settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordPolicy {
    pub length: u8,
    pub exclude_characters: String,
}

/// Whether a change between two settings of the same kind is an update or needs a replacement.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SettingsChange {
    Update,
    Replace,
}

impl Settings {
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
}
