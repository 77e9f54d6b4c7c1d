#!/usr/bin/env bash
# What the deployment checks (ckanext/metropole/tests/test_deploy.py) need:
# Debian's nginx, whose `nginx -t` checks deploy/nginx/ckan-metropole.conf.
#
#   scripts/deploy.sh deps     install nginx if missing (root, else named)
#   scripts/deploy.sh check    exit 0 when nginx is there
#
# Only the binary is used: the service Debian's package starts is stopped
# (the tests run `nginx -t` on a configuration of their own, nothing listens).
set -euo pipefail
NGINX=${METROPOLE_NGINX:-/usr/sbin/nginx}

say() { printf '[deploy] %s\n' "$*" >&2; }
die() { printf '[deploy] error: %s\n' "$*" >&2; exit 1; }

nginx_deps() {
    [ -x "$NGINX" ] && return 0
    [ "$NGINX" = /usr/sbin/nginx ] || die "no nginx at $NGINX"
    if [ "$(id -u)" = 0 ]; then
        say "installing Debian package: nginx"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends nginx >/dev/null
        if command -v service >/dev/null; then
            service nginx stop >/dev/null 2>&1 || true
        fi
    else
        die "missing Debian package: nginx — install it with: sudo apt-get install nginx"
    fi
}

case "${1:-}" in
    deps) nginx_deps ;;
    check) [ -x "$NGINX" ] ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
