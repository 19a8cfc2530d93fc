#!/usr/bin/env bash
# Checks that CHANGELOG.md's table "Versions that outlive a process" gives the versions the code
# has: the C ABI version (the workspace version, which becomes CG_VERSION), the store key
# format, the engine, flow and send guard snapshot formats, the risk model file, and the minimum Rust;
# and that the SQL schemas and the C store test carry the store key format.
set -euo pipefail
cd "$(dirname "$0")/.."

# const_value NAME: the value of `const NAME: u32 = N;`, defined exactly once in core/src.
const_value() {
  local found
  found="$(grep -rhE "const $1: u32 = [0-9]+;" core/src | sed -nE "s/.*const $1: u32 = ([0-9]+);.*/\1/p")"
  if [ "$(printf '%s\n' "$found" | grep -c .)" -ne 1 ]; then
    echo "check_versions: want one 'const $1: u32 = N;' in core/src, found: ${found:-none}" >&2
    exit 1
  fi
  echo "$found"
}

workspace_key() {
  sed -n '/^\[workspace.package\]/,/^\[/p' Cargo.toml | sed -n "s/^$1 = \"\(.*\)\"/\1/p"
}

# table_value LABEL: the version column of the CHANGELOG row whose first cell starts with LABEL.
table_value() {
  awk -F'|' -v label="$1" 'index($2, " " label) == 1 { gsub(/ /, "", $3); print $3; exit }' \
    CHANGELOG.md
}

status=0
check() {
  local label="$1" code="$2" written
  written="$(table_value "$label")"
  if [ "$written" != "$code" ]; then
    echo "check_versions: CHANGELOG.md says $label is '${written:-missing}', the code says $code" >&2
    status=1
  fi
}

check "C ABI" "$(workspace_key version)"
check "store key format" "$(const_value KEY_FORMAT)"
check "engine snapshot format" "$(const_value FORMAT_VERSION)"
check "flow snapshot format" "$(const_value SNAPSHOT_VERSION)"
check "send guard snapshot format" "$(const_value GUARD_SNAPSHOT_VERSION)"
check "risk model file" "$(const_value MODEL_VERSION)"
check "minimum Rust" "$(workspace_key rust-version)"
if ! grep -F "#define CG_VERSION \"$(workspace_key version)\"" include/codguard.h >/dev/null; then
  echo "check_versions: include/codguard.h's CG_VERSION is not the workspace version" >&2
  status=1
fi
# The SQL schemas write the key format into a new cg_meta; the C test checks the library's.
key_format="$(const_value KEY_FORMAT)"
for f in sql/mysql/001_init.sql sql/postgres/001_init.sql; do
  if ! grep -F "('key_format', '$key_format')" "$f" >/dev/null; then
    echo "check_versions: $f does not write key format $key_format into cg_meta" >&2
    status=1
  fi
done
if ! grep -F "cg_store_key_format() == $key_format)" tests/c/test_store.c >/dev/null; then
  echo "check_versions: tests/c/test_store.c does not expect key format $key_format" >&2
  status=1
fi
[ "$status" -eq 0 ] && echo "check_versions: CHANGELOG.md's versions match the code"
exit "$status"
