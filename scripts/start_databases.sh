#!/usr/bin/env bash
# Installs (when missing) and starts a local PostgreSQL and a local MariaDB server for the store
# tests, creates the database `codguard_test` and a user with a password in each, and prints the
# two DSNs. Source it to get them exported as CODGUARD_PG_DSN and CODGUARD_MYSQL_DSN:
#
#     source scripts/start_databases.sh              # both servers
#     source scripts/start_databases.sh mariadb      # only one: postgresql or mariadb
#
# For a fresh Debian 12 as root without systemd (CI): servers start through their init scripts
# (pg_ctlcluster, `service mariadb`), falling back to mysqld_safe. Idempotent: running it again
# leaves running servers, users and databases as they are. Both servers listen on 127.0.0.1 only.
# It leaves the servers running (for the next test run); scripts/test_all.sh stops the ones it
# started. Override the names with CODGUARD_TEST_DB, CODGUARD_TEST_USER and
# CODGUARD_TEST_PASSWORD; CODGUARD_NO_INSTALL=1 installs nothing.

# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

_cg_db="${CODGUARD_TEST_DB:-codguard_test}"
_cg_user="${CODGUARD_TEST_USER:-codguard}"
_cg_password="${CODGUARD_TEST_PASSWORD:-codguard_pw}"
_cg_servers="${*:-postgresql mariadb}"

_cg_start_postgresql() (
  set -euo pipefail
  cg_apt_install start_databases postgresql
  read -r version cluster port status <<<"$(cg_pg_cluster)"
  if [ -z "${version:-}" ]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    cg_sudo pg_createcluster "$version" main >/dev/null
    read -r version cluster port status <<<"$(cg_pg_cluster)"
  fi
  if [ "$status" != online ]; then
    cg_sudo pg_ctlcluster "$version" "$cluster" start
  fi
  for _ in $(seq 60); do
    cg_sudo runuser -u postgres -- pg_isready -q -p "$port" && break
    sleep 0.5
  done
  cg_sudo runuser -u postgres -- pg_isready -q -p "$port"
  psql_admin() { cg_sudo runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$_cg_user'")" ]; then
    psql_admin -c "CREATE ROLE $_cg_user LOGIN PASSWORD '$_cg_password'"
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$_cg_db'")" ]; then
    psql_admin -c "CREATE DATABASE $_cg_db OWNER $_cg_user"
  fi
)

_cg_start_mariadb() (
  set -euo pipefail
  cg_apt_install start_databases mariadb-server
  if ! cg_mariadb_alive; then
    cg_sudo service mariadb start >/dev/null 2>&1 || true
    if ! cg_mariadb_alive; then
      cg_sudo mkdir -p /run/mysqld && cg_sudo chown mysql:mysql /run/mysqld
      (cg_sudo mysqld_safe --bind-address=127.0.0.1 >/dev/null 2>&1 &)
    fi
    for _ in $(seq 120); do
      cg_mariadb_alive && break
      sleep 0.5
    done
  fi
  cg_mariadb_alive
  # OS root logs in as the server's root through the unix socket.
  cg_sudo mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$_cg_db\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$_cg_user'@'localhost' IDENTIFIED BY '$_cg_password';
CREATE USER IF NOT EXISTS '$_cg_user'@'127.0.0.1' IDENTIFIED BY '$_cg_password';
GRANT ALL PRIVILEGES ON \`$_cg_db\`.* TO '$_cg_user'@'localhost';
GRANT ALL PRIVILEGES ON \`$_cg_db\`.* TO '$_cg_user'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
)

_cg_started=yes
for _cg_server in $_cg_servers; do
  case "$_cg_server" in
    postgresql)
      if _cg_start_postgresql; then
        read -r _ _ _cg_pg_port _ <<<"$(cg_pg_cluster)"
        export CODGUARD_PG_DSN="postgresql://$_cg_user:$_cg_password@127.0.0.1:$_cg_pg_port/$_cg_db"
        echo "CODGUARD_PG_DSN=$CODGUARD_PG_DSN"
      else
        _cg_started=no
      fi
      ;;
    mariadb)
      if _cg_start_mariadb; then
        _cg_my_port="$(cg_sudo mysql -uroot -NBe 'SELECT @@port' 2>/dev/null || echo 3306)"
        export CODGUARD_MYSQL_DSN="mysql://$_cg_user:$_cg_password@127.0.0.1:$_cg_my_port/$_cg_db"
        echo "CODGUARD_MYSQL_DSN=$CODGUARD_MYSQL_DSN"
      else
        _cg_started=no
      fi
      ;;
    *)
      echo "start_databases.sh: unknown server $_cg_server (postgresql or mariadb)" >&2
      _cg_started=no
      ;;
  esac
done

if [ "$_cg_started" = no ]; then
  echo "start_databases.sh: could not start the databases" >&2
  # `return` when sourced, `exit` when run.
  return 1 2>/dev/null || exit 1
fi
