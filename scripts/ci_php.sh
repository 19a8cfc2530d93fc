#!/usr/bin/env bash
# The PHP surface: installs php-cli (with its built-in FFI) if missing, builds libcodguard, runs
# the example plugin script and the PHP tests (exception mapping, shared JSON vectors).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v php >/dev/null; then
    echo "ci_php: installing php-cli"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq php-cli
fi
if ! php -m | grep -qi '^ffi$'; then
    echo "ci_php: PHP lacks the FFI extension" >&2
    exit 1
fi

cargo build --release -p codguard-ffi

# Debian's CLI default ffi.enable=preload allows FFI in CLI scripts; say so explicitly.
PHP=(php -d ffi.enable=1)

echo "== examples/php/triage.php"
"${PHP[@]}" examples/php/triage.php "${CODGUARD_DATA:-examples/data}"

echo "== tests/php/run.php"
"${PHP[@]}" tests/php/run.php tests/vectors
