//! The bad-input table (`tests/bad_inputs.json`, shared with the end-to-end tests) through the
//! same checks `terraform plan` runs, down to the Terraform diagnostic and its attribute path.

use serde_json::{json, Map, Value as Json};
use vault_core::ProviderContext;

use super::check_for_plan;
use super::state::StackState;
use crate::protocol::{Diagnostics, Value};

const TABLE: &str = include_str!("../../../../tests/bad_inputs.json");
const BLOCKS: [&str; 7] = [
    "network", "database", "rotation", "logs", "kms", "audit", "timeouts",
];

/// The resource value Terraform would send for `base` overlaid with `stack`.
fn stack_value(base: &Json, stack: &Json) -> StackState {
    let mut merged: Map<String, Json> = base.as_object().unwrap().clone();
    for (k, v) in stack.as_object().unwrap() {
        merged.insert(k.clone(), v.clone());
    }
    for block in BLOCKS {
        let written = merged.remove(block);
        merged.insert(block.into(), json!(written.into_iter().collect::<Vec<_>>()));
    }
    serde_json::from_value(Json::Object(merged)).expect("case deserializes as the resource value")
}

fn context(provider: Option<&Json>) -> ProviderContext {
    let provider = provider.cloned().unwrap_or(json!({}));
    ProviderContext {
        region: Some(
            provider["region"]
                .as_str()
                .unwrap_or("us-east-1")
                .to_string(),
        ),
        default_tags: serde_json::from_value(provider["default_tags"].clone()).unwrap_or_default(),
    }
}

#[test]
fn every_bad_input_in_the_table_is_an_error_at_its_attribute_path() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let cases = table["cases"].as_array().unwrap();
    assert!(
        cases.len() >= 20,
        "the table holds at least 20 bad configurations"
    );
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let state = stack_value(&table["base"], &case["stack"]);
        let mut diags = Diagnostics::default();
        let passed = check_for_plan(&mut diags, &state, &context(case.get("provider")));
        assert!(!passed, "{name}: the plan must stop");
        let want_path = case["path"].as_str().unwrap();
        let want_summary = case["summary"].as_str().unwrap();
        assert!(
            diags
                .errors
                .iter()
                .any(|d| d.attribute.to_string() == want_path && d.summary == want_summary),
            "{name}: expected error {want_summary:?} at {want_path}, got {:?}",
            diags
                .errors
                .iter()
                .map(|d| (d.attribute.to_string(), d.summary.to_string()))
                .collect::<Vec<_>>()
        );
    }
}

#[test]
fn the_base_configuration_of_the_table_plans_cleanly() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let state = stack_value(&table["base"], &json!({}));
    let mut diags = Diagnostics::default();
    assert!(check_for_plan(&mut diags, &state, &context(None)));
    assert!(diags.errors.is_empty() && diags.warnings.is_empty());
}

#[test]
fn nodejs18_is_accepted_with_a_warning_on_the_runtime() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let state = stack_value(
        &table["base"],
        &json!({ "rotation": { "runtime": "nodejs18.x" } }),
    );
    let mut diags = Diagnostics::default();
    assert!(check_for_plan(&mut diags, &state, &context(None)));
    assert_eq!(diags.warnings.len(), 1);
    assert_eq!(
        diags.warnings[0].attribute.to_string(),
        "rotation[0].runtime"
    );
}

#[test]
fn mandatory_tags_may_come_from_default_tags() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let state = stack_value(&table["base"], &json!({ "tags": null }));
    let provider = json!({ "default_tags": { "CostCenter": "cc", "Compliance": "SOC2" } });
    let mut diags = Diagnostics::default();
    assert!(check_for_plan(
        &mut diags,
        &state,
        &context(Some(&provider))
    ));
}

#[test]
fn unknown_values_are_not_validated_until_known() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let mut state = stack_value(&table["base"], &json!({}));
    state.environment_suffix = Value::Unknown;
    state.tags = Value::Unknown;
    let mut diags = Diagnostics::default();
    assert!(check_for_plan(&mut diags, &state, &context(None)));
}

#[test]
fn defaults_fill_written_blocks_and_leave_zones_unknown_for_apply() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let mut state = stack_value(&table["base"], &json!({ "network": {}, "rotation": {} }));
    state.fill_defaults();
    let Value::Value(net) = &state.network else {
        panic!()
    };
    assert_eq!(net[0].cidr_block, Value::Value("10.0.0.0/16".to_string()));
    assert_eq!(net[0].availability_zones, Value::Unknown);
    let Value::Value(rot) = &state.rotation else {
        panic!()
    };
    assert_eq!(rot[0].automatically_after_days, Value::Value(30));
    assert_eq!(rot[0].runtime, Value::Value("nodejs22.x".to_string()));
}

#[test]
fn a_schedule_expression_leaves_rotation_days_unset() {
    let table: Json = serde_json::from_str(TABLE).unwrap();
    let mut state = stack_value(
        &table["base"],
        &json!({ "rotation": { "schedule_expression": "rate(10 days)" } }),
    );
    state.fill_defaults();
    let Value::Value(rot) = &state.rotation else {
        panic!()
    };
    assert_eq!(rot[0].automatically_after_days, Value::Null);
}
