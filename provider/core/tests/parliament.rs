//! Lints every synthesized policy with parliament (https://github.com/duo-labs/parliament),
//! including its community auditors, and fails on any finding not justified in
//! `tests/parliament-exceptions.json`.
//!
//! parliament lints permission policies; it reads `Principal` when present, so resource and key
//! policies are linted as they are. A trust policy has no `Resource` by design, which parliament
//! reports as malformed and then stops checking; trust policies are therefore linted with the
//! `Resource` of the role they belong to added, so their actions, principals and conditions are
//! still checked.

mod common;

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::process::{Command, Stdio};

use serde_json::Value;
use vault_core::model::component::RolePurpose;
use vault_core::policy::{PolicyClass, PolicyKind, RESOURCE_STAR_ALLOWED};

fn parliament() -> PathBuf {
    let path = std::env::var_os("VAULT_PARLIAMENT")
        .map(PathBuf::from)
        .unwrap_or_else(|| common::manifest_dir().join("../../.testbed/bin/parliament"));
    assert!(
        path.exists(),
        "parliament not found at {}: run scripts/setup.sh (or set VAULT_PARLIAMENT)",
        path.display()
    );
    path
}

#[derive(Debug)]
struct Exception {
    policies: Vec<String>,
    issue: String,
    actions: Vec<String>,
    reason: String,
}

fn exceptions() -> Vec<Exception> {
    let path = common::manifest_dir().join("tests/parliament-exceptions.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(&path).unwrap()).unwrap();
    let strings = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    doc["exceptions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| Exception {
            policies: strings(&e["policies"]),
            issue: e["issue"].as_str().unwrap().to_string(),
            actions: strings(&e["actions"]),
            reason: e["reason"].as_str().unwrap_or_default().to_string(),
        })
        .collect()
}

fn action_matches(pattern: &str, action: &str) -> bool {
    match pattern.strip_suffix('*') {
        Some(prefix) => action
            .to_ascii_lowercase()
            .starts_with(&prefix.to_ascii_lowercase()),
        None => pattern.eq_ignore_ascii_case(action),
    }
}

/// The actions a finding is about, where parliament names them.
fn finding_actions(finding: &Value) -> Vec<String> {
    let list = |v: &Value| -> Vec<String> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mut actions = list(&finding["location"]["actions"]);
    actions.extend(list(&finding["detail"]));
    actions
}

/// The document parliament lints for a policy: a trust policy gets the role as its resource.
fn lintable(kind: PolicyKind, doc: &Value) -> Value {
    if kind.class() != PolicyClass::Trust {
        return doc.clone();
    }
    let stack = common::stack();
    let role = stack.naming().iam_role_arn(match kind {
        PolicyKind::CloudTrailTrust => RolePurpose::CloudTrail,
        _ => RolePurpose::Rotation,
    });
    let mut doc = doc.clone();
    for s in doc["Statement"].as_array_mut().unwrap() {
        s["Resource"] = Value::String(role.clone());
    }
    doc
}

#[test]
fn parliament_finds_nothing_beyond_the_reviewed_exceptions() {
    let parliament = parliament();
    let dir = std::env::temp_dir().join(format!("vault-core-parliament-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let policies = common::all_policies();
    for (name, kind, doc) in &policies {
        let text = serde_json::to_string_pretty(&lintable(*kind, doc)).unwrap();
        std::fs::write(dir.join(format!("{name}.json")), text).unwrap();
    }
    // parliament refuses to run when stdin is a pipe it could read a policy from.
    let output = Command::new(&parliament)
        .arg("--directory")
        .arg(&dir)
        .args([
            "--json",
            "--minimum_severity",
            "INFO",
            "--include-community-auditors",
        ])
        .stdin(Stdio::null())
        .output()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}; run scripts/setup.sh",
                parliament.display()
            )
        });
    std::fs::remove_dir_all(&dir).ok();
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    // Exit status 1 means "findings"; anything else, or noise on stderr, is a broken run.
    assert!(
        matches!(output.status.code(), Some(0 | 1)) && stderr.trim().is_empty(),
        "parliament failed ({}): {stderr}",
        output.status
    );

    let exceptions = exceptions();
    for e in &exceptions {
        assert!(
            !e.reason.trim().is_empty(),
            "exception without a reason: {e:?}"
        );
    }
    let mut used = BTreeSet::new();
    let mut unexplained = Vec::new();
    for line in stdout.lines().filter(|l| !l.trim().is_empty()) {
        let finding: Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("unexpected parliament output {line:?}: {e}"));
        let file = finding["location"]["filepath"].as_str().unwrap_or_default();
        let policy = std::path::Path::new(file)
            .file_stem()
            .and_then(|s| s.to_str())
            .unwrap_or_default()
            .to_string();
        let issue = finding["issue"].as_str().unwrap_or_default();
        let actions = finding_actions(&finding);
        let covering = exceptions.iter().position(|e| {
            e.issue == issue
                && e.policies.contains(&policy)
                && (e.actions.is_empty()
                    || actions
                        .iter()
                        .all(|a| e.actions.iter().any(|p| action_matches(p, a))))
        });
        match covering {
            Some(i) => {
                used.insert(i);
            }
            None => unexplained.push(format!("{policy}: {line}")),
        }
    }
    assert!(
        unexplained.is_empty(),
        "parliament findings without a reviewed exception:\n{}",
        unexplained.join("\n")
    );
    let unused: Vec<&Exception> = exceptions
        .iter()
        .enumerate()
        .filter(|(i, _)| !used.contains(i))
        .map(|(_, e)| e)
        .collect();
    assert!(
        unused.is_empty(),
        "exceptions no finding needs any more: {unused:#?}"
    );
}

/// Locates parliament's copy of the Service Authorization Reference next to its executable.
fn iam_definition() -> Value {
    let bin = std::fs::canonicalize(parliament()).unwrap();
    let venv = bin.parent().and_then(|p| p.parent()).unwrap().to_path_buf();
    let lib = venv.join("lib");
    let found = std::fs::read_dir(&lib)
        .unwrap_or_else(|e| panic!("{}: {e}; run scripts/setup.sh", lib.display()))
        .filter_map(|e| e.ok())
        .map(|e| {
            e.path()
                .join("site-packages/parliament/iam_definition.json")
        })
        .find(|p| p.exists())
        .unwrap_or_else(|| panic!("no parliament/iam_definition.json under {}", lib.display()));
    serde_json::from_str(&std::fs::read_to_string(found).unwrap()).unwrap()
}

#[test]
fn every_action_allowed_on_resource_star_has_no_resource_type_in_aws_s_reference() {
    let definition = iam_definition();
    for (action, reason) in RESOURCE_STAR_ALLOWED {
        assert!(!reason.trim().is_empty(), "{action} has no reason");
        let (prefix, name) = action.split_once(':').unwrap();
        let service = definition
            .as_array()
            .unwrap()
            .iter()
            .find(|s| s["prefix"] == prefix)
            .unwrap_or_else(|| panic!("no service {prefix}"));
        let privilege = service["privileges"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| {
                p["privilege"]
                    .as_str()
                    .is_some_and(|p| p.eq_ignore_ascii_case(name))
            })
            .unwrap_or_else(|| panic!("no action {action}"));
        let resource_types: Vec<&str> = privilege["resource_types"]
            .as_array()
            .unwrap()
            .iter()
            .filter_map(|r| r["resource_type"].as_str())
            .filter(|r| !r.is_empty())
            .collect();
        assert!(
            resource_types.is_empty(),
            "{action} supports resource-level permissions ({resource_types:?}): name the resource"
        );
    }
}
