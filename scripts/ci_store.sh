#!/usr/bin/env bash
# Store mode against real databases: starts PostgreSQL and MariaDB (scripts/start_databases.sh),
# runs the store tests with both required, and checks that the example shop and the dev set
# (../shared/data/dev; without it, the repository's synthetic shop of 5,000 customers) give the
# in-memory engine's answers through each database.
# Reuses the venv and the codguard wheel of scripts/ci_python.sh (which test_all.sh runs first);
# builds the wheel the same way only when that venv lacks it (or CODGUARD_REBUILD=1).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

# Run alone, it stops the servers it started when it ends (under test_all.sh, test_all does).
cg_stop_databases_on_exit

echo "== databases"
# shellcheck source=scripts/start_databases.sh
source scripts/start_databases.sh

PY="$(cg_venv)"
cg_pip_ensure "$PY" "psycopg[binary]" psycopg-binary PyMySQL pytest
if [ -n "${CODGUARD_REBUILD:-}" ] || ! "$PY" -c "import codguard.sql" 2>/dev/null; then
  echo "== pip install ./python"
  cg_install_codguard "$PY"
fi

echo "== pytest (store, PostgreSQL and MariaDB required)"
export CODGUARD_REQUIRE_DB=1
# Run from tests/python so the installed package (not the source folder) is imported.
(cd tests/python && "$PY" -m pytest -q -p no:cacheprovider test_store.py test_store_concurrency.py)

echo "== store equivalence"
datasets=(examples/data)
if [ -d ../shared/data/dev ]; then
  datasets+=(../shared/data/dev)
else
  cargo run -q --release --example synth -- --out target/synth-store
  datasets+=(target/synth-store)
fi
for dsn in "$CODGUARD_PG_DSN" "$CODGUARD_MYSQL_DSN"; do
  for data in "${datasets[@]}"; do
    # Its last line is a JSON summary; it exits non-zero unless identical == queries.
    line="$("$PY" examples/python/store_equivalence.py "$data" --dsn "$dsn" --reset | tail -n 1)"
    echo "$data: $line"
    "$PY" - "$line" <<'EOF'
import json, sys
r = json.loads(sys.argv[1])
if r["identical"] != r["queries"]:
    sys.exit(f"store differs from the engine: {r['identical']} of {r['queries']} identical")
EOF
  done
done
echo "store: all identical"
