//! The user's path (SPEC §6): `examples/modules/secrets-platform` under its own `terraform test`
//! files against moto, and the `dev` and `prod` roots that reuse it.

use std::fs;
use std::path::Path;

use serde_json::Value as Json;

use crate::harness::{repo_root, verify, Cli, Moto, Workspace};

const MODULE: &str = "examples/modules/secrets-platform";

/// Copies a directory tree (no `.terraform` or state of a developer's own runs).
fn copy_tree(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let name = e.file_name();
        let name = name.to_string_lossy();
        if name.starts_with(".terraform") || name.starts_with("terraform.tfstate") {
            continue;
        }
        if e.file_type().unwrap().is_dir() {
            copy_tree(&e.path(), &to.join(&*name));
        } else {
            fs::copy(e.path(), to.join(&*name)).unwrap();
        }
    }
}

fn run_names(dir: &Path) -> Vec<String> {
    let mut names = Vec::new();
    for e in fs::read_dir(dir).unwrap().flatten() {
        if e.path().extension().is_some_and(|x| x == "hcl") {
            for line in fs::read_to_string(e.path()).unwrap().lines() {
                if let Some(rest) = line.strip_prefix("run \"") {
                    names.push(rest.split('"').next().unwrap().to_string());
                }
            }
        }
    }
    names
}

#[test]
fn secrets_platform_module_passes_its_terraform_test_plan_and_apply_runs() {
    let moto = crate::harness::aws();
    let ws = Workspace::new(Cli::V1_15);
    copy_tree(&repo_root().join(MODULE), &ws.path());
    ws.init();
    let runs = run_names(&ws.path().join("tests"));
    assert!(runs.len() >= 4, "run blocks found: {runs:?}");

    // The test files configure no endpoint: the provider takes AWS_ENDPOINT_URL, as a user
    // pointing `terraform test` at an emulator would.
    let started = std::time::Instant::now();
    let test = ws.run_with(
        &["test", "-no-color"],
        &[("AWS_ENDPOINT_URL", moto.url.as_str())],
    );
    eprintln!("terraform test: {:.1?}", started.elapsed());
    let all = format!("{}{}", test.stdout, test.stderr);
    assert_eq!(test.code, 0, "terraform test failed:\n{all}");
    assert!(
        all.contains(&format!("Success! {} passed, 0 failed.", runs.len())),
        "{all}"
    );
    for run in &runs {
        assert!(
            all.contains(&format!("run \"{run}\"... pass")),
            "{run} passes:\n{all}"
        );
    }
    // The plan-only file asks for a single instance; the provider warns in that run's plan.
    assert!(all.contains("A single instance has no failover"), "{all}");

    // terraform test destroys what its apply runs created.
    let left = verify(&moto, &["tftest", "--nothing-left"]);
    assert_eq!(left.code, 0, "left behind:\n{}{}", left.stdout, left.stderr);
}

/// `examples/environments/<env>` planned against moto; the module is copied next to it so
/// that its relative `source` resolves as in the repository.
fn plan_environment(cli: Cli, moto: &Moto, env: &str) -> (Json, String) {
    let ws = Workspace::new(cli);
    let tree = ws.path().join("examples");
    copy_tree(
        &repo_root().join(MODULE),
        &tree.join("modules/secrets-platform"),
    );
    copy_tree(
        &repo_root().join("examples/environments").join(env),
        &tree.join("environments").join(env),
    );
    let root = tree.join("environments").join(env);
    // Terraform runs in the workspace; -chdir (Terraform >= 0.14) points it at the root.
    let chdir = format!("-chdir={}", root.display());
    let init = ws.run(&[&chdir, "init", "-input=false", "-no-color"]);
    assert_eq!(
        init.code, 0,
        "{env} init:\n{}\n{}",
        init.stdout, init.stderr
    );
    let var = format!("aws_endpoint={}", moto.url);
    let plan = ws.run(&[
        &chdir,
        "plan",
        "-input=false",
        "-no-color",
        "-out=tfplan",
        "-var",
        &var,
    ]);
    assert_eq!(
        plan.code, 0,
        "{env} plan:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    let show = ws.run(&[&chdir, "show", "-json", "tfplan"]);
    assert_eq!(show.code, 0, "{}", show.stderr);
    let doc: Json = serde_json::from_str(&show.stdout).unwrap();
    let stack = doc["planned_values"]["root_module"]["child_modules"]
        .as_array()
        .and_then(|m| m.iter().find(|m| m["address"] == "module.secrets"))
        .and_then(|m| m["resources"].as_array())
        .and_then(|r| {
            r.iter()
                .find(|r| r["address"] == "module.secrets.vault_secrets_stack.this")
        })
        .unwrap_or_else(|| panic!("{env}: no stack in the plan: {doc}"))["values"]
        .clone();
    (stack, format!("{}{}", plan.stdout, plan.stderr))
}

fn dev_and_prod_reuse_the_module_with_their_own_sizes_zones_tags_and_schedules(cli: Cli) {
    let moto = crate::harness::aws();
    let (dev, dev_plan) = plan_environment(cli, &moto, "dev");
    let (prod, prod_plan) = plan_environment(cli, &moto, "prod");

    assert_eq!(dev["environment_suffix"], "dev");
    assert_eq!(prod["environment_suffix"], "prod");
    assert_eq!(dev["database"][0]["instance_count"], 1, "{dev}");
    assert_eq!(prod["database"][0]["instance_count"], 3, "{prod}");
    assert_eq!(prod["database"][0]["instance_class"], "db.r6g.large");
    assert_eq!(
        dev["network"][0]["availability_zones"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );
    assert_eq!(
        prod["network"][0]["availability_zones"]
            .as_array()
            .map(Vec::len),
        Some(3)
    );
    assert_eq!(dev["rotation"][0]["automatically_after_days"], 30);
    assert!(dev["rotation"][0]["schedule_expression"].is_null(), "{dev}");
    assert_eq!(
        prod["rotation"][0]["schedule_expression"],
        "cron(0 4 ? * SUN *)"
    );
    assert!(prod["rotation"][0]["automatically_after_days"].is_null());
    assert_eq!(dev["tags"]["DataClass"], "test");
    assert_eq!(prod["tags"]["DataClass"], "confidential");
    for (env, stack) in [("dev", &dev), ("prod", &prod)] {
        assert_eq!(stack["tags"]["CostCenter"], "FinancialServices", "{env}");
        assert_eq!(stack["tags"]["Compliance"], "PCI-DSS", "{env}");
    }
    // Only dev runs a single instance, and its plan says what that costs.
    assert!(
        dev_plan.contains("A single instance has no failover"),
        "{dev_plan}"
    );
    assert!(
        !prod_plan.contains("A single instance has no failover"),
        "{prod_plan}"
    );
}

#[test]
fn dev_and_prod_reuse_the_module_with_their_own_sizes_zones_tags_and_schedules_on_terraform_1_0() {
    dev_and_prod_reuse_the_module_with_their_own_sizes_zones_tags_and_schedules(Cli::V1_0);
}

#[test]
fn dev_and_prod_reuse_the_module_with_their_own_sizes_zones_tags_and_schedules_on_terraform_1_15() {
    dev_and_prod_reuse_the_module_with_their_own_sizes_zones_tags_and_schedules(Cli::V1_15);
}
