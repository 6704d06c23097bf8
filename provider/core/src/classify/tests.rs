use super::*;
use crate::fixtures::{self, config, ctx, stack, zones};
use crate::input::{
    AuditConfig, DatabaseConfig, Input, KmsConfig, LogsConfig, NetworkConfig, RotationConfig,
    StackConfig, TimeoutsConfig,
};
use crate::plan_warning;

fn changes(proposed: &StackConfig) -> ChangeSet {
    classify(&stack(), proposed, &ctx(), &zones()).unwrap()
}

fn only(set: &ChangeSet, attribute: Attribute) -> &AttributeChange {
    assert_eq!(
        set.changes.iter().map(|c| c.attribute).collect::<Vec<_>>(),
        vec![attribute],
        "{set:#?}"
    );
    &set.changes[0]
}

fn lines(change: &AttributeChange) -> Vec<String> {
    change.components.iter().map(|c| c.line()).collect()
}

fn with_database(f: impl FnOnce(&mut DatabaseConfig)) -> StackConfig {
    let mut db = DatabaseConfig::default();
    f(&mut db);
    StackConfig {
        database: Some(db),
        ..config()
    }
}

fn with_rotation(f: impl FnOnce(&mut RotationConfig)) -> StackConfig {
    let mut r = RotationConfig::default();
    f(&mut r);
    StackConfig {
        rotation: Some(r),
        ..config()
    }
}

fn with_zones(z: &[&str]) -> StackConfig {
    StackConfig {
        network: Some(NetworkConfig {
            availability_zones: Input::Set(z.iter().map(|z| z.to_string()).collect()),
            ..NetworkConfig::default()
        }),
        ..config()
    }
}

#[test]
fn the_same_configuration_changes_nothing_and_warns_nothing() {
    let set = changes(&config());
    assert!(set.is_empty());
    assert!(set.components.is_empty());
    assert_eq!(plan_warning(&set), None);
}

#[test]
fn writing_a_default_out_explicitly_changes_nothing() {
    assert!(changes(&with_database(|d| d.instance_count = Input::Set(2))).is_empty());
}

#[test]
fn timeouts_are_a_no_op_without_a_warning() {
    let set = changes(&StackConfig {
        timeouts: Some(TimeoutsConfig {
            create: Input::Set("2h".into()),
            ..TimeoutsConfig::default()
        }),
        ..config()
    });
    let c = only(&set, Attribute::TimeoutsCreate);
    assert_eq!(c.effect, Effect::NoOp);
    assert!(c.components.is_empty());
    assert_eq!(plan_warning(&set), None);
}

#[test]
fn a_new_environment_suffix_replaces_the_whole_stack() {
    let set = changes(&StackConfig {
        environment_suffix: Input::Set("prod".into()),
        ..config()
    });
    let c = only(&set, Attribute::EnvironmentSuffix);
    assert_eq!(c.effect, Effect::ReplaceStack);
    assert_eq!(
        (c.before.as_str(), c.after.as_deref()),
        ("\"dev\"", Some("\"prod\""))
    );
    assert_eq!(c.components.len(), 44);
    assert!(c
        .components
        .iter()
        .all(|c| c.action == ComponentAction::Replace));
    assert_eq!(
        set.requires_replace(),
        vec![Path::attr("environment_suffix")]
    );
}

#[test]
fn an_unknown_environment_suffix_requires_replacement_too() {
    let set = changes(&StackConfig {
        environment_suffix: Input::Unknown,
        ..config()
    });
    let c = only(&set, Attribute::EnvironmentSuffix);
    assert_eq!(c.effect, Effect::ReplaceStack);
    assert_eq!(c.after, None);
    assert_eq!(
        set.requires_replace(),
        vec![Path::attr("environment_suffix")]
    );
}

#[test]
fn another_provider_region_replaces_the_stack_without_an_attribute_path() {
    let mut c = ctx();
    c.region = Some("us-west-2".into());
    let set = classify(
        &stack(),
        &config(),
        &c,
        &["us-west-2a".into(), "us-west-2b".into()],
    )
    .unwrap();
    assert_eq!(
        set.change(Attribute::Region).unwrap().effect,
        Effect::ReplaceStack
    );
    assert!(set.requires_replace().is_empty());
}

#[test]
fn a_new_instance_class_modifies_each_instance_in_place() {
    let set = changes(&with_database(|d| {
        d.instance_class = Input::Set("db.r6g.large".into())
    }));
    let c = only(&set, Attribute::DatabaseInstanceClass);
    assert_eq!(c.effect, Effect::Update);
    assert_eq!(
        lines(c),
        [
            "updates aurora instance 1 of 2",
            "updates aurora instance 2 of 2"
        ]
    );
    assert_eq!(c.summary, "updates 2 aurora instances");
}

#[test]
fn one_more_instance_creates_it_and_one_fewer_deletes_the_last() {
    let set = changes(&with_database(|d| d.instance_count = Input::Set(3)));
    let c = only(&set, Attribute::DatabaseInstanceCount);
    assert_eq!(c.effect, Effect::Update);
    assert_eq!(lines(c), ["creates aurora instance 3 of 3"]);
    assert!(c.notes.is_empty());

    let three = fixtures::build(&with_database(|d| d.instance_count = Input::Set(3)));
    let set = classify(&three, &config(), &ctx(), &zones()).unwrap();
    let c = only(&set, Attribute::DatabaseInstanceCount);
    assert_eq!(lines(c), ["deletes aurora instance 3 of 3"]);
    assert!(c.notes[0].contains("writer"), "{:?}", c.notes);
}

#[test]
fn a_new_cidr_block_replaces_the_network_and_everything_inside_it() {
    let set = changes(&StackConfig {
        network: Some(NetworkConfig {
            cidr_block: Input::Set("10.1.0.0/16".into()),
            ..NetworkConfig::default()
        }),
        ..config()
    });
    let c = only(&set, Attribute::NetworkCidrBlock);
    assert_eq!(c.effect, Effect::Replace);
    let by_action = |a: ComponentAction| -> Vec<&str> {
        c.components
            .iter()
            .filter(|x| x.action == a)
            .map(|x| x.id.as_str())
            .collect()
    };
    let replaced = by_action(ComponentAction::Replace);
    for id in [
        "vpc",
        "subnet/us-east-1a",
        "route_table",
        "route_table_association/us-east-1c",
        "security_group/database",
        "security_group_rule/lambda_to_endpoints",
        "vpc_endpoint/kms",
        "db_subnet_group",
        "db_cluster",
        "db_instance/1",
        "db_instance/2",
    ] {
        assert!(replaced.contains(&id), "{id} not replaced: {replaced:?}");
    }
    assert_eq!(replaced.len(), 1 + 3 + 1 + 3 + 3 + 4 + 2 + 1 + 1 + 2);
    assert_eq!(
        by_action(ComponentAction::Update),
        [
            "secret",
            "iam_role_policy/rotation",
            "lambda_function/rotation"
        ]
    );
    assert_eq!(
        c.summary,
        "replaces network (vpc, 3 subnets, route table, 3 route table associations, 3 security \
         groups, 4 security group rules, 2 vpc endpoints) and everything inside it (db subnet \
         group, aurora cluster, 2 aurora instances); updates secret, rotation role policy, \
         rotation function"
    );
    assert!(c.notes[0].contains("starts empty"));
    // Keys, logs, the trail and the secret's rotation are untouched.
    assert!(c
        .components
        .iter()
        .all(|x| !x.id.as_str().starts_with("kms_")));
}

#[test]
fn an_unknown_cidr_block_is_shown_as_unknown_with_what_a_change_would_do() {
    let set = changes(&StackConfig {
        network: Some(NetworkConfig {
            cidr_block: Input::Unknown,
            ..NetworkConfig::default()
        }),
        ..config()
    });
    let c = only(&set, Attribute::NetworkCidrBlock);
    assert_eq!(c.after, None);
    assert_eq!(c.effect, Effect::Replace);
    assert!(c.components.is_empty());
    assert!(c
        .summary
        .starts_with("known after apply; a change replaces the network"));
    assert!(
        set.components.is_empty(),
        "unknown values are never guessed"
    );
}

#[test]
fn swapping_the_last_zone_moves_its_subnet_and_updates_what_names_the_subnets() {
    let set = changes(&with_zones(&["us-east-1a", "us-east-1b", "us-east-1d"]));
    let c = only(&set, Attribute::NetworkAvailabilityZones);
    assert_eq!(c.effect, Effect::Update);
    assert_eq!(
        lines(c),
        [
            "deletes subnet in us-east-1c (10.0.32.0/20)",
            "deletes route table association of the subnet in us-east-1c",
            "updates secretsmanager vpc endpoint",
            "updates kms vpc endpoint",
            "updates db subnet group db-subnets-dev",
            "updates rotation role policy",
            "updates rotation function rotation-dev",
            "creates subnet in us-east-1d (10.0.32.0/20)",
            "creates route table association of the subnet in us-east-1d",
        ]
    );
}

#[test]
fn removing_a_middle_zone_replaces_subnets_whose_block_moves_and_instances_that_move() {
    let set = changes(&with_zones(&["us-east-1a", "us-east-1c"]));
    let c = only(&set, Attribute::NetworkAvailabilityZones);
    assert_eq!(c.effect, Effect::Replace);
    let l = lines(c);
    assert!(
        l.contains(&"replaces subnet in us-east-1c (10.0.32.0/20)".to_string()),
        "{l:#?}"
    );
    assert!(
        l.contains(&"replaces aurora instance 2 of 2".to_string()),
        "{l:#?}"
    );
    assert!(
        l.contains(&"deletes subnet in us-east-1b (10.0.16.0/20)".to_string()),
        "{l:#?}"
    );
    assert!(!l.iter().any(|x| x.contains("aurora instance 1")), "{l:#?}");
    assert!(!l.iter().any(|x| x.contains("aurora cluster")), "{l:#?}");
}

#[test]
fn an_engine_upgrade_is_in_place_and_a_downgrade_is_flagged() {
    let set = changes(&with_database(|d| {
        d.engine_version = Input::Set("8.0.mysql_aurora.3.09.0".into())
    }));
    let c = only(&set, Attribute::DatabaseEngineVersion);
    assert_eq!(lines(c), ["updates aurora cluster aurora-dev"]);
    assert!(c.notes[0].contains("upgrades in place"));

    let set = changes(&with_database(|d| {
        d.engine_version = Input::Set("8.0.mysql_aurora.3.05.2".into())
    }));
    let c = only(&set, Attribute::DatabaseEngineVersion);
    assert!(c.notes[0].contains("cannot downgrade"));
}

#[test]
fn a_new_database_name_or_master_user_replaces_the_cluster_and_its_instances() {
    for cfg in [
        with_database(|d| d.database_name = Input::Set("other".into())),
        with_database(|d| d.master_username = Input::Set("owner".into())),
    ] {
        let set = changes(&cfg);
        let c = &set.changes[0];
        assert_eq!(c.effect, Effect::Replace);
        assert_eq!(
            lines(c),
            [
                "updates secret secret-dev-database",
                "replaces aurora cluster aurora-dev",
                "replaces aurora instance 1 of 2",
                "replaces aurora instance 2 of 2",
            ]
        );
        assert!(c.notes.iter().any(|n| n.contains("starts empty")));
    }
}

#[test]
fn a_new_port_modifies_the_cluster_and_replaces_the_two_rules_for_it() {
    let set = changes(&with_database(|d| d.port = Input::Set(3307)));
    let c = only(&set, Attribute::DatabasePort);
    assert_eq!(c.effect, Effect::Replace);
    assert_eq!(
        lines(c),
        [
            "replaces security group rule: database from rotation function (port 3306)",
            "replaces security group rule: rotation function to database (port 3306)",
            "updates secret secret-dev-database",
            "updates aurora cluster aurora-dev",
        ]
    );
    assert!(c.notes[0].contains("restarting"));
}

#[test]
fn backup_retention_modifies_the_cluster() {
    let set = changes(&with_database(|d| d.backup_retention_days = Input::Set(14)));
    assert_eq!(
        lines(only(&set, Attribute::DatabaseBackupRetentionDays)),
        ["updates aurora cluster aurora-dev"]
    );
}

#[test]
fn tags_update_every_taggable_object_in_one_warning_line() {
    let mut cfg = config();
    cfg.tags = Input::Set(fixtures::tags(&[
        ("CostCenter", "FinancialServices"),
        ("Compliance", "PCI-DSS"),
        ("Owner", "alice"),
    ]));
    let set = changes(&cfg);
    let c = only(&set, Attribute::Tags);
    assert_eq!(c.effect, Effect::Update);
    assert_eq!(c.components.len(), 26);
    let warning = plan_warning(&set).unwrap();
    assert!(
        warning.detail.contains("\n  updates 26 objects"),
        "{}",
        warning.detail
    );
    assert_eq!(warning.detail.lines().count(), 2);
}

#[test]
fn a_default_tags_change_is_a_tags_change() {
    let mut c = ctx();
    c.default_tags = fixtures::tags(&[("Team", "security")]);
    let set = classify(&stack(), &config(), &c, &zones()).unwrap();
    assert_eq!(only(&set, Attribute::Tags).components.len(), 26);
}

#[test]
fn rotation_days_or_expression_update_the_rotation_schedule() {
    let set = changes(&with_rotation(|r| {
        r.automatically_after_days = Input::Set(10)
    }));
    let c = only(&set, Attribute::RotationAutomaticallyAfterDays);
    assert_eq!(lines(c), ["updates rotation schedule"]);
    assert_eq!(c.summary, "updates rotation schedule");

    let set = changes(&with_rotation(|r| {
        r.schedule_expression = Input::Set("rate(10 days)".into())
    }));
    assert_eq!(
        lines(only(&set, Attribute::RotationScheduleExpression)),
        ["updates rotation schedule"]
    );
}

#[test]
fn switching_from_days_to_an_expression_updates_the_schedule_once() {
    let prior = fixtures::build(&with_rotation(|r| {
        r.automatically_after_days = Input::Set(10)
    }));
    let proposed =
        with_rotation(|r| r.schedule_expression = Input::Set("cron(0 4 1 * ? *)".into()));
    let set = classify(&prior, &proposed, &ctx(), &zones()).unwrap();
    let attrs: Vec<Attribute> = set.changes.iter().map(|c| c.attribute).collect();
    assert_eq!(
        attrs,
        [
            Attribute::RotationAutomaticallyAfterDays,
            Attribute::RotationScheduleExpression
        ]
    );
    assert_eq!(set.components.len(), 1);
    assert_eq!(set.components[0].line(), "updates rotation schedule");
}

#[test]
fn function_settings_update_the_function_only() {
    for (cfg, attribute) in [
        (
            with_rotation(|r| r.runtime = Input::Set("nodejs20.x".into())),
            Attribute::RotationRuntime,
        ),
        (
            with_rotation(|r| r.timeout_seconds = Input::Set(60)),
            Attribute::RotationTimeoutSeconds,
        ),
        (
            with_rotation(|r| r.memory_mb = Input::Set(512)),
            Attribute::RotationMemoryMb,
        ),
        (
            with_rotation(|r| r.password_length = Input::Set(40)),
            Attribute::RotationPasswordLength,
        ),
        (
            with_rotation(|r| r.exclude_characters = Input::Set("/@\"'\\`".into())),
            Attribute::RotationExcludeCharacters,
        ),
    ] {
        let set = changes(&cfg);
        assert_eq!(
            lines(only(&set, attribute)),
            ["updates rotation function rotation-dev"],
            "{attribute}"
        );
    }
}

#[test]
fn rotate_immediately_changes_no_object_and_says_when_it_applies() {
    let set = changes(&with_rotation(|r| r.rotate_immediately = Input::Set(true)));
    let c = only(&set, Attribute::RotationRotateImmediately);
    assert_eq!(c.effect, Effect::NoOp);
    assert!(c.summary.contains("next configured"));
    assert!(plan_warning(&set).is_some());
}

#[test]
fn log_retention_updates_both_log_groups() {
    let set = changes(&StackConfig {
        logs: Some(LogsConfig {
            retention_in_days: Input::Set(90),
        }),
        ..config()
    });
    assert_eq!(
        lines(only(&set, Attribute::LogsRetentionInDays)),
        [
            "updates log group /aws/lambda/rotation-dev",
            "updates log group /vault/audit-dev"
        ]
    );
}

#[test]
fn the_kms_deletion_window_changes_nothing_until_destroy() {
    let set = changes(&StackConfig {
        kms: Some(KmsConfig {
            deletion_window_in_days: Input::Set(30),
        }),
        ..config()
    });
    let c = only(&set, Attribute::KmsDeletionWindowInDays);
    assert_eq!(c.effect, Effect::NoOp);
    assert!(c.summary.contains("destroy"));
    let warning = plan_warning(&set).unwrap();
    assert_eq!(
        warning.summary,
        "vault_secrets_stack: no object changes now"
    );
}

#[test]
fn turning_the_trail_off_deletes_it_with_its_bucket_and_filter() {
    let set = changes(&StackConfig {
        audit: Some(AuditConfig {
            cloudtrail: Input::Set(false),
        }),
        ..config()
    });
    let c = only(&set, Attribute::AuditCloudtrail);
    assert_eq!(c.effect, Effect::Update);
    assert_eq!(
        lines(c),
        [
            "updates logs kms key",
            "deletes audit bucket audit-dev-123456789012-us-east-1",
            "deletes audit bucket public access block",
            "deletes audit bucket encryption",
            "deletes audit bucket policy",
            "deletes cloudtrail role role-dev-cloudtrail",
            "deletes cloudtrail role policy",
            "deletes cloudtrail trail trail-dev",
            "deletes secret access metric filter",
        ]
    );
    assert!(c.notes[0].contains("log files"));
}

#[test]
fn turning_the_trail_on_creates_it() {
    let off = StackConfig {
        audit: Some(AuditConfig {
            cloudtrail: Input::Set(false),
        }),
        ..config()
    };
    let set = classify(&fixtures::build(&off), &config(), &ctx(), &zones()).unwrap();
    let c = only(&set, Attribute::AuditCloudtrail);
    assert_eq!(
        c.components
            .iter()
            .filter(|x| x.action == ComponentAction::Create)
            .count(),
        8
    );
    assert_eq!(lines(c)[0], "updates logs kms key");
}

#[test]
fn several_changes_are_listed_in_attribute_order_and_combined_per_object() {
    let mut cfg = with_database(|d| {
        d.instance_class = Input::Set("db.r6g.large".into());
        d.database_name = Input::Set("other".into());
    });
    cfg.logs = Some(LogsConfig {
        retention_in_days: Input::Set(90),
    });
    let set = changes(&cfg);
    let attrs: Vec<Attribute> = set.changes.iter().map(|c| c.attribute).collect();
    assert_eq!(
        attrs,
        [
            Attribute::DatabaseInstanceClass,
            Attribute::DatabaseName,
            Attribute::LogsRetentionInDays
        ]
    );
    assert_eq!(set.effect(), Effect::Replace);
    let instance_1 = set
        .components
        .iter()
        .find(|c| c.id.as_str() == "db_instance/1")
        .unwrap();
    assert_eq!(instance_1.action, ComponentAction::Replace);
    assert!(set.requires_replace().is_empty());
}

#[test]
fn every_classified_effect_stays_within_the_documented_rule() {
    let cases = [
        with_database(|d| d.instance_class = Input::Set("db.r6g.large".into())),
        with_database(|d| d.port = Input::Set(3307)),
        with_database(|d| d.master_username = Input::Set("owner".into())),
        with_rotation(|r| r.memory_mb = Input::Set(512)),
        with_zones(&["us-east-1a", "us-east-1c"]),
        StackConfig {
            audit: Some(AuditConfig {
                cloudtrail: Input::Set(false),
            }),
            ..config()
        },
    ];
    for cfg in cases {
        for c in changes(&cfg).changes {
            assert!(
                c.effect <= rule(c.attribute).worst,
                "{}: {:?}",
                c.attribute,
                c.effect
            );
        }
    }
}

#[test]
fn the_warning_lists_each_object_under_its_attribute() {
    let set = changes(&with_database(|d| d.instance_count = Input::Set(4)));
    let warning = plan_warning(&set).unwrap();
    assert_eq!(warning.severity, crate::Severity::Warning);
    assert_eq!(
        warning.summary,
        "vault_secrets_stack: objects will be updated (2 created, 0 updated, 0 replaced, 0 deleted)"
    );
    assert_eq!(
        warning.detail,
        "database.instance_count 2 -> 4:\n  creates aurora instance 3 of 4\n  creates aurora instance 4 of 4"
    );
}

#[test]
fn the_warning_says_first_that_replacing_the_network_replaces_everything_inside_it() {
    let set = changes(&StackConfig {
        network: Some(NetworkConfig {
            cidr_block: Input::Set("10.1.0.0/16".into()),
            ..NetworkConfig::default()
        }),
        ..config()
    });
    let warning = plan_warning(&set).unwrap();
    let lines: Vec<&str> = warning.detail.lines().collect();
    assert!(
        lines[0].starts_with(
            "network.cidr_block \"10.0.0.0/16\" -> \"10.1.0.0/16\": replaces network (vpc, "
        ),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].contains("and everything inside it"),
        "{}",
        lines[0]
    );
    assert_eq!(lines[1], "  replaces vpc vpc-dev");
}

#[test]
fn the_warning_names_a_single_object_on_its_attributes_line() {
    let set = changes(&with_database(|d| d.instance_count = Input::Set(3)));
    assert_eq!(
        plan_warning(&set).unwrap().detail,
        "database.instance_count 2 -> 3: creates aurora instance 3 of 3"
    );
}

#[test]
fn the_warning_for_a_replaced_stack_is_one_line_and_a_count() {
    let set = changes(&StackConfig {
        environment_suffix: Input::Set("prod".into()),
        ..config()
    });
    let warning = plan_warning(&set).unwrap();
    assert_eq!(
        warning.summary,
        "vault_secrets_stack: every object will be replaced (0 created, 0 updated, 44 replaced, 0 deleted)"
    );
    let lines: Vec<&str> = warning.detail.lines().collect();
    assert_eq!(
        lines[..2],
        [
            "environment_suffix \"dev\" -> \"prod\": renames every object: replaces the whole stack",
            "  replaces 44 objects",
        ]
    );
    assert!(lines[2].starts_with("  note: every object is deleted"));
}

#[test]
fn the_warning_shows_unknown_values_as_unknown() {
    let set = changes(&with_database(|d| d.instance_class = Input::Unknown));
    let warning = plan_warning(&set).unwrap();
    assert_eq!(
        warning.detail,
        "database.instance_class \"db.t3.medium\" -> (known after apply): known after apply; a \
         change modifies each Aurora instance in place"
    );
}

#[test]
fn the_warning_for_a_replacement_names_every_object_and_the_data_loss() {
    let set = changes(&with_database(|d| {
        d.database_name = Input::Set("other".into())
    }));
    let warning = plan_warning(&set).unwrap();
    assert_eq!(
        warning.summary,
        "vault_secrets_stack: objects will be replaced (0 created, 1 updated, 3 replaced, 0 deleted)"
    );
    assert_eq!(
        warning.detail.lines().collect::<Vec<_>>(),
        [
            "database.database_name \"app\" -> \"other\":",
            "  updates secret secret-dev-database",
            "  replaces aurora cluster aurora-dev",
            "  replaces aurora instance 1 of 2",
            "  replaces aurora instance 2 of 2",
            "  note: the new Aurora cluster starts empty: the old one is deleted without a final snapshot (skip_final_snapshot = true)",
        ]
    );
}

#[test]
fn unknown_values_that_cannot_change_any_object_are_not_reported() {
    let set = changes(&StackConfig {
        kms: Some(KmsConfig {
            deletion_window_in_days: Input::Unknown,
        }),
        timeouts: Some(TimeoutsConfig {
            delete: Input::Unknown,
            ..TimeoutsConfig::default()
        }),
        ..config()
    });
    assert!(set.is_empty(), "{set:#?}");
}

#[test]
fn the_warning_summary_counts_objects_by_action_before_the_list() {
    // Issue 17's change on a two-zone stack: one zone swapped, the rotation days changed.
    let two = fixtures::build(&with_zones(&["us-east-1a", "us-east-1b"]));
    let mut proposed = with_zones(&["us-east-1a", "us-east-1c"]);
    proposed.rotation = Some(RotationConfig {
        automatically_after_days: Input::Set(7),
        ..RotationConfig::default()
    });
    let set = classify(&two, &proposed, &ctx(), &zones()).unwrap();
    let warning = plan_warning(&set).unwrap();
    assert_eq!(
        warning.summary,
        "vault_secrets_stack: objects will be replaced (2 created, 6 updated, 1 replaced, 2 deleted)"
    );
    // Each object once: ten under the zones, the one of the days on its attribute's line.
    let lines: Vec<&str> = warning.detail.lines().collect();
    assert_eq!(lines.len(), 12, "{}", warning.detail);
    assert!(
        lines[0].ends_with("[\"us-east-1a\", \"us-east-1c\"]:"),
        "{}",
        lines[0]
    );
    assert!(lines[1..11].iter().all(|l| l.starts_with("  ")));
    assert_eq!(
        lines[11],
        "rotation.automatically_after_days 30 -> 7: updates rotation schedule"
    );
}

#[test]
fn the_warning_counts_only_known_changes_and_says_so() {
    let set = changes(&with_database(|d| {
        d.instance_class = Input::Unknown;
        d.backup_retention_days = Input::Set(14);
    }));
    assert_eq!(
        plan_warning(&set).unwrap().summary,
        "vault_secrets_stack: objects will be updated (known so far: 0 created, 1 updated, 0 \
         replaced, 0 deleted)"
    );
}

#[test]
fn the_warning_names_the_rotation_statements_known_only_after_apply() {
    let mut set = changes(&with_zones(&["us-east-1a", "us-east-1b", "us-east-1d"]));
    set.rotation_statements_after_apply = vec!["CreateNetworkInterfacesInStackSubnets".into()];
    let warning = plan_warning(&set).unwrap();
    assert_eq!(
        warning.detail.lines().last(),
        Some(
            "rotation_policy_json is known after apply (it will name ids AWS assigns then): \
             changes statement CreateNetworkInterfacesInStackSubnets"
        )
    );
}

fn alternating() -> StackConfig {
    with_rotation(|r| r.strategy = Input::Set("alternating_users".into()))
}

#[test]
fn switching_to_alternating_users_creates_the_app_secret_in_place_and_the_warning_names_it() {
    let set = changes(&alternating());
    let c = only(&set, Attribute::RotationStrategy);
    assert_eq!(c.effect, Effect::Update);
    assert!(set.requires_replace().is_empty());
    let l = lines(c);
    for expected in [
        "creates secret secret-dev-app",
        "creates secrets manager invoke permission for the app secret",
        "creates app secret rotation schedule",
        "updates rotation role policy",
        "updates secretsmanager vpc endpoint",
        "updates secrets kms key",
    ] {
        assert!(
            l.iter().any(|line| line.starts_with(expected)),
            "{expected:?} not in {l:#?}"
        );
    }
    assert!(
        !l.contains(&"updates secrets manager invoke permission".to_string()),
        "the master secret's permission is unchanged: {l:#?}"
    );
    let warning = plan_warning(&set).unwrap();
    assert!(
        warning.detail.contains("secret-dev-app"),
        "{}",
        warning.detail
    );
    assert!(
        warning.detail.contains("app secret rotation schedule"),
        "{}",
        warning.detail
    );
}

#[test]
fn switching_back_to_single_user_deletes_the_app_secret_in_place() {
    let prior = fixtures::build(&alternating());
    let set = classify(&prior, &config(), &ctx(), &zones()).unwrap();
    let c = only(&set, Attribute::RotationStrategy);
    assert_eq!(c.effect, Effect::Update);
    let l = lines(c);
    for expected in [
        "deletes secret secret-dev-app",
        "deletes secrets manager invoke permission for the app secret",
        "deletes app secret rotation schedule",
    ] {
        assert!(
            l.iter().any(|line| line.starts_with(expected)),
            "{expected:?} not in {l:#?}"
        );
    }
}

#[test]
fn another_app_username_replaces_the_app_secret_and_its_rotation_only() {
    let prior = fixtures::build(&alternating());
    let set = classify(
        &prior,
        &with_rotation(|r| {
            r.strategy = Input::Set("alternating_users".into());
            r.app_username = Input::Set("orders".into());
        }),
        &ctx(),
        &zones(),
    )
    .unwrap();
    let c = only(&set, Attribute::RotationAppUsername);
    assert_eq!(c.effect, Effect::Replace);
    let l = lines(c);
    assert!(
        l.iter()
            .any(|line| line.starts_with("replaces secret secret-dev-app")),
        "{l:#?}"
    );
    assert!(
        !l.iter().any(|line| line.contains("secret-dev-database")),
        "{l:#?}"
    );
    assert!(!l.iter().any(|line| line.contains("aurora")), "{l:#?}");
}

#[test]
fn an_app_username_with_single_user_is_not_a_change() {
    assert!(changes(&with_rotation(
        |r| r.app_username = Input::Set("orders".into())
    ))
    .is_empty());
}

#[test]
fn switching_from_alternating_users_with_a_named_user_to_single_user_deletes_the_app_secret() {
    let prior = fixtures::build(&with_rotation(|r| {
        r.strategy = Input::Set("alternating_users".into());
        r.app_username = Input::Set("orders".into());
    }));
    let set = classify(&prior, &config(), &ctx(), &zones()).unwrap();
    let strategy = only(&set, Attribute::RotationStrategy);
    assert!(lines(strategy)
        .iter()
        .any(|l| l.starts_with("deletes secret secret-dev-app")));
    // The user no longer matters once the app secret is gone: no replacement is planned.
    assert!(
        set.components
            .iter()
            .all(|c| c.action != ComponentAction::Replace),
        "{set:#?}"
    );
}
