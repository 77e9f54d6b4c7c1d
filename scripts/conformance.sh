#!/usr/bin/env bash
# Conformance check of the PostgreSQL search backend: the test suites that
# ckanext-scheming, ckanext-dcat and ckanext-harvest ship in their packages,
# run with `metropole_search` as CKAN's search engine (no Solr anywhere).
#   scripts/conformance.sh                 all three suites on CKAN 2.11
#   scripts/conformance.sh dcat            one suite
#   VENV=.venv-2.12 scripts/conformance.sh on CKAN 2.12
#   QUICK=1 scripts/conformance.sh         only the parts that go through search
#                                          (conformance/<suite>.quick; make test runs these)
# Tests that cannot run here are listed, each with its reason, in
# conformance/<suite>.deselect; everything else must pass.
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
VENV=${VENV:-.venv}
SUITES=${*:-scheming dcat harvest}
PGPORT=${METROPOLE_PGPORT:-54329}
# pytest names tests by their path from the rootdir (this checkout).
SITE=$(realpath --relative-to="$ROOT" "$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')")
db=metropole_conformance_$(basename "$VENV" | tr -dc "a-z0-9")
scripts/stack.sh createdb "$db" >/dev/null
mkdir -p build
status=0
for suite in $SUITES; do
    deselect=()
    while read -r test _; do
        [ -n "$test" ] && deselect+=(--deselect "$SITE/$test")
    done < <(grep -v '^\s*#' "conformance/$suite.deselect" | grep .)
    targets=("$SITE/ckanext/$suite/tests")
    if [ -n "${QUICK:-}" ]; then
        targets=()
        while read -r path; do
            targets+=("$SITE/$path")
        done < <(grep -v '^\s*#' "conformance/$suite.quick" | grep .)
    fi
    echo "[conformance] ckanext-$suite with metropole_search ($VENV, ${#deselect[@]} options for deselected tests)" >&2
    start=$(date +%s)
    CKAN_SQLALCHEMY_URL=postgresql://metropole:metropole@127.0.0.1:$PGPORT/$db \
        "$VENV/bin/python" -m pytest --ckan-ini="conformance/$suite.ini" -p no:cacheprovider \
        -q -o consider_namespace_packages=true --junitxml="build/conformance-$suite.xml" "${deselect[@]}" "${targets[@]}" \
        || status=$?
    echo "[conformance] ckanext-$suite finished in $(( $(date +%s) - start )) s (exit $status)" >&2
done
exit $status
