#!/usr/bin/env bash
# The demo, with no AWS account: builds the provider, installs it the way users do (a release
# zip in a filesystem mirror), starts moto server, and applies the dev environment
# (examples/environments/dev, which uses examples/modules/secrets-platform) against it: apply,
# the outputs, the rotation status (vault_rotation_status), an empty second plan, then destroy.
# Set TERRAFORM=terraform-1.0 to use Terraform 1.0.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
./scripts/setup.sh >/dev/null

cargo build --locked -p terraform-provider-vault
demo=$(mktemp -d)
moto_pid=""
cleanup() {
  [ -n "$moto_pid" ] && kill "$moto_pid" 2>/dev/null || true
  rm -rf "$demo"
}
trap cleanup EXIT

mirror="$demo/mirror/registry.terraform.io/platform/vault"
scripts/release.sh pack target/debug/terraform-provider-vault linux amd64 "$mirror" >/dev/null
cat >"$demo/terraform.rc" <<RC
provider_installation {
  filesystem_mirror {
    path    = "$demo/mirror"
    include = ["registry.terraform.io/platform/vault"]
  }
}
RC

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
MOTO_IAM_LOAD_MANAGED_POLICIES=true .testbed/bin/moto_server -H 127.0.0.1 -p "$port" >"$demo/moto.log" 2>&1 &
moto_pid=$!
for _ in $(seq 100); do
  (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break
  sleep 0.1
done
echo "moto server on http://127.0.0.1:$port"

# The module is referenced by a relative path: copy both, keeping the layout.
mkdir -p "$demo/examples/environments"
cp -r examples/modules "$demo/examples/modules"
cp -r examples/environments/dev "$demo/examples/environments/dev"
cd "$demo/examples/environments/dev"
tf="$root/.testbed/bin/${TERRAFORM:-terraform-1.15}"
export TF_CLI_CONFIG_FILE="$demo/terraform.rc" CHECKPOINT_DISABLE=1 TF_IN_AUTOMATION=1
export AWS_ACCESS_KEY_ID=test AWS_SECRET_ACCESS_KEY=test AWS_EC2_METADATA_DISABLED=true
var="aws_endpoint=http://127.0.0.1:$port"
"$tf" init -input=false -no-color
"$tf" apply -auto-approve -input=false -no-color -var "$var"
echo "== outputs"
"$tf" output -no-color
echo "== rotation status (data source vault_rotation_status)"
"$tf" output -json rotation | python3 -c '
import json, sys
r = json.load(sys.stdin)
schedule = r["schedule_expression"] or "every %s days" % r["automatically_after_days"]
b = json.dumps  # true/false, as Terraform prints them
rows = [
    ("rotation enabled", "%s (%s)" % (b(r["enabled"]), schedule)),
    ("last rotated", r["last_rotated_date"] or "never"),
    ("next rotation", r["next_rotation_date"]),
    ("rotation running", b(r["in_progress"])),
    ("last error", r["last_rotation_error"] or "none"),
    ("healthy", b(r["healthy"])),
]
for label, value in rows:
    print("%-18s %s" % (label + ":", value))
if r["in_progress"]:
    # moto cannot run the function; the version it labels AWSPENDING when rotation is set up stays.
    print("(moto leaves the first rotation pending: it cannot run the rotation function)")
'
echo "== a second plan changes nothing"
rc=0
"$tf" plan -detailed-exitcode -input=false -no-color -var "$var" >"$demo/plan.txt" || rc=$?
if [ "$rc" -ne 0 ]; then
  cat "$demo/plan.txt"
  echo "the second plan is not empty (exit code $rc)" >&2
  exit 1
fi
grep -m1 "No changes" "$demo/plan.txt"
echo "== destroy"
"$tf" destroy -auto-approve -input=false -no-color -var "$var"
