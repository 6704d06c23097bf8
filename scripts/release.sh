#!/usr/bin/env bash
# Builds a release laid out as the Terraform Registry (and `terraform init`) expects it:
#   terraform-provider-vault_<version>_<os>_<arch>.zip         one per os/arch
#   terraform-provider-vault_<version>_manifest.json           the plugin protocol served
#   terraform-provider-vault_<version>_SHA256SUMS              zips and manifest
#   terraform-provider-vault_<version>_SHA256SUMS.sig          detached GPG signature of it
#
#   scripts/release.sh [out-dir]                 build every target this machine can, then finish
#   scripts/release.sh pack <binary> <os> <arch> <out-dir>    pack one binary (CI, e2e tests)
#   scripts/release.sh finish <out-dir>          manifest, SHA256SUMS and signature of its zips
#   scripts/release.sh mirror <out-dir> <mirror-dir>
#                                                a network mirror of its zips, as written by
#                                                `terraform providers mirror` (index.json, <v>.json)
#
# Signing: RELEASE_GPG_KEY names the key (fingerprint, id or e-mail) in the caller's keyring
# ($GNUPGHOME), with RELEASE_GPG_PASSPHRASE if it has one. Without RELEASE_GPG_KEY a throwaway
# key signs (local runs) and its public half is written to <out-dir>/signing-key.asc.
# Cross builds: with cargo-zigbuild and zig on PATH (scripts/setup.sh puts them in
# .testbed/bin), Zig links; a target whose Rust standard library is not installed is skipped.
# .github/workflows/release.yml builds the rest on runners that have them.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$(pwd)
name=terraform-provider-vault
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
prefix="${name}_${version}"

pack() { # binary os arch out-dir
  local bin=$1 os=$2 arch=$3 out=$4
  mkdir -p "$out"
  local zip="$out/${prefix}_${os}_${arch}.zip"
  # Fixed timestamps and permissions: the same binary always gives the same archive.
  python3 - "$bin" "$zip" "${name}_v${version}" <<'PY'
import sys, zipfile
src, dst, arcname = sys.argv[1:4]
info = zipfile.ZipInfo(arcname, date_time=(2020, 1, 1, 0, 0, 0))
info.external_attr = 0o755 << 16
info.compress_type = zipfile.ZIP_DEFLATED
with open(src, "rb") as f, zipfile.ZipFile(dst + ".tmp", "w") as z:
    z.writestr(info, f.read(), compresslevel=1)
PY
  mv "$zip.tmp" "$zip"
  echo "$zip"
}

# The minor version is that of proto/tfplugin6.proto, which build.rs compiles into the server;
# the major one is checked against the binary's handshake by the e2e tests.
protocol_version() {
  local v
  v=$(sed -n 's|^// Terraform Plugin RPC protocol version \([0-9][0-9.]*\)$|\1|p' proto/tfplugin6.proto)
  [ -n "$v" ] || { echo "no protocol version in proto/tfplugin6.proto" >&2; exit 1; }
  echo "$v"
}

sign() { # file: writes file.sig, a binary detached signature as the Registry wants it
  local file=$1 home="" key
  if [ -n "${RELEASE_GPG_KEY:-}" ]; then
    key=$RELEASE_GPG_KEY
  else
    home=$(mktemp -d)
    export GNUPGHOME=$home
    # RSA: the key type every Registry and Terraform version accepts.
    gpg --batch --quiet --passphrase '' \
      --quick-gen-key "$name local release (throwaway) <release@localhost>" rsa3072 sign 1d
    key=$(gpg --batch --quiet --no-auto-check-trustdb --with-colons --list-secret-keys | awk -F: '$1 == "fpr" { print $10; exit }')
    gpg --batch --armor --export "$key" >"$(dirname "$file")/signing-key.asc"
    echo "signed with a throwaway key $key (public key in signing-key.asc)" >&2
  fi
  local pass=()
  if [ -n "${RELEASE_GPG_PASSPHRASE:-}" ]; then
    pass=(--pinentry-mode loopback --passphrase-fd 0)
  fi
  gpg --batch --yes "${pass[@]}" --local-user "$key" --detach-sign --output "$file.sig" "$file" \
    <<<"${RELEASE_GPG_PASSPHRASE:-}"
  if [ -n "$home" ]; then
    gpgconf --kill gpg-agent >/dev/null 2>&1 || true
    rm -rf "$home"
    unset GNUPGHOME
  fi
}

finish() { # out-dir
  local out=$1
  compgen -G "$out/${prefix}_*_*.zip" >/dev/null || { echo "no ${prefix}_<os>_<arch>.zip in $out" >&2; exit 1; }
  printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["%s"]\n  }\n}\n' \
    "$(protocol_version)" >"$out/${prefix}_manifest.json"
  (cd "$out" && sha256sum "${prefix}"_*.zip "${prefix}_manifest.json" >"${prefix}_SHA256SUMS")
  sign "$out/${prefix}_SHA256SUMS"
}

# The layout `terraform providers mirror` writes and a network mirror serves: index.json lists
# versions, <version>.json each platform's zip with its h1: (contents) and zh: (zip) hashes.
mirror() { # out-dir mirror-dir
  local out=$1 dir="$2/registry.terraform.io/platform/vault"
  mkdir -p "$dir"
  cp "$out/${prefix}"_*_*.zip "$dir/"
  python3 - "$dir" "$prefix" "$version" <<'PY'
import base64, hashlib, json, os, sys, zipfile
dir, prefix, version = sys.argv[1:4]
archives = {}
for f in sorted(os.listdir(dir)):
    if not (f.startswith(prefix + "_") and f.endswith(".zip")):
        continue
    platform = f[len(prefix) + 1 : -len(".zip")]
    path = os.path.join(dir, f)
    # h1: Terraform's dirhash of the unpacked files: "<sha256>  <name>\n" per file, sorted.
    with zipfile.ZipFile(path) as z:
        names = sorted(i.filename for i in z.infolist() if not i.is_dir())
        lines = "".join(f"{hashlib.sha256(z.read(n)).hexdigest()}  {n}\n" for n in names)
    h1 = "h1:" + base64.b64encode(hashlib.sha256(lines.encode()).digest()).decode()
    with open(path, "rb") as zf:
        zh = "zh:" + hashlib.sha256(zf.read()).hexdigest()
    archives[platform] = {"url": f, "hashes": [h1, zh]}
if not archives:
    sys.exit(f"no {prefix}_<os>_<arch>.zip to mirror")
with open(os.path.join(dir, f"{version}.json"), "w") as f:
    json.dump({"archives": archives}, f, indent=2)
index = os.path.join(dir, "index.json")
versions = json.load(open(index))["versions"] if os.path.exists(index) else {}
versions[version] = {}
with open(index, "w") as f:
    json.dump({"versions": versions}, f, indent=2)
PY
  echo "$dir"
}

case "${1:-}" in
  pack) shift; pack "$@"; exit 0 ;;
  finish) finish "$2"; ls -1 "$2"; exit 0 ;;
  mirror) mirror "$2" "$3"; exit 0 ;;
esac

out=${1:-dist}
rm -rf "$out"
mkdir -p "$out"
export PATH="$root/.testbed/bin:$PATH"
zig_ok=false
if command -v cargo-zigbuild >/dev/null 2>&1 && command -v zig >/dev/null 2>&1; then
  zig_ok=true
fi
# rustc target -> Terraform os_arch.
declare -A targets=(
  [x86_64-unknown-linux-gnu]=linux_amd64
  [aarch64-unknown-linux-gnu]=linux_arm64
  [x86_64-apple-darwin]=darwin_amd64
  [aarch64-apple-darwin]=darwin_arm64
)
host=$(rustc -vV | sed -n 's/^host: //p')
sysroot=$(rustc --print sysroot)
built=()
for t in "${!targets[@]}"; do
  if [ ! -d "$sysroot/lib/rustlib/$t/lib" ]; then
    echo "skipping $t: its Rust standard library is not installed" >&2
    continue
  fi
  if $zig_ok && [[ $t == *-linux-gnu ]]; then
    # Linked against glibc 2.28 (Debian 10, RHEL 8), not this machine's newer one.
    cmd=(cargo zigbuild --release --locked -p "$name" --target "$t.2.28")
  elif $zig_ok; then
    cmd=(cargo zigbuild --release --locked -p "$name" --target "$t")
  elif [ "$t" = "$host" ]; then
    cmd=(cargo build --release --locked -p "$name" --target "$t")
  else
    echo "skipping $t: no cross linker (run scripts/setup.sh for cargo-zigbuild)" >&2
    continue
  fi
  if ! "${cmd[@]}"; then
    echo "skipping $t: build failed" >&2
    continue
  fi
  os_arch=${targets[$t]}
  pack "target/$t/release/$name" "${os_arch%_*}" "${os_arch#*_}" "$out" >/dev/null
  built+=("$os_arch")
done
[ ${#built[@]} -gt 0 ] || { echo "no target built" >&2; exit 1; }
echo "built: ${built[*]}" >&2
finish "$out"
ls -1 "$out"
