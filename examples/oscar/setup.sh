# Sourced by examples/oscar/run.sh and scripts/ci_oscar.sh (from the repository's root): the
# shop's venv (target/oscar-venv: django-oscar, psycopg, selenium and the codguard wheel built
# from ./python), a running PostgreSQL (scripts/start_databases.sh) with the shop's own role
# and database, and COD_SHOP_DSN / OSCAR_PY exported.
# shellcheck shell=bash

# shellcheck source=scripts/lib.sh
source scripts/lib.sh

export CODGUARD_VENV="${COD_SHOP_VENV:-target/oscar-venv}"
OSCAR_PY="$(cg_venv)"
export OSCAR_PY
cg_pip_ensure "$OSCAR_PY" "django-oscar[sorl-thumbnail]" sorl-thumbnail "psycopg[binary]" psycopg-binary selenium maturin
if [ -z "${COD_SHOP_SKIP_WHEEL:-}" ]; then
  echo "== codguard wheel (./python) into $CODGUARD_VENV"
  cg_install_codguard "$OSCAR_PY"
fi

# PostgreSQL: the project's script starts it; the shop gets a role of its own that may create
# databases (the test runner makes test_codguard_oscar).
source scripts/start_databases.sh postgresql >/dev/null
_cg_shop_db="${COD_SHOP_DB:-codguard_oscar}"
read -r _ _ _cg_shop_port _ <<<"$(cg_pg_cluster)"
_cg_shop_psql() { cg_sudo runuser -u postgres -- psql -p "$_cg_shop_port" -v ON_ERROR_STOP=1 -qtA "$@"; }
if [ -z "$(_cg_shop_psql -c "SELECT 1 FROM pg_roles WHERE rolname = 'cg_oscar'")" ]; then
  _cg_shop_psql -c "CREATE ROLE cg_oscar LOGIN CREATEDB PASSWORD 'cg_oscar_pw'"
fi
if [ -z "$(_cg_shop_psql -c "SELECT 1 FROM pg_database WHERE datname = '$_cg_shop_db'")" ]; then
  _cg_shop_psql -c "CREATE DATABASE $_cg_shop_db OWNER cg_oscar"
fi
_cg_shop_psql -c "ALTER DATABASE $_cg_shop_db OWNER TO cg_oscar"
export COD_SHOP_DSN="postgresql://cg_oscar:cg_oscar_pw@127.0.0.1:$_cg_shop_port/$_cg_shop_db"
# The test runner's database, one per checkout: two checkouts on one machine (several people,
# one PostgreSQL) must not create and drop the same test database under each other.
COD_SHOP_TEST_DB="${COD_SHOP_TEST_DB:-test_codguard_oscar_$(printf %s "$PWD" | md5sum | cut -c1-8)}"
export COD_SHOP_TEST_DB
