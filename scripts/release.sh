#!/usr/bin/env bash
# Builds release archives the way the Terraform Registry expects them:
#   terraform-provider-vault_<version>_<os>_<arch>.zip, SHA256SUMS and the registry manifest.
#
#   scripts/release.sh [out-dir]                      build every target the toolchain has
#   scripts/release.sh pack <binary> <os> <arch> <out-dir>   pack one binary (used by the e2e tests)
set -euo pipefail
cd "$(dirname "$0")/.."
name=terraform-provider-vault
version=$(sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)

pack() { # binary os arch out-dir
  local bin=$1 os=$2 arch=$3 out=$4
  mkdir -p "$out"
  local zip="$out/${name}_${version}_${os}_${arch}.zip"
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

if [ "${1:-}" = "pack" ]; then
  shift
  pack "$@"
  exit 0
fi

out=${1:-dist}
rm -rf "$out"
mkdir -p "$out"
# rustc target -> Terraform os/arch. Targets not installed (rustup target add ...) are skipped.
declare -A targets=(
  [x86_64-unknown-linux-gnu]=linux_amd64
  [aarch64-unknown-linux-gnu]=linux_arm64
  [x86_64-apple-darwin]=darwin_amd64
  [aarch64-apple-darwin]=darwin_arm64
)
installed=$(rustup target list --installed 2>/dev/null || rustc -vV | sed -n 's/^host: //p')
for t in "${!targets[@]}"; do
  if ! grep -qx "$t" <<<"$installed"; then
    echo "skipping $t: target not installed" >&2
    continue
  fi
  if ! cargo build --release --locked -p "$name" --target "$t"; then
    echo "skipping $t: build failed (cross linker missing?)" >&2
    continue
  fi
  os_arch=${targets[$t]}
  pack "target/$t/release/$name" "${os_arch%_*}" "${os_arch#*_}" "$out" >/dev/null
done
printf '{\n  "version": 1,\n  "metadata": {\n    "protocol_versions": ["6.10"]\n  }\n}\n' \
  >"$out/${name}_${version}_manifest.json"
(cd "$out" && sha256sum ./*.zip "${name}_${version}_manifest.json" | sed 's| \./| |' >"${name}_${version}_SHA256SUMS")
ls -1 "$out"
