#!/usr/bin/env bash
# `make demo`: install, start the services, prepare the database, seed the demo
# data and serve the portal on http://127.0.0.1:5000 in the foreground, under
# gunicorn (deploy/gunicorn.conf.py, the configuration a production site uses).
# Works without a terminal (`make demo </dev/null &`); a second run reuses the
# existing data. Services keep running after Ctrl-C, until `make stop`.
#
# Ports and addresses (defaults in brackets), for running next to another copy:
#   DEMO_HOST [127.0.0.1]  DEMO_PORT [5000]       the portal
#   DEMO_HARVEST_PORT [5010]                      the fixture DCAT catalogue
#   DEMO_SMTP_PORT [2525]                         the mail sink
#   METROPOLE_PGPORT [54329]  METROPOLE_REDIS_PORT [63799]   PostgreSQL, Redis
#   WEB_CONCURRENCY [2 x cores + 1, at most 9]    web workers
#   METROPOLE_WEB_TIMEOUT [30]                    seconds before a request's worker is replaced
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$ROOT"
HOST=${DEMO_HOST:-127.0.0.1}
PORT=${DEMO_PORT:-5000}
HARVEST_PORT=${DEMO_HARVEST_PORT:-5010}
SMTP_PORT=${DEMO_SMTP_PORT:-2525}
PGPORT=${METROPOLE_PGPORT:-54329}
REDIS_PORT=${METROPOLE_REDIS_PORT:-63799}
mkdir -p .local
# config/demo.ini with this run's ports (the same file with the defaults);
# links, and the xloader worker's downloads and callbacks, follow the chosen address
INI=.local/demo.ini
sed -e "s#127\.0\.0\.1:54329/#127.0.0.1:$PGPORT/#g" \
    -e "s#127\.0\.0\.1:63799/#127.0.0.1:$REDIS_PORT/#g" \
    -e "s#^ckan\.harvest\.mq\.port = 63799\$#ckan.harvest.mq.port = $REDIS_PORT#" \
    -e "s#^ckan\.site_url = http://127\.0\.0\.1:5000\$#ckan.site_url = http://$HOST:$PORT#" \
    -e "s#^smtp\.server = 127\.0\.0\.1:2525\$#smtp.server = 127.0.0.1:$SMTP_PORT#" \
    config/demo.ini >"$INI.new"
mv "$INI.new" "$INI"

scripts/venv.sh .venv 2.11
scripts/stack.sh start
scripts/stack.sh createdb metropole
scripts/stack.sh datastore metropole_datastore metropole .venv/bin/python
mkdir -p .local/demo-storage
CKAN=(.venv/bin/ckan -c "$INI")
"${CKAN[@]}" db init >/dev/null
"${CKAN[@]}" db upgrade >/dev/null
"${CKAN[@]}" db upgrade -p metropole_search >/dev/null
"${CKAN[@]}" db upgrade -p metropole >/dev/null
"${CKAN[@]}" db upgrade -p harvest >/dev/null
# the demo harvest source: a fixture DCAT catalogue on 127.0.0.1 (stops with the portal)
.venv/bin/python -m http.server --bind 127.0.0.1 --directory ckanext/metropole/harvest/demo \
    "$HARVEST_PORT" >>.local/demo-harvest.log 2>&1 </dev/null &
PIDS=($!)
trap 'kill "${PIDS[@]}" 2>/dev/null || true' EXIT
# a mail sink on 127.0.0.1:2525 (smtp.server of config/demo.ini): the committee's
# emails are written to .local/demo-mail.log instead of failing (stops with the portal)
.venv/bin/python -u -W ignore -m smtpd -n -c DebuggingServer "127.0.0.1:$SMTP_PORT" \
    >>.local/demo-mail.log 2>&1 </dev/null &
PIDS+=($!)
sleep 1
"${CKAN[@]}" metropole demo seed --token-file .local/demo-token \
    --harvest-url "http://127.0.0.1:$HARVEST_PORT/catalogue.ttl"
# ckanext-harvest's consumers run the jobs of /harvest ("Reharvest"), and
# `harvester run` marks finished jobs as such (a cron on a real site)
"${CKAN[@]}" harvester gather-consumer >>.local/demo-harvest.log 2>&1 </dev/null &
PIDS+=($!)
"${CKAN[@]}" harvester fetch-consumer >>.local/demo-harvest.log 2>&1 </dev/null &
PIDS+=($!)
(while sleep 60; do "${CKAN[@]}" harvester run; done) >>.local/demo-harvest.log 2>&1 </dev/null &
PIDS+=($!)
# xloader's token (a sysadmin's API token), kept out of the ini file
if [ ! -s .local/xloader-token ]; then
    (umask 077; "${CKAN[@]}" user token add admin xloader | tail -1 | tr -d '[:space:]' \
        >.local/xloader-token)
fi
# the sample CSV uploaded by the seed (before xloader had its token) goes to the
# worker's queue; a second run loads it again, quickly
"${CKAN[@]}" xloader submit -y budget-primitif-2026 >>.local/demo-worker.log 2>&1 </dev/null \
    || echo "[demo] could not queue the budget CSV for the DataStore (see .local/demo-worker.log)" >&2
# the xloader worker loads uploaded CSV files into the DataStore; it stops with the portal
"${CKAN[@]}" jobs worker >>.local/demo-worker.log 2>&1 </dev/null &
PIDS+=($!)
echo "[demo] portal on http://$HOST:$PORT (Ctrl-C stops it; services run until 'make stop')" >&2
# the production server, as deploy/systemd/ckan-web.service runs it; its
# access log goes to .local/demo-access.log, errors to the terminal
CKAN_INI=$INI METROPOLE_BIND="$HOST:$PORT" \
METROPOLE_ACCESS_LOG=${METROPOLE_ACCESS_LOG-.local/demo-access.log} \
    .venv/bin/gunicorn -c deploy/gunicorn.conf.py </dev/null
