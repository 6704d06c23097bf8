//! Soak: apply → update → plan → destroy cycles of `examples/basic` against the test bed's
//! AWS-behaviour layer with faults on (throttling, 5xx, connections cut before the call and
//! after it, latency) and the lifecycle and propagation delays. Each cycle prints one line; the
//! run ends with a summary of failures, duplicates and objects left. `scripts/soak.sh` runs a
//! long one from its arguments; the test command runs one short seeded cycle.

use std::time::{Duration, Instant};

use crate::apply::{basic, counts, plan_code, ONE_STACK};
use crate::harness::{verify, Cli, Moto, Workspace};

/// What one soak run does.
pub struct Soak {
    pub cycles: u32,
    pub seed: u64,
    pub throttle: f64,
    pub server_error: f64,
    pub cut_before: f64,
    pub lost_response: f64,
    pub latency_ms: u64,
    /// No new cycle starts after this.
    pub budget: Duration,
}

impl Soak {
    fn behaviour(&self) -> String {
        serde_json::json!({
            "seed": self.seed,
            "faults": {
                "throttle": self.throttle,
                "server_error": self.server_error,
                "cut_before": self.cut_before,
                "lost_response": self.lost_response,
                "latency_ms": self.latency_ms,
            },
            "propagation": {
                "role_for_lambda": 4, "key_for_logs": 3, "invoke_permission": 5, "role_policy": 3
            },
            "lambda_enis": {"release_after": 3},
            "lifecycle": {"rds": 2, "lambda": 1, "vpc_endpoint": 1},
            "consistency": {"ec2_describe_after_create": 1},
            "rotation_lasts": 3,
        })
        .to_string()
    }
}

/// What a soak run found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Summary {
    pub cycles: u32,
    pub failures: Vec<String>,
    pub duplicates: Vec<String>,
    pub left: Vec<String>,
}

fn run(ws: &Workspace, args: &[&str]) -> (bool, String) {
    let r = ws.run(args);
    (r.code == 0, format!("{}{}", r.stdout, r.stderr))
}

pub fn soak(cli: Cli, s: &Soak) -> Summary {
    let start = Instant::now();
    let moto = Moto::start_like_aws(&s.behaviour());
    let (ws, var) = basic(cli, &moto);
    let main = std::fs::read_to_string(ws.path().join("main.tf")).unwrap();
    let apply = crate::apply::apply_args(&var);
    let destroy = [
        "destroy",
        "-auto-approve",
        "-input=false",
        "-no-color",
        "-var",
        &var,
    ];
    let mut out = Summary::default();
    for cycle in 1..=s.cycles {
        if start.elapsed() > s.budget {
            println!("soak: budget of {:?} spent, stopping", s.budget);
            break;
        }
        let began = Instant::now();
        let mut steps = Vec::new();
        let mut fail = |step: &str, log: String| {
            out.failures
                .push(format!("cycle {cycle}, {step}: {}", last_lines(&log)));
        };
        ws.write("main.tf", &main);
        let (ok, log) = run(&ws, &apply);
        steps.push(format!("apply {}", if ok { "ok" } else { "FAILED" }));
        if !ok {
            fail("apply", log);
        }
        let c = counts(&moto);
        for (kind, n) in ONE_STACK {
            if c[kind].as_u64().unwrap_or(0) > *n {
                out.duplicates
                    .push(format!("cycle {cycle}: {kind} {}", c[kind]));
            }
        }
        // An in-place update: one more tag on every taggable object.
        let tagged = main.replace(
            "Compliance = \"PCI-DSS\"",
            &format!("Compliance = \"PCI-DSS\"\n    SoakCycle = \"{cycle}\""),
        );
        ws.write("main.tf", &tagged);
        let (ok, log) = run(&ws, &apply);
        steps.push(format!("update {}", if ok { "ok" } else { "FAILED" }));
        if !ok {
            fail("update", log);
        }
        let plan = plan_code(&ws, &var);
        let empty = plan.code == 0;
        steps.push(format!(
            "plan {}",
            if empty { "empty" } else { "NOT EMPTY" }
        ));
        if !empty {
            fail("plan", format!("{}{}", plan.stdout, plan.stderr));
        }
        let (ok, log) = run(&ws, &destroy);
        steps.push(format!("destroy {}", if ok { "ok" } else { "FAILED" }));
        if !ok {
            fail("destroy", log);
        }
        let left = verify(&moto, &["dev", "--nothing-left"]);
        if left.code != 0 {
            out.left
                .push(format!("cycle {cycle}: {}{}", left.stdout, left.stderr));
        }
        out.cycles = cycle;
        println!(
            "soak cycle {cycle}/{}: {} in {:.0?}; failures {}, duplicates {}, left {}",
            s.cycles,
            steps.join(", "),
            began.elapsed(),
            out.failures.len(),
            out.duplicates.len(),
            out.left.len()
        );
    }
    println!(
        "soak summary: {} cycles in {:.0?}, {} failures, {} duplicates, {} with objects left",
        out.cycles,
        start.elapsed(),
        out.failures.len(),
        out.duplicates.len(),
        out.left.len()
    );
    out
}

fn last_lines(log: &str) -> String {
    let lines: Vec<&str> = log.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(6)..].join(" | ")
}

fn env<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
fn one_seeded_soak_cycle_with_faults_has_no_failure_duplicate_or_leftover() {
    let summary = soak(
        Cli::V1_15,
        &Soak {
            cycles: 1,
            seed: 11,
            throttle: 0.1,
            server_error: 0.03,
            cut_before: 0.02,
            lost_response: 0.01,
            latency_ms: 10,
            budget: Duration::from_secs(600),
        },
    );
    assert_eq!(
        summary,
        Summary {
            cycles: 1,
            ..Summary::default()
        }
    );
}

/// `scripts/soak.sh` runs this with its arguments in `SOAK_*` variables.
#[test]
#[ignore = "long: run through scripts/soak.sh"]
fn soak_from_environment() {
    let cli = if env("SOAK_CLI", "1.15".to_string()) == "1.0" {
        Cli::V1_0
    } else {
        Cli::V1_15
    };
    let summary = soak(
        cli,
        &Soak {
            cycles: env("SOAK_CYCLES", 10),
            seed: env("SOAK_SEED", 1),
            throttle: env("SOAK_THROTTLE", 0.2),
            server_error: env("SOAK_SERVER_ERROR", 0.05),
            cut_before: env("SOAK_CUT_BEFORE", 0.02),
            lost_response: env("SOAK_LOST_RESPONSE", 0.01),
            latency_ms: env("SOAK_LATENCY_MS", 50),
            budget: Duration::from_secs(60 * env("SOAK_MAX_MINUTES", 60)),
        },
    );
    for line in summary
        .failures
        .iter()
        .chain(&summary.duplicates)
        .chain(&summary.left)
    {
        println!("soak finding: {line}");
    }
    assert!(
        summary.failures.is_empty() && summary.duplicates.is_empty() && summary.left.is_empty(),
        "{summary:?}"
    );
}
