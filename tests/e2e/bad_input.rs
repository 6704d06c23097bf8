//! Bad input through the real CLI: every case of `tests/bad_inputs.json` fails `terraform plan`
//! with its diagnostic on the culprit's source line, and moto sees no request at all. The
//! provider's one deliberate call, the credential check at configure, is skipped here
//! (`skip_credentials_validation`): the cases check that the stack's own checks need no AWS.

use serde_json::{json, Map, Value as Json};

use crate::harness::{provider_json, required_providers, Cli, Moto, Workspace};

const TABLE: &str = include_str!("../bad_inputs.json");

fn config(moto: &Moto, base: &Json, case: &Json) -> String {
    let mut stack: Map<String, Json> = base.as_object().unwrap().clone();
    for (k, v) in case["stack"].as_object().unwrap() {
        stack.insert(k.clone(), v.clone());
    }
    let mut provider = provider_json(moto, "us-east-1");
    provider["skip_credentials_validation"] = json!(true);
    if let Some(p) = case.get("provider").and_then(Json::as_object) {
        for (k, v) in p {
            provider[k] = v.clone();
        }
    }
    // Pretty-printed so each attribute sits on a line of its own, as in hand-written HCL.
    serde_json::to_string_pretty(&json!({
        "terraform": required_providers(),
        "provider": { "vault": provider },
        "resource": { "vault_secrets_stack": { "t": stack } },
    }))
    .unwrap()
}

/// The text the highlighted line must show: the case's `snippet`, else the path's last name.
fn expected_snippet(case: &Json) -> String {
    if let Some(s) = case["snippet"].as_str() {
        return s.to_string();
    }
    let path = case["path"].as_str().unwrap();
    path.rsplit('.')
        .next()
        .unwrap()
        .split('[')
        .next()
        .unwrap()
        .to_string()
}

fn every_bad_input_fails_plan_at_its_attribute_without_aws_calls(cli: Cli) {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let moto = crate::harness::aws();
    let ws = Workspace::new(cli);
    ws.write(
        "main.tf.json",
        &config(&moto, &table["base"], &json!({ "stack": {} })),
    );
    ws.init();
    let mut failures = Vec::new();
    for case in table["cases"].as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        ws.write("main.tf.json", &config(&moto, &table["base"], case));
        // Backtraces on, as many Rust users and CI images have them: diagnostics must not care.
        let run = ws.run_with(
            &["plan", "-json", "-input=false", "-no-color"],
            &[("RUST_BACKTRACE", "1")],
        );
        for d in run.diagnostics() {
            let text = format!("{} {}", d["summary"], d["detail"]);
            if ["backtrace", ".rs:", "tf_provider", "::", "panicked"]
                .iter()
                .any(|internal| text.contains(internal))
            {
                failures.push(format!("{name}: Rust internals in a diagnostic: {text}"));
            }
        }
        let summary = case["summary"].as_str().unwrap();
        let snippet = expected_snippet(case);
        let found = run.diagnostics().into_iter().any(|d| {
            d["severity"] == "error"
                && d["summary"] == summary
                && d["snippet"]["code"]
                    .as_str()
                    .is_some_and(|c| c.contains(&snippet))
        });
        if run.code == 0 || !found {
            failures.push(format!(
                "{name}: exit {}, want error {summary:?} on a line with {snippet:?}; got {:#?}",
                run.code,
                run.diagnostics()
            ));
        }
    }
    assert!(failures.is_empty(), "{:?}:\n{}", cli, failures.join("\n"));
    assert_eq!(
        moto.aws_requests(),
        Vec::<String>::new(),
        "bad input reached AWS"
    );
}

#[test]
fn every_bad_input_fails_plan_at_its_attribute_without_aws_calls_on_terraform_1_0() {
    every_bad_input_fails_plan_at_its_attribute_without_aws_calls(Cli::V1_0);
}

#[test]
fn every_bad_input_fails_plan_at_its_attribute_without_aws_calls_on_terraform_1_15() {
    every_bad_input_fails_plan_at_its_attribute_without_aws_calls(Cli::V1_15);
}

fn bad_provider_settings_fail_validate_at_their_attribute(cli: Cli) {
    let moto = crate::harness::aws();
    let ws = Workspace::new(cli);
    let table: Json = serde_json::from_str(TABLE).unwrap();
    ws.write(
        "main.tf.json",
        &config(&moto, &table["base"], &json!({ "stack": {} })),
    );
    ws.init();
    for (provider, summary, snippet) in [
        (
            json!({ "region": "mars-north" }),
            "Invalid AWS region",
            "region",
        ),
        (
            json!({ "endpoints": { "ec2": "127.0.0.1:5000" } }),
            "Invalid endpoint URL",
            "ec2",
        ),
        (
            json!({ "default_tags": { "aws:team": "x" } }),
            "Reserved tag key",
            "aws:team",
        ),
    ] {
        let case = json!({ "stack": {}, "provider": provider });
        ws.write("main.tf.json", &config(&moto, &table["base"], &case));
        let run = ws.run(&["validate", "-json", "-no-color"]);
        let found = run.diagnostics().into_iter().any(|d| {
            d["severity"] == "error"
                && d["summary"] == summary
                && d["snippet"]["code"]
                    .as_str()
                    .is_some_and(|c| c.contains(snippet))
        });
        assert!(
            found && run.code != 0,
            "{cli:?} {summary}: {:#?}",
            run.diagnostics()
        );
    }
    assert!(moto.aws_requests().is_empty());
}

#[test]
fn bad_provider_settings_fail_validate_at_their_attribute_on_terraform_1_0() {
    bad_provider_settings_fail_validate_at_their_attribute(Cli::V1_0);
}

#[test]
fn bad_provider_settings_fail_validate_at_their_attribute_on_terraform_1_15() {
    bad_provider_settings_fail_validate_at_their_attribute(Cli::V1_15);
}
