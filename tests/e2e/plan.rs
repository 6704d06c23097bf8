//! `examples/basic` through `init`, `validate` and `plan`, and the schema Terraform sees.

use std::fs;

use serde_json::Value as Json;

use crate::harness::{repo_root, Cli, Workspace, SOURCE};

fn basic_example(cli: Cli) -> Workspace {
    let ws = Workspace::new(cli);
    let main = fs::read_to_string(repo_root().join("examples/basic/main.tf")).unwrap();
    ws.write("main.tf", &main);
    ws.init();
    ws
}

fn examples_basic_validates_and_plans_one_stack_reading_but_creating_nothing(cli: Cli) {
    let moto = crate::harness::aws();
    let ws = basic_example(cli);
    let v = ws.run(&["validate", "-json", "-no-color"]);
    let doc: Json = serde_json::from_str(&v.stdout).unwrap();
    assert_eq!(doc["valid"], true, "{cli:?} validate: {}", v.stdout);
    let var = format!("aws_endpoint={}", moto.url);
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    assert_eq!(
        plan.code, 0,
        "{cli:?} plan:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    assert!(
        plan.stdout
            .contains("Plan: 1 to add, 0 to change, 0 to destroy."),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .lines()
            .any(|l| l.contains("+ secret_arn") && l.ends_with("= (known after apply)")),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout.contains("\"vault:stack\" = \"dev\""),
        "{}",
        plan.stdout
    );
    // The plan reads and writes nothing: the credential check at configure (STS), whether a
    // complete stack of this suffix exists (EC2), what the zones offer (zones, endpoint
    // services, orderable instance classes) and whether the region has room for the trail
    // (CloudTrail).
    let requests = moto.aws_requests();
    assert!(requests.len() <= 6, "{requests:?}");
    let counts = crate::harness::verify(&moto, &["dev", "--count"]);
    let counts: Json = serde_json::from_str(&counts.stdout).unwrap();
    assert!(
        counts.as_object().unwrap().values().all(|n| n == 0),
        "{counts}"
    );
}

#[test]
fn examples_basic_validates_and_plans_one_stack_reading_but_creating_nothing_on_terraform_1_0() {
    examples_basic_validates_and_plans_one_stack_reading_but_creating_nothing(Cli::V1_0);
}

#[test]
fn examples_basic_validates_and_plans_one_stack_reading_but_creating_nothing_on_terraform_1_15() {
    examples_basic_validates_and_plans_one_stack_reading_but_creating_nothing(Cli::V1_15);
}

fn nodejs18_plans_with_a_deprecation_warning(cli: Cli) {
    let ws = basic_example(cli);
    // Planned offline (no AWS endpoint), as CI validates a change: the credential check is
    // skipped.
    let main = fs::read_to_string(ws.path().join("main.tf"))
        .unwrap()
        .replace(
            "automatically_after_days = 30",
            "automatically_after_days = 30\n    runtime = \"nodejs18.x\"",
        )
        .replace(
            "  region       = \"us-east-1\"\n",
            "  region       = \"us-east-1\"\n  skip_credentials_validation = true\n",
        );
    ws.write("main.tf", &main);
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    assert_eq!(plan.code, 0, "{cli:?}:\n{}\n{}", plan.stdout, plan.stderr);
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(all.contains("Warning: nodejs18.x is deprecated"), "{all}");
}

#[test]
fn nodejs18_plans_with_a_deprecation_warning_on_terraform_1_0() {
    nodejs18_plans_with_a_deprecation_warning(Cli::V1_0);
}

#[test]
fn nodejs18_plans_with_a_deprecation_warning_on_terraform_1_15() {
    nodejs18_plans_with_a_deprecation_warning(Cli::V1_15);
}

/// Every attribute and block, nested ones included, with its description.
fn undescribed(block: &Json, at: &str, out: &mut Vec<String>) {
    for (name, a) in block["attributes"].as_object().into_iter().flatten() {
        if a["description"].as_str().is_none_or(str::is_empty) {
            out.push(format!("{at}{name}"));
        }
    }
    for (name, b) in block["block_types"].as_object().into_iter().flatten() {
        if b["block"]["description"].as_str().is_none_or(str::is_empty) {
            out.push(format!("{at}{name}"));
        }
        undescribed(&b["block"], &format!("{at}{name}."), out);
    }
}

#[test]
fn providers_schema_json_shows_the_spec_schema_with_descriptions() {
    let ws = basic_example(Cli::V1_15);
    let run = ws.run(&["providers", "schema", "-json"]);
    assert_eq!(run.code, 0, "{}", run.stderr);
    let doc: Json = serde_json::from_str(&run.stdout).unwrap();
    let provider = &doc["provider_schemas"][SOURCE];
    let stack = &provider["resource_schemas"]["vault_secrets_stack"]["block"];
    let mut missing = Vec::new();
    undescribed(&provider["provider"]["block"], "provider.", &mut missing);
    undescribed(stack, "vault_secrets_stack.", &mut missing);
    assert!(
        missing.is_empty(),
        "attributes without description: {missing:?}"
    );

    let attrs = &stack["attributes"];
    assert_eq!(attrs["environment_suffix"]["required"], true);
    for output in [
        "id",
        "secret_arn",
        "secret_name",
        "vpc_id",
        "private_subnet_ids",
        "security_group_ids",
        "vpc_endpoint_ids",
        "kms_key_arns",
        "cluster_arn",
        "cluster_endpoint",
        "reader_endpoint",
        "rotation_lambda_arn",
        "rotation_role_arn",
        "log_group_names",
        "rotation_policy_json",
        "components",
    ] {
        assert_eq!(
            attrs[output]["computed"], true,
            "{output} is a computed output"
        );
    }
    let blocks = &stack["block_types"];
    for (block, inner) in [
        ("network", vec!["cidr_block", "availability_zones"]),
        (
            "database",
            vec![
                "engine_version",
                "instance_class",
                "instance_count",
                "database_name",
                "master_username",
                "port",
                "backup_retention_days",
            ],
        ),
        (
            "rotation",
            vec![
                "automatically_after_days",
                "schedule_expression",
                "duration",
                "runtime",
                "timeout_seconds",
                "memory_mb",
                "exclude_characters",
                "password_length",
                "rotate_immediately",
            ],
        ),
        ("logs", vec!["retention_in_days"]),
        ("kms", vec!["deletion_window_in_days"]),
        ("audit", vec!["cloudtrail"]),
        ("timeouts", vec!["create", "update", "delete"]),
    ] {
        assert_eq!(
            blocks[block]["max_items"], 1,
            "{block} is written at most once"
        );
        for a in inner {
            assert!(
                blocks[block]["block"]["attributes"][a].is_object(),
                "{block}.{a}"
            );
        }
    }
    assert_eq!(
        blocks["database"]["block"]["attributes"]["master_username"]["sensitive"],
        true
    );
    let p = &provider["provider"]["block"];
    for a in ["region", "profile", "default_tags", "max_retries"] {
        assert!(p["attributes"][a].is_object(), "provider.{a}");
    }
    for s in crate::harness::SERVICES {
        assert!(
            p["block_types"]["endpoints"]["block"]["attributes"][s].is_object(),
            "endpoints.{s}"
        );
    }
}

#[test]
fn moto_request_log_counts_an_aws_call_answered_or_refused() {
    // The control for every "no AWS request" assertion: a real call does show up.
    let moto = crate::harness::aws();
    assert!(moto.aws_requests().is_empty());
    let reply = moto.call_sts("GetCallerIdentity");
    assert!(reply.contains("123456789012"), "{reply}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(moto.aws_requests().len(), 1, "{:?}", moto.aws_requests());
    // A refused call counts too (its log line is coloured).
    let reply = moto.call_sts("NoSuchAction");
    assert!(!reply.starts_with("HTTP/1.1 200"), "{reply}");
    std::thread::sleep(std::time::Duration::from_millis(200));
    assert_eq!(moto.aws_requests().len(), 2, "{:?}", moto.aws_requests());
}

fn policy_document_plan_prints_the_policies(cli: Cli) {
    let moto = crate::harness::aws();
    let ws = Workspace::new(cli);
    let main = fs::read_to_string(repo_root().join("examples/provider/provider.tf"))
        .unwrap()
        .replace(
            "  profile = \"prod\" # optional: otherwise the standard AWS credential chain\n",
            "",
        )
        .replace(
            "  # endpoints {\n  #   ec2 = \"http://127.0.0.1:5000\"\n  # }",
            &format!("  endpoints {{\n    sts = \"{}\"\n  }}", moto.url),
        );
    let data = fs::read_to_string(
        repo_root().join("examples/data-sources/vault_policy_document/data-source.tf"),
    )
    .unwrap();
    ws.write("main.tf", &format!("{main}\n{data}"));
    ws.init();
    let plan = ws.run(&["plan", "-input=false", "-no-color"]);
    assert_eq!(plan.code, 0, "{cli:?}:\n{}\n{}", plan.stdout, plan.stderr);
    for needle in [
        "rotation_role_policy",
        "secretsmanager:GetRandomPassword",
        "arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-prod-database-??????",
        "kms:ViaService",
        "database-key",
        "logs-key",
        "secrets-key",
    ] {
        assert!(
            plan.stdout.contains(needle),
            "{cli:?}: plan lacks {needle}:\n{}",
            plan.stdout
        );
    }
    // Only the caller identity was looked up.
    let calls = moto.aws_requests();
    assert_eq!(calls.len(), 1, "{calls:?}");
}

#[test]
fn policy_document_plan_prints_the_policies_on_terraform_1_0() {
    policy_document_plan_prints_the_policies(Cli::V1_0);
}

#[test]
fn policy_document_plan_prints_the_policies_on_terraform_1_15() {
    policy_document_plan_prints_the_policies(Cli::V1_15);
}

/// `terraform apply` (or `apply <saved plan>`), which must succeed.
fn apply(ws: &Workspace, args: &[&str], what: &str) {
    let mut all = vec!["apply", "-auto-approve", "-input=false", "-no-color"];
    all.extend_from_slice(args);
    let run = ws.run(&all);
    assert_eq!(
        run.code, 0,
        "{:?} {what}:\n{}\n{}",
        ws.cli, run.stdout, run.stderr
    );
}

/// Issue 17's change on a two-zone stack: one zone swapped, the rotation days changed. The saved
/// plan marks unknown only the entries that change, keeps what is kept known, plans `drift`
/// empty, and Terraform accepts the applied values as conforming to it.
fn a_zone_swap_plans_only_the_changed_entries_unknown_and_applies_as_planned(cli: Cli) {
    // The swap modifies the DB subnet group, which unfixed moto then loses.
    let moto = crate::harness::aws();
    let ws = basic_example(cli);
    let var = format!("aws_endpoint={}", moto.url);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let two_zones = main.replace(
        "[\"us-east-1a\", \"us-east-1b\", \"us-east-1c\"]",
        "[\"us-east-1a\", \"us-east-1b\"]",
    );
    assert_ne!(two_zones, main, "examples/basic names three zones");
    ws.write("main.tf", &two_zones);
    apply(&ws, &["-var", &var], "apply of the two-zone stack");
    let show: Json = serde_json::from_str(&ws.run(&["show", "-json"]).stdout).unwrap();
    let before = show["values"]["root_module"]["resources"][0]["values"].clone();

    let swapped = two_zones
        .replace("\"us-east-1b\"]", "\"us-east-1c\"]")
        .replace(
            "automatically_after_days = 30",
            "automatically_after_days = 7",
        );
    ws.write("main.tf", &swapped);
    let plan = ws.run(&[
        "plan",
        "-out=tfplan",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(
        plan.code, 0,
        "{cli:?} plan:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    eprintln!(
        "{cli:?}: the plan of the zone swap is {} lines",
        plan.stdout.lines().count()
    );
    assert!(
        plan.stdout.contains(
            "Warning: vault_secrets_stack: objects will be replaced (2 created, 6 updated, 1 \
             replaced, 2 deleted)"
        ),
        "{}",
        plan.stdout
    );
    assert!(
        plan.stdout
            .contains("changes statement CreateNetworkInterfacesInStackSubnets"),
        "{}",
        plan.stdout
    );
    // Terraform hides the kept entries itself: none of them is listed.
    assert!(
        !plan.stdout.contains("\"kms_key/secrets\""),
        "{}",
        plan.stdout
    );

    let show = ws.run(&["show", "-json", "tfplan"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let doc: Json = serde_json::from_str(&show.stdout).unwrap();
    let change = &doc["resource_changes"][0]["change"];
    assert_eq!(change["actions"], serde_json::json!(["update"]), "{change}");
    let (after, unknown) = (&change["after"], &change["after_unknown"]);
    assert_eq!(
        unknown["components"],
        serde_json::json!({
            "db_instance/2": true,
            "route_table_association/us-east-1c": true,
            "subnet/us-east-1c": true,
        }),
        "only the replaced and new entries are unknown"
    );
    // `after` holds the known values: every kept entry with its id, nothing of the deleted ones.
    let planned: std::collections::BTreeMap<&String, &Json> = after["components"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, id)| !id.is_null())
        .collect();
    let kept: std::collections::BTreeMap<&String, &Json> = before["components"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(name, _)| {
            ![
                "subnet/us-east-1b",
                "route_table_association/us-east-1b",
                "db_instance/2",
            ]
            .contains(&name.as_str())
        })
        .collect();
    assert_eq!(planned, kept);
    assert_eq!(after["cluster_endpoint"], before["cluster_endpoint"]);
    assert!(after["cluster_endpoint"].is_string());
    assert!(unknown.get("cluster_endpoint").is_none(), "{unknown}");
    assert_eq!(
        after["private_subnet_ids"][0],
        before["private_subnet_ids"][0]
    );
    assert_eq!(
        unknown["private_subnet_ids"],
        serde_json::json!([false, true])
    );
    assert_eq!(after["drift"], serde_json::json!([]));
    // A known collection's `after_unknown` is its shape with nothing marked; an unknown one's
    // is `true`.
    assert_eq!(unknown["drift"], serde_json::json!([]), "{unknown}");
    for kept in ["secret_arn", "vpc_id", "cluster_arn", "rotation_lambda_arn"] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
        assert!(unknown.get(kept).is_none(), "{kept}: {unknown}");
    }
    for kept in [
        "security_group_ids",
        "kms_key_arns",
        "log_group_names",
        "vpc_endpoint_ids",
    ] {
        assert_eq!(after[kept], before[kept], "{kept} is kept");
        assert_eq!(unknown[kept], serde_json::json!({}), "{kept}: {unknown}");
    }
    // The new subnet's id is assigned at apply, and the role policy names it.
    assert_eq!(unknown["rotation_policy_json"], true);

    // Terraform checks the applied values against the plan: every known value must match.
    apply(&ws, &["tfplan"], "apply of the saved plan");
    let replan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(
        replan.code, 0,
        "{cli:?} converged:\n{}\n{}",
        replan.stdout, replan.stderr
    );
    let destroy = ws.run(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(destroy.code, 0, "{}\n{}", destroy.stdout, destroy.stderr);
}

#[test]
fn a_zone_swap_plans_only_the_changed_entries_unknown_and_applies_as_planned_on_terraform_1_0() {
    a_zone_swap_plans_only_the_changed_entries_unknown_and_applies_as_planned(Cli::V1_0);
}

#[test]
fn a_zone_swap_plans_only_the_changed_entries_unknown_and_applies_as_planned_on_terraform_1_15() {
    a_zone_swap_plans_only_the_changed_entries_unknown_and_applies_as_planned(Cli::V1_15);
}
