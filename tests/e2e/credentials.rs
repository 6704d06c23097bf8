//! Credentials checked when the provider is configured: a plan without them fails fast with a
//! diagnostic naming the region and every source tried; `skip_credentials_validation` lets a
//! plan that needs no AWS call run offline; an endpoint that refuses connections fails an apply
//! within seconds, in one sentence; a throttled STS or EC2 is waited for, since it answers.

use std::fs;
use std::time::{Duration, Instant};

use crate::apply::basic;
use crate::harness::{Cli, Moto, Run, Workspace};

/// No credentials anywhere: environment emptied, shared files pointed at nothing, no container
/// endpoint, and instance metadata at a port where nothing listens (refused at once, as off EC2).
fn without_credentials(ws: &Workspace) -> Vec<(String, String)> {
    let nowhere = ws.dir.path().join("no-aws-files");
    [
        ("AWS_ACCESS_KEY_ID", ""),
        ("AWS_SECRET_ACCESS_KEY", ""),
        ("AWS_SESSION_TOKEN", ""),
        ("AWS_CONFIG_FILE", nowhere.join("config").to_str().unwrap()),
        (
            "AWS_SHARED_CREDENTIALS_FILE",
            nowhere.join("credentials").to_str().unwrap(),
        ),
        ("AWS_EC2_METADATA_DISABLED", "false"),
        ("AWS_EC2_METADATA_SERVICE_ENDPOINT", "http://127.0.0.1:9"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

fn run_without_credentials(ws: &Workspace, args: &[&str]) -> (Run, Duration) {
    let env = without_credentials(ws);
    let env: Vec<(&str, &str)> = env.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    let start = Instant::now();
    let run = ws.run_with(args, &env);
    (run, start.elapsed())
}

/// examples/basic against AWS itself (no endpoint override): nothing may be reached anyway.
fn offline(cli: Cli, skip: bool) -> Workspace {
    let ws = Workspace::new(cli);
    let mut main =
        fs::read_to_string(crate::harness::repo_root().join("examples/basic/main.tf")).unwrap();
    if skip {
        main = main.replace(
            "  region       = \"us-east-1\"\n",
            "  region       = \"us-east-1\"\n  skip_credentials_validation = true\n",
        );
    }
    ws.write("main.tf", &main);
    ws.init();
    ws
}

fn a_plan_without_credentials_fails_fast_naming_region_and_sources(cli: Cli) {
    let ws = offline(cli, false);
    let (plan, took) = run_without_credentials(&ws, &["plan", "-input=false", "-no-color"]);
    assert_ne!(plan.code, 0, "{}", plan.stdout);
    assert!(took < Duration::from_secs(15), "the plan took {took:?}");
    let all = format!("{}{}", plan.stdout, plan.stderr);
    for part in [
        "No valid AWS credential sources found",
        "us-east-1",
        "AWS_ACCESS_KEY_ID",
        "AWS_PROFILE",
        "SSO",
        "AWS_CONTAINER_CREDENTIALS",
        "instance metadata",
        "skip_credentials_validation",
    ] {
        assert!(all.contains(part), "{part} missing from:\n{all}");
    }
    assert!(
        !all.contains("DispatchFailure") && !all.contains("{ "),
        "{all}"
    );
}

#[test]
fn a_plan_without_credentials_fails_fast_naming_region_and_sources_on_terraform_1_0() {
    a_plan_without_credentials_fails_fast_naming_region_and_sources(Cli::V1_0);
}

#[test]
fn a_plan_without_credentials_fails_fast_naming_region_and_sources_on_terraform_1_15() {
    a_plan_without_credentials_fails_fast_naming_region_and_sources(Cli::V1_15);
}

fn with_skip_credentials_validation_a_plan_of_a_new_stack_works_offline(cli: Cli) {
    let ws = offline(cli, true);
    let (plan, took) = run_without_credentials(&ws, &["plan", "-input=false", "-no-color"]);
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert_eq!(plan.code, 0, "{all}");
    assert!(all.contains("1 to add"), "{all}");
    assert!(took < Duration::from_secs(30), "the plan took {took:?}");
}

#[test]
fn with_skip_credentials_validation_a_plan_of_a_new_stack_works_offline_on_terraform_1_0() {
    with_skip_credentials_validation_a_plan_of_a_new_stack_works_offline(Cli::V1_0);
}

#[test]
fn with_skip_credentials_validation_a_plan_of_a_new_stack_works_offline_on_terraform_1_15() {
    with_skip_credentials_validation_a_plan_of_a_new_stack_works_offline(Cli::V1_15);
}

/// A free loopback port nothing listens on.
fn closed_port() -> u16 {
    let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    l.local_addr().unwrap().port()
}

fn an_endpoint_refusing_connections_fails_the_apply_within_30_s_in_one_sentence(cli: Cli) {
    let moto = crate::harness::aws();
    let (ws, var) = basic(cli, &moto);
    // Every service at moto (so the credential check passes), EC2 at a closed port.
    let main = fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let closed = format!("http://127.0.0.1:{}", closed_port());
    ws.write(
        "main.tf",
        &main.replace(
            "ec2            = endpoints.value",
            &format!("ec2            = \"{closed}\""),
        ),
    );
    let start = Instant::now();
    let apply = ws.run(&crate::apply::apply_args(&var));
    let took = start.elapsed();
    let all = format!("{}{}", apply.stdout, apply.stderr);
    assert_ne!(apply.code, 0, "{all}");
    assert!(
        took < Duration::from_secs(30),
        "the apply took {took:?}:\n{all}"
    );
    assert!(all.contains("connection was refused"), "{all}");
    for debug in ["DispatchFailure", "ConnectorError", "Some(", "{ kind"] {
        assert!(!all.contains(debug), "{debug} in:\n{all}");
    }
}

#[test]
fn an_endpoint_refusing_connections_fails_the_apply_within_30_s_in_one_sentence_on_terraform_1_15()
{
    an_endpoint_refusing_connections_fails_the_apply_within_30_s_in_one_sentence(Cli::V1_15);
}

fn a_plan_against_an_sts_endpoint_refusing_connections_fails_fast_naming_it(cli: Cli) {
    let ws = offline(cli, false);
    let closed = format!("http://127.0.0.1:{}", closed_port());
    let start = Instant::now();
    let plan = ws.run(&[
        "plan",
        "-input=false",
        "-no-color",
        "-var",
        &format!("aws_endpoint={closed}"),
    ]);
    let took = start.elapsed();
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert_ne!(plan.code, 0, "{all}");
    assert!(took < Duration::from_secs(15), "the plan took {took:?}");
    for part in [
        "Cannot reach AWS STS to check the credentials",
        "connection was refused",
        closed.as_str(),
        "us-east-1",
    ] {
        assert!(all.contains(part), "{part} missing from:\n{all}");
    }
}

#[test]
fn a_plan_against_an_sts_endpoint_refusing_connections_fails_fast_naming_it_on_terraform_1_0() {
    a_plan_against_an_sts_endpoint_refusing_connections_fails_fast_naming_it(Cli::V1_0);
}

#[test]
fn a_plan_against_an_sts_endpoint_refusing_connections_fails_fast_naming_it_on_terraform_1_15() {
    a_plan_against_an_sts_endpoint_refusing_connections_fails_fast_naming_it(Cli::V1_15);
}

/// A burst of throttling, as busy accounts see: every STS call throttled for 12 s, then every EC2
/// call for 12 s from its first. Configure's credential check and the plan's suffix and zone
/// checks give up after 10 s only when AWS says nothing; a throttled AWS answers, so the plan
/// waits it out, succeeds and warns of nothing.
fn a_plan_rides_out_a_throttling_burst_longer_than_its_10_s_checks(cli: Cli) {
    let moto = Moto::start_like_aws(r#"{"throttled_for": {"sts": 12, "ec2": 12}}"#);
    let (ws, var) = basic(cli, &moto);
    let start = Instant::now();
    let plan = ws.run(&["plan", "-input=false", "-no-color", "-var", &var]);
    let all = format!("{}{}", plan.stdout, plan.stderr);
    assert_eq!(plan.code, 0, "{all}");
    assert!(
        start.elapsed() > Duration::from_secs(24),
        "both bursts were waited out"
    );
    assert!(all.contains("Plan: 1 to add"), "{all}");
    assert!(!all.contains("Warning"), "no check gave up:\n{all}");
}

/// Ctrl-C while a plan rides out a throttling burst (two minutes long), in configure's
/// credential check (STS) and in the plan's checks of the suffix, trail room and zones (EC2,
/// CloudTrail): the plan ends within seconds, not when the burst does.
#[test]
fn a_plan_interrupted_while_aws_throttles_ends_within_seconds_on_terraform_1_0() {
    for service in ["sts", "ec2"] {
        let behaviour = serde_json::json!({"throttled_for": {service: 120}});
        let moto = Moto::start_like_aws(&behaviour.to_string());
        let (ws, var) = basic(Cli::V1_0, &moto);
        let throttled = || {
            moto.aws_requests()
                .iter()
                .filter(|l| l.rsplit(' ').nth(1).is_some_and(|code| code != "200"))
                .count()
        };
        let run = crate::harness::interrupt(
            &ws,
            &moto,
            &["plan", "-input=false", "-no-color", "-var", &var],
            || throttled() >= 2,
        );
        let output = &run.output;
        assert!(
            run.took < Duration::from_secs(15),
            "{service} throttled: the plan ended {:?} after Ctrl-C:\n{output}",
            run.took,
        );
        assert!(!run.succeeded, "an interrupted plan fails:\n{output}");
        // Terraform says the plan was halted; no check warns that it was cut short.
        assert!(!output.contains("Could not check"), "{output}");
    }
}

#[test]
fn a_plan_rides_out_a_throttling_burst_longer_than_its_10_s_checks_on_terraform_1_0() {
    a_plan_rides_out_a_throttling_burst_longer_than_its_10_s_checks(Cli::V1_0);
}

#[test]
fn a_plan_rides_out_a_throttling_burst_longer_than_its_10_s_checks_on_terraform_1_15() {
    a_plan_rides_out_a_throttling_burst_longer_than_its_10_s_checks(Cli::V1_15);
}
