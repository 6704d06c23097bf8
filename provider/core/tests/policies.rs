//! Every synthesized policy against its reviewed golden file, compared by meaning, and the
//! `Resource: "*"` allow-list enforced over all of them.
//!
//! After a deliberate policy change, regenerate with `VAULT_UPDATE_GOLDEN=1 cargo test -p
//! vault-core --test policies` and review the diff of `tests/golden/` like code.

mod common;

use serde_json::Value;
use vault_core::policy::{equivalent, resource_star_allowed, PolicyClass};

fn as_list(v: &Value) -> Vec<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| i.as_str().unwrap_or_default().to_string())
            .collect(),
        Value::String(s) => vec![s.clone()],
        _ => vec![],
    }
}

fn statements(doc: &Value) -> Vec<&Value> {
    match &doc["Statement"] {
        Value::Array(s) => s.iter().collect(),
        other => vec![other],
    }
}

#[test]
fn every_policy_matches_its_golden_file_by_meaning() {
    let dir = common::manifest_dir().join("tests/golden");
    let update = std::env::var_os("VAULT_UPDATE_GOLDEN").is_some();
    let mut failures = Vec::new();
    for (name, _, doc) in common::all_policies() {
        let path = dir.join(format!("{name}.json"));
        if update {
            std::fs::write(&path, serde_json::to_string_pretty(&doc).unwrap() + "\n").unwrap();
            continue;
        }
        let golden: Value = match std::fs::read_to_string(&path) {
            Ok(text) => {
                serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
            }
            Err(e) => panic!(
                "{}: {e}; run with VAULT_UPDATE_GOLDEN=1 to create it",
                path.display()
            ),
        };
        if !equivalent(&doc, &golden) {
            failures.push(format!(
                "{name} differs from {}:\n{}",
                path.display(),
                serde_json::to_string_pretty(&doc).unwrap()
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn no_golden_file_is_left_over() {
    let names: Vec<String> = common::all_policies()
        .into_iter()
        .map(|(n, _, _)| n)
        .collect();
    for entry in std::fs::read_dir(common::manifest_dir().join("tests/golden")).unwrap() {
        let file = entry.unwrap().file_name().into_string().unwrap();
        let name = file.trim_end_matches(".json");
        assert!(
            names.iter().any(|n| n == name),
            "tests/golden/{file} belongs to no policy"
        );
    }
}

#[test]
fn resource_star_appears_only_for_allow_listed_actions_or_as_a_key_itself() {
    for (name, kind, doc) in common::all_policies() {
        for s in statements(&doc) {
            if !as_list(&s["Resource"]).iter().any(|r| r == "*") {
                continue;
            }
            let actions = as_list(&s["Action"]);
            assert!(
                !actions.is_empty(),
                "{name}: a \"*\" resource with NotAction"
            );
            if kind.class() == PolicyClass::Key {
                // In a key policy "*" is the key; only KMS actions can apply to it.
                assert!(
                    actions.iter().all(|a| a.starts_with("kms:")),
                    "{name}: {actions:?}"
                );
                continue;
            }
            if s["Effect"] == "Deny" {
                continue;
            }
            for action in actions {
                assert!(
                    resource_star_allowed(&action),
                    "{name}: {action} on \"*\" is not on RESOURCE_STAR_ALLOWED"
                );
            }
        }
    }
}

#[test]
fn no_wildcard_action_is_granted_outside_key_policies_and_denials() {
    for (name, kind, doc) in common::all_policies() {
        for s in statements(&doc) {
            if kind.class() == PolicyClass::Key || s["Effect"] == "Deny" {
                continue;
            }
            for action in as_list(&s["Action"]) {
                assert!(!action.contains('*'), "{name}: {action}");
            }
        }
    }
}

#[test]
fn applied_policies_name_this_stack_s_objects_exactly() {
    let docs = common::all_policies();
    let role = &docs
        .iter()
        .find(|(n, _, _)| n == "rotation-role")
        .unwrap()
        .2;
    let text = role.to_string();
    assert!(text.contains("secret:secret-dev-database-AbC123"));
    assert!(!text.contains("??????"));
    assert!(text.contains("subnet/subnet-0aaaaaaaaaaaaaaaa"));
    assert!(text.contains("security-group/sg-0111111111111111a"));
    assert!(!text.contains("subnet/*"));
}

#[test]
fn previews_name_the_secret_by_its_name_and_nothing_broader_than_the_account() {
    for (name, _, doc) in common::all_policies() {
        let text = doc.to_string();
        if name.ends_with(".preview") {
            assert!(!text.contains("AbC123"), "{name}");
        }
        // Every ARN names this account (or is an S3 ARN, which has none).
        for s in statements(&doc) {
            for r in as_list(&s["Resource"]) {
                assert!(
                    r == "*" || r.contains(":123456789012:") || r.starts_with("arn:aws:s3:::"),
                    "{name}: {r}"
                );
            }
        }
    }
}
