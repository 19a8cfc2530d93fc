#!/usr/bin/env bash
# Python surface: builds and installs the codguard wheel into a fresh venv, runs the pytest
# suite and checks the type stub against the compiled module. Run from anywhere; needs Rust,
# Python >= 3.10 with venv and pip, and PyPI.
set -euo pipefail
cd "$(dirname "$0")/.."

VENV="${CODGUARD_VENV:-target/py-venv}"
if [ ! -x "$VENV/bin/python" ]; then
  python3 -m venv "$VENV" || { apt-get update -qq && apt-get install -y -qq python3-venv && python3 -m venv "$VENV"; }
fi
PY="$VENV/bin/python"
"$PY" -m pip install -q --upgrade pip
"$PY" -m pip install -q maturin pytest hypothesis phonenumbers mypy

echo "== pip install ./python"
"$PY" -m pip install -q --force-reinstall --no-deps ./python

echo "== pytest"
# Run from tests/python so the installed package (not the source folder) is imported.
# The store tests need the databases: scripts/ci_store.sh runs them, against both.
(cd tests/python && "$OLDPWD/$PY" -m pytest -q -p no:cacheprovider --ignore=test_store.py --ignore=test_store_concurrency.py .)

echo "== stubtest"
(cd tests/python && "$OLDPWD/$PY" -m mypy.stubtest codguard._codguard)
