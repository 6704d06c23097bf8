//! Planned outputs against what apply then records: kept objects stay known, only what changes
//! is unknown, and every known planned value equals the applied one (Terraform rejects an apply
//! whose result differs from a known planned value).

use std::collections::BTreeSet;

use vault_aws::executor::Refreshed;
use vault_aws::objects::{Ids, Observed};
use vault_core::model::{logical, ComponentKind, Output};
use vault_core::{classify, ComponentId, ProviderContext, ResolvedStack};

use super::lifecycle::{self, PlannedIds, Private};
use super::state::{NetworkBlock, StackState};
use crate::protocol::Value;

const REGION: &str = "us-east-1";
const ENDPOINT: &str = "aurora-dev.cluster-abc.us-east-1.rds.amazonaws.com";

fn state(zones: &[&str]) -> StackState {
    let v = |s: &str| Value::Value(s.to_string());
    StackState {
        environment_suffix: v("dev"),
        tags: Value::Value(
            [
                ("CostCenter", "FinancialServices"),
                ("Compliance", "PCI-DSS"),
            ]
            .into_iter()
            .map(|(k, x)| (k.to_string(), v(x)))
            .collect(),
        ),
        network: Value::Value(vec![NetworkBlock {
            cidr_block: Value::Null,
            availability_zones: Value::Value(zones.iter().map(|z| v(z)).collect()),
        }]),
        ..StackState::default()
    }
}

fn private() -> Private {
    Private {
        account: "123456789012".into(),
        zones: ["us-east-1a", "us-east-1b", "us-east-1c"]
            .map(String::from)
            .to_vec(),
        default_tags: Default::default(),
    }
}

fn stack(s: &StackState) -> ResolvedStack {
    lifecycle::stack_of(s, &private(), REGION).unwrap()
}

/// An id of the shape AWS gives the object's kind (the policies parse some of them).
fn aws_id(c: &ComponentId, n: usize) -> String {
    match ComponentKind::of(c).unwrap() {
        ComponentKind::Subnet => format!("subnet-{n:017x}"),
        ComponentKind::SecurityGroup => format!("sg-{n:017x}"),
        ComponentKind::KmsKey => {
            format!("arn:aws:kms:us-east-1:123456789012:key/00000000-0000-0000-0000-{n:012x}")
        }
        ComponentKind::Secret => {
            "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-database-AbCdEf"
                .to_string()
        }
        _ => format!("{c}-{n}"),
    }
}

/// What a refresh of these objects reads: the ids, and the cluster as configured, with its
/// endpoint.
fn refreshed(stack: &ResolvedStack, ids: Ids) -> Refreshed {
    let want = stack.component(&logical::db_cluster()).expect("a cluster");
    let mut cluster = Observed::new(want.settings.clone());
    cluster.output(Output::Endpoint, ENDPOINT);
    Refreshed {
        ids,
        observed: [(logical::db_cluster(), cluster)].into(),
        differences: Default::default(),
    }
}

/// The state of an applied stack, every object with an id.
fn applied(s: &StackState, offset: usize) -> (StackState, Ids) {
    let stack = stack(s);
    let ids: Ids = stack
        .components()
        .iter()
        .enumerate()
        .map(|(n, c)| (c.id.clone(), aws_id(&c.id, n + offset)))
        .collect();
    let mut out = s.clone();
    lifecycle::set_outputs(&mut out, &stack, &refreshed(&stack, ids.clone()));
    (out, ids)
}

/// The plan from `prior` to the configuration `next` (as `SecretsStackResource::plan` does it).
fn plan(prior: &StackState, next: &StackState) -> (StackState, PlannedIds, ResolvedStack) {
    let prior_stack = stack(prior);
    let ctx = ProviderContext {
        region: Some(REGION.into()),
        default_tags: Default::default(),
    };
    let changes = classify(&prior_stack, &next.to_config(), &ctx, &private().zones).unwrap();
    let next_stack = stack(next);
    let ids = planned(&next_stack, prior, &lifecycle::rebuilt(&changes));
    let mut planned = StackState {
        network: next.network.clone(),
        ..prior.clone()
    };
    lifecycle::plan_outputs(&mut planned, &next_stack, &ids);
    (planned, ids, next_stack)
}

fn planned(
    stack: &ResolvedStack,
    prior: &StackState,
    rebuilt: &BTreeSet<ComponentId>,
) -> PlannedIds {
    lifecycle::planned_ids(stack, &lifecycle::ids_of(prior), rebuilt)
}

/// Apply of a plan: kept objects keep their ids, the others get new ones.
fn apply(stack: &ResolvedStack, ids: &PlannedIds, config: &StackState) -> StackState {
    let ids: Ids = ids
        .iter()
        .enumerate()
        .map(|(n, (c, id))| {
            let id = id
                .clone()
                .as_option()
                .unwrap_or_else(|| aws_id(c, 1000 + n));
            (c.clone(), id)
        })
        .collect();
    let mut out = config.clone();
    lifecycle::set_outputs(&mut out, stack, &refreshed(stack, ids));
    out
}

fn conforms(planned: &Value<String>, applied: &Value<String>) -> bool {
    planned.is_unknown() || planned == applied
}

/// Terraform's check after apply, for the outputs: a known planned value (or element) must be
/// the applied one, and a known collection must have the applied keys or length.
fn assert_conforms(planned: &StackState, applied: &StackState) {
    for (name, p, a) in [
        ("secret_arn", &planned.secret_arn, &applied.secret_arn),
        ("secret_name", &planned.secret_name, &applied.secret_name),
        ("vpc_id", &planned.vpc_id, &applied.vpc_id),
        ("cluster_arn", &planned.cluster_arn, &applied.cluster_arn),
        (
            "cluster_endpoint",
            &planned.cluster_endpoint,
            &applied.cluster_endpoint,
        ),
        (
            "reader_endpoint",
            &planned.reader_endpoint,
            &applied.reader_endpoint,
        ),
        (
            "rotation_lambda_arn",
            &planned.rotation_lambda_arn,
            &applied.rotation_lambda_arn,
        ),
        (
            "rotation_role_arn",
            &planned.rotation_role_arn,
            &applied.rotation_role_arn,
        ),
        (
            "rotation_policy_json",
            &planned.rotation_policy_json,
            &applied.rotation_policy_json,
        ),
    ] {
        assert!(conforms(p, a), "{name}: planned {p:?}, applied {a:?}");
    }
    for (name, p, a) in [
        ("components", &planned.components, &applied.components),
        (
            "security_group_ids",
            &planned.security_group_ids,
            &applied.security_group_ids,
        ),
        (
            "vpc_endpoint_ids",
            &planned.vpc_endpoint_ids,
            &applied.vpc_endpoint_ids,
        ),
        ("kms_key_arns", &planned.kms_key_arns, &applied.kms_key_arns),
        (
            "log_group_names",
            &planned.log_group_names,
            &applied.log_group_names,
        ),
    ] {
        let (Value::Value(p), Value::Value(a)) = (p, a) else {
            panic!("{name} is planned known");
        };
        assert_eq!(
            p.keys().collect::<Vec<_>>(),
            a.keys().collect::<Vec<_>>(),
            "{name}"
        );
        for (k, v) in p {
            assert!(
                conforms(v, &a[k]),
                "{name}[{k}]: planned {v:?}, applied {:?}",
                a[k]
            );
        }
    }
    let (Value::Value(p), Value::Value(a)) =
        (&planned.private_subnet_ids, &applied.private_subnet_ids)
    else {
        panic!("private_subnet_ids is planned known");
    };
    assert_eq!(p.len(), a.len());
    assert!(p.iter().zip(a).all(|(p, a)| conforms(p, a)), "{p:?} {a:?}");
}

fn unknown_keys(m: &Value<crate::provider::StringMap>) -> Vec<&str> {
    m.as_ref_option()
        .unwrap()
        .iter()
        .filter(|(_, v)| v.is_unknown())
        .map(|(k, _)| k.as_str())
        .collect()
}

#[test]
fn a_swapped_zone_plans_only_the_new_and_replaced_entries_unknown_and_applies_as_planned() {
    let (prior, prior_ids) = applied(&state(&["us-east-1a", "us-east-1b"]), 0);
    let next = state(&["us-east-1a", "us-east-1c"]);
    let (planned, ids, next_stack) = plan(&prior, &next);

    assert_eq!(
        unknown_keys(&planned.components),
        [
            "db_instance/2",
            "route_table_association/us-east-1c",
            "subnet/us-east-1c"
        ]
    );
    let components = planned.components.as_ref_option().unwrap();
    assert!(!components.contains_key("subnet/us-east-1b"));
    assert_eq!(
        components["subnet/us-east-1a"],
        Value::Value(prior_ids[&logical::subnet("us-east-1a")].clone())
    );
    assert_eq!(planned.cluster_endpoint, Value::Value(ENDPOINT.to_string()));
    assert_eq!(
        planned.private_subnet_ids,
        Value::Value(vec![
            Value::Value(prior_ids[&logical::subnet("us-east-1a")].clone()),
            Value::Unknown
        ])
    );
    // The role policy names the new subnet, whose id AWS assigns at apply.
    assert_eq!(planned.rotation_policy_json, Value::Unknown);
    let preview = lifecycle::rotation_policy(&next_stack, &ids).unwrap_err();
    let before: serde_json::Value =
        serde_json::from_str(prior.rotation_policy_json.as_ref_option().unwrap()).unwrap();
    assert_eq!(
        vault_core::policy::changed_statements(&before, &preview),
        ["CreateNetworkInterfacesInStackSubnets"]
    );

    assert_conforms(&planned, &apply(&next_stack, &ids, &next));
}

#[test]
fn a_removed_zone_plans_the_new_rotation_policy_since_every_id_it_names_is_known() {
    let (prior, _) = applied(&state(&["us-east-1a", "us-east-1b", "us-east-1c"]), 0);
    let next = state(&["us-east-1a", "us-east-1b"]);
    let (planned, ids, next_stack) = plan(&prior, &next);

    assert!(
        unknown_keys(&planned.components).is_empty(),
        "{:?}",
        planned.components
    );
    let Value::Value(policy) = &planned.rotation_policy_json else {
        panic!(
            "the policy is planned known: {:?}",
            planned.rotation_policy_json
        );
    };
    assert_ne!(Some(policy), prior.rotation_policy_json.as_ref_option());
    let applied = apply(&next_stack, &ids, &next);
    assert_eq!(
        &planned,
        &StackState {
            drift: planned.drift.clone(),
            ..applied.clone()
        }
    );
    assert_conforms(&planned, &applied);
}

#[test]
fn a_replaced_instance_alone_keeps_the_cluster_endpoint_and_rotation_policy_known() {
    let config = state(&["us-east-1a", "us-east-1b"]);
    let (prior, _) = applied(&config, 0);
    let stack = stack(&config);
    let ids = planned(&stack, &prior, &[logical::db_instance(2)].into());
    let mut planned = prior.clone();
    lifecycle::plan_outputs(&mut planned, &stack, &ids);

    assert_eq!(unknown_keys(&planned.components), ["db_instance/2"]);
    assert_eq!(planned.cluster_endpoint, prior.cluster_endpoint);
    assert_eq!(planned.rotation_policy_json, prior.rotation_policy_json);
    assert_eq!(planned.private_subnet_ids, prior.private_subnet_ids);
    assert_conforms(&planned, &apply(&stack, &ids, &config));
}

#[test]
fn objects_deleted_out_of_band_are_planned_unknown_and_the_rest_known() {
    let config = state(&["us-east-1a", "us-east-1b"]);
    let (mut prior, _) = applied(&config, 0);
    let Value::Value(components) = &mut prior.components else {
        panic!()
    };
    components.remove("vpc_endpoint/kms");
    let stack = stack(&config);
    let ids = planned(&stack, &prior, &BTreeSet::new());
    let mut planned = prior.clone();
    lifecycle::plan_outputs(&mut planned, &stack, &ids);

    assert_eq!(unknown_keys(&planned.components), ["vpc_endpoint/kms"]);
    assert_eq!(unknown_keys(&planned.vpc_endpoint_ids), ["kms"]);
    assert_conforms(&planned, &apply(&stack, &ids, &config));
}
