#!/usr/bin/env bash
# Runs every test of every surface: Rust (unit, integration, property, doc tests), C (under
# valgrind), PHP, Python, store mode against PostgreSQL and MariaDB, the django-oscar shop in
# headless Chromium, and codguard.spark in Spark local mode. The README's test command; CI
# runs it too.
#
#   bash scripts/test_all.sh               install what is missing, then test
#   bash scripts/test_all.sh --no-install  install nothing: fail naming what is missing
#
# What it installs when missing (scripts/lib.sh): Debian packages by name (libcjson-dev,
# php-cli, php-mysql, postgresql, mariadb-server, python3-venv, openjdk-17-jre-headless,
# chromium and chromium-driver for the django-oscar shop's browser test), cbindgen into
# target/tools (never over a cbindgen of your own), Python packages (pyspark among them) into
# the venv target/py-venv, and django-oscar's into target/oscar-venv. A second run installs
# nothing. Database servers it starts are stopped when it ends; servers that were already
# running are left running.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

for arg in "$@"; do
  case "$arg" in
    --no-install) export CODGUARD_NO_INSTALL=1 ;;
    -h | --help)
      sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'
      exit 0
      ;;
    *)
      echo "test_all.sh: unknown argument $arg (--no-install, --help)" >&2
      exit 2
      ;;
  esac
done

cg_stop_databases_on_exit

echo "== Rust"
cargo test --workspace --exclude codguard-python

for surface in c php python store oscar spark; do
  echo "== $surface"
  bash "scripts/ci_$surface.sh"
done
