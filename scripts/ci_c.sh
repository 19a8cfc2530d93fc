#!/usr/bin/env bash
# The C surface: builds libcodguard, checks the committed header against cbindgen, builds the C
# example and the C tests with gcc, and runs both under valgrind (no leaks, no invalid access).
# Run from anywhere on Debian 12 with Rust, gcc and valgrind; installs libcjson-dev if missing.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

cg_apt_install ci_c libcjson-dev

echo "== cargo build --release -p codguard-ffi"
cargo build --release -p codguard-ffi

echo "== header"
scripts/gen_header.sh --check

echo "== gcc"
make -C examples/c --no-print-directory -B all
# The handle-cost probe of README's "C handles", built so that its callgrind command works
# (it measures; it tests nothing, so it is not run here).
gcc -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude tests/c/handle_cost.c -o target/handle_cost \
    -Ltarget/release -lcodguard -Wl,-rpath,"$PWD/target/release"
# The store-mode tests, with the Makefile's flags.
gcc -std=c11 -O1 -g -Wall -Wextra -Werror -Iinclude tests/c/test_store.c -o target/test_store \
    -Ltarget/release -lcodguard -lcjson -Wl,-rpath,"$PWD/target/release"

VALGRIND=(valgrind --leak-check=full --show-leak-kinds=definite,indirect --error-exitcode=1
          --errors-for-leak-kinds=definite,indirect)
data=${CODGUARD_DATA:-examples/data}

echo "== examples/c/triage_c (valgrind)"
# A short run under valgrind (it is ~50x slower), then the whole file natively.
"${VALGRIND[@]}" examples/c/triage_c "$data/history.jsonl" "$data/queries.jsonl" 20
examples/c/triage_c "$data/history.jsonl" "$data/queries.jsonl" | tail -n 1

echo "== tests/c/test_codguard (valgrind)"
shopt -s nullglob
"${VALGRIND[@]}" examples/c/test_codguard tests/vectors tests/vectors/flow/*.json

echo "== tests/c/test_store (valgrind)"
"${VALGRIND[@]}" target/test_store "$data"
