#!/usr/bin/env bash
# Python surface: builds and installs the codguard wheel into the venv under target/ (created
# when missing), runs the pytest suite, type-checks the package's Python modules with mypy and
# checks the type stub against the compiled module. Run from anywhere; needs Rust, Python >= 3.10
# with venv and pip, and PyPI for the test tools the venv lacks (none with CODGUARD_NO_INSTALL=1).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

PY="$(cg_venv)"
# psycopg, PyMySQL and PyMySQL's typeshed stubs: mypy checks codguard.sql against their types.
# gunicorn: tests/python/test_fork.py runs a --preload app with two workers.
cg_pip_ensure "$PY" maturin pytest hypothesis phonenumbers mypy "psycopg[binary]" psycopg-binary \
  PyMySQL types-PyMySQL gunicorn

echo "== pip install ./python"
cg_install_codguard "$PY"

echo "== pytest"
# Run from tests/python so the installed package (not the source folder) is imported.
# The store tests need the databases: scripts/ci_store.sh runs them, against both; the Spark
# tests need Java and pyspark: scripts/ci_spark.sh runs them.
(cd tests/python && "$PY" -m pytest -q -p no:cacheprovider --ignore=test_store.py \
  --ignore=test_store_concurrency.py --ignore=test_spark.py .)

echo "== mypy (the package's Python modules, strict)"
"$PY" -m mypy --strict --config-file python/pyproject.toml --cache-dir target/mypy-cache python/codguard

echo "== stubtest"
(cd tests/python && "$PY" -m mypy.stubtest codguard._codguard)
