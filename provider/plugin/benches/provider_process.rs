//! The provider process as Terraform sees it (SPEC §7, run by `scripts/bench.sh`): time from
//! exec to the handshake line, the first `GetProviderSchema`, resident memory once the schema is
//! served, and the binary's size; next to them, in the same run, Terraform's own
//! `terraform version`, so the figures read as ratios on a noisy machine.
//!
//!     cargo bench -p terraform-provider-vault --bench provider_process -- \
//!         --binary target/release/terraform-provider-vault --terraform .testbed/bin/terraform-1.0 \
//!         [--runs 30] [--out target/bench-process.json]

// The channel tests' client, so the benchmark starts the provider exactly as they check it; the
// tests use parts of it this benchmark does not.
#[allow(dead_code)]
#[path = "../../../tests/e2e/plugin_client.rs"]
mod plugin_client;

use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

use serde_json::json;
use terraform_provider_vault::protocol::tfplugin6::get_provider_schema;

use plugin_client::{connect, go_plugin_like_certificate, memory_kb, start_as_terraform};

/// One start of the provider: milliseconds to the handshake line, to the schema's answer (from
/// exec), the schema call alone, and resident memory (kB) once the schema is served.
struct Start {
    handshake_ms: f64,
    start_and_schema_ms: f64,
    schema_ms: f64,
    rss_kb: u64,
}

fn start_once(binary: &std::path::Path, rt: &tokio::runtime::Runtime) -> Start {
    let (cert, key, pem) = go_plugin_like_certificate();
    let began = Instant::now();
    let started = start_as_terraform(binary, &pem);
    let handshake = began.elapsed();
    let schema_began = Instant::now();
    rt.block_on(async {
        let mut client = connect(&started, Some((cert, key))).await.unwrap();
        let schema = client
            .get_provider_schema(get_provider_schema::Request {})
            .await
            .unwrap()
            .into_inner();
        assert!(schema.resource_schemas.contains_key("vault_secrets_stack"));
    });
    let ms = |d: std::time::Duration| d.as_secs_f64() * 1000.0;
    Start {
        handshake_ms: ms(handshake),
        start_and_schema_ms: ms(began.elapsed()),
        schema_ms: ms(schema_began.elapsed()),
        rss_kb: memory_kb(started.child.id(), "VmRSS"),
    }
}

/// Milliseconds from exec to exit of `terraform version`.
fn terraform_version_ms(terraform: &std::path::Path) -> f64 {
    let began = Instant::now();
    let status = Command::new(terraform)
        .arg("version")
        .env("CHECKPOINT_DISABLE", "1")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert!(status.success(), "{} version failed", terraform.display());
    began.elapsed().as_secs_f64() * 1000.0
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v[v.len() / 2]
}

fn main() {
    let mut binary = PathBuf::from("target/release/terraform-provider-vault");
    let mut terraform = PathBuf::from(".testbed/bin/terraform-1.0");
    let mut runs = 30;
    let mut out = PathBuf::from("target/bench-process.json");
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        match a.as_str() {
            "--binary" => binary = args.next().expect("--binary PATH").into(),
            "--terraform" => terraform = args.next().expect("--terraform PATH").into(),
            "--runs" => runs = args.next().and_then(|n| n.parse().ok()).expect("--runs N"),
            "--out" => out = args.next().expect("--out PATH").into(),
            // `cargo bench` passes `--bench` to every bench target.
            "--bench" => {}
            other => panic!("unknown argument {other}"),
        }
    }
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    // Once unmeasured, so neither side pays for a cold page cache.
    start_once(&binary, &rt);
    terraform_version_ms(&terraform);
    // Interleaved, so a burst of noise hits both sides alike.
    let (mut starts, mut versions) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        starts.push(start_once(&binary, &rt));
        versions.push(terraform_version_ms(&terraform));
    }
    let handshake = median(starts.iter().map(|s| s.handshake_ms).collect());
    let start_and_schema = median(starts.iter().map(|s| s.start_and_schema_ms).collect());
    let schema = median(starts.iter().map(|s| s.schema_ms).collect());
    let rss = median(starts.iter().map(|s| s.rss_kb as f64).collect());
    let version = median(versions);
    let report = json!({
        "runs": runs,
        "binary": binary.display().to_string(),
        "binary_bytes": std::fs::metadata(&binary).unwrap().len(),
        "handshake_ms": handshake,
        "schema_ms": schema,
        "start_and_schema_ms": start_and_schema,
        "rss_after_schema_kb": rss,
        "terraform": terraform.display().to_string(),
        "terraform_version_ms": version,
        "start_and_schema_to_terraform_version": start_and_schema / version,
    });
    let text = serde_json::to_string_pretty(&report).unwrap();
    std::fs::write(&out, &text).unwrap();
    println!("{text}");
}
