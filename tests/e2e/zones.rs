//! Zones that cannot hold the stack (issue 10): AWS offers neither every interface endpoint
//! service nor every DB instance class in every zone. The behaviour layer takes the Secrets
//! Manager endpoint away from us-east-1a and db.t3.medium away from us-east-1b; a plan naming
//! them fails on each zone's element before anything is created, and a stack without zones is
//! spread over the first three that offer everything.

use crate::apply::{apply_ok, basic, counts, destroy_leaves_nothing};
use crate::harness::{Cli, Moto};

const LACKING: &str = r#"{
    "zones": {
        "without_endpoint_service": {"us-east-1a": ["secretsmanager"]},
        "without_instance_class": {"us-east-1b": ["db.t3.medium"]}
    },
    "lifecycle": {"rds": 2, "lambda": 1, "vpc_endpoint": 1}
}"#;

const NAMED: &str = r#"availability_zones = ["us-east-1a", "us-east-1b", "us-east-1c"]"#;

fn zones_lacking_a_service_or_the_instance_class_fail_plan_and_others_are_chosen(cli: Cli) {
    let moto = Moto::start_like_aws(LACKING);
    let (ws, var) = basic(cli, &moto);
    let main = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    assert!(main.contains(NAMED), "examples/basic names three zones");

    let plan = ws.run(&["plan", "-json", "-input=false", "-no-color", "-var", &var]);
    assert_ne!(
        plan.code, 0,
        "a plan with unfit zones fails:\n{}",
        plan.stdout
    );
    let errors: Vec<serde_json::Value> = plan
        .diagnostics()
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    let about = |zone: &str, lacks: &str| {
        errors.iter().any(|d| {
            d["summary"] == "Availability zone cannot hold the stack"
                && d["detail"]
                    .as_str()
                    .is_some_and(|t| t.contains(&format!("{zone} lacks")) && t.contains(lacks))
                && d["snippet"]["code"]
                    .as_str()
                    .is_some_and(|c| c.contains("availability_zones"))
        })
    };
    assert!(
        about("us-east-1a", "com.amazonaws.us-east-1.secretsmanager"),
        "{errors:#?}"
    );
    assert!(about("us-east-1b", "db.t3.medium"), "{errors:#?}");
    assert_eq!(errors.len(), 2, "us-east-1c is fine: {errors:#?}");
    let nothing = counts(&moto);
    assert!(
        nothing.as_object().unwrap().values().all(|n| n == 0),
        "the failed plan created nothing: {nothing}"
    );

    // Without zones, the provider chooses the first three that offer everything.
    ws.write("main.tf", &main.replace(NAMED, ""));
    apply_ok(&ws, &var, "apply without zones");
    let show = ws.run(&["show", "-json", "-no-color"]);
    let state: serde_json::Value = serde_json::from_str(&show.stdout).unwrap();
    let zones = &state["values"]["root_module"]["resources"][0]["values"]["network"][0]
        ["availability_zones"];
    assert_eq!(
        zones,
        &serde_json::json!(["us-east-1c", "us-east-1d", "us-east-1e"]),
        "zones chosen"
    );
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn zones_lacking_a_service_or_the_instance_class_fail_plan_and_others_are_chosen_on_terraform_1_15()
{
    zones_lacking_a_service_or_the_instance_class_fail_plan_and_others_are_chosen(Cli::V1_15);
}

#[test]
fn zones_lacking_a_service_or_the_instance_class_fail_plan_and_others_are_chosen_on_terraform_1_0()
{
    zones_lacking_a_service_or_the_instance_class_fail_plan_and_others_are_chosen(Cli::V1_0);
}
