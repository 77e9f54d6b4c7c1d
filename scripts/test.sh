#!/usr/bin/env bash
# Run the whole suite once per supported CKAN series, each in its own venv and
# database. Extra arguments go to pytest (e.g. -k search, -x).
#   scripts/test.sh                 both series
#   SERIES=2.11 scripts/test.sh     one series
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SERIES=${SERIES:-2.11 2.12}
PGPORT=${METROPOLE_PGPORT:-54329}
status=0
mkdir -p .local/test-storage build
# chromium and axe-core for the real-browser tests (-m browser)
scripts/browser.sh deps
for series in $SERIES; do
    venv=.venv
    [ "$series" = 2.11 ] || venv=.venv-$series
    db=metropole_test_${series/./}
    scripts/venv.sh "$venv" "$series"
    scripts/stack.sh createdb "$db"
    # CKAN's DataStore (the datastore/xloader tests): its own database and read-only role
    scripts/stack.sh datastore "${db}_ds" "$db" "$venv/bin/python"
    echo "[test] CKAN $series ($venv, database $db)" >&2
    start=$(date +%s)
    CKAN_SQLALCHEMY_URL=postgresql://metropole:metropole@127.0.0.1:$PGPORT/$db \
    CKAN_DATASTORE_WRITE_URL=postgresql://metropole:metropole@127.0.0.1:$PGPORT/${db}_ds \
    CKAN_DATASTORE_READ_URL=postgresql://metropole_ro:metropole_ro@127.0.0.1:$PGPORT/${db}_ds \
        "$venv/bin/python" -m pytest --ckan-ini=test.ini -p no:cacheprovider \
        --junitxml="build/junit-$series.xml" "$@" || status=$?
    echo "[test] CKAN $series finished in $(( $(date +%s) - start )) s (exit $status)" >&2
done
exit $status
