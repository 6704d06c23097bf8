//! The phases benchmark behind `scripts/bench.sh` (SPEC §7): `examples/basic` applied, planned
//! with nothing to do, and destroyed through Terraform 1.15 against the AWS-behaviour layer,
//! once with no added latency and once with a fixed latency on every AWS call. It writes what it
//! measured as JSON and asserts nothing about time:
//! - the AWS calls of each phase, by operation and by component (the provider's DEBUG log names
//!   the component each call was made for);
//! - the critical-path bound: the longest chain of calls that must follow one another, computed
//!   from the dependency graph the provider logs and the calls each component made;
//! - the round trips each phase really waited for: the longest chain of its calls that
//!   followed one another (each starting after the last ended), with the latency on; and, as a
//!   cross-check that a busy machine blurs, the wall time the latency added over the latency;
//! - the provider's peak memory during the plan and the apply.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::time::{Duration, Instant};

use serde_json::json;

use crate::apply::basic;
use crate::harness::{provider_processes_in, verify, Cli, Moto, Workspace};

/// The calls of one phase, from Terraform's log of the provider at DEBUG.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Calls {
    /// Calls per operation (`EC2.DescribeSubnets`).
    pub by_operation: BTreeMap<String, u64>,
    /// Calls per component (`subnet/us-east-1a`).
    pub by_component: BTreeMap<String, u64>,
    /// Calls made for no one component: configuring the provider, plan-time checks.
    pub outside_components: u64,
    /// What each component needs first, as the provider logged it.
    pub needs: BTreeMap<String, Vec<String>>,
    /// Each call's start and end, in milliseconds of the day (from the line's time, when the
    /// call ended, and its duration).
    pub spans: Vec<(u64, u64)>,
}

/// Milliseconds of the day of a log line's leading `2026-11-30T16:00:00.123Z`.
fn millis_of_day(line: &str) -> Option<u64> {
    let time = line.split('T').nth(1)?.get(..12)?;
    let (h, rest) = time.split_once(':')?;
    let (m, rest) = rest.split_once(':')?;
    let (sec, ms) = rest.split_once('.')?;
    let n = |v: &str| v.parse::<u64>().ok();
    Some(((n(h)? * 60 + n(m)?) * 60 + n(sec)?) * 1000 + n(ms)?)
}

/// The most calls that followed one another in a phase: the longest chain of calls each of
/// which started after the one before it ended. With a latency on every call this is how many
/// round trips the phase really waited for, whatever else the machine was busy with.
pub fn sequential_depth(spans: &[(u64, u64)]) -> u64 {
    let mut by_start = spans.to_vec();
    by_start.sort();
    let mut depth = vec![1u64; by_start.len()];
    for i in 0..by_start.len() {
        for j in 0..i {
            if by_start[j].1 <= by_start[i].0 {
                depth[i] = depth[i].max(depth[j] + 1);
            }
        }
    }
    depth.into_iter().max().unwrap_or(0)
}

/// The value of `key=` in one of Terraform's log lines (hclog quotes values with spaces).
fn field<'a>(line: &'a str, key: &str) -> Option<&'a str> {
    let at = line.find(&format!(" {key}="))? + key.len() + 2;
    let rest = &line[at..];
    Some(match rest.strip_prefix('"') {
        Some(quoted) => quoted.split('"').next().unwrap_or(""),
        None => rest.split_whitespace().next().unwrap_or(""),
    })
}

impl Calls {
    pub fn from_log(log: &str) -> Calls {
        let mut out = Calls::default();
        for line in log.lines() {
            if let Some(rest) = line.split("AWS call ").nth(1) {
                // Service names have spaces ("Secrets Manager"); the message ends at ':'.
                let operation = rest.split([':', '"']).next().unwrap_or("").to_string();
                *out.by_operation.entry(operation).or_default() += 1;
                match field(line, "component") {
                    Some(c) => *out.by_component.entry(c.to_string()).or_default() += 1,
                    None => out.outside_components += 1,
                }
                let took = field(line, "duration_ms").and_then(|d| d.parse::<u64>().ok());
                if let (Some(end), Some(took)) = (millis_of_day(line), took) {
                    out.spans.push((end.saturating_sub(took), end));
                }
            } else if line.contains(": dependencies:") {
                if let (Some(c), Some(needs)) = (field(line, "component"), field(line, "needs")) {
                    let needs = needs
                        .split(',')
                        .filter(|n| !n.is_empty())
                        .map(String::from)
                        .collect();
                    out.needs.insert(c.to_string(), needs);
                }
            }
        }
        out
    }

    pub fn total(&self) -> u64 {
        self.by_operation.values().sum()
    }
}

/// The heaviest chain through the graph `needs` (component → what it needs first), a
/// component's weight being its calls: creation follows `needs`; deletion (`reverse`) goes the
/// other way. Returns the chain's calls and the chain, first component first.
pub fn critical_path(
    needs: &BTreeMap<String, Vec<String>>,
    weight: &BTreeMap<String, u64>,
    reverse: bool,
) -> (u64, Vec<String>) {
    let mut before: BTreeMap<&str, Vec<&str>> =
        needs.keys().map(|c| (c.as_str(), vec![])).collect();
    for (c, deps) in needs {
        for d in deps {
            let (first, then) = if reverse { (c, d) } else { (d, c) };
            before
                .entry(then.as_str())
                .or_default()
                .push(first.as_str());
        }
    }
    // Longest path ending at each node, memoised; the graph is acyclic (the core checks it).
    fn longest<'a>(
        c: &'a str,
        before: &BTreeMap<&'a str, Vec<&'a str>>,
        weight: &BTreeMap<String, u64>,
        memo: &mut BTreeMap<&'a str, (u64, Vec<&'a str>)>,
    ) -> (u64, Vec<&'a str>) {
        if let Some(done) = memo.get(c) {
            return done.clone();
        }
        let mut best = (0, vec![]);
        for p in before.get(c).into_iter().flatten() {
            let candidate = longest(p, before, weight, memo);
            if candidate.0 > best.0 {
                best = candidate;
            }
        }
        best.0 += weight.get(c).copied().unwrap_or(0);
        best.1.push(c);
        memo.insert(c, best.clone());
        best
    }
    let mut memo = BTreeMap::new();
    let nodes: BTreeSet<&str> = before.keys().copied().collect();
    nodes
        .into_iter()
        .map(|c| longest(c, &before, weight, &mut memo))
        .max_by_key(|(calls, _)| *calls)
        .map(|(calls, chain)| (calls, chain.into_iter().map(String::from).collect()))
        .unwrap_or_default()
}

/// The highest peak memory (VmHWM, kB) of the provider processes working in `dir` while `run`
/// runs: sampled every 10 ms, since each process's peak dies with it.
fn peak_rss_kb<T>(dir: &Path, run: impl FnOnce() -> T) -> (T, u64) {
    let done = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let sampler = {
        let (done, dir) = (done.clone(), dir.to_path_buf());
        std::thread::spawn(move || {
            let mut peak = 0;
            while !done.load(std::sync::atomic::Ordering::Relaxed) {
                for pid in provider_processes_in(&dir) {
                    peak = peak.max(crate::plugin_client::memory_kb(pid, "VmHWM"));
                }
                std::thread::sleep(Duration::from_millis(10));
            }
            peak
        })
    };
    let out = run();
    done.store(true, std::sync::atomic::Ordering::Relaxed);
    (out, sampler.join().unwrap())
}

/// One phase run with the provider's DEBUG log: wall time, calls, peak memory.
fn timed(ws: &Workspace, args: &[&str], expect: i32) -> (Duration, Calls, u64) {
    let log = ws.dir.path().join("phase.log");
    let _ = std::fs::remove_file(&log);
    let env = [
        ("TF_LOG_PROVIDER", "DEBUG"),
        ("TF_LOG_PATH", log.to_str().unwrap()),
    ];
    let began = Instant::now();
    let (run, rss) = peak_rss_kb(&ws.path(), || ws.run_with(args, &env));
    let wall = began.elapsed();
    assert_eq!(
        run.code, expect,
        "{args:?} answered {}:\n{}\n{}",
        run.code, run.stdout, run.stderr
    );
    let calls = Calls::from_log(&std::fs::read_to_string(&log).unwrap_or_default());
    (wall, calls, rss)
}

const PHASES: [&str; 3] = ["apply", "plan", "destroy"];

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn env_or<T: std::str::FromStr>(name: &str, default: T) -> T {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

#[test]
#[ignore = "a benchmark, run by scripts/bench.sh"]
fn bench_phases_from_environment() {
    let latency_ms: u64 = env_or("BENCH_LATENCY_MS", 100);
    let runs: usize = env_or("BENCH_RUNS", 3);
    let out_path: String = env_or("BENCH_OUT", "target/bench-phases.json".to_string());

    let mut walls: BTreeMap<(&str, u64), Vec<f64>> = BTreeMap::new();
    let mut calls: BTreeMap<&str, Calls> = BTreeMap::new();
    let mut depths: BTreeMap<&str, Vec<f64>> = BTreeMap::new();
    let mut rss: BTreeMap<&str, u64> = BTreeMap::new();
    for latency in [0, latency_ms] {
        let behaviour = json!({ "faults": { "latency_ms": latency } }).to_string();
        let moto = Moto::start_like_aws(&behaviour);
        let (ws, var) = basic(Cli::V1_15, &moto);
        let common = ["-input=false", "-no-color", "-var", &var];
        for run in 0..runs {
            for phase in PHASES {
                let (args, expect): (Vec<&str>, i32) = match phase {
                    "apply" => (vec!["apply", "-auto-approve"], 0),
                    "plan" => (vec!["plan", "-detailed-exitcode"], 0),
                    _ => (vec!["destroy", "-auto-approve"], 0),
                };
                let args: Vec<&str> = args.into_iter().chain(common).collect();
                let (wall, phase_calls, peak) = timed(&ws, &args, expect);
                walls
                    .entry((phase, latency))
                    .or_default()
                    .push(wall.as_secs_f64());
                if latency == latency_ms {
                    depths
                        .entry(phase)
                        .or_default()
                        .push(sequential_depth(&phase_calls.spans) as f64);
                }
                if latency == 0 && run == 0 {
                    calls.insert(phase, phase_calls);
                }
                if latency == 0 {
                    let seen = rss.entry(phase).or_default();
                    *seen = (*seen).max(peak);
                }
            }
            let left = verify(&moto, &["dev", "--nothing-left"]);
            assert_eq!(left.code, 0, "the benchmark's destroy left objects");
        }
    }

    assert!(
        PHASES.iter().all(|p| !calls[p].by_component.is_empty()),
        "the provider's DEBUG log names no component on its AWS call lines"
    );
    let mut phases = serde_json::Map::new();
    for phase in PHASES {
        let c = &calls[phase];
        let (chain_calls, chain) = match phase {
            // Every read could go at once: the bound is the most calls one component needs.
            "plan" => c
                .by_component
                .iter()
                .max_by_key(|(_, n)| **n)
                .map(|(id, n)| (*n, vec![id.clone()]))
                .unwrap_or_default(),
            _ => critical_path(&c.needs, &c.by_component, phase == "destroy"),
        };
        let bound = chain_calls + c.outside_components;
        let (w0, wl) = (
            median(walls[&(phase, 0)].clone()),
            median(walls[&(phase, latency_ms)].clone()),
        );
        let from_wall = (wl - w0) / (latency_ms as f64 / 1000.0);
        let measured = median(depths[phase].clone());
        phases.insert(
            phase.to_string(),
            json!({
                "calls": c.total(),
                "by_operation": c.by_operation,
                "by_component": c.by_component,
                "outside_components": c.outside_components,
                "critical_path": chain,
                "bound_round_trips": bound,
                "wall_s_no_latency": w0,
                "wall_s_with_latency": wl,
                "round_trips_measured": measured,
                "round_trips_from_wall_time": from_wall,
                "ratio_to_bound": if bound > 0 { measured / bound as f64 } else { 0.0 },
                "peak_rss_kb": rss.get(phase),
            }),
        );
    }
    let report = json!({
        "cli": "1.15",
        "latency_ms": latency_ms,
        "runs": runs,
        "phases": phases,
    });
    std::fs::write(&out_path, serde_json::to_string_pretty(&report).unwrap()).unwrap();
    println!("{}", serde_json::to_string_pretty(&report).unwrap());
}

#[test]
fn bench_reads_calls_and_dependencies_from_terraforms_log_lines() {
    let log = "\
2026-11-30T16:00:00.000Z [DEBUG] provider.terraform-provider-vault: dependencies: component=vpc needs=\"\" target=vault_aws::executor
2026-11-30T16:00:00.000Z [DEBUG] provider.terraform-provider-vault: dependencies: component=subnet/us-east-1a needs=vpc target=vault_aws::executor
2026-11-30T16:00:00.100Z [DEBUG] provider.terraform-provider-vault: AWS call STS.GetCallerIdentity: attempt=1 duration_ms=3 status=200
2026-11-30T16:00:00.200Z [DEBUG] provider.terraform-provider-vault: AWS call EC2.CreateVpc: attempt=1 component=vpc duration_ms=3 status=200
2026-11-30T16:00:00.300Z [DEBUG] provider.terraform-provider-vault: AWS call EC2.CreateSubnet: attempt=1 component=\"subnet/us-east-1a\" status=200
2026-11-30T16:00:00.400Z [DEBUG] provider.terraform-provider-vault: AWS call Secrets Manager.DescribeSecret: attempt=1 component=secret status=200
";
    let calls = Calls::from_log(log);
    assert_eq!(calls.total(), 4);
    assert_eq!(calls.by_operation["Secrets Manager.DescribeSecret"], 1);
    assert_eq!(calls.outside_components, 1);
    assert_eq!(calls.by_operation["EC2.CreateVpc"], 1);
    assert_eq!(calls.by_component["subnet/us-east-1a"], 1);
    assert_eq!(calls.needs["subnet/us-east-1a"], ["vpc"]);
    assert!(calls.needs["vpc"].is_empty());
}

#[test]
fn sequential_depth_counts_the_longest_chain_of_calls_that_did_not_overlap() {
    // a: 0-100, b and c at once: 100-200 and 110-190, d: 200-300 after b; e overlaps all.
    let spans = [(0, 100), (100, 200), (110, 190), (200, 300), (50, 250)];
    assert_eq!(sequential_depth(&spans), 3);
    assert_eq!(sequential_depth(&[]), 0);
    assert_eq!(
        millis_of_day("2026-11-30T01:02:03.456Z [DEBUG] x"),
        Some(3_723_456)
    );
}

#[test]
fn critical_path_is_the_heaviest_chain_forward_for_create_and_backward_for_delete() {
    // vpc ← subnet ← function, vpc ← key: the chain through the subnet weighs 1 + 2 + 3.
    let needs: BTreeMap<String, Vec<String>> = [
        ("vpc", vec![]),
        ("subnet", vec!["vpc"]),
        ("function", vec!["subnet", "key"]),
        ("key", vec![]),
    ]
    .into_iter()
    .map(|(c, d)| (c.to_string(), d.into_iter().map(String::from).collect()))
    .collect();
    let weight: BTreeMap<String, u64> = [("vpc", 1), ("subnet", 2), ("function", 3), ("key", 5)]
        .into_iter()
        .map(|(c, n)| (c.to_string(), n))
        .collect();
    assert_eq!(
        critical_path(&needs, &weight, false),
        (8, vec!["key".to_string(), "function".to_string()])
    );
    assert_eq!(
        critical_path(&needs, &weight, true),
        (8, vec!["function".to_string(), "key".to_string()])
    );
    let heavier_subnet: BTreeMap<String, u64> = weight
        .into_iter()
        .map(|(c, n)| (c.clone(), if c == "subnet" { 9 } else { n }))
        .collect();
    assert_eq!(critical_path(&needs, &heavier_subnet, false).0, 13);
}
