#!/usr/bin/env bash
# The PHP surface: installs php-cli (with its built-in FFI) if missing, builds libcodguard, runs
# the example plugin script and the PHP tests (exception mapping, shared JSON vectors), then the
# store-mode demo and tests against a real MariaDB (installed and started here if missing).
set -euo pipefail
cd "$(dirname "$0")/.."

SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
if ! command -v php >/dev/null; then
    echo "ci_php: installing php-cli"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq php-cli
fi
# grep reads all (no -q): with pipefail, php would die of SIGPIPE and fail the pipeline.
if ! php -m | grep -i '^ffi$' >/dev/null; then
    echo "ci_php: PHP lacks the FFI extension" >&2
    exit 1
fi

# The store tests need MariaDB and PDO MySQL. Self-contained (scripts/start_databases.sh does
# the same for the Python tests; this uses its own database and user so both can run).
if ! command -v mysqld >/dev/null || ! php -m | grep -i '^pdo_mysql$' >/dev/null; then
    echo "ci_php: installing mariadb-server php-mysql"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq -o DPkg::Lock::Timeout=600 \
        mariadb-server php-mysql
fi
if ! $SUDO mysqladmin ping --silent >/dev/null 2>&1; then
    echo "ci_php: starting MariaDB"
    # No systemd in containers: the init script, else mysqld_safe in the background.
    $SUDO service mariadb start >/dev/null 2>&1 || { $SUDO mysqld_safe >/dev/null 2>&1 & }
    for _ in $(seq 1 120); do
        $SUDO mysqladmin ping --silent >/dev/null 2>&1 && break
        sleep 0.5
    done
    $SUDO mysqladmin ping --silent >/dev/null || { echo "ci_php: MariaDB did not start" >&2; exit 1; }
fi
export CODGUARD_PHP_DSN="${CODGUARD_PHP_DSN:-mysql:host=localhost;dbname=codguard_php;charset=utf8mb4}"
export CODGUARD_PHP_USER="${CODGUARD_PHP_USER:-codguard_php}"
export CODGUARD_PHP_PASSWORD="${CODGUARD_PHP_PASSWORD:-codguard-php-test}"
# Root logs in through the socket (Debian's unix_socket authentication).
$SUDO mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS codguard_php CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$CODGUARD_PHP_USER'@'localhost' IDENTIFIED BY '$CODGUARD_PHP_PASSWORD';
ALTER USER '$CODGUARD_PHP_USER'@'localhost' IDENTIFIED BY '$CODGUARD_PHP_PASSWORD';
GRANT ALL PRIVILEGES ON codguard_php.* TO '$CODGUARD_PHP_USER'@'localhost';
SQL

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
