//! `terraform apply` and `destroy` of `examples/basic` against moto, SPEC §3.2 checked object by
//! object, the password kept out of state, plans and logs, and a failed apply resumed.

use std::fs;

use crate::harness::{repo_root, verify, Cli, Moto, Workspace};

pub(crate) fn basic(cli: Cli, moto: &Moto) -> (Workspace, String) {
    let ws = Workspace::new(cli);
    let main = fs::read_to_string(repo_root().join("examples/basic/main.tf")).unwrap();
    ws.write("main.tf", &main);
    ws.init();
    (ws, format!("aws_endpoint={}", moto.url))
}

/// `terraform destroy`, which must succeed.
fn destroy(ws: &Workspace, var: &str) {
    let run = ws.run(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        var,
    ]);
    ok(&run, "destroy");
}

/// `terraform destroy`, then no object tagged `vault:stack=dev` may be left in any service.
pub(crate) fn destroy_leaves_nothing(ws: &Workspace, moto: &Moto, var: &str) {
    destroy(ws, var);
    let left = verify(moto, &["dev", "--nothing-left"]);
    assert_eq!(
        left.code, 0,
        "objects left after destroy:\n{}{}",
        left.stdout, left.stderr
    );
}

pub(crate) fn ok(run: &crate::harness::Run, what: &str) {
    assert_eq!(
        run.code, 0,
        "{what} failed:\n{}\n{}",
        run.stdout, run.stderr
    );
}

fn apply_checks_every_object_plans_empty_and_destroy_leaves_nothing(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let trace = ws.dir.path().join("trace.log");
    let trace_env = [
        ("TF_LOG", "TRACE"),
        ("TF_LOG_PROVIDER", "TRACE"),
        ("TF_LOG_PATH", trace.to_str().unwrap()),
    ];
    let apply = ws.run_with(
        &[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ],
        &trace_env,
    );
    ok(&apply, "apply");
    let arn = ws.run(&["output", "-raw", "secret_arn"]).stdout;
    assert!(
        arn.starts_with("arn:aws:secretsmanager:us-east-1:123456789012:secret:secret-dev"),
        "{arn}"
    );

    let plan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(
        plan.code, 0,
        "a plan right after apply is empty:\n{}\n{}",
        plan.stdout, plan.stderr
    );

    let show = ws.run(&["show", "-json"]);
    ok(&show, "show");
    let state_json = ws.dir.path().join("state.json");
    fs::write(&state_json, &show.stdout).unwrap();
    let checked = verify(&moto, &["dev", state_json.to_str().unwrap()]);
    assert_eq!(
        checked.code, 0,
        "SPEC 3.2 checks failed:\n{}{}",
        checked.stdout, checked.stderr
    );

    // The password exists only in Secrets Manager: not in state, plan JSON or trace logs.
    let password = verify(&moto, &["dev", "--password", &arn])
        .stdout
        .trim()
        .to_string();
    assert!(
        password.len() >= 16,
        "the secret holds a generated password"
    );
    ws.run(&[
        "plan",
        "-out=tfplan",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    let plan_json = ws.run(&["show", "-json", "tfplan"]).stdout;
    let state = fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap();
    let log = fs::read_to_string(&trace).unwrap();
    assert!(log.len() > 10_000, "the trace log was captured");
    // The provider's own structured lines reached Terraform's log (go-hclog JSON on stderr).
    assert!(
        log.contains("provider.terraform-provider-vault"),
        "the provider's TRACE lines are in Terraform's log"
    );
    // One line per AWS call: service, operation, attempt, HTTP status, duration.
    let call = log
        .lines()
        .find(|l| l.contains("AWS call STS.GetCallerIdentity"))
        .unwrap_or_else(|| panic!("no AWS call line for STS.GetCallerIdentity in the log"));
    for field in ["service=STS", "attempt=1", "status=200", "duration_ms="] {
        assert!(call.contains(field), "{field} missing from {call}");
    }
    // A call made for one object names it (how the benchmark finds the critical path).
    let vpc = log
        .lines()
        .find(|l| l.contains("AWS call EC2.CreateVpc"))
        .unwrap_or_else(|| panic!("no AWS call line for EC2.CreateVpc in the log"));
    assert!(vpc.contains("component=vpc"), "no component in {vpc}");
    for (what, text) in [
        ("state", &state),
        ("show -json", &show.stdout),
        ("plan JSON", &plan_json),
        ("TF_LOG=TRACE", &log),
        ("apply output", &apply.stdout),
    ] {
        assert!(!text.contains(&password), "the password leaked into {what}");
    }

    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn apply_checks_every_object_plans_empty_and_destroy_leaves_nothing_on_terraform_1_0() {
    apply_checks_every_object_plans_empty_and_destroy_leaves_nothing(Cli::V1_0);
}

#[test]
fn apply_checks_every_object_plans_empty_and_destroy_leaves_nothing_on_terraform_1_15() {
    apply_checks_every_object_plans_empty_and_destroy_leaves_nothing(Cli::V1_15);
}

fn a_failed_apply_is_recorded_then_finished_and_destroyed(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    // Someone else's secret holds the stack's secret name: the apply fails midway.
    let conflict = verify(
        &moto,
        &["dev", "--create-untagged-secret", "secret-dev-database"],
    );
    ok(&conflict, "creating the conflicting secret");
    let failed = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_ne!(failed.code, 0, "apply must fail on the name conflict");
    assert!(failed.stderr.contains("secret"), "{}", failed.stderr);
    let state: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(ws.path().join("terraform.tfstate")).unwrap())
            .unwrap();
    let components = &state["resources"][0]["instances"][0]["attributes"]["components"];
    assert!(
        components
            .as_object()
            .is_some_and(|c| c.contains_key("vpc") && !c.contains_key("secret")),
        "what was created before the failure is in state: {components}"
    );

    ok(
        &verify(&moto, &["dev", "--delete-secret", "secret-dev-database"]),
        "removing the cause",
    );
    let again = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    ok(&again, "the second apply");
    let plan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_failed_apply_is_recorded_then_finished_and_destroyed_on_terraform_1_0() {
    a_failed_apply_is_recorded_then_finished_and_destroyed(Cli::V1_0);
}

#[test]
fn a_failed_apply_is_recorded_then_finished_and_destroyed_on_terraform_1_15() {
    a_failed_apply_is_recorded_then_finished_and_destroyed(Cli::V1_15);
}

fn plans_of_changes_name_their_action_and_objects(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    ok(
        &ws.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]),
        "apply",
    );
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();

    ws.write(
        "main.tf",
        &main.replace(
            "automatically_after_days = 30",
            "automatically_after_days = 7",
        ),
    );
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    ok(&plan, "plan of a rotation change");
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(all.contains("will be updated in-place"), "{all}");
    assert!(all.contains("updates rotation schedule"), "{all}");
    assert!(!all.contains("must be replaced"), "{all}");

    ws.write("main.tf", &main.replace("10.0.0.0/16", "10.1.0.0/16"));
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    ok(&plan, "plan of a network change");
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(all.contains("replaces network"), "{all}");
    assert!(
        all.contains("vpc_id") && all.contains("(known after apply)"),
        "{all}"
    );

    ws.write("main.tf", &main);
    destroy(&ws, &var);
}

#[test]
fn plans_of_changes_name_their_action_and_objects_on_terraform_1_0() {
    plans_of_changes_name_their_action_and_objects(Cli::V1_0);
}

#[test]
fn plans_of_changes_name_their_action_and_objects_on_terraform_1_15() {
    plans_of_changes_name_their_action_and_objects(Cli::V1_15);
}

fn drift_is_planned_and_repaired_and_a_rotation_is_not_drift(cli: Cli) {
    // The invoke permission removed below is added again moments before rotation is turned back
    // on, which Secrets Manager refuses until the new permission has reached Lambda.
    let moto = crate::harness::aws_with(|b| {
        b["propagation"] = serde_json::json!({"invoke_permission": 5});
    });
    let (ws, var) = basic(cli, &moto);
    let plan_args = [
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ];
    let args = apply_args(&var);
    ok(&ws.run(&args), "apply");
    let output = |name: &str| ws.run(&["output", "-json", name]).stdout;

    let arn = ws.run(&["output", "-raw", "secret_arn"]).stdout;
    ok(
        &verify(&moto, &["dev", "--rotate-by-hand", &arn]),
        "rotating by hand",
    );
    let plan = ws.run(&plan_args);
    assert_eq!(
        plan.code, 0,
        "a rotated password is not drift:\n{}\n{}",
        plan.stdout, plan.stderr
    );

    ok(
        &verify(
            &moto,
            &["dev", "--set-retention", "/aws/lambda/rotation-dev", "30"],
        ),
        "changing retention",
    );
    let plan = ws.run(&plan_args);
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    assert!(
        plan.stdout.contains("log_group/rotation") && plan.stdout.contains("retention"),
        "{}",
        plan.stdout
    );
    ok(&ws.run(&args), "apply repairing the retention");
    assert_eq!(ws.run(&plan_args).code, 0, "repaired");

    let components: serde_json::Value = serde_json::from_str(&output("components")).unwrap();
    ok(
        &verify(&moto, &["dev", "--drift-more", &components.to_string()]),
        "more changes by hand",
    );
    let plan = ws.run(&plan_args);
    assert_eq!(plan.code, 2, "{}\n{}", plan.stdout, plan.stderr);
    for what in [
        "subnet/us-east-1a",
        "kms_key/secrets",
        "lambda_permission/secretsmanager",
    ] {
        assert!(
            plan.stdout.contains(what),
            "the plan names {what}:\n{}",
            plan.stdout
        );
    }
    let refused = || {
        moto.behaviour_notes()
            .iter()
            .filter(|n| n.starts_with("refused RotateSecret"))
            .count()
    };
    let refused_before = refused();
    ok(
        &ws.run(&args),
        "apply repairing tag, rotations and invoke permission",
    );
    assert!(
        refused() > refused_before,
        "rotation was turned on again before Lambda honoured the new permission:\n{}",
        moto.behaviour_notes().join("\n")
    );
    let plan = ws.run(&plan_args);
    assert_eq!(plan.code, 0, "repaired:\n{}", plan.stdout);

    let endpoint = components["vpc_endpoint/kms"].as_str().unwrap().to_string();
    ok(
        &verify(&moto, &["dev", "--delete-vpc-endpoint", &endpoint]),
        "deleting an endpoint",
    );
    let plan = ws.run(&plan_args);
    assert_eq!(
        plan.code, 2,
        "a deleted endpoint shows in the plan:\n{}",
        plan.stdout
    );
    ok(&ws.run(&args), "apply recreating the endpoint");
    assert_eq!(ws.run(&plan_args).code, 0, "recreated");
    let components: serde_json::Value = serde_json::from_str(&output("components")).unwrap();
    assert_ne!(components["vpc_endpoint/kms"].as_str().unwrap(), endpoint);

    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn drift_is_planned_and_repaired_and_a_rotation_is_not_drift_on_terraform_1_0() {
    drift_is_planned_and_repaired_and_a_rotation_is_not_drift(Cli::V1_0);
}

#[test]
fn drift_is_planned_and_repaired_and_a_rotation_is_not_drift_on_terraform_1_15() {
    drift_is_planned_and_repaired_and_a_rotation_is_not_drift(Cli::V1_15);
}

fn rotation_status_reports_health_and_a_failed_rotation_warns_in_the_plan(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let args = apply_args(&var);
    ok(&ws.run(&args), "apply");
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    ws.write(
        "main.tf",
        &format!(
            "{main}\ndata \"vault_rotation_status\" \"dev\" {{\n  environment_suffix = vault_secrets_stack.main.environment_suffix\n}}\n\
             output \"healthy\" {{\n  value = data.vault_rotation_status.dev.healthy\n}}\n\
             output \"rotation\" {{\n  value = data.vault_rotation_status.dev\n}}\n"
        ),
    );
    ok(&ws.run(&args), "apply with the data source");
    let status: serde_json::Value =
        serde_json::from_str(&ws.run(&["output", "-json", "rotation"]).stdout).unwrap();
    assert_eq!(status["rotation_enabled"], true, "{status}");
    assert_eq!(status["automatically_after_days"], 30, "{status}");
    assert_eq!(status["healthy"], true, "{status}");
    assert!(status["current_version_id"].is_string(), "{status}");
    assert!(
        status["versions"].as_array().is_some_and(|v| !v.is_empty()),
        "{status}"
    );
    assert!(status["last_rotation_error"].is_null(), "{status}");

    let arn = ws.run(&["output", "-raw", "secret_arn"]).stdout;
    ok(
        &verify(
            &moto,
            &[
                "dev",
                "--log-rotation-failure",
                &arn,
                "/aws/lambda/rotation-dev",
            ],
        ),
        "logging a failure",
    );
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    ok(&plan, "plan");
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(
        all.contains("Secret rotation is unhealthy") && all.contains("the last rotation failed"),
        "{all}"
    );
    ok(&ws.run(&args), "apply reading the status again");
    let status: serde_json::Value =
        serde_json::from_str(&ws.run(&["output", "-json", "rotation"]).stdout).unwrap();
    assert_eq!(status["healthy"], false, "{status}");
    assert!(
        status["last_rotation_error"]
            .as_str()
            .is_some_and(|e| e.contains("ER_ACCESS_DENIED_ERROR")),
        "{status}"
    );

    ws.write("main.tf", &main);
    destroy(&ws, &var);
}

#[test]
fn rotation_status_reports_health_and_a_failed_rotation_warns_in_the_plan_on_terraform_1_0() {
    rotation_status_reports_health_and_a_failed_rotation_warns_in_the_plan(Cli::V1_0);
}

#[test]
fn rotation_status_reports_health_and_a_failed_rotation_warns_in_the_plan_on_terraform_1_15() {
    rotation_status_reports_health_and_a_failed_rotation_warns_in_the_plan(Cli::V1_15);
}

/// Kills the provider (SIGKILL) once `ready` holds during an apply, as a crash would.
fn kill_provider_when(ws: &Workspace, var: &str, ready: impl Fn() -> bool) {
    let mut apply = ws.spawn(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        var,
    ]);
    let deadline = std::time::Instant::now() + std::time::Duration::from_secs(120);
    let mut killed = false;
    while std::time::Instant::now() < deadline && apply.try_wait().unwrap().is_none() {
        if ready() {
            for pid in crate::harness::provider_processes_in(&ws.path()) {
                let _ = std::process::Command::new("kill")
                    .args(["-9", &pid.to_string()])
                    .status();
                killed = true;
            }
            if killed {
                break;
            }
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let status = apply.wait().unwrap();
    assert!(
        killed,
        "the provider was killed mid-apply (ready: {}, apply exited: {status:?})",
        ready()
    );
    assert!(
        !status.success(),
        "an apply whose provider was killed fails"
    );
}

pub(crate) fn counts(moto: &Moto) -> serde_json::Value {
    serde_json::from_str(&verify(moto, &["dev", "--count"]).stdout).unwrap()
}

fn a_killed_apply_is_adopted_by_the_next_without_duplicates(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let args = apply_args(&var);
    // Early (a few dozen AWS calls in: the network is being built) and later (a hundred more
    // calls in, past the keys and the secret). Counting calls in moto's log is instant.
    kill_provider_when(&ws, &var, || moto.aws_requests().len() >= 30);
    let later = moto.aws_requests().len() + 100;
    kill_provider_when(&ws, &var, || moto.aws_requests().len() >= later);
    ok(&ws.run(&args), "the apply after two crashes");
    assert_one_stack(&moto, "after the crashes");
    let plan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// Terraform itself killed outright mid-apply (SIGKILL: a CI job's time limit, the
/// out-of-memory killer) can neither stop nor shut down its provider. The provider notices that
/// the Terraform that started it is gone and exits within seconds, instead of applying on for no
/// one (objects no state records, which a destroy run meanwhile could not see). The next apply
/// adopts what it made: one of each object, an empty plan, and destroy leaves nothing.
fn a_provider_whose_terraform_is_killed_exits_and_the_next_apply_adopts_its_objects(cli: Cli) {
    use std::time::{Duration, Instant};
    let moto = crate::harness::aws();
    // Each AWS call held 700 ms: the whole apply would take minutes.
    let proxy = crate::harness::SlowProxy::start(&moto.url, Duration::from_millis(700));
    let (ws, var) = basic(cli, &moto);
    let slow = format!("aws_endpoint={}", proxy.url);
    let mut terraform = ws.spawn(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &slow,
    ]);
    let deadline = Instant::now() + Duration::from_secs(180);
    while moto.aws_requests().len() < 15 {
        assert!(
            terraform.try_wait().unwrap().is_none(),
            "the slow apply ended before Terraform could be killed"
        );
        assert!(
            Instant::now() < deadline,
            "the slow apply made no AWS calls"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    let providers = crate::harness::provider_processes_in(&ws.path());
    assert_eq!(providers.len(), 1, "the provider is running");
    // SIGKILL to Terraform alone, the process that started the provider (Terraform 1.0 runs as
    // a child of its own panic monitor, the process spawned here): the provider gets no signal
    // and no request.
    let stat = fs::read_to_string(format!("/proc/{}/stat", providers[0])).unwrap();
    // `pid (name) state ppid ...`: the name may hold spaces, so fields count after its ')'.
    let parent = stat
        .rsplit(')')
        .next()
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap();
    let killed = std::process::Command::new("kill")
        .args(["-KILL", parent])
        .status()
        .unwrap();
    assert!(killed.success(), "Terraform ({parent}) was killed");
    terraform.wait().unwrap();
    let killed_at = Instant::now();
    while !crate::harness::provider_processes_in(&ws.path()).is_empty() {
        assert!(
            killed_at.elapsed() < Duration::from_secs(15),
            "the provider still runs {:?} after Terraform was killed",
            killed_at.elapsed()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    eprintln!(
        "the provider exited {:?} after Terraform was killed",
        killed_at.elapsed()
    );
    // A call the slow proxy still held may land just after; then nothing more.
    std::thread::sleep(Duration::from_secs(1));
    let calls = moto.aws_requests().len();
    std::thread::sleep(Duration::from_secs(5));
    assert_eq!(
        moto.aws_requests().len(),
        calls,
        "no AWS call once the provider has exited"
    );
    apply_ok(&ws, &var, "the apply after Terraform was killed");
    assert_one_stack(&moto, "after Terraform was killed");
    ok(&plan_code(&ws, &var), "the plan after it is empty");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_provider_whose_terraform_is_killed_exits_and_the_next_apply_adopts_its_objects_on_terraform_1_0(
) {
    a_provider_whose_terraform_is_killed_exits_and_the_next_apply_adopts_its_objects(Cli::V1_0);
}

#[test]
fn a_provider_whose_terraform_is_killed_exits_and_the_next_apply_adopts_its_objects_on_terraform_1_15(
) {
    a_provider_whose_terraform_is_killed_exits_and_the_next_apply_adopts_its_objects(Cli::V1_15);
}

/// The first apply fails midway (another secret holds the stack's secret name), and the user
/// destroys instead of finishing: every object created is deleted, and the objects never
/// created, with their parts (the function's permission, the secret's rotation), are nothing
/// to delete rather than an error.
fn a_failed_first_apply_is_destroyed_without_being_finished_and_leaves_nothing(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let conflict = verify(
        &moto,
        &["dev", "--create-untagged-secret", "secret-dev-database"],
    );
    ok(&conflict, "creating the conflicting secret");
    let failed = ws.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_ne!(failed.code, 0, "apply must fail on the name conflict");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_failed_first_apply_is_destroyed_without_being_finished_and_leaves_nothing_on_terraform_1_0() {
    a_failed_first_apply_is_destroyed_without_being_finished_and_leaves_nothing(Cli::V1_0);
}

#[test]
fn a_failed_first_apply_is_destroyed_without_being_finished_and_leaves_nothing_on_terraform_1_15() {
    a_failed_first_apply_is_destroyed_without_being_finished_and_leaves_nothing(Cli::V1_15);
}

/// Exactly one stack's objects exist in moto: nothing was duplicated.
fn assert_one_stack(moto: &Moto, when: &str) {
    let c = counts(moto);
    for (kind, n) in ONE_STACK {
        assert_eq!(c[kind], *n, "{kind}: nothing duplicated {when}: {c}");
    }
}

/// Kinds and how many objects of each one stack of `examples/basic` has.
pub(crate) const ONE_STACK: &[(&str, u64)] = &[
    ("vpc", 1),
    ("subnet", 3),
    ("security_group", 3),
    ("vpc_endpoint", 2),
    ("kms_key", 3),
    ("secret", 1),
    ("db_cluster", 1),
    ("db_instance", 2),
    ("lambda_function", 1),
];

#[test]
fn a_killed_apply_is_adopted_by_the_next_without_duplicates_on_terraform_1_0() {
    a_killed_apply_is_adopted_by_the_next_without_duplicates(Cli::V1_0);
}

#[test]
fn a_killed_apply_is_adopted_by_the_next_without_duplicates_on_terraform_1_15() {
    a_killed_apply_is_adopted_by_the_next_without_duplicates(Cli::V1_15);
}

/// The stack's `components` as state records them.
pub(crate) fn state_components(ws: &Workspace) -> serde_json::Value {
    let show: serde_json::Value = serde_json::from_str(&ws.run(&["show", "-json"]).stdout).unwrap();
    show["values"]["root_module"]["resources"][0]["values"]["components"].clone()
}

/// Rewrites the workspace's `main.tf` without its `logs` block; returns the new text.
fn omit_logs_block(ws: &Workspace) -> String {
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let without = main.replace("  logs {\n    retention_in_days = 365\n  }\n", "");
    assert_ne!(main, without, "examples/basic has a logs block");
    ws.write("main.tf", &without);
    without
}

fn import_by_suffix_rebuilds_the_state_and_the_next_plan_is_empty(cli: Cli) {
    let moto = crate::harness::aws();
    let (created, var) = basic(cli, &moto);
    ok(
        &created.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]),
        "apply",
    );
    let components = state_components(&created);

    // The importing configuration leaves `logs` at its default by omitting the block.
    let (ws, var) = basic(cli, &moto);
    let without_logs = omit_logs_block(&ws);
    let import = ws.run(&import_args(&var));
    ok(&import, "import");
    let plan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    // Terraform 1.0's import does not write root outputs, so its plan lists them as new values;
    // the resource itself must have no change on either CLI.
    let resource_changes = [
        "vault_secrets_stack.main will be",
        "vault_secrets_stack.main must be",
    ];
    assert!(
        !resource_changes.iter().any(|c| plan.stdout.contains(c)) && plan.code != 1,
        "a plan right after import changes nothing:\n{}\n{}",
        plan.stdout,
        plan.stderr
    );
    if cli == Cli::V1_15 {
        assert_eq!(plan.code, 0, "{}", plan.stdout);
    }
    let imported = state_components(&ws);
    assert_eq!(
        components, imported,
        "import finds every object the apply created"
    );

    if cli == Cli::V1_15 {
        // An import block (Terraform 1.5 and newer) in a third working directory.
        let (blocks, var) = basic(cli, &moto);
        blocks.write(
            "main.tf",
            &format!(
                "{without_logs}\nimport {{\n  to = vault_secrets_stack.main\n  id = \"dev\"\n}}\n"
            ),
        );
        let plan = blocks.run(&["plan", "-input=false", "-no-color", "-var", &var]);
        ok(&plan, "plan with an import block");
        assert!(
            plan.stdout
                .contains("1 to import, 0 to add, 0 to change, 0 to destroy"),
            "{}",
            plan.stdout
        );
    }

    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn import_by_suffix_rebuilds_the_state_and_the_next_plan_is_empty_on_terraform_1_0() {
    import_by_suffix_rebuilds_the_state_and_the_next_plan_is_empty(Cli::V1_0);
}

#[test]
fn import_by_suffix_rebuilds_the_state_and_the_next_plan_is_empty_on_terraform_1_15() {
    import_by_suffix_rebuilds_the_state_and_the_next_plan_is_empty(Cli::V1_15);
}

/// Rewrites `examples/basic`'s database, rotation and logs blocks with a value other than the
/// default for every input import reads back from an object's settings.
fn off_their_defaults(ws: &Workspace) {
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let changed = main
        .replace(
            "    instance_class  = \"db.t3.medium\"\n",
            "    instance_class  = \"db.r6g.large\"\n    port            = 3307\n    \
             backup_retention_days = 14\n",
        )
        .replace(
            "    database_name   = \"app\"\n",
            "    database_name   = \"payments\"\n",
        )
        .replace(
            "    automatically_after_days = 30\n",
            "    automatically_after_days = 30\n    runtime = \"nodejs20.x\"\n    \
             timeout_seconds = 60\n    memory_mb = 512\n",
        )
        .replace("retention_in_days = 365", "retention_in_days = 90");
    assert_eq!(
        changed.matches("payments").count() + changed.matches("= 90").count(),
        2,
        "examples/basic still has the blocks rewritten here"
    );
    ws.write("main.tf", &changed);
}

/// Import reads the inputs an object's settings hold back from AWS, not from their defaults:
/// every such input set off its default, the plan after import is empty.
#[test]
fn import_reads_back_every_setting_off_its_default_and_the_next_plan_is_empty_on_terraform_1_15() {
    let moto = crate::harness::aws();
    let (created, var) = basic(Cli::V1_15, &moto);
    off_their_defaults(&created);
    ok(&created.run(&apply_args(&var)), "apply");

    let (ws, var) = basic(Cli::V1_15, &moto);
    off_their_defaults(&ws);
    let import = ws.run(&import_args(&var));
    ok(&import, "import");
    let show: serde_json::Value = serde_json::from_str(&ws.run(&["show", "-json"]).stdout).unwrap();
    let values = &show["values"]["root_module"]["resources"][0]["values"];
    assert_eq!(values["database"][0]["port"], 3307, "{values}");
    assert_eq!(values["logs"][0]["retention_in_days"], 90, "{values}");
    assert_eq!(values["drift"], serde_json::json!([]), "{values}");
    let plan = plan_code(&ws, &var);
    assert_eq!(
        plan.code, 0,
        "a plan right after import changes nothing:\n{}\n{}",
        plan.stdout, plan.stderr
    );
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// `main.tf` of a workspace, its rotation on a schedule expression with a window instead of days.
fn on_a_schedule_expression(ws: &Workspace) {
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let scheduled = main.replace(
        "automatically_after_days = 30",
        "schedule_expression = \"rate(10 days)\"\n    duration            = \"3h\"",
    );
    assert_ne!(main, scheduled, "examples/basic rotates after days");
    ws.write("main.tf", &scheduled);
}

/// With a schedule expression AWS reports the days it computes next to it (the test bed does
/// too): neither refresh nor import may take those days for configuration, or the next plan
/// would change the schedule or reject the two together.
fn a_schedule_expression_plans_empty_after_apply_and_after_import(cli: Cli) {
    let moto = crate::harness::aws();
    let (created, var) = basic(cli, &moto);
    on_a_schedule_expression(&created);
    let plan_args = [
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ];
    ok(
        &created.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]),
        "apply",
    );
    ok(&created.run(&plan_args), "plan after apply");

    // As in the import test above, the importing configuration omits its default `logs` block.
    let (ws, var) = basic(cli, &moto);
    on_a_schedule_expression(&ws);
    omit_logs_block(&ws);
    ok(&ws.run(&import_args(&var)), "import");
    let plan = ws.run(&plan_args);
    // Terraform 1.0's import writes no root outputs: its plan adds them, the resource must not
    // change.
    assert!(
        !plan.stdout.contains("vault_secrets_stack.main will be") && plan.code != 1,
        "a plan right after import changes nothing:\n{}\n{}",
        plan.stdout,
        plan.stderr
    );
    let show: serde_json::Value = serde_json::from_str(&ws.run(&["show", "-json"]).stdout).unwrap();
    let rotation = &show["values"]["root_module"]["resources"][0]["values"]["rotation"][0];
    assert_eq!(
        rotation["schedule_expression"], "rate(10 days)",
        "{rotation}"
    );
    assert_eq!(rotation["duration"], "3h", "{rotation}");
    assert!(rotation["automatically_after_days"].is_null(), "{rotation}");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_schedule_expression_plans_empty_after_apply_and_after_import_on_terraform_1_0() {
    a_schedule_expression_plans_empty_after_apply_and_after_import(Cli::V1_0);
}

#[test]
fn a_schedule_expression_plans_empty_after_apply_and_after_import_on_terraform_1_15() {
    a_schedule_expression_plans_empty_after_apply_and_after_import(Cli::V1_15);
}

fn in_place_updates_change_only_what_they_name(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let args = apply_args(&var);
    let plan_args = [
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ];
    ok(&ws.run(&args), "apply");
    let before = state_components(&ws);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let updated = main
        .replace("instance_count  = 2", "instance_count  = 3")
        .replace("db.t3.medium", "db.r6g.large")
        .replace("retention_in_days = 365", "retention_in_days = 731")
        .replace(
            "automatically_after_days = 30",
            "automatically_after_days = 14",
        )
        .replace("Compliance = \"PCI-DSS\"", "Compliance = \"SOC2\"");
    ws.write("main.tf", &updated);
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    ok(&plan, "plan of the updates");
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert!(
        all.contains("will be updated in-place") && !all.contains("must be replaced"),
        "{all}"
    );
    assert!(all.contains("creates aurora instance 3"), "{all}");
    ok(&ws.run(&args), "apply of the updates");
    assert_eq!(ws.run(&plan_args).code, 0, "the updates converged");
    let after = state_components(&ws);
    for (name, id) in before.as_object().unwrap() {
        assert_eq!(&after[name], id, "{name} was kept, not replaced");
    }
    assert!(after["db_instance/3"].is_string(), "{after}");

    // Back down to two instances: the third goes, nothing else does.
    ws.write(
        "main.tf",
        &updated.replace("instance_count  = 3", "instance_count  = 2"),
    );
    ok(&ws.run(&args), "apply of the lower count");
    assert_eq!(ws.run(&plan_args).code, 0);
    let last = state_components(&ws);
    assert!(last.get("db_instance/3").is_none(), "{last}");
    assert_eq!(last["db_cluster"], before["db_cluster"]);
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn in_place_updates_change_only_what_they_name_on_terraform_1_0() {
    in_place_updates_change_only_what_they_name(Cli::V1_0);
}

#[test]
fn in_place_updates_change_only_what_they_name_on_terraform_1_15() {
    in_place_updates_change_only_what_they_name(Cli::V1_15);
}

/// `terraform plan -detailed-exitcode`: 0 when nothing would change.
pub(crate) fn plan_code(ws: &Workspace, var: &str) -> crate::harness::Run {
    ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        var,
    ])
}

/// The arguments of `terraform apply -auto-approve` of `var`.
pub(crate) fn apply_args(var: &str) -> [&str; 6] {
    [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        var,
    ]
}

/// The arguments of `terraform import` of stack `dev` into `vault_secrets_stack.main`.
pub(crate) fn import_args(var: &str) -> [&str; 7] {
    [
        "import",
        "-input=false",
        "-no-color",
        "-var",
        var,
        "vault_secrets_stack.main",
        "dev",
    ]
}

/// `terraform apply -auto-approve` of `var`, whatever its outcome.
pub(crate) fn apply_run(ws: &Workspace, var: &str) -> crate::harness::Run {
    ws.run(&apply_args(var))
}

/// `terraform apply` of `var`, which must succeed.
pub(crate) fn apply_ok(ws: &Workspace, var: &str, what: &str) {
    ok(&apply_run(ws, var), what);
}

fn every_taggable_object(moto: &Moto, ws: &Workspace, key: &str, value: &str) {
    let components = state_components(ws).to_string();
    let check = verify(moto, &["dev", "--tags", &components, key, value]);
    assert_eq!(
        check.code, 0,
        "{key} = {value} on every taggable object:\n{}{}",
        check.stdout, check.stderr
    );
}

fn tags_added_and_removed_in_tags_and_default_tags_reach_every_taggable_object(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let tagged = main
        .replace(
            "default_tags = { Team = \"platform\" }",
            "default_tags = { Team = \"platform\", Owner = \"payments\" }",
        )
        .replace(
            "Compliance = \"PCI-DSS\"\n",
            "Compliance = \"PCI-DSS\"\n    Extra      = \"yes\"\n",
        );
    assert_eq!(
        tagged.matches("Owner").count() + tagged.matches("Extra").count(),
        2
    );
    ws.write("main.tf", &tagged);
    apply_ok(&ws, &var, "apply with the extra tags");
    every_taggable_object(&moto, &ws, "Owner", "payments");
    every_taggable_object(&moto, &ws, "Extra", "yes");
    ok(&plan_code(&ws, &var), "the tags converged");

    ws.write("main.tf", &main);
    let plan = plan_code(&ws, &var);
    assert_eq!(plan.code, 2, "removing tags is a change:\n{}", plan.stdout);
    apply_ok(&ws, &var, "apply without the extra tags");
    every_taggable_object(&moto, &ws, "Owner", "-");
    every_taggable_object(&moto, &ws, "Extra", "-");
    every_taggable_object(&moto, &ws, "Team", "platform");
    let plan = plan_code(&ws, &var);
    assert_eq!(plan.code, 0, "the removal converged:\n{}", plan.stdout);
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn tags_added_and_removed_in_tags_and_default_tags_reach_every_taggable_object_on_terraform_1_0() {
    tags_added_and_removed_in_tags_and_default_tags_reach_every_taggable_object(Cli::V1_0);
}

#[test]
fn tags_added_and_removed_in_tags_and_default_tags_reach_every_taggable_object_on_terraform_1_15() {
    tags_added_and_removed_in_tags_and_default_tags_reach_every_taggable_object(Cli::V1_15);
}

fn an_engine_version_upgraded_by_aws_plans_no_change_and_is_never_downgraded(cli: Cli) {
    // AWS upgrades the minor version on its own, a few seconds after the cluster is created.
    let newer = "8.0.mysql_aurora.3.09.0";
    let moto = crate::harness::aws_with(|b| {
        b["aws_managed"] =
            serde_json::json!({"minor_upgrade": {"after": 5, "engine_version": newer}});
    });
    let (ws, var) = basic(cli, &moto);
    apply_ok(&ws, &var, "apply");
    let cluster = state_components(&ws)["db_cluster"]
        .as_str()
        .unwrap()
        .to_string();
    let upgraded = (0..60).any(|_| {
        std::thread::sleep(std::time::Duration::from_secs(1));
        verify(&moto, &["dev", "--engine-version", &cluster])
            .stdout
            .trim()
            == newer
    });
    assert!(upgraded, "the behaviour layer upgraded the cluster");

    let plan = plan_code(&ws, &var);
    assert_eq!(
        plan.code, 0,
        "a newer minor version is not drift:\n{}{}",
        plan.stdout, plan.stderr
    );
    apply_ok(&ws, &var, "apply after the upgrade");
    let version = verify(&moto, &["dev", "--engine-version", &cluster]);
    assert_eq!(
        version.stdout.trim(),
        newer,
        "the cluster was not downgraded"
    );
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn an_engine_version_upgraded_by_aws_plans_no_change_and_is_never_downgraded_on_terraform_1_0() {
    an_engine_version_upgraded_by_aws_plans_no_change_and_is_never_downgraded(Cli::V1_0);
}

#[test]
fn an_engine_version_upgraded_by_aws_plans_no_change_and_is_never_downgraded_on_terraform_1_15() {
    an_engine_version_upgraded_by_aws_plans_no_change_and_is_never_downgraded(Cli::V1_15);
}

fn a_second_state_cannot_take_over_a_complete_stack(cli: Cli) {
    let moto = crate::harness::aws();
    let (a, var) = basic(cli, &moto);
    apply_ok(&a, &var, "apply in A");
    let before = counts(&moto);
    let components = state_components(&a);

    // B: the same configuration, a fresh state; its provider logs every AWS call.
    let (b, _) = basic(cli, &moto);
    let calls = b.dir.path().join("calls.log");
    let debug = [
        ("TF_LOG_PROVIDER", "DEBUG"),
        ("TF_LOG_PATH", calls.to_str().unwrap()),
    ];
    let refused = |run: &crate::harness::Run, what: &str| {
        let all = format!("{}{}", run.stdout, run.stderr);
        assert_eq!(run.code, 1, "{what} in B must fail:\n{all}");
        assert!(all.contains("Stack already exists"), "{what}: {all}");
        assert!(all.contains("environment_suffix"), "{what}: {all}");
        assert!(
            all.contains("terraform import vault_secrets_stack"),
            "{what}: {all}"
        );
        assert_eq!(counts(&moto), before, "{what} in B changed nothing");
    };
    refused(
        &b.run_with(&["plan", "-input=false", "-no-color", "-var", &var], &debug),
        "plan",
    );
    refused(
        &b.run_with(
            &[
                "apply",
                "-auto-approve",
                "-input=false",
                "-no-color",
                "-var",
                &var,
            ],
            &debug,
        ),
        "apply",
    );
    let destroy = b.run_with(
        &[
            "destroy",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ],
        &debug,
    );
    if cli == Cli::V1_0 {
        // Terraform 1.0 plans the configuration normally before a destroy, so the refusal
        // shows there too; nothing is touched either way.
        refused(&destroy, "destroy");
    } else {
        ok(&destroy, "destroy in B");
    }
    assert_eq!(counts(&moto), before, "destroy in B touched nothing of A's");
    let log = fs::read_to_string(&calls).unwrap();
    let made: Vec<&str> = log
        .lines()
        .filter_map(|l| l.split("AWS call ").nth(1))
        .filter_map(|rest| rest.split('"').next())
        .collect();
    assert!(!made.is_empty(), "B's AWS calls are logged:\n{log}");
    let writes: Vec<&&str> = made
        .iter()
        .filter(|call| {
            let op = call.split('.').nth(1).unwrap_or(call);
            !["Describe", "Get", "List"]
                .iter()
                .any(|r| op.starts_with(r))
        })
        .collect();
    assert!(writes.is_empty(), "B made only read calls: {writes:?}");
    assert_eq!(state_components(&a), components);
    let plan = plan_code(&a, &var);
    assert_eq!(plan.code, 0, "A still plans empty:\n{}", plan.stdout);
    destroy_leaves_nothing(&a, &moto, &var);
}

#[test]
fn a_second_state_cannot_take_over_a_complete_stack_on_terraform_1_0() {
    a_second_state_cannot_take_over_a_complete_stack(Cli::V1_0);
}

#[test]
fn a_second_state_cannot_take_over_a_complete_stack_on_terraform_1_15() {
    a_second_state_cannot_take_over_a_complete_stack(Cli::V1_15);
}

/// Interrupts `terraform apply` ([`crate::harness::interrupt`]) and returns how long the apply
/// took to end, how many AWS calls reached moto after the interrupt, and its output. The apply
/// must fail, report the interruption, and return a state consistent with its plan.
fn interrupt_apply(
    ws: &Workspace,
    moto: &Moto,
    args: &[&str],
    ready: impl Fn() -> bool,
) -> (std::time::Duration, usize, String) {
    let run = crate::harness::interrupt(ws, moto, args, ready);
    let output = run.output;
    assert!(!run.succeeded, "an interrupted apply fails:\n{output}");
    assert!(
        output.contains("interrupted"),
        "the apply reports the interruption:\n{output}"
    );
    assert!(
        !output.contains("inconsistent result"),
        "the state returned is consistent with the plan:\n{output}"
    );
    (run.took, run.calls_after, output)
}

/// Ctrl-C in a terminal during a slow apply (SPEC §2.1): the group gets SIGINT, Terraform asks
/// the provider to stop, the apply ends within seconds with what exists in state and an
/// "interrupted" error, and the next apply resumes without duplicates. Only Terraform 1.0 is a
/// real executable here (1.15 runs inside Python), so only it receives a signal as a user's would.
#[test]
fn an_interrupted_slow_apply_ends_within_seconds_and_the_next_apply_converges_on_terraform_1_0() {
    use std::time::Duration;
    let moto = crate::harness::aws();
    // Each AWS call held 700 ms: the whole apply would take minutes.
    let proxy = crate::harness::SlowProxy::start(&moto.url, Duration::from_millis(700));
    let (ws, var) = basic(Cli::V1_0, &moto);
    let slow = format!("aws_endpoint={}", proxy.url);
    let apply_slowly = apply_args(&slow);
    let (took, calls_after, output) = interrupt_apply(&ws, &moto, &apply_slowly, || {
        moto.aws_requests().len() >= 15
    });
    assert!(
        took < Duration::from_secs(15),
        "the apply ended {took:?} after Ctrl-C:\n{output}"
    );
    // Calls already under way finish (each object's current step), nothing new starts: a few
    // dozen calls at most, where the whole stack takes hundreds.
    assert!(
        calls_after <= 40,
        "{calls_after} AWS calls after Ctrl-C: new objects were started:\n{output}"
    );
    let recorded = state_components(&ws);
    let recorded = recorded.as_object().map_or(0, |m| m.len());
    eprintln!("{recorded} objects in state after Ctrl-C");
    assert!(
        recorded > 0,
        "what the interrupted apply created is in state:\n{output}"
    );

    // The next apply, at full speed, finishes the stack with exactly one of each object.
    ok(
        &ws.run(&[
            "apply",
            "-auto-approve",
            "-input=false",
            "-no-color",
            "-var",
            &var,
        ]),
        "the apply after Ctrl-C",
    );
    let c = counts(&moto);
    for (kind, n) in [
        ("vpc", 1),
        ("subnet", 3),
        ("security_group", 3),
        ("vpc_endpoint", 2),
        ("kms_key", 3),
        ("secret", 1),
        ("db_cluster", 1),
        ("db_instance", 2),
        ("lambda_function", 1),
    ] {
        assert_eq!(c[kind], n, "{kind}: nothing duplicated after Ctrl-C: {c}");
    }
    let plan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// Ctrl-C during a slow in-place update: the apply ends within seconds, the state it returns is
/// consistent with the plan (outputs of objects it did not touch are kept), and the next apply
/// finishes the update.
#[test]
fn an_interrupted_slow_update_keeps_a_consistent_state_and_the_next_apply_finishes_it_on_terraform_1_0(
) {
    use std::time::Duration;
    let moto = crate::harness::aws();
    let (ws, var) = basic(Cli::V1_0, &moto);
    let args = apply_args(&var);
    ok(&ws.run(&args), "apply");
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    // Two more instances and a tag on every object: many calls, each held 700 ms.
    ws.write(
        "main.tf",
        &main
            .replace("instance_count  = 2", "instance_count  = 4")
            .replace("Compliance = \"PCI-DSS\"", "Compliance = \"SOC2\""),
    );
    let proxy = crate::harness::SlowProxy::start(&moto.url, Duration::from_millis(700));
    let slow = format!("aws_endpoint={}", proxy.url);
    // No refresh: every AWS call of this apply is the update's own.
    let apply_slowly = [
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-refresh=false",
        "-var",
        &slow,
    ];
    let before = moto.aws_requests().len();
    let (took, _, output) = interrupt_apply(&ws, &moto, &apply_slowly, || {
        moto.aws_requests().len() >= before + 3
    });
    assert!(
        took < Duration::from_secs(15),
        "the update ended {took:?} after Ctrl-C:\n{output}"
    );
    ok(&ws.run(&args), "the apply after Ctrl-C");
    assert_eq!(counts(&moto)["db_instance"], 4, "the update was finished");
    let plan = ws.run(&[
        "plan",
        "-detailed-exitcode",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    assert_eq!(plan.code, 0, "{}\n{}", plan.stdout, plan.stderr);
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// Ctrl-C while AWS throttles a service for minutes (a burst the SDK would back off through for
/// its 25 retries): the apply ends within seconds instead of waiting the burst out, and the next
/// apply, once the burst is over, converges with one of each object.
#[test]
fn an_apply_interrupted_while_aws_throttles_ends_within_seconds_and_the_next_converges_on_terraform_1_0(
) {
    use std::time::Duration;
    const BURST: Duration = Duration::from_secs(40);
    let moto = crate::harness::aws_with(|b| {
        b["throttled_for"] = serde_json::json!({"lambda": BURST.as_secs()});
    });
    let (ws, var) = basic(Cli::V1_0, &moto);
    let args = apply_args(&var);
    let lambda_calls = || {
        moto.aws_requests()
            .iter()
            .filter(|l| l.contains("/2015-03-31/functions"))
            .count()
    };
    // Two throttled attempts in: the SDK is backing off inside one call.
    let (took, _, output) = interrupt_apply(&ws, &moto, &args, || lambda_calls() >= 2);
    assert!(
        took < Duration::from_secs(15),
        "the apply ended {took:?} after Ctrl-C:\n{output}"
    );
    // Terraform wraps the diagnostic's lines.
    let words = output.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        words.contains("waiting to be retried (throttled or failed) were abandoned"),
        "the apply says calls were abandoned:\n{output}"
    );
    // The burst began before Ctrl-C: it is over once this long after it.
    std::thread::sleep(BURST.saturating_sub(took));
    ok(&ws.run(&args), "the apply after Ctrl-C");
    assert_one_stack(&moto, "after Ctrl-C in a throttling burst");
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// The operation whose first call the behaviour layer carries out and then answers with silence,
/// the connection held open for ten minutes: a response lost on the way, as a NAT or proxy that
/// drops it leaves it.
const STALLED: &str = "CreateSecret";

fn aws_stalling_the_first_create_secret() -> Moto {
    crate::harness::aws_with(|b| {
        b["stalled_responses"] = serde_json::json!({ STALLED: 600 });
    })
}

fn stalled(moto: &Moto) -> bool {
    moto.behaviour_notes()
        .iter()
        .any(|n| n.strip_prefix("stalled the response of ") == Some(STALLED))
}

/// A response that never arrives on a connection that stays open: the SDK sets no read timeout,
/// so the apply waited for it forever. The provider's read timeout (30 s) ends the attempt, the
/// SDK sends it again, the secret the first one made is adopted, and the stack converges.
#[test]
fn an_apply_whose_response_never_arrives_retries_it_and_converges_on_terraform_1_0() {
    use std::time::Duration;
    let moto = aws_stalling_the_first_create_secret();
    let (ws, var) = basic(Cli::V1_0, &moto);
    let args = apply_args(&var);
    let run = ws.run_within(&args, Duration::from_secs(240));
    ok(&run, "the apply whose CreateSecret response never arrives");
    assert!(stalled(&moto), "the first CreateSecret was stalled");
    assert_one_stack(&moto, "after a stalled response");
    ok(&plan_code(&ws, &var), "the plan after the apply is empty");
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// Ctrl-C while a response is lost on a silent connection: the attempt would last until the read
/// timeout, so it is abandoned 10 s after the stop (`ATTEMPT_GRACE_AFTER_STOP`), and the next
/// apply adopts the secret the abandoned call made.
#[test]
fn an_apply_interrupted_while_a_response_never_arrives_ends_within_seconds_and_the_next_converges_on_terraform_1_0(
) {
    use std::time::Duration;
    let moto = aws_stalling_the_first_create_secret();
    let (ws, var) = basic(Cli::V1_0, &moto);
    let args = apply_args(&var);
    let (took, _, output) = interrupt_apply(&ws, &moto, &args, || stalled(&moto));
    assert!(
        took < Duration::from_secs(20),
        "the apply ended {took:?} after Ctrl-C:\n{output}"
    );
    ok(&ws.run(&args), "the apply after Ctrl-C");
    assert_one_stack(&moto, "after Ctrl-C during a stalled response");
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// The Aurora cluster as moto holds it: its status and backup retention.
fn cluster(moto: &Moto) -> serde_json::Value {
    serde_json::from_str(&verify(moto, &["dev", "--cluster"]).stdout).unwrap()
}

/// Ctrl-C while Aurora applies a modification (on AWS, minutes), then an apply of another change
/// at once: RDS refuses to modify a cluster that is still `modifying` (the behaviour layer, as
/// AWS), so the apply waits until it is available and sends what still differs then.
#[test]
fn an_apply_right_after_an_interrupted_cluster_modification_waits_for_the_cluster_on_terraform_1_0()
{
    let moto = crate::harness::aws_with(|b| {
        b["lifecycle"]["rds"] = serde_json::json!(15);
    });
    let (ws, var) = basic(Cli::V1_0, &moto);
    apply_ok(&ws, &var, "apply");
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let retention = |days: u32| {
        main.replace(
            "instance_count  = 2",
            &format!("instance_count  = 2\n    backup_retention_days = {days}"),
        )
    };
    ws.write("main.tf", &retention(14));
    let args = apply_args(&var);
    interrupt_apply(&ws, &moto, &args, || {
        cluster(&moto)["status"] == "modifying"
    });
    assert_eq!(
        cluster(&moto)["status"],
        "modifying",
        "the next apply starts while the cluster is still modifying"
    );
    ws.write("main.tf", &retention(21));
    ok(&ws.run(&args), "the apply right after Ctrl-C");
    let after = cluster(&moto);
    assert_eq!(after["backup_retention_days"], 21, "{after}");
    assert_eq!(after["status"], "available", "{after}");
    ok(&plan_code(&ws, &var), "the plan after it is empty");
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// Ctrl-C during a slow destroy: it ends within seconds, the state keeps the stack with every
/// object not yet deleted (so nothing is orphaned), and the next destroy deletes the rest.
#[test]
fn an_interrupted_slow_destroy_keeps_what_is_left_in_state_and_the_next_destroy_leaves_nothing_on_terraform_1_0(
) {
    use std::time::Duration;
    let moto = crate::harness::aws();
    let (ws, var) = basic(Cli::V1_0, &moto);
    apply_ok(&ws, &var, "apply");
    let applied = state_components(&ws).as_object().unwrap().len();
    let proxy = crate::harness::SlowProxy::start(&moto.url, Duration::from_millis(700));
    let slow = format!("aws_endpoint={}", proxy.url);
    let destroy_slowly = [
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-refresh=false",
        "-var",
        &slow,
    ];
    let before = moto.aws_requests().len();
    let (took, _, output) = interrupt_apply(&ws, &moto, &destroy_slowly, || {
        moto.aws_requests().len() >= before + 40
    });
    assert!(
        took < Duration::from_secs(15),
        "the destroy ended {took:?} after Ctrl-C:\n{output}"
    );
    let left = state_components(&ws);
    let left = left.as_object().map_or(0, |m| m.len());
    eprintln!("{left} of {applied} objects still in state after Ctrl-C");
    eprintln!("in moto: {}", counts(&moto));
    assert!(
        left > 0 && left < applied,
        "the state holds exactly what was not deleted yet ({left} of {applied}):\n{output}"
    );
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// Applies with `timeouts { create = "15s" }` added, which a cluster still `creating` outlasts:
/// the apply fails. Returns the configuration as it was and the apply's output.
fn apply_with_a_15s_create_timeout(ws: &Workspace, var: &str) -> (String, String) {
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let short = main.replace(
        "  logs {\n",
        "  timeouts {\n    create = \"15s\"\n  }\n  logs {\n",
    );
    assert_ne!(short, main, "examples/basic has a logs block");
    ws.write("main.tf", &short);
    let failed = ws.run(&apply_args(var));
    let all = format!("{}{}", failed.stdout, failed.stderr);
    assert_eq!(failed.code, 1, "the apply outlasts its timeout:\n{all}");
    (main, all)
}

/// AWS takes minutes; the `timeouts` block bounds how long apply waits. The cluster here stays
/// `creating` for 30 s and the create timeout is 15 s: the apply fails naming what it waited for
/// and the timeout, with the cluster recorded in state. The next apply, with the default
/// timeouts, waits for that same cluster (no second one), and converges.
fn a_create_outlasting_its_timeout_fails_naming_it_and_the_next_apply_waits_for_the_same_cluster(
    cli: Cli,
) {
    let moto = Moto::start_like_aws(
        r#"{"lifecycle": {"rds": 2, "rds_cluster_create": 30, "lambda": 1, "vpc_endpoint": 1},
            "consistency": {"ec2_describe_after_create": 1}}"#,
    );
    let (ws, var) = basic(cli, &moto);
    let (main, all) = apply_with_a_15s_create_timeout(&ws, &var);
    assert!(all.contains("db_cluster"), "names the cluster:\n{all}");
    assert!(
        all.contains("bounded by timeouts.create (15 s)"),
        "names the setting that bounds the wait:\n{all}"
    );
    let recorded = state_components(&ws);
    assert!(
        recorded["db_cluster"].is_string(),
        "the cluster being created is in state: {recorded}\n{all}"
    );
    ws.write("main.tf", &main);
    apply_ok(&ws, &var, "the apply with the default timeouts");
    assert_one_stack(&moto, "after the timed-out create");
    assert_eq!(
        state_components(&ws)["db_cluster"],
        recorded["db_cluster"],
        "the same cluster"
    );
    ok(&plan_code(&ws, &var), "the plan after it is empty");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_create_outlasting_its_timeout_fails_naming_it_and_the_next_apply_waits_for_the_same_cluster_on_terraform_1_0(
) {
    a_create_outlasting_its_timeout_fails_naming_it_and_the_next_apply_waits_for_the_same_cluster(
        Cli::V1_0,
    );
}

#[test]
fn a_create_outlasting_its_timeout_fails_naming_it_and_the_next_apply_waits_for_the_same_cluster_on_terraform_1_15(
) {
    a_create_outlasting_its_timeout_fails_naming_it_and_the_next_apply_waits_for_the_same_cluster(
        Cli::V1_15,
    );
}

/// A destroy right after an apply that outlasted its create timeout meets the Aurora cluster
/// still `creating` (here for a minute; on AWS, ten). RDS refuses to delete a cluster that is
/// not available (the behaviour layer, as AWS): the destroy waits until it is, deletes it, and
/// leaves nothing.
fn a_destroy_right_after_a_timed_out_create_waits_for_the_cluster_and_leaves_nothing(cli: Cli) {
    let moto = crate::harness::aws_with(|b| {
        b["lifecycle"]["rds_cluster_create"] = serde_json::json!(60);
    });
    let (ws, var) = basic(cli, &moto);
    apply_with_a_15s_create_timeout(&ws, &var);
    assert_eq!(
        cluster(&moto)["status"],
        "creating",
        "the destroy starts while the cluster is still creating"
    );
    destroy_leaves_nothing(&ws, &moto, &var);
    let notes = moto.behaviour_notes();
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("refused DeleteDBCluster while creating")),
        "the destroy met the cluster still creating: {notes:?}"
    );
}

#[test]
fn a_destroy_right_after_a_timed_out_create_waits_for_the_cluster_and_leaves_nothing_on_terraform_1_0(
) {
    a_destroy_right_after_a_timed_out_create_waits_for_the_cluster_and_leaves_nothing(Cli::V1_0);
}

#[test]
fn a_destroy_right_after_a_timed_out_create_waits_for_the_cluster_and_leaves_nothing_on_terraform_1_15(
) {
    a_destroy_right_after_a_timed_out_create_waits_for_the_cluster_and_leaves_nothing(Cli::V1_15);
}

/// Destroy, then apply the same configuration at once (a CI pipeline rebuilding an
/// environment): AWS releases a force-deleted secret's name, and a deleted bucket's, only
/// seconds after the delete answers (here 10 s), and the creates wait for them instead of
/// failing.
fn a_stack_applied_again_right_after_destroy_waits_for_aws_to_release_the_secret_and_bucket_names(
    cli: Cli,
) {
    let moto = crate::harness::aws_with(|b| {
        b["propagation"] =
            serde_json::json!({"secret_name_after_delete": 10, "bucket_name_after_delete": 10});
    });
    let (ws, var) = basic(cli, &moto);
    apply_ok(&ws, &var, "apply");
    destroy_leaves_nothing(&ws, &moto, &var);
    apply_ok(&ws, &var, "the apply right after destroy");
    let refused = moto.behaviour_notes();
    for create in ["refused CreateSecret", "refused CreateBucket"] {
        assert!(
            refused.iter().any(|n| n.starts_with(create)),
            "the second apply met a name not yet released ({create}): {refused:?}"
        );
    }
    assert_one_stack(&moto, "after the second apply");
    ok(&plan_code(&ws, &var), "the plan after it is empty");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_stack_applied_again_right_after_destroy_waits_for_aws_to_release_the_secret_and_bucket_names_on_terraform_1_0(
) {
    a_stack_applied_again_right_after_destroy_waits_for_aws_to_release_the_secret_and_bucket_names(
        Cli::V1_0,
    );
}

#[test]
fn a_stack_applied_again_right_after_destroy_waits_for_aws_to_release_the_secret_and_bucket_names_on_terraform_1_15(
) {
    a_stack_applied_again_right_after_destroy_waits_for_aws_to_release_the_secret_and_bucket_names(
        Cli::V1_15,
    );
}

/// `terraform destroy` in a directory whose state holds nothing of the stack: it succeeds
/// (nothing to do), except that Terraform 1.0 plans the configuration first, where a complete
/// stack of another state is refused as at any plan.
fn destroy_in_a_stranger(cli: Cli, ws: &Workspace, var: &str) {
    let run = ws.run(&[
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        var,
    ]);
    let refused = run.code == 1 && run.stderr.contains("Stack already exists");
    if !(cli == Cli::V1_0 && refused) {
        ok(&run, "destroy in a directory that holds nothing");
    }
}

/// Two working directories apply the same suffix at once: exactly one creates the stack, the
/// other stops on `environment_suffix` with nothing created, and nothing is duplicated.
fn two_applies_racing_for_one_suffix_cannot_both_win(cli: Cli) {
    let moto = crate::harness::aws();
    let (a, var) = basic(cli, &moto);
    let (b, _) = basic(cli, &moto);
    let args = apply_args(&var);
    let (log_a, log_b) = (a.dir.path().join("race.log"), b.dir.path().join("race.log"));
    let mut run_a = a.spawn_in_group(&args, &log_a);
    let mut run_b = b.spawn_in_group(&args, &log_b);
    let (won_a, won_b) = (
        run_a.wait().unwrap().success(),
        run_b.wait().unwrap().success(),
    );
    let out = |log: &std::path::Path| fs::read_to_string(log).unwrap_or_default();
    assert!(
        won_a != won_b,
        "exactly one apply wins:\nA:\n{}\nB:\n{}",
        out(&log_a),
        out(&log_b)
    );
    let (winner, loser, lost) = if won_a {
        (&a, &b, out(&log_b))
    } else {
        (&b, &a, out(&log_a))
    };
    assert!(
        lost.contains("Stack belongs to another working directory")
            || lost.contains("Stack already exists"),
        "the loser says why:\n{lost}"
    );
    assert!(lost.contains("environment_suffix"), "{lost}");
    assert_one_stack(&moto, "after the race");
    let before = counts(&moto);
    destroy_in_a_stranger(cli, loser, &var);
    assert_eq!(counts(&moto), before, "the loser's destroy touches nothing");
    ok(&plan_code(winner, &var), "the winner plans empty");
    destroy_leaves_nothing(winner, &moto, &var);
}

#[test]
fn two_applies_racing_for_one_suffix_cannot_both_win_on_terraform_1_0() {
    two_applies_racing_for_one_suffix_cannot_both_win(Cli::V1_0);
}

#[test]
fn two_applies_racing_for_one_suffix_cannot_both_win_on_terraform_1_15() {
    two_applies_racing_for_one_suffix_cannot_both_win(Cli::V1_15);
}

/// A create killed midway is finished from its own directory, never adopted from another one.
fn a_killed_create_is_finished_by_its_own_directory_and_refused_to_another(cli: Cli) {
    let moto = crate::harness::aws();
    let (a, var) = basic(cli, &moto);
    kill_provider_when(&a, &var, || moto.aws_requests().len() >= 60);
    let before = counts(&moto);
    let (b, _) = basic(cli, &moto);
    let run = b.run(&[
        "apply",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ]);
    let all = format!("{}{}", run.stdout, run.stderr);
    assert_eq!(
        run.code, 1,
        "B may not adopt A's interrupted create:\n{all}"
    );
    assert!(
        all.contains("Stack belongs to another working directory"),
        "{all}"
    );
    assert!(all.contains("environment_suffix"), "{all}");
    assert_eq!(counts(&moto), before, "B created and changed nothing");
    destroy_in_a_stranger(cli, &b, &var);
    assert_eq!(
        counts(&moto),
        before,
        "B's destroy deletes none of A's objects"
    );
    apply_ok(&a, &var, "the apply in A after its crash");
    assert_one_stack(&moto, "after A finished its create");
    ok(&plan_code(&a, &var), "A plans empty");
    destroy_leaves_nothing(&a, &moto, &var);
}

#[test]
fn a_killed_create_is_finished_by_its_own_directory_and_refused_to_another_on_terraform_1_0() {
    a_killed_create_is_finished_by_its_own_directory_and_refused_to_another(Cli::V1_0);
}

#[test]
fn a_killed_create_is_finished_by_its_own_directory_and_refused_to_another_on_terraform_1_15() {
    a_killed_create_is_finished_by_its_own_directory_and_refused_to_another(Cli::V1_15);
}

/// Against the test bed's AWS-behaviour layer: 20% throttling and 5% server errors in each
/// service's own error shape, a new role Lambda cannot assume for 4 s, a new key Logs cannot use
/// for 3 s, a role's new inline policy Lambda does not see for 15 s (so it refuses the function
/// in subnets the role may not use yet), a new invoke permission Secrets Manager cannot use for
/// 5 s, and a rotation function whose network interfaces Lambda releases only 3 s after the function
/// is deleted, and only while its role may still delete them. Apply rides through all of it,
/// the next plan is empty, and destroy waits for the interfaces and leaves nothing.
fn the_stack_rides_through_throttling_propagation_and_lambda_interfaces(cli: Cli) {
    let moto = Moto::start_like_aws(
        &serde_json::json!({
            "seed": 7,
            "faults": {"throttle": 0.2, "server_error": 0.05, "latency_ms": 10},
            "propagation": {
                "role_for_lambda": 4, "key_for_logs": 3, "invoke_permission": 5, "role_policy": 15
            },
            "lambda_enis": {"release_after": 3},
            "lifecycle": {"rds": 2, "lambda": 1, "vpc_endpoint": 1}
        })
        .to_string(),
    );
    let (ws, var) = basic(cli, &moto);
    apply_ok(&ws, &var, "apply against AWS-like behaviour");
    let notes = moto.behaviour_notes();
    // The function is created right after its role's policy, whatever else the apply waits for:
    // within 15 s of it even under the full suite's load (with 6 s, once, its CreateFunction met
    // the role not yet assumable, backed off, and came after the policy had propagated).
    assert!(
        notes
            .iter()
            .any(|n| n.starts_with("refused a function in subnets")),
        "Lambda did not yet see the role's policy at least once:\n{}",
        notes.join("\n")
    );
    assert_one_stack(&moto, "after throttling and retries");
    assert_eq!(
        counts(&moto)["lambda_interface"],
        3,
        "the function has one network interface per zone"
    );
    ok(&plan_code(&ws, &var), "the next plan is empty");
    destroy_leaves_nothing(&ws, &moto, &var);
}

/// SPEC §3.4, "a response lost after AWS acted": the first call of every kind that changes
/// something (each create, tag, put, modify and delete operation) is carried out by AWS and its
/// response lost, so the SDK sends it again. Apply, in-place updates (tags, instance class,
/// backup retention, function memory), a zone swap and destroy each meet their own work: one of
/// each object, the next plans empty, and nothing is left.
fn every_first_change_whose_response_is_lost_is_survived_without_duplicate_or_orphan(cli: Cli) {
    let moto = crate::harness::aws_with(|b| {
        b["lose_first_response"] = serde_json::json!(true);
    });
    let (ws, var) = basic(cli, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let tag = "    Compliance = \"PCI-DSS\"\n";
    assert!(main.contains(tag), "examples/basic sets Compliance");
    let with_owner = main.replace(tag, &format!("{tag}    Owner = \"ci\"\n"));
    ws.write("main.tf", &with_owner);
    apply_ok(&ws, &var, "apply losing the first response of each change");
    assert_one_stack(&moto, "after lost responses");
    ok(&plan_code(&ws, &var), "the next plan is empty");
    // In-place updates, each through an operation the first apply did not call: a tag changed
    // and one removed, the instance class, backup retention and the function's memory.
    let updated = main
        .replace("Compliance = \"PCI-DSS\"", "Compliance = \"SOC2\"")
        .replace("db.t3.medium", "db.r6g.large")
        .replace(
            "instance_count  = 2",
            "instance_count  = 2\n    backup_retention_days = 14",
        )
        .replace(
            "automatically_after_days = 30",
            "automatically_after_days = 30\n    memory_mb = 512",
        );
    ws.write("main.tf", &updated);
    apply_ok(
        &ws,
        &var,
        "updates losing the first response of each change",
    );
    assert_one_stack(&moto, "after the updates");
    ok(&plan_code(&ws, &var), "the plan after the updates is empty");
    // A zone swapped: a subnet and an instance replaced, the endpoints, the subnet group and
    // the function moved.
    ws.write(
        "main.tf",
        &updated.replace("\"us-east-1c\"]", "\"us-east-1d\"]"),
    );
    apply_ok(
        &ws,
        &var,
        "a zone swap losing the first response of each change",
    );
    assert_one_stack(&moto, "after the zone swap");
    ok(
        &plan_code(&ws, &var),
        "the plan after the zone swap is empty",
    );
    destroy_leaves_nothing(&ws, &moto, &var);
    let lost = moto.behaviour_notes();
    eprintln!("{} responses lost:\n{}", lost.len(), lost.join("\n"));
    // The layer names a REST call by its method and path length: Lambda's CreateFunction is
    // `POST /2015-03-31/functions`, its AddPermission `POST .../functions/<name>/policy`.
    for operation in [
        "CreateVpc",
        "CreateSecurityGroup",
        "CreateKey",
        "CreateSecret",
        "CreateDBCluster",
        "lambda POST 2 ",
        "lambda POST 4 ",
        "CreateTags",
        "ModifyDBInstance",
        "ModifyDBCluster",
        "lambda PUT 4 ",
        "ModifyDBSubnetGroup",
        "ModifyVpcEndpoint",
        "DeleteTags",
        "UntagResource",
        "RemoveTagsFromResource",
        "UntagRole",
        "DeleteSecurityGroup",
        "DeleteDBCluster",
        "ScheduleKeyDeletion",
    ] {
        assert!(
            lost.iter()
                .any(|l| l.strip_prefix("lost the response of ") == Some(operation)),
            "{operation} lost its first response:\n{}",
            lost.join("\n")
        );
    }
    // The SDK's resend of a lost delete meets the deletion it started, which RDS refuses as
    // "already being deleted", and the delete waits for it.
    for resent in [
        "refused DeleteDBCluster while deleting",
        "refused DeleteDBInstance while deleting",
    ] {
        assert!(
            lost.iter().any(|l| l == resent),
            "{resent}:\n{}",
            lost.join("\n")
        );
    }
}

#[test]
fn every_first_change_whose_response_is_lost_is_survived_without_duplicate_or_orphan_on_terraform_1_0(
) {
    every_first_change_whose_response_is_lost_is_survived_without_duplicate_or_orphan(Cli::V1_0);
}

#[test]
fn every_first_change_whose_response_is_lost_is_survived_without_duplicate_or_orphan_on_terraform_1_15(
) {
    every_first_change_whose_response_is_lost_is_survived_without_duplicate_or_orphan(Cli::V1_15);
}

#[test]
fn the_stack_rides_through_throttling_propagation_and_lambda_interfaces_on_terraform_1_0() {
    the_stack_rides_through_throttling_propagation_and_lambda_interfaces(Cli::V1_0);
}

#[test]
fn the_stack_rides_through_throttling_propagation_and_lambda_interfaces_on_terraform_1_15() {
    the_stack_rides_through_throttling_propagation_and_lambda_interfaces(Cli::V1_15);
}

/// A rotation takes a while in AWS, and Secrets Manager refuses `RotateSecret` while one is under
/// way ("A previous rotation isn't complete"). With `rotate_immediately`, the stack's first
/// rotation runs 15 s here. Its `RotateSecret` response is lost, and the SDK's resend meets the
/// refusal: the configuration is already in place, so apply is done. A change of the rotation
/// days applied at once meets it too, waits for the rotation to end, then configures the new days.
fn a_rotation_change_while_a_rotation_is_under_way_waits_for_it(cli: Cli) {
    let moto = crate::harness::aws_with(|b| {
        b["rotation_lasts"] = serde_json::json!(15);
        b["lose_first_response"] = serde_json::json!(true);
    });
    let (ws, var) = basic(cli, &moto);
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let days = "automatically_after_days = 30";
    assert!(main.contains(days), "examples/basic rotates every 30 days");
    let immediately = main.replace(days, &format!("{days}\n    rotate_immediately = true"));
    ws.write("main.tf", &immediately);
    apply_ok(&ws, &var, "apply rotating at once, its response lost");
    let refusals = || {
        moto.behaviour_notes()
            .iter()
            .filter(|n| n.contains("a previous rotation isn't complete"))
            .count()
    };
    assert_eq!(
        refusals(),
        1,
        "the SDK's resend met the rotation it started:\n{}",
        moto.behaviour_notes().join("\n")
    );

    ws.write(
        "main.tf",
        &immediately.replace(days, "automatically_after_days = 7"),
    );
    apply_ok(&ws, &var, "apply of new rotation days during the rotation");
    assert!(
        refusals() >= 2,
        "the new days met the rotation under way:\n{}",
        moto.behaviour_notes().join("\n")
    );
    ok(&plan_code(&ws, &var), "the next plan is empty: 7 days");
    assert_one_stack(&moto, "after both rotations");
    destroy_leaves_nothing(&ws, &moto, &var);
}

#[test]
fn a_rotation_change_while_a_rotation_is_under_way_waits_for_it_on_terraform_1_0() {
    a_rotation_change_while_a_rotation_is_under_way_waits_for_it(Cli::V1_0);
}

#[test]
fn a_rotation_change_while_a_rotation_is_under_way_waits_for_it_on_terraform_1_15() {
    a_rotation_change_while_a_rotation_is_under_way_waits_for_it(Cli::V1_15);
}
