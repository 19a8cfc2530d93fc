#!/usr/bin/env bash
# Runs every test of every surface: Rust (unit, integration, property, doc tests), C (under
# valgrind), PHP, Python, and store mode against PostgreSQL and MariaDB. The README's test command; CI runs it too.
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== Rust"
cargo test --workspace --exclude codguard-python

for surface in c php python store; do
  if [ -f "scripts/ci_$surface.sh" ]; then
    echo "== $surface"
    bash "scripts/ci_$surface.sh"
  fi
done
