#!/usr/bin/env bash
# What the real-browser tests need besides the Python packages (Playwright is
# pinned in requirements/): Debian's chromium, and the npm packages of
# requirements/npm.txt (axe-core) installed under .local/npm.
#
#   scripts/browser.sh deps     install what is missing (chromium needs root, else named)
#   scripts/browser.sh check    exit 0 when everything is there
#
# Playwright's own browser download cannot work offline: the tests drive
# /usr/bin/chromium (METROPOLE_CHROMIUM moves it).
set -euo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
LOCAL=${METROPOLE_LOCAL:-$ROOT/.local}
NPM_PREFIX=$LOCAL/npm
CHROMIUM=${METROPOLE_CHROMIUM:-/usr/bin/chromium}
NPM_LIST=$ROOT/requirements/npm.txt

say() { printf '[browser] %s\n' "$*" >&2; }
die() { printf '[browser] error: %s\n' "$*" >&2; exit 1; }

npm_packages() { grep -v '^\s*#' "$NPM_LIST" | grep -v '^\s*$'; }

npm_missing() {
    local spec name version installed
    for spec in $(npm_packages); do
        name=${spec%@*}
        version=${spec##*@}
        installed=$(sed -n 's/^ *"version": *"\([^"]*\)".*/\1/p' \
            "$NPM_PREFIX/node_modules/$name/package.json" 2>/dev/null | head -1)
        [ "$installed" = "$version" ] || echo "$spec"
    done
}

chromium_deps() {
    [ -x "$CHROMIUM" ] && return 0
    [ "$CHROMIUM" = /usr/bin/chromium ] || die "no chromium at $CHROMIUM"
    if [ "$(id -u)" = 0 ]; then
        say "installing Debian package: chromium"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq >/dev/null
        apt-get install -y -qq --no-install-recommends chromium >/dev/null
    else
        die "missing Debian package: chromium — install it with: sudo apt-get install chromium"
    fi
}

npm_deps() {
    local missing
    missing=$(npm_missing)
    [ -z "$missing" ] && return 0
    command -v npm >/dev/null || die "npm is needed to install:$missing (apt-get install npm)"
    say "installing npm packages into $NPM_PREFIX:" $missing
    mkdir -p "$NPM_PREFIX"
    # shellcheck disable=SC2086
    npm install --prefix "$NPM_PREFIX" --no-save --no-audit --no-fund --loglevel=error \
        $missing >/dev/null
}

case "${1:-}" in
    deps) chromium_deps; npm_deps ;;
    check)
        [ -x "$CHROMIUM" ] || die "no chromium at $CHROMIUM (scripts/browser.sh deps)"
        [ -z "$(npm_missing)" ] || die "npm packages missing (scripts/browser.sh deps)"
        ;;
    *) sed -n '2,10p' "$0" | sed 's/^# \{0,1\}//'; exit 2 ;;
esac
