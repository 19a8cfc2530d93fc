#!/usr/bin/env bash
# The PHP surface: installs php-cli (with its built-in FFI) and php-mysql if missing, builds
# libcodguard, runs the example plugin script and the PHP tests (exception mapping, shared JSON
# vectors), then the store-mode demo and tests against a real MariaDB (installed and started by
# scripts/start_databases.sh if missing; database "${CODGUARD_TEST_DB:-codguard_test}_php").
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

cg_apt_install ci_php php-cli php-mysql
# grep reads all (no -q): with pipefail, php would die of SIGPIPE and fail the pipeline.
if ! php -m | grep -i '^ffi$' >/dev/null; then
    echo "ci_php: PHP lacks the FFI extension" >&2
    exit 1
fi
if ! php -m | grep -i '^pdo_mysql$' >/dev/null; then
    echo "ci_php: PHP lacks PDO MySQL (php-mysql)" >&2
    exit 1
fi

# Run alone, it stops the servers it started when it ends (under test_all.sh, test_all does).
cg_stop_databases_on_exit

# The store tests need MariaDB: started (and its test user made) the way the Python store tests
# get theirs, with a database of their own (they drop their tables first).
# shellcheck source=scripts/start_databases.sh
source scripts/start_databases.sh mariadb >/dev/null
php_db="${CODGUARD_TEST_DB:-codguard_test}_php"
php_user="${CODGUARD_TEST_USER:-codguard}"
cg_sudo mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$php_db\` CHARACTER SET utf8mb4;
GRANT ALL PRIVILEGES ON \`$php_db\`.* TO '$php_user'@'localhost';
SQL
export CODGUARD_PHP_DSN="${CODGUARD_PHP_DSN:-mysql:host=localhost;dbname=$php_db;charset=utf8mb4}"
export CODGUARD_PHP_USER="${CODGUARD_PHP_USER:-$php_user}"
export CODGUARD_PHP_PASSWORD="${CODGUARD_PHP_PASSWORD:-${CODGUARD_TEST_PASSWORD:-codguard_pw}}"

cargo build --release -p codguard-ffi

# Debian's CLI default ffi.enable=preload allows FFI in CLI scripts; say so explicitly.
PHP=(php -d ffi.enable=1)

echo "== examples/php/triage.php"
"${PHP[@]}" examples/php/triage.php "${CODGUARD_DATA:-examples/data}"

echo "== tests/php/run.php"
"${PHP[@]}" tests/php/run.php tests/vectors

echo "== examples/php/store_demo.php (MariaDB)"
"${PHP[@]}" examples/php/store_demo.php "${CODGUARD_DATA:-examples/data}"

echo "== tests/php/store.php (MariaDB)"
"${PHP[@]}" tests/php/store.php "${CODGUARD_DATA:-examples/data}"
