#!/usr/bin/env bash
# Starts the demo shop with its demo data at http://127.0.0.1:8000 (staff: admin / admin at
# /dashboard/): builds what is missing (venv under target/, the codguard wheel), starts
# PostgreSQL, migrates, loads the demo data, runs the periodic job every 60 s in the background
# (messages go to target/oscar-outbox.log) and the server in the foreground. Ctrl-C stops both.
#
#   bash examples/oscar/run.sh [PORT]
set -euo pipefail
cd "$(dirname "$0")/../.."
port="${1:-8000}"
export COD_SHOP_URL="${COD_SHOP_URL:-http://127.0.0.1:$port}"
export COD_SENDER="${COD_SENDER:-file:$PWD/target/oscar-outbox.log}"
# shellcheck source=examples/oscar/setup.sh
source examples/oscar/setup.sh
py="$OSCAR_PY"
cd examples/oscar
"$py" manage.py migrate --noinput -v 0
"$py" manage.py cod_demo
"$py" manage.py cod_tick --every 60 &
tick=$!
trap 'kill "$tick" 2>/dev/null || true' EXIT
echo "shop: $COD_SHOP_URL  (dashboard: $COD_SHOP_URL/dashboard/, admin / admin; messages: ${COD_SENDER})"
"$py" manage.py runserver --noreload "127.0.0.1:$port"
