#!/usr/bin/env bash
# Create (or reuse) a virtualenv with one CKAN series, the pinned extensions,
# the test tools and ckanext-metropole installed in editable mode.
#   scripts/venv.sh .venv 2.11
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV=${1:?venv directory}
SERIES=${2:?CKAN series, e.g. 2.11}
PYTHON=${PYTHON:-python3}
cd "$ROOT"

REQS=(requirements/ckan-"$SERIES".txt requirements/constraints.txt requirements/test.txt setup.py setup.cfg)
STAMP=$VENV/.metropole-installed
if [ -f "$STAMP" ] && [ "$(cat "${REQS[@]}" | md5sum)" = "$(cat "$STAMP")" ]; then
    exit 0
fi
echo "[venv] preparing $VENV with CKAN $SERIES" >&2
scripts/stack.sh deps
[ -x "$VENV/bin/python" ] || "$PYTHON" -m venv "$VENV"
"$VENV/bin/pip" install -q --disable-pip-version-check -U pip setuptools wheel
"$VENV/bin/pip" install -q --disable-pip-version-check \
    -r "requirements/ckan-$SERIES.txt" -c requirements/constraints.txt \
    ckanext-scheming ckanext-dcat ckanext-harvest ckanext-xloader tabulator Unidecode gunicorn \
    -r requirements/test.txt
"$VENV/bin/pip" install -q --disable-pip-version-check -c requirements/constraints.txt \
    --no-build-isolation -e .
cat "${REQS[@]}" | md5sum >"$STAMP"
echo "[venv] $VENV ready" >&2
