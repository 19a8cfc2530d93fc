#!/usr/bin/env bash
# The minimum supported Rust (rust-version in Cargo.toml), checked as far as one toolchain can
# (CI has no other; CHANGELOG.md, "Minimum supported Rust", says what is not checked):
# 1. every dependency in Cargo.lock declares a rust-version no newer than ours, and ours is no
#    newer than the newest of theirs (the floor the dependencies set);
# 2. standard library items newer than ours: clippy's incompatible_msrv lint, which .ci/run's
#    clippy step denies; this fails if any code allows it.
set -euo pipefail
cd "$(dirname "$0")/.."

declared="$(sed -n '/^\[workspace.package\]/,/^\[/p' Cargo.toml | sed -n 's/^rust-version = "\(.*\)"/\1/p')"
meta="$(mktemp)"
trap 'rm -f "$meta"' EXIT
cargo metadata --locked --format-version 1 >"$meta"
python3 - "$declared" "$meta" <<'EOF'
import json, sys

declared, path = sys.argv[1], sys.argv[2]


def version(v):
    """(major, minor, patch): "1.88" and "1.88.0" are the same version."""
    parts = [int(x) for x in v.split(".")]
    return tuple(parts + [0] * (3 - len(parts)))


with open(path, encoding="utf-8") as f:
    meta = json.load(f)
members = set(meta["workspace_members"])
in_graph = {n["id"] for n in meta["resolve"]["nodes"]}
deps = [p for p in meta["packages"] if p["id"] in in_graph and p["id"] not in members]
declaring = [p for p in deps if p["rust_version"]]
newer = [p for p in declaring if version(p["rust_version"]) > version(declared)]
for p in newer:
    name, v, rv = p["name"], p["version"], p["rust_version"]
    print(f"check_msrv: {name} {v} needs Rust {rv}, newer than {declared}")
floor = max((version(p["rust_version"]) for p in declaring), default=(0, 0, 0))
setting = sorted(f"{p['name']} {p['version']}" for p in declaring if version(p["rust_version"]) == floor)
floor_text = ".".join(map(str, floor[:2] if floor[2] == 0 else floor))
print(f"check_msrv: rust-version {declared}; {len(deps)} dependencies, {len(declaring)} declare one;"
      f" the newest they need is {floor_text} ({', '.join(setting)})")
if newer:
    sys.exit(1)
if version(declared) > floor:
    sys.exit(f"check_msrv: rust-version {declared} is newer than the dependencies need: lower it, or say why")
EOF

if grep -rn --include='*.rs' 'incompatible_msrv' core ffi python examples benches tests; then
  echo "check_msrv: code above allows clippy::incompatible_msrv" >&2
  exit 1
fi
echo "check_msrv: no code allows clippy::incompatible_msrv (the clippy step denies it)"
