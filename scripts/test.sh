#!/usr/bin/env bash
# Every test of the project: formatting, lints (Rust, Terraform examples, the release workflow),
# unit and golden tests, the rotation function against MariaDB and moto, and the end-to-end
# tests through Terraform 1.0 and 1.15 (the module's `terraform test` runs, release signing and
# the network-mirror install among them).
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

echo "== cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

echo "== terraform fmt, release workflow schema"
TF_CLI_CONFIG_FILE=/dev/null .testbed/bin/terraform-1.15 fmt -check -recursive -diff examples
.testbed/bin/check-jsonschema --builtin-schema vendor.github-workflows .github/workflows/*.yml

echo "== Rust tests (unit, golden, end-to-end)"
if cargo nextest --version >/dev/null 2>&1; then
  cargo nextest run --workspace --locked --no-fail-fast
else
  cargo test --workspace --locked --no-fail-fast
fi

if [ -f lambda/rotation/package.json ]; then
  echo "== rotation function"
  (cd lambda/rotation && npm test)
fi
echo "== all tests passed"
