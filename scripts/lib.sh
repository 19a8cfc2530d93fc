# Shared by the scripts/ci_*.sh scripts and scripts/test_all.sh (source it; it defines functions
# only). What the tests need and this machine lacks is installed here, and only here:
# - system packages with apt-get, by name, only those missing;
# - Rust tools (cbindgen) under target/tools, never over a user's own install;
# - Python packages into the venv under target/py-venv, only those missing.
# With CODGUARD_NO_INSTALL=1 (scripts/test_all.sh --no-install) nothing is installed: a missing
# piece is an error that names it.

# The sudo prefix for apt-get and the database servers' admin commands ("" as root).
cg_sudo() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; else sudo "$@"; fi
}

cg_no_install() {
  [ "${CODGUARD_NO_INSTALL:-}" = 1 ]
}

# cg_apt_install WHY PACKAGE...: installs the Debian packages not yet installed.
cg_apt_install() {
  local why="$1" missing=() p
  shift
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep 'install ok installed' >/dev/null \
      || missing+=("$p")
  done
  [ "${#missing[@]}" -eq 0 ] && return 0
  if cg_no_install; then
    echo "$why: missing Debian packages: ${missing[*]} (--no-install: install them first)" >&2
    return 1
  fi
  echo "$why: apt-get install ${missing[*]}" >&2
  cg_sudo apt-get update -qq
  # Package scripts must not start services: the scripts start what they need themselves.
  cg_sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
    -o DPkg::Lock::Timeout=600 "${missing[@]}" >/dev/null
}

# cg_venv: prints the Python of the project's venv (CODGUARD_VENV, default target/py-venv),
# creating the venv when missing.
cg_venv() {
  local venv="${CODGUARD_VENV:-target/py-venv}"
  if [ ! -x "$venv/bin/python" ]; then
    if cg_no_install; then
      echo "no Python venv at $venv (--no-install: scripts/ci_python.sh creates it)" >&2
      return 1
    fi
    python3 -m venv "$venv" >&2 2>/dev/null || {
      cg_apt_install venv python3-venv && python3 -m venv "$venv" >&2
    }
  fi
  # An absolute path: the scripts run tools from other folders (tests/python) with it.
  echo "$(cd "$venv/bin" && pwd)/python"
}

# cg_pip_ensure PYTHON REQUIREMENT...: pip-installs the requirements whose distribution is not
# in that Python's environment (a requirement is "name" or "name[extra]"; the extra's own
# distribution, e.g. psycopg-binary, is listed separately).
cg_pip_ensure() {
  local py="$1" missing
  shift
  missing="$("$py" - "$@" <<'EOF'
import re, sys
from importlib.metadata import PackageNotFoundError, version
for req in sys.argv[1:]:
    try:
        version(re.split(r"[\[<>=]", req)[0])
    except PackageNotFoundError:
        print(req)
EOF
)"
  [ -z "$missing" ] && return 0
  local reqs
  mapfile -t reqs <<<"$missing"
  if cg_no_install; then
    echo "missing Python packages in $py: ${reqs[*]} (--no-install)" >&2
    return 1
  fi
  echo "pip install ${reqs[*]}" >&2
  "$py" -m pip install -q --disable-pip-version-check "${reqs[@]}"
}

# cg_install_codguard PYTHON: builds the codguard wheel from ./python with the venv's maturin and
# installs it into that venv (no isolated build environment fetched from PyPI each run).
cg_install_codguard() {
  local py="$1"
  cg_pip_ensure "$py" maturin
  # maturin's PEP 517 hook runs the `maturin` program: the venv's bin must be on PATH.
  PATH="$(cd "$(dirname "$py")" && pwd):$PATH" "$py" -m pip install -q --disable-pip-version-check \
    --no-build-isolation --force-reinstall --no-deps ./python
}

# cg_cbindgen VERSION: prints the path of a cbindgen of exactly VERSION: target/tools' own,
# else one on PATH, else (unless --no-install) installs it into target/tools.
cg_cbindgen() {
  local want="cbindgen $1" own="$PWD/target/tools/bin/cbindgen" candidate
  for candidate in "$own" "$(command -v cbindgen || true)"; do
    if [ -n "$candidate" ] && [ "$("$candidate" --version 2>/dev/null)" = "$want" ]; then
      echo "$candidate"
      return 0
    fi
  done
  if cg_no_install; then
    echo "no $want on PATH or in target/tools (--no-install)" >&2
    return 1
  fi
  echo "installing $want into target/tools" >&2
  cargo install cbindgen --version "$1" --locked --root "$PWD/target/tools" --quiet >&2
  echo "$own"
}

# The first PostgreSQL cluster: "VERSION NAME PORT STATUS", or nothing.
cg_pg_cluster() {
  pg_lsclusters -h 2>/dev/null | awk 'NR == 1 { print $1, $2, $3, $4 }'
}

cg_pg_online() {
  cg_pg_cluster | grep ' online' >/dev/null
}

cg_mariadb_alive() {
  command -v mysqladmin >/dev/null && cg_sudo mysqladmin ping --silent >/dev/null 2>&1
}

# cg_stop_databases_on_exit: from here on, the outermost script that calls it stops, when it
# exits, each database server that was not running now and runs then, unless other clients are
# connected to it at that moment (someone else on this machine started using it meanwhile).
# Servers that were running before are left running: other people on the machine use them.
cg_stop_databases_on_exit() {
  [ -n "${CODGUARD_DB_OWNER:-}" ] && return 0
  export CODGUARD_DB_OWNER=$$
  _cg_pg_before=no
  _cg_my_before=no
  cg_pg_online && _cg_pg_before=yes
  cg_mariadb_alive && _cg_my_before=yes
  trap _cg_stop_started_databases EXIT
}

_cg_stop_started_databases() {
  local status=$? version cluster port others
  if [ "$_cg_pg_before" = no ] && cg_pg_online; then
    read -r version cluster port _ <<<"$(cg_pg_cluster)"
    others="$(cg_sudo runuser -u postgres -- psql -p "$port" -qtA -c \
      "SELECT count(*) FROM pg_stat_activity WHERE backend_type = 'client backend' AND pid <> pg_backend_pid()" \
      2>/dev/null || echo 0)"
    if [ "${others:-0}" -gt 0 ]; then
      echo "databases: PostgreSQL left running: $others other clients connected" >&2
    else
      echo "databases: stopping PostgreSQL $version/$cluster (started by this run)" >&2
      cg_sudo pg_ctlcluster "$version" "$cluster" stop || true
    fi
  fi
  if [ "$_cg_my_before" = no ] && cg_mariadb_alive; then
    others="$(cg_sudo mysql -uroot -NBe "SELECT COUNT(*) FROM information_schema.PROCESSLIST
      WHERE ID <> CONNECTION_ID() AND COMMAND NOT IN ('Daemon', 'Binlog Dump')" 2>/dev/null || echo 0)"
    if [ "${others:-0}" -gt 0 ]; then
      echo "databases: MariaDB left running: $others other clients connected" >&2
    else
      echo "databases: stopping MariaDB (started by this run)" >&2
      cg_sudo service mariadb stop >/dev/null 2>&1 || cg_sudo mysqladmin shutdown || true
    fi
  fi
  return "$status"
}
