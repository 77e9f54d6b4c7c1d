#!/usr/bin/env bash
# The embedded services of ckanext-metropole: a private PostgreSQL 15 cluster
# and a private Redis, both under .local/, listening on 127.0.0.1 only.
#
#   scripts/stack.sh deps             install missing Debian packages (root) or name them
#   scripts/stack.sh start            start both services (idempotent)
#   scripts/stack.sh stop             stop exactly what start started
#   scripts/stack.sh status           print what runs
#   scripts/stack.sh createdb NAME    create (or reuse) a database owned by the portal role
#   scripts/stack.sh dropdb NAME      drop a database
#   scripts/stack.sh datastore NAME MAINDB PYTHON
#                                     create (or reuse) the CKAN DataStore database NAME
#                                     of the site database MAINDB, with the read-only role
#                                     metropole_ro and the grants CKAN generates (the
#                                     set-permissions SQL of the CKAN installed in PYTHON)
#   scripts/stack.sh psql [ARGS]      superuser psql on the private cluster
#   scripts/stack.sh purge            stop, then delete every file of the stack
#
# Ports and paths can be moved with METROPOLE_PGPORT, METROPOLE_REDIS_PORT and
# METROPOLE_LOCAL. PostgreSQL refuses to run as root: when this script runs as
# root, the cluster belongs to the `postgres` system user and runs as that user.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=${METROPOLE_LOCAL:-$ROOT/.local}
PGPORT=${METROPOLE_PGPORT:-54329}
REDIS_PORT=${METROPOLE_REDIS_PORT:-63799}
PG_MAJOR=15
PGBIN=/usr/lib/postgresql/$PG_MAJOR/bin
DB_ROLE=metropole
DB_PASSWORD=metropole
# nodejs: the runtime of pyright (`make lint`)
DEB_PACKAGES="postgresql-$PG_MAJOR postgresql-contrib redis-server libpq-dev libmagic1 nodejs"

say() { printf '[stack] %s\n' "$*" >&2; }
die() { printf '[stack] error: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

missing_packages() {
    local missing=""
    for pkg in $DEB_PACKAGES; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" \
            || missing="$missing $pkg"
    done
    echo "$missing"
}

cmd_deps() {
    local missing
    missing=$(missing_packages)
    [ -z "$missing" ] && return 0
    if is_root; then
        say "installing Debian packages:$missing"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        # shellcheck disable=SC2086
        apt-get install -y -qq --no-install-recommends $missing >/dev/null
        # Debian's packages start system-wide services; ours are private.
        if command -v service >/dev/null; then
            service redis-server stop >/dev/null 2>&1 || true
        fi
    else
        die "missing Debian packages:$missing — install them with: sudo apt-get install$missing"
    fi
}

# ---------------------------------------------------------------- PostgreSQL
# When the checkout is not reachable by the postgres user (a clone inside a
# 0700 temporary folder, say), the cluster lives under /var/lib/metropole and
# .local/pg is a symlink to it.
pg_root() {
    # the postgres user reaches a relocated cluster by its real path only
    if [ -L "$LOCAL/pg" ]; then readlink -f "$LOCAL/pg"; else echo "$LOCAL/pg"; fi
}

as_pg() {
    if is_root; then
        runuser -u postgres -- "$@"
    else
        "$@"
    fi
}

prepare_pg_root() {
    mkdir -p "$LOCAL"
    local dir=$LOCAL/pg
    if [ -e "$dir" ]; then
        return 0
    fi
    if is_root && ! runuser -u postgres -- test -x "$LOCAL"; then
        local outside
        outside=/var/lib/metropole/$(printf '%s' "$LOCAL" | md5sum | cut -c1-12)
        mkdir -p "$outside"
        chown postgres:postgres "$outside"
        ln -s "$outside" "$dir"
        say "checkout not reachable by user postgres: cluster in $outside"
    else
        mkdir -p "$dir"
        is_root && chown postgres:postgres "$dir"
    fi
    return 0
}

pg_running() {
    [ -f "$(pg_root)/data/postmaster.pid" ] && as_pg "$PGBIN/pg_ctl" -D "$(pg_root)/data" status >/dev/null 2>&1
}

pg_start() {
    prepare_pg_root
    local dir
    dir=$(pg_root)
    if [ ! -f "$dir/data/PG_VERSION" ]; then
        say "initialising PostgreSQL cluster in $dir/data"
        as_pg mkdir -p "$dir/data" "$dir/run"
        as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres --auth-local=trust \
            --auth-host=scram-sha-256 -E UTF8 --locale=C.UTF-8 >"$LOCAL/pg-initdb.log" 2>&1 \
            || { cat "$LOCAL/pg-initdb.log" >&2; die "initdb failed"; }
        as_pg tee -a "$dir/data/postgresql.conf" >/dev/null <<EOF
# ckanext-metropole private cluster
listen_addresses = '127.0.0.1'
port = $PGPORT
unix_socket_directories = '$dir/run'
unix_socket_permissions = 0700
max_connections = 200
shared_buffers = 256MB
fsync = off
synchronous_commit = off
full_page_writes = off
EOF
    fi
    as_pg mkdir -p "$dir/run"
    if pg_running; then
        say "PostgreSQL already running on 127.0.0.1:$PGPORT"
        return 0
    fi
    # A pid file left by a killed server would make pg_ctl refuse to start.
    if [ -f "$dir/data/postmaster.pid" ]; then
        local pid
        pid=$(head -1 "$dir/data/postmaster.pid")
        if ! kill -0 "$pid" 2>/dev/null; then
            say "removing stale PostgreSQL pid file (pid $pid)"
            rm -f "$dir/data/postmaster.pid"
        fi
    fi
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null \
        || { tail -20 "$dir/server.log" >&2; die "PostgreSQL did not start"; }
    say "PostgreSQL started on 127.0.0.1:$PGPORT"
    ensure_role
}

pg_stop() {
    local dir
    dir=$(pg_root)
    if pg_running; then
        as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null
        say "PostgreSQL stopped"
    fi
}

psql_admin() {
    as_pg "$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h "$(pg_root)/run" -p "$PGPORT" -U postgres "$@"
}

ensure_role() {
    psql_admin -d postgres <<EOF
DO \$\$ BEGIN
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '$DB_ROLE') THEN
    CREATE ROLE $DB_ROLE LOGIN PASSWORD '$DB_PASSWORD' CREATEDB;
  END IF;
  IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'metropole_ro') THEN
    CREATE ROLE metropole_ro LOGIN PASSWORD 'metropole_ro';
  END IF;
END \$\$;
EOF
}

cmd_createdb() {
    local name=${1:?database name}
    pg_running || die "PostgreSQL is not running: run scripts/stack.sh start"
    if [ -z "$(psql_admin -d postgres -tAc "SELECT 1 FROM pg_database WHERE datname = '$name'")" ]; then
        psql_admin -d postgres -c "CREATE DATABASE \"$name\" OWNER $DB_ROLE ENCODING 'UTF8' TEMPLATE template0"
        say "database $name created"
    fi
    # unaccent folds accents in full-text search; the migrations create it too
    # (it is a trusted extension), this keeps older databases working.
    psql_admin -d "$name" -c "CREATE EXTENSION IF NOT EXISTS unaccent"
}

cmd_dropdb() {
    local name=${1:?database name}
    psql_admin -d postgres -c "DROP DATABASE IF EXISTS \"$name\" WITH (FORCE)"
}

# CKAN's DataStore: its own database, written by the portal role and read by
# metropole_ro, which may only SELECT (datastore_search_sql runs as that role).
# The grants are the SQL `ckan datastore set-permissions` prints, generated by
# the CKAN of the given interpreter (it differs between CKAN series).
DS_READ_ROLE=metropole_ro

cmd_datastore() {
    local name=${1:?datastore database name} maindb=${2:?site database name}
    local python=${3:?python of a venv with CKAN}
    cmd_createdb "$name"
    "$python" - "$maindb" "$name" "$DB_ROLE" "$DS_READ_ROLE" <<'PY' | psql_admin -d "$name" >/dev/null
import sys
from ckanext.datastore.cli import permissions_sql
maindb, datastoredb, mainuser, readuser = sys.argv[1:5]
print(permissions_sql(maindb=maindb, datastoredb=datastoredb, mainuser=mainuser,
                      writeuser=mainuser, readuser=readuser))
PY
    say "datastore $name ready (read-only role $DS_READ_ROLE)"
}

# --------------------------------------------------------------------- Redis
redis_dir() { echo "$LOCAL/redis"; }

redis_running() {
    local pidfile
    pidfile="$(redis_dir)/redis.pid"
    [ -f "$pidfile" ] && kill -0 "$(cat "$pidfile")" 2>/dev/null \
        && grep -q redis "/proc/$(cat "$pidfile")/cmdline" 2>/dev/null
}

redis_start() {
    local dir
    dir=$(redis_dir)
    mkdir -p "$dir"
    if redis_running; then
        say "Redis already running on 127.0.0.1:$REDIS_PORT"
        return 0
    fi
    rm -f "$dir/redis.pid"
    cat >"$dir/redis.conf" <<EOF
bind 127.0.0.1
port $REDIS_PORT
protected-mode yes
daemonize yes
pidfile $dir/redis.pid
logfile $dir/redis.log
dir $dir
save ""
appendonly no
EOF
    redis-server "$dir/redis.conf"
    for _ in $(seq 50); do
        redis_running && redis-cli -h 127.0.0.1 -p "$REDIS_PORT" ping >/dev/null 2>&1 && break
        sleep 0.1
    done
    redis_running || { tail -20 "$dir/redis.log" >&2; die "Redis did not start"; }
    say "Redis started on 127.0.0.1:$REDIS_PORT"
}

redis_stop() {
    if redis_running; then
        local pid
        pid=$(cat "$(redis_dir)/redis.pid")
        kill "$pid"
        for _ in $(seq 50); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        say "Redis stopped"
    fi
    rm -f "$(redis_dir)/redis.pid"
}

# ---------------------------------------------------------------------- main
case "${1:-}" in
    deps) cmd_deps ;;
    start) cmd_deps; pg_start; redis_start ;;
    stop) pg_stop; redis_stop ;;
    status)
        pg_running && echo "postgresql: running on 127.0.0.1:$PGPORT" || echo "postgresql: stopped"
        redis_running && echo "redis: running on 127.0.0.1:$REDIS_PORT" || echo "redis: stopped"
        ;;
    createdb) shift; cmd_createdb "$@" ;;
    dropdb) shift; cmd_dropdb "$@" ;;
    datastore) shift; pg_running || die "PostgreSQL is not running: run scripts/stack.sh start"
        cmd_datastore "$@" ;;
    psql) shift; psql_admin "$@" ;;
    purge)
        pg_stop; redis_stop
        [ -L "$LOCAL/pg" ] && rm -rf "$(readlink -f "$LOCAL/pg")"
        rm -rf "$LOCAL/pg" "$LOCAL/redis" "$LOCAL/pg-initdb.log"
        ;;
    *) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
