//! SPEC §3.5 through Terraform against moto: `rotation.strategy = "alternating_users"` creates
//! the application secret and its rotation, a re-plan is empty, switching strategy is an in-place
//! update both ways, and destroy leaves nothing. moto runs no function code, so what the function
//! does with the secrets is proven by `lambda/rotation`'s tests; here the configuration is.

use std::fs;

use crate::apply::{apply_ok, basic, destroy_leaves_nothing, ok, plan_code, state_components};
use crate::harness::{verify, Cli, Workspace};

const SINGLE: &str = "automatically_after_days = 30";
const ALTERNATING: &str =
    "automatically_after_days = 30\n    strategy = \"alternating_users\"\n    app_username = \"orders\"";

fn apply(ws: &Workspace, var: &str) {
    apply_ok(ws, var, "apply");
}

fn plan_is_empty(ws: &Workspace, var: &str, when: &str) {
    let plan = plan_code(ws, var);
    assert_eq!(
        plan.code, 0,
        "the plan {when} is empty:\n{}\n{}",
        plan.stdout, plan.stderr
    );
}

fn output(ws: &Workspace, name: &str) -> String {
    let out = ws.run(&["output", "-json", name]);
    ok(&out, "output");
    out.stdout.trim().to_string()
}

/// The plan of a strategy switch: an in-place update whose warning names the app secret, its
/// permission and its rotation schedule with `verb` (creates / deletes).
fn plan_switch(ws: &Workspace, var: &str, verb: &str) {
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", var]);
    ok(&plan, "plan of a strategy switch");
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(all.contains("will be updated in-place"), "{all}");
    assert!(!all.contains("must be replaced"), "{all}");
    assert!(all.contains("rotation.strategy"), "{all}");
    for object in [
        "secret secret-dev-app",
        "secrets manager invoke permission for the app secret",
        "app secret rotation schedule",
    ] {
        assert!(
            all.contains(&format!("{verb} {object}")),
            "{verb} {object}:\n{all}"
        );
    }
}

fn alternating_users_creates_the_app_secret_switches_in_place_and_destroys_cleanly(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let single = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    assert!(single.contains(SINGLE));
    let alternating = single.replace(SINGLE, ALTERNATING)
        + "\noutput \"app_secret_arn\" {\n  value = vault_secrets_stack.main.app_secret_arn\n}\n";
    ws.write("main.tf", &alternating);

    apply(&ws, &var);
    let app_arn = output(&ws, "app_secret_arn");
    assert!(
        app_arn
            .starts_with("\"arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev-app-"),
        "{app_arn}"
    );
    let components = state_components(&ws);
    assert_eq!(
        format!("\"{}\"", components["secret/app"].as_str().unwrap()),
        app_arn
    );
    assert!(components["secret"]
        .as_str()
        .unwrap()
        .contains(":secret:secret-dev-database-"));
    let checked = verify(
        &moto,
        &["dev", "--app-secret", &components.to_string(), "orders"],
    );
    assert_eq!(
        checked.code, 0,
        "app secret:\n{}{}",
        checked.stdout, checked.stderr
    );
    plan_is_empty(&ws, &var, "right after creating with alternating_users");

    // A change of the schedule configures both rotations again but rotates neither: only the
    // app secret's first rotation, which creates its user, starts at once.
    let app = components["secret/app"].as_str().unwrap().to_string();
    let versions = || {
        let run = verify(&moto, &["dev", "--versions", &app]);
        ok(&run, "versions of the app secret");
        let v: serde_json::Value = serde_json::from_str(&run.stdout).unwrap();
        v.as_object().unwrap().keys().cloned().collect::<Vec<_>>()
    };
    let before = versions();
    ws.write(
        "main.tf",
        &alternating.replace(
            "automatically_after_days = 30",
            "automatically_after_days = 7",
        ),
    );
    apply(&ws, &var);
    plan_is_empty(&ws, &var, "after the schedule change");
    assert_eq!(
        versions(),
        before,
        "no rotation of the app secret was started"
    );

    // Written out: `strategy` is optional and computed, so removing it would keep the prior value,
    // as for every attribute with a default.
    let switched = single.replace(SINGLE, &format!("{SINGLE}\n    strategy = \"single_user\""))
        + "\noutput \"app_secret_arn\" {\n  value = vault_secrets_stack.main.app_secret_arn\n}\n";
    ws.write("main.tf", &switched);
    plan_switch(&ws, &var, "deletes");
    apply(&ws, &var);
    // A null output is left out of state: read the attribute itself.
    let show: serde_json::Value = serde_json::from_str(&ws.run(&["show", "-json"]).stdout).unwrap();
    let values = &show["values"]["root_module"]["resources"][0]["values"];
    assert!(
        values["app_secret_arn"].is_null(),
        "{}",
        values["app_secret_arn"]
    );
    assert!(values["secret_arn"].is_string());
    let checked = verify(&moto, &["dev", "--no-app-secret"]);
    assert_eq!(
        checked.code, 0,
        "after single_user:\n{}{}",
        checked.stdout, checked.stderr
    );
    plan_is_empty(&ws, &var, "after switching to single_user");

    ws.write("main.tf", &alternating);
    plan_switch(&ws, &var, "creates");
    apply(&ws, &var);
    let components = state_components(&ws);
    let checked = verify(
        &moto,
        &["dev", "--app-secret", &components.to_string(), "orders"],
    );
    assert_eq!(
        checked.code, 0,
        "app secret again:\n{}{}",
        checked.stdout, checked.stderr
    );
    plan_is_empty(&ws, &var, "after switching back to alternating_users");

    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn alternating_users_creates_the_app_secret_switches_in_place_and_destroys_cleanly_on_terraform_1_0(
) {
    alternating_users_creates_the_app_secret_switches_in_place_and_destroys_cleanly(Cli::V1_0);
}

#[test]
fn alternating_users_creates_the_app_secret_switches_in_place_and_destroys_cleanly_on_terraform_1_15(
) {
    alternating_users_creates_the_app_secret_switches_in_place_and_destroys_cleanly(Cli::V1_15);
}
