#!/usr/bin/env bash
# Spark surface (codguard.spark): installs Java 17 (openjdk-17-jre-headless) and the package's
# `spark` extra (pyspark, pyarrow, pandas<3, matplotlib) into the venv under target/, installs
# the codguard wheel, generates a small shop with the repository's generator and runs
# tests/python/test_spark.py in Spark local mode: every Spark assessment must equal the
# in-memory engine's, and the backtest an engine fed only earlier orders. A few minutes; the
# first run downloads pyspark (a ~456 MB sdist).
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

command -v java >/dev/null || cg_apt_install "spark: Java" openjdk-17-jre-headless

PY="$(cg_venv)"
cg_pip_ensure "$PY" maturin pytest pyspark pyarrow "pandas<3" matplotlib

echo "== pip install ./python"
cg_install_codguard "$PY"

echo "== generated shop (examples/synth)"
synth="$PWD/target/synth-spark"
cargo run -q --example synth -- --out "$synth" --customers 400 --seed 7

echo "== pytest (Spark local mode)"
PYSPARK_PYTHON="$(cd "$(dirname "$PY")" && pwd)/python"
export PYSPARK_PYTHON PYSPARK_DRIVER_PYTHON="$PYSPARK_PYTHON"
export SPARK_LOCAL_IP=127.0.0.1 CODGUARD_SPARK_SYNTH="$synth"
(cd tests/python && "$PYSPARK_PYTHON" -m pytest -q -p no:cacheprovider test_spark.py)
