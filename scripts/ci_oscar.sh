#!/usr/bin/env bash
# The demo shop (examples/oscar: django-oscar on PostgreSQL with the codguard wheel): mypy over
# its code (strict, examples/oscar/mypy.ini), its Django tests (checkout assessment, outcomes
# into the history, confirmation page, outbox idempotence with a sender killed between send and
# record, failed deliveries, the re-key of an older history) and its end-to-end test in headless
# Chromium, which writes screenshots to target/oscar-screenshots. Installs what is missing: Debian packages chromium,
# chromium-driver and postgresql; the venv target/oscar-venv with the shop's Python packages and
# the wheel built from ./python. Run from anywhere.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/lib.sh
source scripts/lib.sh

cg_apt_install ci_oscar chromium chromium-driver
# shellcheck source=examples/oscar/setup.sh
source examples/oscar/setup.sh
py="$OSCAR_PY"
# The browser's caches and profile stay in the build folder, not in ~/.cache.
export XDG_CACHE_HOME="$PWD/target/oscar-browser/cache" XDG_CONFIG_HOME="$PWD/target/oscar-browser/config"
export COD_SCREENSHOTS="${COD_SCREENSHOTS:-$PWD/target/oscar-screenshots}"

cd examples/oscar
# mypy, strict, over the shop (examples/oscar/mypy.ini: django-stubs' plugin; oscar is untyped).
cg_pip_ensure "$py" mypy "django-stubs>=5.2,<5.3"
echo "== oscar shop: mypy"
"$py" -m mypy --config-file mypy.ini .
echo "== oscar shop: Django tests and the end-to-end test in headless Chromium"
"$py" manage.py test cod.tests cod.e2e.browser --noinput -v 1
echo "screenshots: $COD_SCREENSHOTS"
