use std::collections::{BTreeMap, BTreeSet};

use super::component::*;
use super::*;
use crate::fixtures::{self, account, build, config, ctx, stack, zones};
use crate::input::{
    AuditConfig, DatabaseConfig, Input, NetworkConfig, RotationConfig, StackConfig,
};

fn component<'a>(s: &'a ResolvedStack, id: &str) -> &'a Component {
    s.component(&ComponentId::from(id))
        .unwrap_or_else(|| panic!("no component {id}"))
}

fn with_zones_and_instances(zones: &[&str], instances: i64, cloudtrail: bool) -> ResolvedStack {
    let mut cfg = config();
    cfg.network = Some(NetworkConfig {
        availability_zones: Input::Set(zones.iter().map(|z| z.to_string()).collect()),
        ..NetworkConfig::default()
    });
    cfg.database = Some(DatabaseConfig {
        instance_count: Input::Set(instances),
        ..DatabaseConfig::default()
    });
    cfg.audit = Some(AuditConfig {
        cloudtrail: Input::Set(cloudtrail),
    });
    build(&cfg)
}

#[test]
fn three_zones_and_two_instances_make_forty_four_components() {
    let s = stack();
    let ids: Vec<&str> = s.components().iter().map(|c| c.id.as_str()).collect();
    assert_eq!(s.components().len(), 44, "{ids:#?}");
    for expected in [
        "vpc",
        "subnet/us-east-1a",
        "subnet/us-east-1c",
        "route_table",
        "route_table_association/us-east-1b",
        "security_group/lambda",
        "security_group/database",
        "security_group/endpoints",
        "security_group_rule/database_from_lambda",
        "security_group_rule/endpoints_from_lambda",
        "security_group_rule/lambda_to_database",
        "security_group_rule/lambda_to_endpoints",
        "vpc_endpoint/secretsmanager",
        "vpc_endpoint/kms",
        "kms_key/database",
        "kms_key/secrets",
        "kms_key/logs",
        "kms_alias/database",
        "kms_alias/secrets",
        "kms_alias/logs",
        "log_group/rotation",
        "log_group/audit",
        "s3_bucket/audit",
        "s3_bucket_public_access_block/audit",
        "s3_bucket_encryption/audit",
        "s3_bucket_policy/audit",
        "iam_role/cloudtrail",
        "iam_role_policy/cloudtrail",
        "cloudtrail/audit",
        "metric_filter/secret_access",
        "db_subnet_group",
        "db_cluster_parameter_group",
        "db_cluster",
        "db_instance/1",
        "db_instance/2",
        "secret",
        "iam_role/rotation",
        "iam_role_policy/rotation",
        "lambda_function/rotation",
        "lambda_permission/secretsmanager",
        "secret_rotation",
    ] {
        assert!(ids.contains(&expected), "missing {expected}");
    }
}

#[test]
fn counts_follow_zones_instances_and_the_trail() {
    // Two per zone (subnet, association), one per instance, eight for the trail.
    assert_eq!(
        with_zones_and_instances(&["us-east-1a", "us-east-1b"], 3, false)
            .components()
            .len(),
        35
    );
    assert_eq!(
        with_zones_and_instances(
            &["us-east-1a", "us-east-1b", "us-east-1c", "us-east-1d"],
            1,
            true
        )
        .components()
        .len(),
        45
    );
}

#[test]
fn every_dependency_is_a_component_of_the_stack() {
    let s = stack();
    let ids: BTreeSet<&ComponentId> = s.components().iter().map(|c| &c.id).collect();
    for c in s.components() {
        for d in c.dependency_ids() {
            assert!(ids.contains(d), "{} depends on missing {d}", c.id);
        }
    }
}

#[test]
fn the_dependency_graph_has_no_cycle() {
    // `build` refuses cycles; this checks the layers cover every component exactly once.
    let s = stack();
    let layered: Vec<ComponentId> = s.creation_layers().into_iter().flatten().collect();
    let unique: BTreeSet<&ComponentId> = layered.iter().collect();
    assert_eq!(layered.len(), s.components().len());
    assert_eq!(unique.len(), s.components().len());
}

#[test]
fn every_setting_that_names_a_component_is_a_dependency_that_carries_replacements() {
    let s = stack();
    for c in s.components() {
        for r in c.settings.references() {
            let dep = c.depends_on.iter().find(|d| &d.on == r);
            assert!(
                dep.is_some_and(|d| d.kind != DependencyKind::After),
                "{} names {r} without an Inside or Refers dependency",
                c.id
            );
        }
    }
}

#[test]
fn creation_puts_dependencies_first_and_deletion_goes_the_other_way() {
    let s = stack();
    let layer_of = |layers: Vec<Vec<ComponentId>>| -> BTreeMap<ComponentId, usize> {
        layers
            .into_iter()
            .enumerate()
            .flat_map(|(i, l)| l.into_iter().map(move |id| (id, i)))
            .collect()
    };
    let create = layer_of(s.creation_layers());
    let delete = layer_of(s.deletion_layers());
    assert_eq!(delete.len(), s.components().len());
    for c in s.components() {
        for d in c.dependency_ids() {
            assert!(create[d] < create[&c.id], "{} created before {d}", c.id);
            assert!(delete[&c.id] < delete[d], "{d} deleted before {}", c.id);
        }
    }
}

#[test]
fn deleting_in_reverse_creation_order_is_also_valid() {
    let s = stack();
    let mut reversed = s.creation_layers();
    reversed.reverse();
    let mut gone: BTreeSet<ComponentId> = BTreeSet::new();
    for layer in reversed {
        for id in &layer {
            for dependent in s.graph().dependents(id) {
                assert!(
                    gone.contains(dependent),
                    "{id} deleted before its dependent {dependent}"
                );
            }
        }
        gone.extend(layer);
    }
}

#[test]
fn independent_objects_are_created_together() {
    let layers = stack().creation_layers();
    let first: BTreeSet<&str> = layers[0].iter().map(|c| c.as_str()).collect();
    for independent in [
        "vpc",
        "kms_key/database",
        "kms_key/secrets",
        "kms_key/logs",
        "iam_role/rotation",
        "db_cluster_parameter_group",
    ] {
        assert!(
            first.contains(independent),
            "{independent} not in {first:?}"
        );
    }
    assert_eq!(
        layers.last().unwrap(),
        &vec![ComponentId::from("secret_rotation")]
    );
}

#[test]
fn every_taggable_object_carries_the_mandatory_and_management_tags() {
    let s = stack();
    let mut tagged = 0;
    for c in s.components() {
        match (&c.tags, c.kind().taggable()) {
            (Some(tags), true) => {
                tagged += 1;
                assert_eq!(
                    tags.get("Environment").map(String::as_str),
                    Some("dev"),
                    "{}",
                    c.id
                );
                assert_eq!(
                    tags.get("vault:stack").map(String::as_str),
                    Some("dev"),
                    "{}",
                    c.id
                );
                assert_eq!(
                    tags.get("CostCenter").map(String::as_str),
                    Some("FinancialServices"),
                    "{}",
                    c.id
                );
                assert_eq!(
                    tags.get("Compliance").map(String::as_str),
                    Some("PCI-DSS"),
                    "{}",
                    c.id
                );
                assert_eq!(
                    tags.get("Team").map(String::as_str),
                    Some("platform"),
                    "{}",
                    c.id
                );
            }
            (None, false) => {}
            (tags, taggable) => panic!("{}: taggable {taggable} but tags {tags:?}", c.id),
        }
    }
    assert_eq!(tagged, 26);
}

#[test]
fn resource_tags_win_over_default_tags_and_the_stack_tags_win_over_both() {
    let mut c = ctx();
    c.default_tags = fixtures::tags(&[("CostCenter", "Default"), ("Owner", "ops")]);
    let mut cfg = config();
    cfg.tags = Input::Set(fixtures::tags(&[
        ("CostCenter", "Payments"),
        ("Compliance", "SOX"),
        ("Name", "mine"),
    ]));
    let s = ResolvedStack::build(&cfg, &c, &account(), &zones()).unwrap();
    let vpc = component(&s, "vpc").tags.as_ref().unwrap();
    assert_eq!(vpc["CostCenter"], "Payments");
    assert_eq!(vpc["Owner"], "ops");
    assert_eq!(vpc["Name"], "vpc-dev", "EC2 objects show their own name");
    let secret = component(&s, "secret").tags.as_ref().unwrap();
    assert_eq!(
        secret["Name"], "mine",
        "kinds with a name field keep the user's Name tag"
    );
}

#[test]
fn every_name_carries_the_suffix() {
    let s = build(&StackConfig {
        environment_suffix: Input::Set("prod-eu-1".into()),
        ..config()
    });
    for c in s.components() {
        if let Some(name) = &c.name {
            let carries = name.match_indices("prod-eu-1").any(|(i, m)| {
                let before = name[..i].chars().last();
                let after = name[i + m.len()..].chars().next();
                matches!(before, Some('-' | '/')) && matches!(after, None | Some('-' | '/'))
            });
            assert!(carries, "{}: {name}", c.id);
        }
    }
}

#[test]
fn names_follow_the_type_suffix_qualifier_rule() {
    let s = stack();
    let name = |id: &str| component(&s, id).name.clone().unwrap();
    assert_eq!(name("vpc"), "vpc-dev");
    assert_eq!(name("subnet/us-east-1b"), "subnet-dev-us-east-1b");
    assert_eq!(name("security_group/lambda"), "security-group-dev-lambda");
    assert_eq!(name("kms_alias/secrets"), "alias/key-dev-secrets");
    assert_eq!(name("log_group/rotation"), "/aws/lambda/rotation-dev");
    assert_eq!(name("log_group/audit"), "/vault/audit-dev");
    assert_eq!(name("s3_bucket/audit"), "audit-dev-123456789012-us-east-1");
    assert_eq!(name("db_cluster"), "aurora-dev");
    assert_eq!(name("db_instance/2"), "aurora-dev-2");
    assert_eq!(name("secret"), "secret-dev-database");
    assert_eq!(name("lambda_function/rotation"), "rotation-dev");
    assert_eq!(name("iam_role/rotation"), "role-dev-rotation");
}

#[test]
fn the_longest_suffix_and_region_still_give_a_valid_bucket_name() {
    let suffix = "a".repeat(24);
    let mut c = ctx();
    c.region = Some("ap-southeast-5".into());
    let cfg = StackConfig {
        environment_suffix: Input::Set(suffix),
        ..config()
    };
    let s = ResolvedStack::build(
        &cfg,
        &c,
        &account(),
        &["ap-southeast-5a".into(), "ap-southeast-5b".into()],
    )
    .unwrap();
    let bucket = component(&s, "s3_bucket/audit").name.clone().unwrap();
    assert!(
        bucket.len() <= 63,
        "{bucket} is {} characters",
        bucket.len()
    );
    assert!(bucket
        .bytes()
        .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'));
    for c in s.components() {
        if let (Some(name), ComponentKind::IamRole | ComponentKind::LambdaFunction) =
            (&c.name, c.kind())
        {
            assert!(name.len() <= 64, "{name}");
        }
        if let (Some(name), ComponentKind::DbCluster | ComponentKind::DbInstance) =
            (&c.name, c.kind())
        {
            assert!(name.len() <= 63, "{name}");
        }
    }
}

#[test]
fn the_secret_name_does_not_end_like_a_random_arn_suffix() {
    for suffix in ["dev", "prod01", "abcdef"] {
        let s = build(&StackConfig {
            environment_suffix: Input::Set(suffix.into()),
            ..config()
        });
        let name = component(&s, "secret").name.clone().unwrap();
        let last = name.rsplit('-').next().unwrap();
        assert_ne!(last.len(), 6, "{name}");
    }
}

#[test]
fn subnets_take_the_carved_blocks_in_zone_order_and_never_map_public_ips() {
    let s = stack();
    let cidrs: Vec<String> = s
        .components()
        .iter()
        .filter_map(|c| match &c.settings {
            Settings::Subnet(sub) => {
                assert!(!sub.map_public_ip_on_launch);
                Some(format!("{} {}", sub.availability_zone, sub.cidr_block))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        cidrs,
        [
            "us-east-1a 10.0.0.0/20",
            "us-east-1b 10.0.16.0/20",
            "us-east-1c 10.0.32.0/20"
        ]
    );
}

#[test]
fn unset_zones_take_the_first_three_of_the_region() {
    assert_eq!(
        stack().inputs().network.availability_zones,
        ["us-east-1a", "us-east-1b", "us-east-1c"]
    );
}

#[test]
fn a_region_with_one_zone_cannot_hold_a_stack() {
    let err =
        ResolvedStack::build(&config(), &ctx(), &account(), &["us-east-1a".into()]).unwrap_err();
    assert_eq!(err, ModelError::TooFewZones(1));
}

#[test]
fn instances_go_round_robin_over_the_zones() {
    let s = with_zones_and_instances(&["us-east-1a", "us-east-1b"], 3, true);
    let placement: Vec<(u8, String)> = s
        .components()
        .iter()
        .filter_map(|c| match &c.settings {
            Settings::DbInstance(i) => {
                assert!(!i.publicly_accessible);
                Some((i.index, i.availability_zone.clone()))
            }
            _ => None,
        })
        .collect();
    assert_eq!(
        placement,
        [
            (1, "us-east-1a".into()),
            (2, "us-east-1b".into()),
            (3, "us-east-1a".into())
        ]
    );
}

#[test]
fn the_cluster_is_encrypted_private_tls_only_and_destroyable() {
    let s = stack();
    let Settings::DbCluster(cluster) = &component(&s, "db_cluster").settings else {
        panic!()
    };
    assert!(cluster.storage_encrypted);
    assert_eq!(cluster.kms_key, ComponentId::from("kms_key/database"));
    assert!(!cluster.deletion_protection);
    assert!(cluster.skip_final_snapshot);
    assert_eq!(cluster.port, 3306);
    assert_eq!(cluster.engine, "aurora-mysql");
    assert_eq!(
        cluster.security_groups,
        [ComponentId::from("security_group/database")]
    );
    let Settings::DbClusterParameterGroup(params) =
        &component(&s, "db_cluster_parameter_group").settings
    else {
        panic!()
    };
    assert_eq!(params.family, "aurora-mysql8.0");
    assert_eq!(params.parameters["require_secure_transport"], "ON");
}

#[test]
fn security_groups_allow_exactly_the_three_flows_and_no_cidr() {
    let s = stack();
    let mut flows = BTreeSet::new();
    for c in s.components() {
        let text = format!("{:?}", c.settings);
        assert!(!text.contains("0.0.0.0/0"), "{}", c.id);
        match &c.settings {
            Settings::SecurityGroupRule(r) => {
                flows.insert((r.group.to_string(), r.direction, r.port, r.peer.to_string()));
            }
            Settings::SecurityGroup(g) => assert!(g.revoke_default_egress, "{}", c.id),
            Settings::Vpc(v) => assert!(v.restrict_default_security_group),
            _ => {}
        }
    }
    let sg = |r: &str| format!("security_group/{r}");
    assert_eq!(
        flows,
        BTreeSet::from([
            (sg("database"), Direction::Ingress, 3306, sg("lambda")),
            (sg("endpoints"), Direction::Ingress, 443, sg("lambda")),
            (sg("lambda"), Direction::Egress, 3306, sg("database")),
            (sg("lambda"), Direction::Egress, 443, sg("endpoints")),
        ])
    );
}

#[test]
fn keys_rotate_and_carry_the_deletion_window() {
    for c in stack().components() {
        if let Settings::KmsKey(k) = &c.settings {
            assert!(k.enable_key_rotation);
            assert_eq!(k.deletion_window_days, 7);
            assert_eq!(k.key_spec, "SYMMETRIC_DEFAULT");
        }
    }
}

#[test]
fn log_groups_are_encrypted_with_the_logs_key_and_expire() {
    let s = stack();
    for id in ["log_group/rotation", "log_group/audit"] {
        let Settings::LogGroup(g) = &component(&s, id).settings else {
            panic!()
        };
        assert_eq!(g.retention_days, 365);
        assert_eq!(g.kms_key, ComponentId::from("kms_key/logs"));
    }
}

#[test]
fn the_function_runs_in_the_private_subnets_with_its_settings_in_the_environment() {
    let s = stack();
    let Settings::LambdaFunction(f) = &component(&s, "lambda_function/rotation").settings else {
        panic!()
    };
    assert_eq!(f.runtime, "nodejs22.x");
    assert_eq!((f.timeout_seconds, f.memory_mb), (30, 256));
    assert_eq!(f.subnets.len(), 3);
    assert_eq!(
        f.security_groups,
        [ComponentId::from("security_group/lambda")]
    );
    assert_eq!(f.environment["PASSWORD_LENGTH"], "32");
    assert_eq!(f.environment["EXCLUDE_CHARACTERS"], "/@\"'\\");
    assert_eq!(
        f.environment["SECRETS_MANAGER_ENDPOINT"],
        "https://secretsmanager.us-east-1.amazonaws.com"
    );
}

#[test]
fn the_rotation_schedule_is_days_unless_an_expression_is_given() {
    let s = stack();
    let Settings::SecretRotation(r) = &component(&s, "secret_rotation").settings else {
        panic!()
    };
    assert_eq!(r.schedule, RotationSchedule::AfterDays(30));
    assert!(!r.rotate_immediately);

    let mut cfg = config();
    cfg.rotation = Some(RotationConfig {
        schedule_expression: Input::Set("rate(10 days)".into()),
        duration: Input::Set("3h".into()),
        ..RotationConfig::default()
    });
    let s = build(&cfg);
    let Settings::SecretRotation(r) = &component(&s, "secret_rotation").settings else {
        panic!()
    };
    assert_eq!(
        r.schedule,
        RotationSchedule::Expression {
            expression: "rate(10 days)".into(),
            duration: Some("3h".into())
        }
    );
}

#[test]
fn without_the_trail_there_is_no_bucket_trail_or_filter() {
    let s = with_zones_and_instances(&["us-east-1a", "us-east-1b"], 2, false);
    for c in s.components() {
        assert!(
            !matches!(
                c.kind(),
                ComponentKind::S3Bucket | ComponentKind::CloudTrail | ComponentKind::MetricFilter
            ),
            "{}",
            c.id
        );
    }
    assert!(s.component(&"log_group/audit".into()).is_some());
}

#[test]
fn unknown_values_are_an_error_naming_them() {
    let mut cfg = config();
    cfg.network = Some(NetworkConfig {
        cidr_block: Input::Unknown,
        ..NetworkConfig::default()
    });
    cfg.tags = Input::Unknown;
    let err = ResolvedStack::build(&cfg, &ctx(), &account(), &zones()).unwrap_err();
    // Mandatory tags cannot be checked while tags are unknown: that is not an error either.
    assert_eq!(
        err,
        ModelError::Unknown(vec![Attribute::Tags, Attribute::NetworkCidrBlock])
    );
    assert_eq!(
        err.to_string(),
        "not known until apply: tags, network.cidr_block"
    );
}

#[test]
fn an_invalid_configuration_is_an_error_with_its_findings() {
    let mut cfg = config();
    cfg.tags = Input::Set(fixtures::tags(&[("CostCenter", "x")]));
    let err = ResolvedStack::build(&cfg, &ctx(), &account(), &zones()).unwrap_err();
    let ModelError::Invalid(findings) = err else {
        panic!("{err:?}")
    };
    assert_eq!(findings[0].summary, "Missing mandatory tag Compliance");
}

#[test]
fn a_stack_needs_a_region() {
    let mut c = ctx();
    c.region = None;
    assert_eq!(
        ResolvedStack::build(&config(), &c, &account(), &zones()).unwrap_err(),
        ModelError::NoRegion
    );
}

#[test]
fn the_policies_a_stack_carries_are_all_eleven_with_the_trail_and_eight_without() {
    assert_eq!(stack().policy_kinds().len(), 11);
    assert_eq!(
        with_zones_and_instances(&["us-east-1a", "us-east-1b"], 2, false)
            .policy_kinds()
            .len(),
        8
    );
}

#[test]
fn the_name_tag_never_pushes_an_object_over_fifty_tags_with_the_provider_mark() {
    // The most validation allows: 47 + Environment + vault:stack + one mark (completion or owner).
    let mut many: Vec<(String, String)> = (0..45)
        .map(|i| (format!("k{i}"), "v".to_string()))
        .collect();
    many.push(("CostCenter".into(), "x".into()));
    many.push(("Compliance".into(), "y".into()));
    let cfg = StackConfig {
        tags: Input::Set(many.into_iter().collect()),
        ..config()
    };
    let mut c = ctx();
    c.default_tags.clear();
    let s = ResolvedStack::build(&cfg, &c, &account(), &zones()).unwrap();
    for comp in s.components() {
        if let Some(tags) = &comp.tags {
            assert!(
                tags.len() < 50,
                "{}: {} leaves no room for a mark",
                comp.id,
                tags.len()
            );
        }
    }
    assert!(!component(&s, "vpc")
        .tags
        .as_ref()
        .unwrap()
        .contains_key("Name"));
}

fn alternating_stack() -> ResolvedStack {
    let mut cfg = config();
    cfg.rotation = Some(RotationConfig {
        strategy: Input::Set("alternating_users".into()),
        ..RotationConfig::default()
    });
    build(&cfg)
}

#[test]
fn alternating_users_adds_the_app_secret_its_permission_and_its_rotation() {
    let single = stack();
    let s = alternating_stack();
    let added: Vec<&str> = s
        .components()
        .iter()
        .map(|c| c.id.as_str())
        .filter(|id| single.component(&ComponentId::from(*id)).is_none())
        .collect();
    assert_eq!(
        added,
        ["secret/app", "lambda_permission/app", "secret_rotation/app"]
    );

    let app = component(&s, "secret/app");
    assert_eq!(app.name.as_deref(), Some("secret-dev-app"));
    let Settings::Secret(a) = &app.settings else {
        panic!()
    };
    assert_eq!(a.username, "app");
    assert_eq!(a.dbname, "app");
    assert_eq!(a.kms_key, logical::kms_key(KeyPurpose::Secrets));
    assert_eq!(a.master_secret, Some(logical::secret()));
    assert_eq!(
        a.initial_password, None,
        "its first rotation makes the password"
    );

    let Settings::LambdaPermission(p) = &component(&s, "lambda_permission/app").settings else {
        panic!()
    };
    assert_eq!(p.source_secret, logical::app_secret());
    assert_eq!(p.statement_id, crate::policy::APP_INVOKE_STATEMENT_ID);

    let Settings::SecretRotation(r) = &component(&s, "secret_rotation/app").settings else {
        panic!()
    };
    assert_eq!(r.secret, logical::app_secret());
    assert_eq!(r.function, logical::lambda_function());
    assert!(
        r.first_rotation_at_once,
        "the first rotation creates the user"
    );
    assert!(
        !r.rotate_immediately,
        "a later change of the app rotation does not rotate it unasked"
    );
    let Settings::SecretRotation(m) = &component(&s, "secret_rotation").settings else {
        panic!()
    };
    assert!(
        !m.rotate_immediately && !m.first_rotation_at_once,
        "the master secret keeps rotate_immediately = false"
    );
}

#[test]
fn the_app_secrets_first_rotation_waits_for_the_database_and_the_endpoints() {
    let s = alternating_stack();
    let deps: BTreeSet<&str> = component(&s, "secret_rotation/app")
        .dependency_ids()
        .map(|d| d.as_str())
        .collect();
    for needed in [
        "secret/app",
        "lambda_function/rotation",
        "lambda_permission/app",
        "iam_role_policy/rotation",
        "db_cluster",
        "db_instance/1",
        "vpc_endpoint/secretsmanager",
        "security_group_rule/lambda_to_database",
    ] {
        assert!(deps.contains(needed), "{needed} missing from {deps:?}");
    }
    let policy_deps: BTreeSet<&str> = component(&s, "iam_role_policy/rotation")
        .dependency_ids()
        .map(|d| d.as_str())
        .collect();
    assert!(policy_deps.contains("secret/app"));
}

/// The inputs each settings field declares `from(..)`, read back from a stack's own settings.
fn read_back(s: &ResolvedStack) -> StackConfig {
    let mut back = StackConfig::default();
    for c in s.components() {
        c.settings.read_back(&mut back);
    }
    back
}

#[test]
fn reading_back_a_stacks_settings_gives_the_inputs_they_were_taken_from() {
    let mut cfg = config();
    let database = DatabaseConfig {
        engine_version: Input::Set("8.0.mysql_aurora.3.09.0".into()),
        instance_class: Input::Set("db.r6g.large".into()),
        database_name: Input::Set("payments".into()),
        port: Input::Set(3307),
        backup_retention_days: Input::Set(14),
        ..DatabaseConfig::default()
    };
    let rotation = RotationConfig {
        runtime: Input::Set("nodejs20.x".into()),
        timeout_seconds: Input::Set(60),
        memory_mb: Input::Set(512),
        ..RotationConfig::default()
    };
    let logs = crate::input::LogsConfig {
        retention_in_days: Input::Set(90),
    };
    cfg.database = Some(database.clone());
    cfg.rotation = Some(rotation.clone());
    cfg.logs = Some(logs.clone());

    let back = read_back(&build(&cfg));

    assert_eq!(back.database, Some(database));
    assert_eq!(back.rotation, Some(rotation));
    assert_eq!(back.logs, Some(logs));
    // Only blocks some object holds an input of.
    assert_eq!((back.network, back.kms, back.audit), (None, None, None));
}

#[test]
fn reading_back_keeps_an_input_already_set_and_leaves_one_the_input_cannot_say_unset() {
    let s = stack();
    let mut back = StackConfig {
        database: Some(DatabaseConfig {
            port: Input::Set(4000),
            ..DatabaseConfig::default()
        }),
        ..StackConfig::default()
    };
    for c in s.components() {
        let mut settings = c.settings.clone();
        // A log group that never expires holds 0 days, which no retention the input allows says.
        if let Settings::LogGroup(group) = &mut settings {
            group.retention_days = 0;
        }
        settings.read_back(&mut back);
    }
    let database = back.database.unwrap();
    assert_eq!(database.port, Input::Set(4000), "set before: kept");
    assert_eq!(database.backup_retention_days, Input::Set(7), "read back");
    assert_eq!(back.logs.unwrap().retention_in_days, Input::Unset);
}
