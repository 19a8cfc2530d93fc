#!/usr/bin/env bash
# Regenerates include/codguard.h from ffi/src with the pinned cbindgen.
#   scripts/gen_header.sh          write the header
#   scripts/gen_header.sh --check  fail when the committed header differs
# The pinned cbindgen is taken from target/tools, else from PATH when it is exactly that
# version, else installed into target/tools (never over a user's own cbindgen; nothing is
# installed with CODGUARD_NO_INSTALL=1).
set -euo pipefail
CBINDGEN_VERSION=0.29.2
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh
cbindgen="$(cg_cbindgen "$CBINDGEN_VERSION")"

out=include/codguard.h
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
"$cbindgen" --quiet --config ffi/cbindgen.toml --crate codguard-ffi --output "$tmp" ffi

if [[ "${1:-}" == "--check" ]]; then
    if ! diff -u "$out" "$tmp"; then
        echo "gen_header: $out is stale; run scripts/gen_header.sh and commit it" >&2
        exit 1
    fi
    echo "gen_header: $out is up to date"
else
    mkdir -p include
    cp "$tmp" "$out"
    echo "gen_header: wrote $out"
fi
