//! Aurora's own timing, as the behaviour layer models it (`harness::aws()`): a modification is
//! applied while the instance says `modifying` and shows the new class under
//! PendingModifiedValues, and a deleted cluster or instance stays `deleting` a while, its
//! subnet group and parameter group refused deletion until it is gone.

use crate::apply::{apply_ok, basic, destroy_leaves_nothing, plan_code};
use crate::harness::{aws, Cli};

fn an_instance_class_change_waits_out_pending_modifications_and_destroy_waits_out_deleting(
    cli: Cli,
) {
    let moto = aws();
    let (ws, var) = basic(cli, &moto);
    apply_ok(&ws, &var, "apply");
    let main = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let bigger = main.replace(
        r#"instance_class  = "db.t3.medium""#,
        r#"instance_class  = "db.r6g.large""#,
    );
    assert_ne!(main, bigger, "examples/basic sets db.t3.medium");
    ws.write("main.tf", &bigger);
    apply_ok(&ws, &var, "the instance class change");
    let plan = plan_code(&ws, &var);
    assert_eq!(
        plan.code, 0,
        "the change is applied, not pending, when apply returns:\n{}{}",
        plan.stdout, plan.stderr
    );
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn an_instance_class_change_waits_out_pending_modifications_and_destroy_waits_out_deleting_on_terraform_1_15(
) {
    an_instance_class_change_waits_out_pending_modifications_and_destroy_waits_out_deleting(
        Cli::V1_15,
    );
}

#[test]
fn an_instance_class_change_waits_out_pending_modifications_and_destroy_waits_out_deleting_on_terraform_1_0(
) {
    an_instance_class_change_waits_out_pending_modifications_and_destroy_waits_out_deleting(
        Cli::V1_0,
    );
}
