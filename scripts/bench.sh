#!/usr/bin/env bash
# Benchmarks (SPEC §7): builds the provider in release and measures, on this machine,
#   1. the provider process: exec to handshake, GetProviderSchema, memory, binary size, next to
#      Terraform's own `terraform version` start (provider/plugin/benches/provider_process.rs);
#   2. the AWS calls of apply, a no-op plan and destroy of examples/basic, by operation;
#   3. each phase's wall time without and with latency injected by the test bed's AWS-behaviour
#      layer, against the critical-path bound from the dependency graph (tests/e2e/bench.rs);
#   4. the rotation function (`npm run bench` in lambda/rotation);
# then writes the tables to docs/benchmarks.md. Prerequisite: ./scripts/setup.sh.
#
#   scripts/bench.sh [--runs 3] [--latency-ms 100] [--process-runs 30]
set -euo pipefail
cd "$(dirname "$0")/.."

runs=3
latency=100
process_runs=30
while [ $# -gt 0 ]; do
  case "$1" in
    --runs) runs=$2 ;;
    --latency-ms) latency=$2 ;;
    --process-runs) process_runs=$2 ;;
    *) echo "unknown option $1 (see the top of $0)" >&2; exit 2 ;;
  esac
  shift 2
done
if [ ! -x .testbed/bin/terraform-1.15 ]; then
  echo "the test bed is missing: run ./scripts/setup.sh first" >&2
  exit 1
fi
out=target/bench
mkdir -p "$out"

echo "== release build"
cargo build --release --locked -p terraform-provider-vault --bin terraform-provider-vault
bin="$PWD/target/release/terraform-provider-vault"

echo "== provider process ($process_runs starts)"
# Absolute paths: cargo runs a benchmark in its package's directory.
cargo bench --locked -p terraform-provider-vault --bench provider_process -- \
  --binary "$bin" --terraform "$PWD/.testbed/bin/terraform-1.0" --runs "$process_runs" \
  --out "$PWD/$out/process.json"

echo "== phases: apply, no-op plan, destroy ($runs runs each, +0 and +${latency} ms per call)"
export VAULT_PROVIDER_BINARY="$bin" BENCH_OUT="$PWD/$out/phases.json" BENCH_RUNS="$runs" \
  BENCH_LATENCY_MS="$latency"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --locked -p terraform-provider-vault --test e2e --run-ignored ignored-only \
    --no-capture bench_phases_from_environment
else
  cargo test --locked -p terraform-provider-vault --test e2e -- --ignored --nocapture \
    bench_phases_from_environment
fi

echo "== rotation function"
(cd lambda/rotation && npm run --silent bench) | tee "$out/rotation.txt"
tail -n 1 "$out/rotation.txt" > "$out/rotation.json"

echo "== docs/benchmarks.md"
.testbed/venv/bin/python scripts/bench_report.py "$out" > docs/benchmarks.md
echo "written: docs/benchmarks.md"
