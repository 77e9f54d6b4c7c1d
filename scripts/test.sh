#!/usr/bin/env bash
# Run the whole suite once per supported CKAN series, each in its own venv,
# databases and Redis databases. The series run side by side (one per core);
# PARALLEL=0 runs them one after the other. Extra arguments go to pytest
# (e.g. -k search, -x).
#   scripts/test.sh                 both series
#   SERIES=2.11 scripts/test.sh     one series
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
SERIES=${SERIES:-2.11 2.12}
PARALLEL=${PARALLEL:-1}
PGPORT=${METROPOLE_PGPORT:-54329}
REDIS_PORT=${METROPOLE_REDIS_PORT:-63799}
mkdir -p build
# chromium and axe-core for the real-browser tests (-m browser)
scripts/browser.sh deps
# nginx, whose `nginx -t` checks the deployment's site (tests/test_deploy.py)
scripts/deploy.sh deps

# Install first, one series after the other (pip and the package cache are shared).
for series in $SERIES; do
    venv=.venv
    [ "$series" = 2.11 ] || venv=.venv-$series
    db=metropole_test_${series/./}
    scripts/venv.sh "$venv" "$series"
    scripts/stack.sh createdb "$db"
    # CKAN's DataStore (the datastore/xloader tests): its own database and read-only role
    scripts/stack.sh datastore "${db}_ds" "$db" "$venv/bin/python"
done

run_series() {
    local series=$1 index=$2; shift 2
    local venv=.venv db=metropole_test_${series/./} start rc=0
    [ "$series" = 2.11 ] || venv=.venv-$series
    mkdir -p ".local/test-storage-$series"
    echo "[test] CKAN $series ($venv, database $db)" >&2
    start=$(date +%s)
    # Redis databases of this series: CKAN's jobs, the harvest queues, the browser portal
    CKAN_SQLALCHEMY_URL=postgresql://metropole:metropole@127.0.0.1:$PGPORT/$db \
    CKAN_DATASTORE_WRITE_URL=postgresql://metropole:metropole@127.0.0.1:$PGPORT/${db}_ds \
    CKAN_DATASTORE_READ_URL=postgresql://metropole_ro:metropole_ro@127.0.0.1:$PGPORT/${db}_ds \
    CKAN_REDIS_URL=redis://127.0.0.1:$REDIS_PORT/$((1 + index)) \
    METROPOLE_TEST_BROWSER_REDIS_DB=$((3 + index)) \
    METROPOLE_TEST_HARVEST_REDIS_DB=$((9 + index)) \
    CKAN_STORAGE_PATH="$ROOT/.local/test-storage-$series" \
        "$venv/bin/python" -m pytest --ckan-ini=test.ini -p no:cacheprovider \
        --junitxml="build/junit-$series.xml" --durations=25 "$@" || rc=$?
    echo "[test] CKAN $series finished in $(( $(date +%s) - start )) s (exit $rc)" >&2
    return $rc
}

status=0
start=$(date +%s)
if [ "$PARALLEL" = 1 ] && [ "$(wc -w <<<"$SERIES")" -gt 1 ]; then
    # Both stream to the terminal, each line prefixed with its series, and to build/test-<series>.log.
    pids=() index=0
    for series in $SERIES; do
        ( set -o pipefail
          run_series "$series" "$index" "$@" 2>&1 | tee "build/test-$series.log" | sed -u "s/^/[$series] /" ) &
        pids+=($!) index=$((index + 1))
    done
    for pid in "${pids[@]}"; do
        wait "$pid" || status=$?
    done
else
    index=0
    for series in $SERIES; do
        run_series "$series" "$index" "$@" || status=$?
        index=$((index + 1))
    done
fi
echo "[test] all series finished in $(( $(date +%s) - start )) s (exit $status)" >&2
exit $status
