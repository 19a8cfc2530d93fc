#!/usr/bin/env bash
# Installs (when missing) and starts a local PostgreSQL and a local MariaDB server for the store
# tests, creates the database `codguard_test` and a user with a password in each, and prints the
# two DSNs. Source it to get them exported as CODGUARD_PG_DSN and CODGUARD_MYSQL_DSN:
#
#     source scripts/start_databases.sh
#
# For a fresh Debian 12 as root without systemd (CI): servers start through their init scripts
# (pg_ctlcluster, `service mariadb`), falling back to mysqld_safe. Idempotent: running it again
# leaves running servers, users and databases as they are. Both servers listen on 127.0.0.1 only.
# Override the names with CODGUARD_TEST_DB, CODGUARD_TEST_USER and CODGUARD_TEST_PASSWORD.

_cg_db="${CODGUARD_TEST_DB:-codguard_test}"
_cg_user="${CODGUARD_TEST_USER:-codguard}"
_cg_password="${CODGUARD_TEST_PASSWORD:-codguard_pw}"

_cg_pg_cluster() {
  # "VERSION NAME PORT" of the first PostgreSQL cluster.
  pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1, $2, $3 }'
}

_cg_start_databases() (
  set -euo pipefail
  export DEBIAN_FRONTEND=noninteractive
  missing=()
  command -v pg_ctlcluster >/dev/null && ls /usr/lib/postgresql/*/bin/postgres >/dev/null 2>&1 \
    || missing+=(postgresql)
  command -v mariadbd >/dev/null || command -v mysqld >/dev/null || missing+=(mariadb-server)
  if [ "${#missing[@]}" -gt 0 ]; then
    echo "== apt-get install ${missing[*]}" >&2
    apt-get update -qq
    # Package scripts must not try to start services: we start them below.
    apt-get install -y -qq "${missing[@]}" >/dev/null
  fi

  # PostgreSQL.
  read -r version cluster port <<<"$(_cg_pg_cluster)"
  if [ -z "${version:-}" ]; then
    version="$(ls /usr/lib/postgresql | sort -V | tail -n 1)"
    pg_createcluster "$version" main >/dev/null
    read -r version cluster port <<<"$(_cg_pg_cluster)"
  fi
  if ! pg_lsclusters -h | awk -v v="$version" -v c="$cluster" '$1 == v && $2 == c { print $4 }' \
    | grep online >/dev/null; then
    pg_ctlcluster "$version" "$cluster" start
  fi
  for _ in $(seq 60); do
    runuser -u postgres -- pg_isready -q -p "$port" && break
    sleep 0.5
  done
  runuser -u postgres -- pg_isready -q -p "$port"
  psql_admin() { runuser -u postgres -- psql -p "$port" -v ON_ERROR_STOP=1 -qtA "$@"; }
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_roles WHERE rolname = '$_cg_user'")" ]; then
    psql_admin -c "CREATE ROLE $_cg_user LOGIN PASSWORD '$_cg_password'"
  fi
  if [ -z "$(psql_admin -c "SELECT 1 FROM pg_database WHERE datname = '$_cg_db'")" ]; then
    psql_admin -c "CREATE DATABASE $_cg_db OWNER $_cg_user"
  fi

  # MariaDB.
  if ! mysqladmin ping --silent >/dev/null 2>&1; then
    service mariadb start >/dev/null 2>&1 || true
    if ! mysqladmin ping --silent >/dev/null 2>&1; then
      mkdir -p /run/mysqld && chown mysql:mysql /run/mysqld
      (mysqld_safe --bind-address=127.0.0.1 >/dev/null 2>&1 &)
    fi
    for _ in $(seq 120); do
      mysqladmin ping --silent >/dev/null 2>&1 && break
      sleep 0.5
    done
  fi
  mysqladmin ping --silent >/dev/null
  # OS root logs in as the server's root through the unix socket.
  mysql -uroot <<SQL
CREATE DATABASE IF NOT EXISTS \`$_cg_db\` CHARACTER SET utf8mb4;
CREATE USER IF NOT EXISTS '$_cg_user'@'localhost' IDENTIFIED BY '$_cg_password';
CREATE USER IF NOT EXISTS '$_cg_user'@'127.0.0.1' IDENTIFIED BY '$_cg_password';
GRANT ALL PRIVILEGES ON \`$_cg_db\`.* TO '$_cg_user'@'localhost';
GRANT ALL PRIVILEGES ON \`$_cg_db\`.* TO '$_cg_user'@'127.0.0.1';
FLUSH PRIVILEGES;
SQL
)

if _cg_start_databases; then
  read -r _ _ _cg_pg_port <<<"$(_cg_pg_cluster)"
  _cg_my_port="$(mysql -uroot -NBe 'SELECT @@port' 2>/dev/null || echo 3306)"
  export CODGUARD_PG_DSN="postgresql://$_cg_user:$_cg_password@127.0.0.1:$_cg_pg_port/$_cg_db"
  export CODGUARD_MYSQL_DSN="mysql://$_cg_user:$_cg_password@127.0.0.1:$_cg_my_port/$_cg_db"
  echo "CODGUARD_PG_DSN=$CODGUARD_PG_DSN"
  echo "CODGUARD_MYSQL_DSN=$CODGUARD_MYSQL_DSN"
else
  echo "start_databases.sh: could not start the databases" >&2
  # `return` when sourced, `exit` when run.
  return 1 2>/dev/null || exit 1
fi
