use std::collections::BTreeMap;

use super::*;
use crate::cidr::Ipv4Cidr;
use crate::graph::ComponentId;
use crate::model::component::*;
use crate::model::inputs::RotationSchedule;

fn tags_of(pairs: &[(&str, &str)]) -> Tags {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

#[test]
fn a_tag_added_to_the_configuration_is_set() {
    let c = TagChange::between(&tags_of(&[("A", "1"), ("B", "2")]), &tags_of(&[("A", "1")]));
    assert_eq!(c.set, tags_of(&[("B", "2")]));
    assert!(c.remove.is_empty());
}

#[test]
fn a_tag_removed_from_the_configuration_is_removed_from_the_object() {
    let c = TagChange::between(&tags_of(&[("A", "1")]), &tags_of(&[("A", "1"), ("B", "2")]));
    assert!(c.set.is_empty());
    assert_eq!(c.remove, ["B"]);
    assert_eq!(
        tags(
            Some(&tags_of(&[("A", "1")])),
            &tags_of(&[("A", "1"), ("B", "2")])
        ),
        ["tag B not wanted"]
    );
}

#[test]
fn a_changed_value_is_set_again() {
    let c = TagChange::between(&tags_of(&[("A", "2")]), &tags_of(&[("A", "1")]));
    assert_eq!(c.set, tags_of(&[("A", "2")]));
    assert_eq!(
        c.describe(&tags_of(&[("A", "1")])),
        ["tag A = \"1\", want \"2\""]
    );
}

#[test]
fn aws_reserved_tags_are_never_removed_nor_drift() {
    let have = tags_of(&[("A", "1"), ("aws:cloudformation:stack-name", "x")]);
    assert!(TagChange::between(&tags_of(&[("A", "1")]), &have).is_empty());
}

#[test]
fn the_completion_mark_is_not_drift_and_never_removed() {
    let have = tags_of(&[("A", "1"), ("vault:created", "2026-11-30T10:00:00Z")]);
    assert!(TagChange::between(&tags_of(&[("A", "1")]), &have).is_empty());
}

#[test]
fn the_owner_mark_is_not_drift_and_never_removed() {
    let have = tags_of(&[("A", "1"), ("vault:owner", "ci-7:/work/infra/prod")]);
    assert!(TagChange::between(&tags_of(&[("A", "1")]), &have).is_empty());
}

#[test]
fn kinds_without_tags_have_no_tag_drift() {
    assert!(tags(None, &tags_of(&[("A", "1")])).is_empty());
}

#[test]
fn every_taggable_kind_drifts_on_a_tag_added_by_hand_and_on_one_removed_by_hand() {
    let stack = crate::fixtures::stack();
    let mut kinds = std::collections::BTreeSet::new();
    for c in stack.components() {
        let Some(want) = &c.tags else {
            assert!(!c.kind().taggable(), "{} is taggable but has no tags", c.id);
            continue;
        };
        kinds.insert(c.kind());
        assert!(tags(Some(want), want).is_empty(), "{}", c.id);
        let mut extra = want.clone();
        extra.insert("AddedByHand".into(), "x".into());
        assert_eq!(
            tags(Some(want), &extra),
            ["tag AddedByHand not wanted"],
            "{}",
            c.id
        );
        let mut fewer = want.clone();
        fewer.remove("Compliance");
        assert_eq!(
            tags(Some(want), &fewer),
            ["tag Compliance missing"],
            "{}",
            c.id
        );
    }
    let taggable: Vec<_> = crate::model::ComponentKind::ALL
        .into_iter()
        .filter(|k| k.taggable())
        .collect();
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), taggable);
}

#[test]
fn a_newer_engine_minor_version_installed_by_aws_is_not_drift() {
    assert_eq!(
        engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.09.0"),
        None
    );
    assert_eq!(
        engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.08.10"),
        None
    );
    assert_eq!(
        engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.08.2"),
        None
    );
}

#[test]
fn an_engine_older_than_configured_is_drift() {
    assert_eq!(
        engine_version("8.0.mysql_aurora.3.08.2", "8.0.mysql_aurora.3.07.1").as_deref(),
        Some("engine version 8.0.mysql_aurora.3.07.1, want at least 8.0.mysql_aurora.3.08.2")
    );
}

#[test]
fn versions_of_another_engine_line_compare_by_equality() {
    assert!(engine_version("8.0.mysql_aurora.3.08.2", "5.7.mysql_aurora.2.11.2").is_some());
    assert!(engine_version("custom", "custom").is_none());
}

// Per-kind comparison of settings. Each kind's `settings!` entry names its fields' rules; these
// tests change each compared field alone and check that exactly one line names it.

/// Another value of the same type, for changing one field.
pub(crate) trait Vary {
    fn vary(&self) -> Self;
}

impl Vary for bool {
    fn vary(&self) -> Self {
        !self
    }
}

impl Vary for String {
    fn vary(&self) -> Self {
        format!("{self}-changed")
    }
}

impl Vary for u8 {
    fn vary(&self) -> Self {
        self.wrapping_add(1)
    }
}

impl Vary for u16 {
    fn vary(&self) -> Self {
        self.wrapping_add(1)
    }
}

impl Vary for ComponentId {
    /// An id that is not the recorded one, as the AWS layer shows it.
    fn vary(&self) -> Self {
        ComponentId::new("id-0123456789abcdef0")
    }
}

impl Vary for Vec<ComponentId> {
    fn vary(&self) -> Self {
        let mut v = self.clone();
        v.push(ComponentId::new("sg-0123456789abcdef0"));
        v
    }
}

impl Vary for BTreeMap<String, String> {
    fn vary(&self) -> Self {
        self.iter()
            .map(|(k, v)| (k.clone(), v.vary()))
            .chain([("ADDED".to_string(), "1".to_string())])
            .collect()
    }
}

impl Vary for Ipv4Cidr {
    fn vary(&self) -> Self {
        let other = if self.to_string() == "10.99.0.0/16" {
            "10.98.0.0/16"
        } else {
            "10.99.0.0/16"
        };
        Ipv4Cidr::parse_vpc(other).unwrap()
    }
}

impl Vary for Direction {
    fn vary(&self) -> Self {
        match self {
            Direction::Ingress => Direction::Egress,
            Direction::Egress => Direction::Ingress,
        }
    }
}

impl Vary for RotationSchedule {
    fn vary(&self) -> Self {
        match self {
            RotationSchedule::AfterDays(n) => RotationSchedule::AfterDays(n + 1),
            RotationSchedule::Expression {
                expression,
                duration,
            } => RotationSchedule::Expression {
                expression: expression.vary(),
                duration: duration.clone(),
            },
        }
    }
}

/// One compared field: its rule, its name in the drift line, and a change of it alone.
pub(crate) type Variant<T> = (&'static str, &'static str, fn(&mut T));

/// A settings type's compared fields.
pub(crate) trait Varied: Sized {
    fn variants() -> Vec<Variant<Self>>;
}

fn stack() -> crate::model::ResolvedStack {
    crate::fixtures::stack()
}

/// The fixture stack's first component of `kind`.
fn component(kind: ComponentKind) -> Component {
    stack()
        .components()
        .iter()
        .find(|c| c.kind() == kind)
        .unwrap_or_else(|| panic!("the fixture stack has no {kind:?}"))
        .clone()
}

fn drift_of(want: &Component, have: &Observation) -> Vec<String> {
    let stack = stack();
    super::component(want, have, &|k| {
        stack.policy(k, &crate::policy::AssignedIds::none())
    })
}

fn each_field_changed_alone_is_one_line_naming_it<T: Varied + Clone>(
    want: &T,
    wrap: fn(T) -> Settings,
) {
    let variants = T::variants();
    for (rule, name, change) in variants {
        let mut have = want.clone();
        change(&mut have);
        let drift = settings(&wrap(want.clone()), &wrap(have));
        assert_eq!(drift.len(), 1, "{name} ({rule}): {drift:?}");
        assert!(drift[0].contains(name), "{name} ({rule}): {drift:?}");
        assert!(!drift[0].contains("Some("), "{drift:?}");
    }
}

fn tags_drift_in_both_directions_and_aws_tags_are_left_alone(kind: ComponentKind) {
    let want = component(kind);
    let mut have = Observation::of(&want);
    let Some(wanted) = want.tags.clone() else {
        // Kinds the provider does not tag: whatever AWS reports is not drift.
        have.tags = Some(tags_of(&[("AddedByHand", "x")]));
        assert!(drift_of(&want, &have).is_empty());
        return;
    };
    let mut extra = wanted.clone();
    extra.insert("AddedByHand".into(), "x".into());
    have.tags = Some(extra);
    assert_eq!(drift_of(&want, &have), ["tag AddedByHand not wanted"]);
    let mut fewer = wanted.clone();
    fewer.remove("Compliance");
    have.tags = Some(fewer);
    assert_eq!(drift_of(&want, &have), ["tag Compliance missing"]);
    let mut reserved = wanted.clone();
    reserved.insert("aws:cloudformation:stack-name".into(), "x".into());
    have.tags = Some(reserved);
    assert!(drift_of(&want, &have).is_empty());
}

/// Three tests per kind: settings as wanted have no drift; each field changed alone is one line
/// naming it; tags drift both ways and `aws:` tags are left alone.
macro_rules! kind_tests {
    ($($module:ident: $Kind:ident),* $(,)?) => {
        $(
            mod $module {
                use super::*;

                fn settings() -> $crate::model::component::Settings {
                    component(ComponentKind::$Kind).settings
                }

                #[test]
                fn settings_as_wanted_have_no_drift() {
                    let want = component(ComponentKind::$Kind);
                    assert!(drift_of(&want, &Observation::of(&want)).is_empty());
                }

                #[test]
                fn each_field_changed_alone_is_one_drift_line_naming_it() {
                    let Settings::$Kind(want) = settings() else { unreachable!() };
                    each_field_changed_alone_is_one_line_naming_it(&want, Settings::$Kind);
                }

                #[test]
                fn tags_drift_both_ways_and_aws_tags_are_left_alone() {
                    tags_drift_in_both_directions_and_aws_tags_are_left_alone(
                        ComponentKind::$Kind,
                    );
                }
            }
        )*

        #[test]
        fn every_kind_has_drift_tests() {
            let tested = [$(ComponentKind::$Kind),*];
            assert_eq!(tested, ComponentKind::ALL);
        }
    };
}

kind_tests! {
    vpc: Vpc,
    subnet: Subnet,
    route_table: RouteTable,
    route_table_association: RouteTableAssociation,
    security_group: SecurityGroup,
    security_group_rule: SecurityGroupRule,
    vpc_endpoint: VpcEndpoint,
    kms_key: KmsKey,
    kms_alias: KmsAlias,
    log_group: LogGroup,
    s3_bucket: S3Bucket,
    s3_bucket_public_access_block: S3BucketPublicAccessBlock,
    s3_bucket_encryption: S3BucketEncryption,
    s3_bucket_policy: S3BucketPolicy,
    iam_role: IamRole,
    iam_role_policy: IamRolePolicy,
    cloudtrail: CloudTrail,
    metric_filter: MetricFilter,
    db_subnet_group: DbSubnetGroup,
    db_cluster_parameter_group: DbClusterParameterGroup,
    db_cluster: DbCluster,
    db_instance: DbInstance,
    secret: Secret,
    lambda_function: LambdaFunction,
    lambda_permission: LambdaPermission,
    secret_rotation: SecretRotation,
}

#[test]
fn a_reference_to_an_id_that_is_not_the_recorded_one_reads_as_that_id() {
    let Settings::Subnet(want) = component(ComponentKind::Subnet).settings else {
        unreachable!()
    };
    let have = SubnetSettings {
        vpc: ComponentId::new("vpc-0foreign"),
        ..want.clone()
    };
    assert_eq!(
        settings(&Settings::Subnet(want), &Settings::Subnet(have)),
        ["vpc vpc-0foreign, want vpc"]
    );
}

#[test]
fn a_changed_cidr_block_reads_without_debug_noise() {
    let Settings::Subnet(want) = component(ComponentKind::Subnet).settings else {
        unreachable!()
    };
    let have = SubnetSettings {
        cidr_block: Ipv4Cidr::parse_vpc("10.0.16.0/20").unwrap(),
        ..want.clone()
    };
    assert_eq!(
        settings(&Settings::Subnet(want.clone()), &Settings::Subnet(have)),
        [format!("cidr block 10.0.16.0/20, want {}", want.cidr_block)]
    );
}

#[test]
fn subnets_and_security_groups_compare_in_any_order() {
    let Settings::VpcEndpoint(want) = component(ComponentKind::VpcEndpoint).settings else {
        unreachable!()
    };
    let mut have = want.clone();
    have.subnets.reverse();
    have.security_groups.reverse();
    assert!(settings(&Settings::VpcEndpoint(want), &Settings::VpcEndpoint(have)).is_empty());
}

#[test]
fn an_engine_upgraded_by_aws_is_not_cluster_drift_but_an_older_one_is() {
    let Settings::DbCluster(want) = component(ComponentKind::DbCluster).settings else {
        unreachable!()
    };
    let with = |v: &str| {
        settings(
            &Settings::DbCluster(want.clone()),
            &Settings::DbCluster(DbClusterSettings {
                engine_version: v.into(),
                ..want.clone()
            }),
        )
    };
    assert!(with("8.0.mysql_aurora.9.99.0").is_empty());
    assert_eq!(
        with("8.0.mysql_aurora.1.0.0"),
        [format!(
            "engine version 8.0.mysql_aurora.1.0.0, want at least {}",
            want.engine_version
        )]
    );
}

#[test]
fn a_schedule_in_days_may_read_back_as_its_rate_expression() {
    let mut out = Vec::new();
    let days = RotationSchedule::AfterDays(30);
    let rate = |e: &str| RotationSchedule::Expression {
        expression: e.into(),
        duration: Some("3h".into()),
    };
    fields_schedule(&mut out, &days, &rate("rate(30 days)"));
    assert!(out.is_empty());
    fields_schedule(&mut out, &days, &rate("rate(7 days)"));
    assert_eq!(
        out,
        ["rotation schedule rate(7 days) (window 3h), want every 30 days"]
    );
}

fn fields_schedule(out: &mut Vec<String>, want: &RotationSchedule, have: &RotationSchedule) {
    let w = SecretRotationSettings {
        secret: "secret".into(),
        function: "lambda_function".into(),
        schedule: want.clone(),
        rotate_immediately: false,
        first_rotation_at_once: false,
    };
    let h = SecretRotationSettings {
        schedule: have.clone(),
        ..w.clone()
    };
    out.extend(settings(
        &Settings::SecretRotation(w),
        &Settings::SecretRotation(h),
    ));
}

#[test]
fn a_window_is_compared_only_when_the_configuration_sets_one() {
    let mut out = Vec::new();
    let e = |d: Option<&str>| RotationSchedule::Expression {
        expression: "rate(4 hours)".into(),
        duration: d.map(String::from),
    };
    fields_schedule(&mut out, &e(None), &e(Some("2h")));
    assert!(out.is_empty());
    fields_schedule(&mut out, &e(Some("3h")), &e(Some("2h")));
    assert_eq!(
        out,
        ["rotation schedule rate(4 hours) (window 2h), want rate(4 hours) (window 3h)"]
    );
}

#[test]
fn only_the_parameters_the_stack_sets_are_compared() {
    let want = component(ComponentKind::DbClusterParameterGroup);
    let Settings::DbClusterParameterGroup(s) = &want.settings else {
        unreachable!()
    };
    let (name, value) = s.parameters.iter().next().expect("a parameter");
    let mut have = Observation::of(&want);
    let Settings::DbClusterParameterGroup(h) = &mut have.settings else {
        unreachable!()
    };
    h.parameters
        .insert("set_by_someone_else".into(), "1".into());
    assert!(drift_of(&want, &have).is_empty());
    let Settings::DbClusterParameterGroup(h) = &mut have.settings else {
        unreachable!()
    };
    h.parameters.remove(name);
    assert_eq!(
        drift_of(&want, &have),
        [format!("parameter {name} not set, want {value}")]
    );
}

// Extras: what a read finds beyond the settings fields.

fn with_extras(kind: ComponentKind, extras: Vec<Extra>) -> Vec<String> {
    let want = component(kind);
    let mut have = Observation::of(&want);
    have.extras = extras;
    drift_of(&want, &have)
}

#[test]
fn a_policy_document_is_compared_by_meaning_not_text() {
    let stack = stack();
    let kind = PolicyKind::DatabaseKey;
    let mut doc = stack.policy(kind, &crate::policy::AssignedIds::none());
    doc["Statement"].as_array_mut().unwrap().reverse();
    let document = |have| Extra::Document {
        what: "key policy",
        kind,
        have,
    };
    assert!(with_extras(ComponentKind::KmsKey, vec![document(Some(doc))]).is_empty());
    assert_eq!(
        with_extras(
            ComponentKind::KmsKey,
            vec![document(Some(
                json!({"Version": "2012-10-17", "Statement": []})
            ))]
        ),
        ["key policy differs from the database-key policy the stack synthesizes"]
    );
    assert_eq!(
        with_extras(ComponentKind::KmsKey, vec![document(None)]),
        ["key policy is not a JSON document"]
    );
}

#[test]
fn a_permission_statement_is_compared_only_when_nothing_more_precise_differs() {
    let want = component(ComponentKind::LambdaPermission);
    let statement = Extra::Statement {
        kind: PolicyKind::LambdaInvoke,
        sid: "not-the-stack's".into(),
        have: json!({"Sid": "x", "Effect": "Allow"}),
    };
    let mut have = Observation::of(&want);
    have.extras = vec![statement];
    assert_eq!(
        drift_of(&want, &have),
        ["statement differs from the lambda-invoke policy the stack synthesizes"]
    );
    have.extras.push(Extra::SourceAccounts {
        have: vec!["210987654321".into()],
        want: "123456789012".into(),
    });
    assert_eq!(
        drift_of(&want, &have),
        ["source account 210987654321, want 123456789012"]
    );
    have.extras.pop();
    let Settings::LambdaPermission(p) = &mut have.settings else {
        unreachable!()
    };
    p.principal = "events.amazonaws.com".into();
    assert_eq!(
        drift_of(&want, &have),
        ["principal events.amazonaws.com, want secretsmanager.amazonaws.com"]
    );
}

#[test]
fn what_the_stack_never_makes_is_drift() {
    let cases = [
        (
            ComponentKind::RouteTable,
            Extra::Route {
                destination: "0.0.0.0/0".into(),
                target: "igw-1".into(),
            },
            "route 0.0.0.0/0 -> igw-1, want only the local route",
        ),
        (
            ComponentKind::RouteTable,
            Extra::PropagatingGateway("vgw-1".into()),
            "routes propagated from vgw-1, want none",
        ),
        (
            ComponentKind::SecurityGroup,
            Extra::ForeignRule("ingress tcp 22 from 0.0.0.0/0".into()),
            "rule ingress tcp 22 from 0.0.0.0/0 is not one of the stack's",
        ),
        (
            ComponentKind::SecurityGroupRule,
            Extra::PortRange {
                protocol: "-1".into(),
                from: -1,
                to: -1,
            },
            "rule is -1 -1--1, want one tcp port",
        ),
    ];
    for (kind, extra, line) in cases {
        assert_eq!(with_extras(kind, vec![extra]), [line]);
    }
}

#[test]
fn states_read_back_are_drift_only_when_not_the_wanted_one() {
    let cases = [
        (
            ComponentKind::KmsKey,
            Extra::KeyState("Enabled".into()),
            None,
        ),
        (
            ComponentKind::KmsKey,
            Extra::KeyState("Disabled".into()),
            Some("key is disabled, want enabled"),
        ),
        (ComponentKind::CloudTrail, Extra::Logging(true), None),
        (
            ComponentKind::CloudTrail,
            Extra::Logging(false),
            Some("logging is stopped, want on"),
        ),
        (
            ComponentKind::VpcEndpoint,
            Extra::EndpointType("Interface".into()),
            None,
        ),
        (
            ComponentKind::VpcEndpoint,
            Extra::EndpointType("Gateway".into()),
            Some("type Gateway, want Interface"),
        ),
        (
            ComponentKind::S3Bucket,
            Extra::ObjectOwnership(Some("BucketOwnerEnforced".into())),
            None,
        ),
        (
            ComponentKind::S3Bucket,
            Extra::ObjectOwnership(None),
            Some("object ownership not set, want BucketOwnerEnforced (ACLs disabled)"),
        ),
        (
            ComponentKind::DbCluster,
            Extra::SecretHost {
                host: "h".into(),
                endpoint: "h".into(),
            },
            None,
        ),
        (
            ComponentKind::DbCluster,
            Extra::SecretHost {
                host: String::new(),
                endpoint: "h".into(),
            },
            Some("the secret's host is (none), want the cluster endpoint h"),
        ),
        (
            ComponentKind::LambdaFunction,
            Extra::Code {
                have: "a".into(),
                want: "a".into(),
            },
            None,
        ),
        (
            ComponentKind::LambdaFunction,
            Extra::Code {
                have: "b".into(),
                want: "a".into(),
            },
            Some("code b is not this provider's rotation function"),
        ),
        (
            ComponentKind::LambdaPermission,
            Extra::SourceAccounts {
                have: vec!["123456789012".into()],
                want: "123456789012".into(),
            },
            None,
        ),
        (
            ComponentKind::LambdaPermission,
            Extra::SourceAccounts {
                have: vec![],
                want: "123456789012".into(),
            },
            Some("source account (none), want 123456789012"),
        ),
        (
            ComponentKind::S3BucketEncryption,
            Extra::Encryption("aws:kms".into()),
            None,
        ),
        (
            ComponentKind::S3BucketEncryption,
            Extra::Encryption("AES256".into()),
            Some("default encryption is AES256, want aws:kms"),
        ),
    ];
    for (kind, extra, line) in cases {
        let want: Vec<String> = line.into_iter().map(String::from).collect();
        assert_eq!(with_extras(kind, vec![extra.clone()]), want, "{extra:?}");
    }
}

#[test]
fn settings_of_another_kind_never_match() {
    let vpc = component(ComponentKind::Vpc).settings;
    let subnet = component(ComponentKind::Subnet).settings;
    assert_eq!(settings(&vpc, &subnet), ["is a subnet, want a vpc"]);
}
