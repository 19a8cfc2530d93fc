#!/usr/bin/env bash
# Regenerates include/codguard.h from ffi/src with the pinned cbindgen.
#   scripts/gen_header.sh          write the header
#   scripts/gen_header.sh --check  fail when the committed header differs
set -euo pipefail
CBINDGEN_VERSION=0.29.2
cd "$(dirname "$0")/.."

if ! cbindgen --version 2>/dev/null | grep -x "cbindgen $CBINDGEN_VERSION" >/dev/null; then
    echo "gen_header: installing cbindgen $CBINDGEN_VERSION" >&2
    cargo install cbindgen --version "$CBINDGEN_VERSION" --locked
fi

out=include/codguard.h
tmp=$(mktemp)
trap 'rm -f "$tmp"' EXIT
cbindgen --quiet --config ffi/cbindgen.toml --crate codguard-ffi --output "$tmp" ffi

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
