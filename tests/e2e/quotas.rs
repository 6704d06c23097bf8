//! Account quotas: AWS limits how many VPCs and trails a region holds (the behaviour layer keeps
//! AWS's defaults, 5 each, in every scenario). A trail the region has no room for is found at
//! plan, and again before the apply creates anything; a VPC quota reached mid-apply fails with
//! what to do, and the next apply continues from what was made.

use crate::apply::{apply_ok, apply_run, basic, counts, destroy_leaves_nothing, ok};
use crate::harness::{verify, Cli, Moto};

/// A trail someone else made in the region.
fn foreign_trail(moto: &Moto, name: &str) {
    let made = verify(moto, &["dev", "--foreign-trail", name]);
    assert_eq!(made.code, 0, "{}", made.stderr);
}

fn trails(moto: &Moto) -> Vec<String> {
    serde_json::from_str(&verify(moto, &["dev", "--trails"]).stdout).unwrap()
}

fn nothing_created(moto: &Moto, what: &str) {
    let counts = counts(moto);
    assert!(
        counts.as_object().unwrap().values().all(|n| n == 0),
        "{what} created nothing: {counts}"
    );
}

fn a_region_without_room_for_the_trail_stops_plan_and_apply_before_anything_is_created(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    for i in 1..=4 {
        foreign_trail(&moto, &format!("team-{i}-trail"));
    }
    // Room for one more: the plan passes and is saved.
    ok(
        &ws.run(&[
            "plan",
            "-input=false",
            "-no-color",
            "-out=tfplan",
            "-var",
            &var,
        ]),
        "a plan with room for the trail",
    );
    // Someone takes the last place before the apply.
    foreign_trail(&moto, "team-5-trail");
    let apply = ws.run(&["apply", "-input=false", "-no-color", "tfplan"]);
    let said = format!("{}{}", apply.stdout, apply.stderr);
    assert_ne!(apply.code, 0, "the apply fails:\n{said}");
    for part in [
        "No room for the audit trail",
        "already has 5 CloudTrail trails in region us-east-1",
        "team-5-trail",
        "cloudtrail = false",
        "Nothing was created",
    ] {
        assert!(said.contains(part), "{part:?} missing:\n{said}");
    }
    nothing_created(&moto, "the refused apply");
    assert_eq!(trails(&moto).len(), 5, "only the foreign trails");
    let state = ws.run(&["state", "list"]);
    assert!(
        !state.stdout.contains("vault_secrets_stack"),
        "nothing in state: {}",
        state.stdout
    );

    // A new plan fails on the audit block, before anything is created.
    let plan = ws.run(&["plan", "-json", "-input=false", "-no-color", "-var", &var]);
    assert_ne!(plan.code, 0, "the plan fails:\n{}", plan.stdout);
    let errors: Vec<serde_json::Value> = plan
        .diagnostics()
        .into_iter()
        .filter(|d| d["severity"] == "error")
        .collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["summary"], "No room for the audit trail");
    nothing_created(&moto, "the failed plan");

    // Without the stack's own trail (an organisation trail records the account), it applies.
    let main = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let without_trail = main.replace(
        "  logs {\n",
        "  audit {\n    cloudtrail = false\n  }\n  logs {\n",
    );
    assert_ne!(main, without_trail, "examples/basic has a logs block");
    ws.write("main.tf", &without_trail);
    apply_ok(&ws, &var, "an apply without the trail");

    // Turning the trail on later is checked at plan too.
    ws.write("main.tf", &main);
    let plan = ws.run(&["plan", "-json", "-input=false", "-no-color", "-var", &var]);
    assert_ne!(plan.code, 0, "the plan fails:\n{}", plan.stdout);
    assert!(
        plan.diagnostics()
            .iter()
            .any(|d| d["severity"] == "error" && d["summary"] == "No room for the audit trail"),
        "{}",
        plan.stdout
    );
    assert_eq!(trails(&moto).len(), 5, "only the foreign trails");
    ws.write("main.tf", &without_trail);
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_region_without_room_for_the_trail_stops_plan_and_apply_before_anything_is_created_on_terraform_1_15(
) {
    a_region_without_room_for_the_trail_stops_plan_and_apply_before_anything_is_created(Cli::V1_15);
}

#[test]
fn a_region_without_room_for_the_trail_stops_plan_and_apply_before_anything_is_created_on_terraform_1_0(
) {
    a_region_without_room_for_the_trail_stops_plan_and_apply_before_anything_is_created(Cli::V1_0);
}

fn a_vpc_quota_reached_mid_apply_says_what_to_do_and_the_next_apply_continues(cli: Cli) {
    // Room for the default VPC and one more, which someone else takes.
    let moto = crate::harness::aws_with(|b| {
        b["quotas"] = serde_json::json!({"vpcs_per_region": 2});
    });
    let (ws, var) = basic(cli, &moto);
    let foreign = verify(&moto, &["dev", "--foreign-vpc"]);
    assert_eq!(foreign.code, 0, "{}", foreign.stderr);
    let foreign = foreign.stdout.trim().to_string();

    let apply = apply_run(&ws, &var);
    let said = format!("{}{}", apply.stdout, apply.stderr);
    assert_ne!(apply.code, 0, "the apply fails:\n{said}");
    for part in [
        "CreateVpc failed: VpcLimitExceeded",
        "Service Quotas",
        "run apply again to resume",
    ] {
        assert!(said.contains(part), "{part:?} missing:\n{said}");
    }
    assert!(
        moto.behaviour_notes()
            .iter()
            .any(|n| n.contains("refused CreateVpc")),
        "the quota was reached"
    );

    // The quota frees up (the other VPC is deleted): the next apply finishes the same stack.
    let deleted = verify(&moto, &["dev", "--delete-vpc", &foreign]);
    assert_eq!(deleted.code, 0, "{}", deleted.stderr);
    apply_ok(&ws, &var, "the apply after the quota freed up");
    let counts = counts(&moto);
    assert_eq!(counts["vpc"], 1, "{counts}");
    assert_eq!(counts["kms_key"], 3, "no key made twice: {counts}");
    assert_eq!(counts["secret"], 1, "{counts}");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_vpc_quota_reached_mid_apply_says_what_to_do_and_the_next_apply_continues_on_terraform_1_15() {
    a_vpc_quota_reached_mid_apply_says_what_to_do_and_the_next_apply_continues(Cli::V1_15);
}

#[test]
fn a_vpc_quota_reached_mid_apply_says_what_to_do_and_the_next_apply_continues_on_terraform_1_0() {
    a_vpc_quota_reached_mid_apply_says_what_to_do_and_the_next_apply_continues(Cli::V1_0);
}
