#!/usr/bin/env bash
# Every test of the project: formatting, lints, unit and golden tests, the rotation function
# against MariaDB and moto, and the end-to-end tests through Terraform 1.0 and 1.15.
set -euo pipefail
cd "$(dirname "$0")/.."

./scripts/setup.sh

echo "== cargo fmt / clippy"
cargo fmt --all -- --check
cargo clippy --workspace --all-targets --locked -- -D warnings

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
