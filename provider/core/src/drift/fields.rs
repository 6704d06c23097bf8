//! Field-by-field comparison of wanted against observed settings, one table per kind.
//!
//! Each table lists every field of its settings type: the macro destructures the struct without
//! `..`, so a field added to a settings type does not compile until its table says how it is
//! compared (or why it is not). The rule names how a difference reads in the plan's drift list.

use std::collections::BTreeMap;
use std::fmt::Display;

use crate::graph::ComponentId;
use crate::model::component::*;
use crate::model::inputs::RotationSchedule;

type Out = Vec<String>;

/// `fn $name(want, have) -> drift` over every field of `$T`, each with its rule and name.
macro_rules! fields {
    ($(fn $fn_name:ident($T:ident) { $($field:ident: $rule:ident($name:literal)),* $(,)? })*) => {
        $(
            pub(super) fn $fn_name(want: &$T, have: &$T) -> Out {
                // Every field, so that none can be added without a rule here.
                let $T { $($field: _),* } = want;
                let mut out = Out::new();
                $( $rule(&mut out, $name, &want.$field, &have.$field); )*
                out
            }

            /// For the tests: each compared field changed alone, with its rule and name.
            #[cfg(test)]
            impl super::tests::Varied for $T {
                fn variants() -> Vec<super::tests::Variant<$T>> {
                    #[allow(unused_mut)] // a kind whose every field is ignored
                    let mut v: Vec<super::tests::Variant<$T>> = Vec::new();
                    $( variant!(v, $rule, $name, $T, $field); )*
                    v
                }
            }
        )*
    };
}

/// One entry of a kind's variants; ignored fields have none.
#[cfg(test)]
macro_rules! variant {
    ($v:ident, ignore, $name:literal, $T:ident, $field:ident) => {};
    ($v:ident, $rule:ident, $name:literal, $T:ident, $field:ident) => {
        $v.push((stringify!($rule), $name, |s: &mut $T| {
            s.$field = super::tests::Vary::vary(&s.$field)
        }));
    };
}

fields! {
    fn vpc(VpcSettings) {
        cidr_block: plain("cidr block"),
        enable_dns_support: flag("enableDnsSupport"),
        enable_dns_hostnames: flag("enableDnsHostnames"),
        // Not read back: every update empties the default group again.
        restrict_default_security_group: ignore("not read; every update applies it"),
    }
    fn subnet(SubnetSettings) {
        vpc: plain("vpc"),
        availability_zone: plain("availability zone"),
        cidr_block: plain("cidr block"),
        map_public_ip_on_launch: flag("map public ip on launch"),
    }
    fn route_table(RouteTableSettings) {
        vpc: plain("vpc"),
    }
    fn route_table_association(RouteTableAssociationSettings) {
        route_table: plain("route table"),
        subnet: plain("subnet"),
    }
    fn security_group(SecurityGroupSettings) {
        role: ignore("which of the stack's groups it is: its name says so"),
        vpc: plain("vpc"),
        description: text("description"),
        // The default egress rule shows as a foreign rule (Extra::ForeignRule) when unwanted.
        revoke_default_egress: ignore("a create-time step; what it leaves is checked as rules"),
    }
    fn security_group_rule(SecurityGroupRuleSettings) {
        group: plain("group"),
        direction: direction("direction"),
        port: plain("tcp port"),
        peer: plain("peer"),
        description: text("description"),
    }
    fn vpc_endpoint(VpcEndpointSettings) {
        service: ignore("the service name below says it"),
        service_name: plain("service"),
        vpc: plain("vpc"),
        // Order-insensitive: AWS lists an endpoint's subnets and groups in no particular order.
        subnets: set("subnets"),
        security_groups: set("security groups"),
        private_dns_enabled: flag("private DNS"),
        policy: ignore("compared by meaning, as the document the endpoint holds"),
    }
    fn kms_key(KmsKeySettings) {
        purpose: ignore("which of the stack's keys it is: its alias says so"),
        description: text("description"),
        key_spec: ignore("fixed at creation; a change replaces the key"),
        key_usage: ignore("fixed at creation; a change replaces the key"),
        enable_key_rotation: on_off("automatic rotation"),
        deletion_window_days: ignore("used only when the key is scheduled for deletion"),
        policy: ignore("compared by meaning, as the document the key holds"),
    }
    fn kms_alias(KmsAliasSettings) {
        key: plain("alias targets key"),
    }
    fn log_group(LogGroupSettings) {
        purpose: ignore("which of the stack's groups it is: its name says so"),
        retention_days: retention("retention"),
        kms_key: plain("kms key"),
    }
    fn s3_bucket(S3BucketSettings) {
        force_destroy: ignore("used only at destroy; AWS holds no such setting"),
    }
    fn s3_bucket_public_access_block(S3BucketPublicAccessBlockSettings) {
        bucket: plain("bucket"),
        block_public_acls: flag("block_public_acls"),
        ignore_public_acls: flag("ignore_public_acls"),
        block_public_policy: flag("block_public_policy"),
        restrict_public_buckets: flag("restrict_public_buckets"),
    }
    fn s3_bucket_encryption(S3BucketEncryptionSettings) {
        bucket: plain("bucket"),
        kms_key: plain("default encryption kms key"),
        bucket_key_enabled: flag("bucket key"),
    }
    fn s3_bucket_policy(S3BucketPolicySettings) {
        bucket: plain("bucket"),
        policy: ignore("compared by meaning, as the document the bucket holds"),
    }
    fn iam_role(IamRoleSettings) {
        purpose: ignore("which of the stack's roles it is: its name says so"),
        description: text("description"),
        trust_policy: ignore("compared by meaning, as the document the role holds"),
    }
    fn iam_role_policy(IamRolePolicySettings) {
        role: plain("role"),
        policy: ignore("compared by meaning, as the document the role holds"),
    }
    fn cloudtrail(CloudTrailSettings) {
        bucket: plain("delivers to bucket"),
        log_group: plain("delivers to log group"),
        cloudwatch_logs_role: plain("log delivery role"),
        kms_key: plain("kms key"),
        is_multi_region_trail: flag("multi-region"),
        include_global_service_events: flag("global service events"),
        enable_log_file_validation: flag("log file validation"),
        read_write_type: management_events("management events"),
    }
    fn metric_filter(MetricFilterSettings) {
        log_group: plain("log group"),
        pattern: text("filter pattern"),
        metric_namespace: plain("metric namespace"),
        metric_name: plain("metric name"),
        metric_value: plain("metric value"),
    }
    fn db_subnet_group(DbSubnetGroupSettings) {
        description: text("description"),
        // Order-insensitive: RDS lists a group's subnets in no particular order.
        subnets: set("subnets"),
    }
    fn db_cluster_parameter_group(DbClusterParameterGroupSettings) {
        family: ignore("fixed at creation; a change replaces the group"),
        description: ignore("fixed at creation; a change replaces the group"),
        parameters: parameters("parameter"),
    }
    fn db_cluster(DbClusterSettings) {
        engine: ignore("fixed at creation; a change replaces the cluster"),
        // A floor: AWS's automatic minor upgrades are not drift.
        engine_version: floor("engine version"),
        database_name: ignore("fixed at creation; a change replaces the cluster"),
        master_username: ignore("fixed at creation; a change replaces the cluster"),
        master_password_secret: ignore("used only at creation"),
        port: plain("port"),
        backup_retention_days: days("backup retention"),
        subnet_group: ignore("fixed at creation; a change replaces the cluster"),
        parameter_group: plain("parameter group"),
        // Order-insensitive: RDS lists a cluster's groups in no particular order.
        security_groups: set("security groups"),
        kms_key: ignore("fixed at creation; a change replaces the cluster"),
        storage_encrypted: ignore("fixed at creation; a change replaces the cluster"),
        deletion_protection: flag("deletion protection"),
        skip_final_snapshot: ignore("used only at destroy"),
        copy_tags_to_snapshot: ignore("set at creation only"),
    }
    fn db_instance(DbInstanceSettings) {
        index: ignore("which of the stack's instances it is: its name says so"),
        cluster: ignore("fixed at creation; a change replaces the instance"),
        engine: ignore("fixed at creation; a change replaces the instance"),
        instance_class: plain("instance class"),
        availability_zone: ignore("fixed at creation; a change replaces the instance"),
        publicly_accessible: flag("publicly accessible"),
    }
    fn secret(SecretSettings) {
        description: text("description"),
        kms_key: plain("kms key"),
        // The value's fields are the rotation's business; the cluster checks the host.
        engine: ignore("a field of the value, which rotation owns"),
        username: ignore("a field of the value, which rotation owns"),
        dbname: ignore("a field of the value, which rotation owns"),
        port: ignore("a field of the value, which rotation owns"),
        db_cluster_identifier: ignore("a field of the value, which rotation owns"),
        initial_password: ignore("used only at creation"),
        master_secret: ignore("a field of the value, which rotation owns"),
        force_delete_without_recovery: ignore("used only at destroy"),
    }
    fn lambda_function(LambdaFunctionSettings) {
        role: plain("role"),
        runtime: plain("runtime"),
        handler: plain("handler"),
        timeout_seconds: seconds("timeout"),
        memory_mb: megabytes("memory"),
        // Order-insensitive: Lambda lists the VPC's subnets and groups in no particular order.
        subnets: set("subnets"),
        security_groups: set("security groups"),
        environment: variable_names("environment"),
        log_group: plain("log group"),
    }
    fn lambda_permission(LambdaPermissionSettings) {
        function: ignore("the permission is read from this function's policy"),
        statement_id: ignore("the permission is found by it"),
        principal: plain("principal"),
        // IAM action names are case-insensitive.
        action: any_case("action"),
        source_secret: plain("source ARN"),
        // A condition can list none or several accounts: compared as Extra::SourceAccounts.
        source_account: ignore("compared as the condition's list of accounts"),
        policy: ignore("the statement is compared by meaning when no field differs"),
    }
    fn secret_rotation(SecretRotationSettings) {
        secret: ignore("the rotation is read from this secret"),
        function: plain("rotation function"),
        schedule: schedule("rotation schedule"),
        rotate_immediately: ignore("acts only when the rotation is configured"),
        first_rotation_at_once: ignore("acts only when the rotation is first configured"),
    }
}

/// A value shown as it is: ids, names, numbers.
fn plain<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    if want != have {
        out.push(format!("{name} {}, want {want}", shown(have)));
    }
}

/// Free text, quoted: descriptions and patterns may be empty or hold spaces.
fn text(out: &mut Out, name: &str, want: &str, have: &str) {
    if want != have {
        out.push(format!("{name} {have:?}, want {want:?}"));
    }
}

fn any_case(out: &mut Out, name: &str, want: &str, have: &str) {
    if !want.eq_ignore_ascii_case(have) {
        out.push(format!("{name} {}, want {want}", shown(have)));
    }
}

fn flag(out: &mut Out, name: &str, want: &bool, have: &bool) {
    if want != have {
        out.push(format!("{name} is {have}, want {want}"));
    }
}

fn on_off(out: &mut Out, name: &str, want: &bool, have: &bool) {
    let word = |b: bool| if b { "on" } else { "off" };
    if want != have {
        out.push(format!("{name} is {}, want {}", word(*have), word(*want)));
    }
}

fn amount<V: PartialEq + Display>(out: &mut Out, name: &str, unit: &str, want: &V, have: &V) {
    if want != have {
        out.push(format!("{name} {have} {unit}, want {want} {unit}"));
    }
}

fn days<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    amount(out, name, "days", want, have);
}

/// Log retention: 0 is what a group without retention reads as.
fn retention(out: &mut Out, name: &str, want: &u16, have: &u16) {
    if *have == 0 && *want != 0 {
        out.push(format!("{name} never expires, want {want} days"));
    } else {
        days(out, name, want, have);
    }
}

fn seconds<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    amount(out, name, "s", want, have);
}

fn megabytes<V: PartialEq + Display>(out: &mut Out, name: &str, want: &V, have: &V) {
    amount(out, name, "MB", want, have);
}

fn direction(out: &mut Out, name: &str, want: &Direction, have: &Direction) {
    let word = |d: &Direction| match d {
        Direction::Ingress => "ingress",
        Direction::Egress => "egress",
    };
    if want != have {
        out.push(format!("{name} is {}, want {}", word(have), word(want)));
    }
}

/// Lists whose order AWS does not keep, compared as sets.
fn set(out: &mut Out, name: &str, want: &[ComponentId], have: &[ComponentId]) {
    let (w, h) = (sorted(want), sorted(have));
    if w != h {
        out.push(format!("{name} {}, want {}", list(&h), list(&w)));
    }
}

fn sorted(v: &[ComponentId]) -> Vec<&str> {
    let mut v: Vec<&str> = v.iter().map(ComponentId::as_str).collect();
    v.sort_unstable();
    v.dedup();
    v
}

/// The engine version is a floor (see [`super::engine_version`]).
fn floor(out: &mut Out, _name: &str, want: &str, have: &str) {
    out.extend(super::engine_version(want, have));
}

/// Only the parameters the stack sets: RDS also lists those changed from the family's default
/// by others, which are not the stack's business.
fn parameters(
    out: &mut Out,
    name: &str,
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) {
    for (key, w) in want {
        match have.get(key) {
            Some(h) if h == w => {}
            Some(h) => out.push(format!("{name} {key} = {h}, want {w}")),
            None => out.push(format!("{name} {key} not set, want {w}")),
        }
    }
}

/// Names only: values are settings, but nothing says every future one is harmless to show.
fn variable_names(
    out: &mut Out,
    name: &str,
    want: &BTreeMap<String, String>,
    have: &BTreeMap<String, String>,
) {
    if want != have {
        let names =
            |m: &BTreeMap<String, String>| list(&m.keys().map(String::as_str).collect::<Vec<_>>());
        out.push(format!(
            "{name} differs (variables {}; want {})",
            names(have),
            names(want)
        ));
    }
}

/// A trail records the stack's events when one of its selectors takes management events of
/// the wanted read/write type; the reader reports that type, or what it found instead.
fn management_events(out: &mut Out, _name: &str, want: &str, have: &str) {
    if want != have {
        out.push(format!(
            "does not record {want} management events ({})",
            shown(have)
        ));
    }
}

/// AWS may show a schedule of days as the equivalent rate expression; a window is compared only
/// when the configuration sets one.
fn schedule(out: &mut Out, name: &str, want: &RotationSchedule, have: &RotationSchedule) {
    use RotationSchedule::{AfterDays, Expression};
    let same = match (want, have) {
        (AfterDays(w), AfterDays(h)) => w == h,
        (AfterDays(w), Expression { expression, .. }) => *expression == format!("rate({w} days)"),
        (
            Expression {
                expression: we,
                duration: wd,
            },
            Expression {
                expression: he,
                duration: hd,
            },
        ) => we == he && (wd.is_none() || wd == hd),
        (Expression { .. }, AfterDays(_)) => false,
    };
    if !same {
        out.push(format!(
            "{name} {}, want {}",
            describe(have),
            describe(want)
        ));
    }
}

fn describe(s: &RotationSchedule) -> String {
    match s {
        RotationSchedule::AfterDays(n) => format!("every {n} days"),
        RotationSchedule::Expression {
            expression,
            duration: Some(d),
        } => format!("{expression} (window {d})"),
        RotationSchedule::Expression { expression, .. } => expression.clone(),
    }
}

/// Not a setting: the field shows what it is for instead, in the table above.
fn ignore<V>(_out: &mut Out, _why: &str, _want: &V, _have: &V) {}

/// A value as the drift list shows it: an empty one as `(none)`.
fn shown(v: &(impl Display + ?Sized)) -> String {
    let s = v.to_string();
    if s.is_empty() {
        "(none)".to_string()
    } else {
        s
    }
}

fn list(items: &[&str]) -> String {
    if items.is_empty() {
        "(none)".to_string()
    } else {
        items.join(", ")
    }
}
