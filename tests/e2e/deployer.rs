//! The deployer policy does not rot: a whole lifecycle (apply, no-op plan, update, import,
//! destroy) runs with the provider's DEBUG log on, every AWS operation it called is read from
//! the log's "AWS call <service>.<operation>" lines, and the policy `deployer_policy_json`
//! returns must grant each one's IAM actions and nothing the lifecycle never needed.

use std::collections::BTreeSet;
use std::fs;

use serde_json::Value;
use vault_core::policy::deployer::{actions_of_call, NOT_EXERCISED};

use crate::apply::{basic, ok};
use crate::harness::{Cli, Workspace};

/// `(service, operation)` of every AWS call line in a Terraform log.
fn calls_in(log: &str) -> BTreeSet<(String, String)> {
    log.lines()
        .filter_map(|l| {
            let rest = &l[l.find("AWS call ")? + "AWS call ".len()..];
            let call = rest.split(": ").next().unwrap_or(rest).trim();
            let (service, operation) = call.rsplit_once('.')?;
            Some((service.to_string(), operation.to_string()))
        })
        .collect()
}

/// Every action an Allow statement of the policy grants.
fn granted(policy: &Value) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for s in policy["Statement"].as_array().unwrap() {
        assert_eq!(s["Effect"], "Allow");
        match &s["Action"] {
            Value::String(a) => {
                out.insert(a.clone());
            }
            Value::Array(a) => out.extend(a.iter().map(|v| v.as_str().unwrap().to_string())),
            other => panic!("unexpected Action {other}"),
        }
    }
    out
}

fn step(ws: &Workspace, log: &std::path::Path, args: &[&str], what: &str) -> String {
    let env = [
        ("TF_LOG_PROVIDER", "DEBUG"),
        ("TF_LOG_PATH", log.to_str().unwrap()),
    ];
    let run = ws.run_with(args, &env);
    ok(&run, what);
    fs::read_to_string(log).unwrap_or_default()
}

const POLICY_DATA: &str = r#"
data "vault_policy_document" "deployer" {
  environment_suffix = "dev"
  tags = {
    CostCenter = "FinancialServices"
    Compliance = "PCI-DSS"
  }
}

output "deployer_policy" {
  value = data.vault_policy_document.deployer.deployer_policy_json
}
"#;

#[test]
fn the_deployer_policy_grants_exactly_what_a_whole_lifecycle_calls_on_terraform_1_15() {
    let moto = crate::harness::aws();
    let (ws, var) = basic(Cli::V1_15, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    ws.write("main.tf", &format!("{main}{POLICY_DATA}"));
    let logs = ws.dir.path().join("logs");
    fs::create_dir(&logs).unwrap();
    let apply_args = crate::apply::apply_args(&var);
    let mut log = String::new();

    log += &step(&ws, &logs.join("apply.log"), &apply_args, "apply");
    let policy: Value =
        serde_json::from_str(&ws.run(&["output", "-raw", "deployer_policy"]).stdout).unwrap();

    let plan = [
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ];
    log += &step(&ws, &logs.join("plan.log"), &plan, "a no-op plan");

    // Updates: a rotation schedule, the instance class and a new tag on every object, then the
    // tag removed again.
    let updated = format!("{main}{POLICY_DATA}")
        .replace(
            "automatically_after_days = 30",
            "automatically_after_days = 7",
        )
        .replace("db.t3.medium", "db.r6g.large");
    ws.write(
        "main.tf",
        &updated.replace(
            "Compliance = \"PCI-DSS\"\n  }\n\n  network",
            "Compliance = \"PCI-DSS\"\n    Owner      = \"ci\"\n  }\n\n  network",
        ),
    );
    log += &step(&ws, &logs.join("update.log"), &apply_args, "update");
    ws.write("main.tf", &updated);
    log += &step(&ws, &logs.join("untag.log"), &apply_args, "removing a tag");

    let (imported, var2) = basic(Cli::V1_15, &moto);
    let import = crate::apply::import_args(&var2);
    log += &step(&imported, &logs.join("import.log"), &import, "import");

    let destroy = [
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ];
    log += &step(&ws, &logs.join("destroy.log"), &destroy, "destroy");

    let calls = calls_in(&log);
    assert!(calls.len() > 50, "the log names the calls: {calls:?}");
    let unknown: Vec<_> = calls
        .iter()
        .filter(|(s, o)| actions_of_call(s, o).is_empty())
        .collect();
    assert!(
        unknown.is_empty(),
        "calls missing from vault_core::policy::deployer::OPERATIONS: {unknown:?}"
    );
    let needed: BTreeSet<String> = calls
        .iter()
        .flat_map(|(s, o)| actions_of_call(s, o))
        .map(str::to_string)
        .collect();
    let granted = granted(&policy);
    let missing: Vec<_> = needed.difference(&granted).collect();
    assert!(
        missing.is_empty(),
        "called but not granted by deployer_policy_json: {missing:?}"
    );
    let reviewed: BTreeSet<String> = NOT_EXERCISED.iter().map(|(a, _)| a.to_string()).collect();
    let never_called: Vec<_> = granted
        .difference(&needed)
        .filter(|a| !reviewed.contains(*a))
        .collect();
    assert!(
        never_called.is_empty(),
        "granted but never called in the lifecycle: {never_called:?}"
    );
    let exercised_after_all: Vec<_> = reviewed.intersection(&needed).collect();
    assert!(
        exercised_after_all.is_empty(),
        "on NOT_EXERCISED yet called (remove them from the list): {exercised_after_all:?}"
    );
}
