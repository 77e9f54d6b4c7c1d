"""gunicorn settings of the portal, used by `make demo` and by deploy/systemd.

    CKAN_INI=/etc/ckan/default/ckan.ini gunicorn -c deploy/gunicorn.conf.py

Everything a site may change comes from the environment (systemd's
``Environment=``, or the shell for the demo), so this file is used as it is:

    CKAN_INI                 the CKAN configuration file (required)
    METROPOLE_BIND           address:port to listen on (127.0.0.1:5000); behind
                             nginx, keep it on loopback or a unix socket
                             (unix:/run/ckan/gunicorn.sock)
    WEB_CONCURRENCY          worker processes (gunicorn's own variable); default
                             2 x usable cores + 1, at most 9
    METROPOLE_WEB_TIMEOUT    seconds one request may run before its worker is
                             killed and replaced (30)
    METROPOLE_MAX_REQUESTS   requests after which a worker is replaced, so that
                             memory a long-lived CKAN process gathers is given
                             back (2000, with up to 10 % jitter; 0: never)
    METROPOLE_ACCESS_LOG     access log file, "-" for standard output (-);
                             empty: no access log (nginx keeps one)
    METROPOLE_ERROR_LOG      error log file, "-" for standard error (-)
    METROPOLE_FORWARDED_ALLOW_IPS
                             proxies whose X-Forwarded-* headers are trusted
                             (127.0.0.1,::1: nginx on the same host)

Workers are synchronous processes: one request at a time each, which is what
CKAN (thread-local SQLAlchemy sessions, Flask globals) is written for. A slow
request therefore pins one worker, never the others, and never for longer
than the timeout. The application is loaded once in the master and the
workers are forked from it (``preload_app``): they start in milliseconds
(a worker killed by the timeout is replaced at once, without loading CKAN
again) and share the master's memory until they write to it. The master
closes its database connections before forking, each worker opens its own.
"""
from __future__ import annotations

import logging
import os


def _cores() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def _int(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    if not value:
        return default
    try:
        return int(value)
    except ValueError:
        raise SystemExit(f"{name}={value!r}: a whole number is expected") from None


def default_workers(cores: int) -> int:
    # gunicorn's advice (2 x cores + 1), capped: past that the processes only
    # share the same cores and each holds its own copy of CKAN's caches
    return min(2 * cores + 1, 9)


def _log(name: str) -> str | None:
    value = os.environ.get(name, "-")
    return value or None


wsgi_app = "ckanext.metropole.wsgi:application"
bind = [os.environ.get("METROPOLE_BIND", "127.0.0.1:5000")]
workers = _int("WEB_CONCURRENCY", default_workers(_cores()))
worker_class = "sync"
timeout = _int("METROPOLE_WEB_TIMEOUT", 30)
# a stopping worker (SIGTERM, systemctl stop/reload) finishes its request first
graceful_timeout = timeout
max_requests = _int("METROPOLE_MAX_REQUESTS", 2000)
max_requests_jitter = max_requests // 10
preload_app = True
# gunicorn 27's control socket (a fixed path under ~/.gunicorn) is not used: systemd
# and signals drive the server, and two servers on one host would share the path
control_socket_disable = True
proc_name = "ckan-metropole"
accesslog = _log("METROPOLE_ACCESS_LOG")
errorlog = _log("METROPOLE_ERROR_LOG") or "-"
access_log_format = '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s %(M)sms "%(a)s"'
forwarded_allow_ips = os.environ.get("METROPOLE_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
# the largest request line and header CKAN's own URLs need (long search URLs)
limit_request_line = 8190


def _dispose_connections(close: bool) -> None:
    """Forget the pooled connections of CKAN's engines (site and DataStore).

    Two processes on one socket garble each other's answers: the master
    loaded CKAN (which reads the database while it starts) and its workers
    are forked from it. ``close=False`` in a worker leaves the master's
    sockets alone; the master closes its own before forking.
    """
    from ckan.model import meta

    if close:
        meta.Session.remove()  # gives its connection back to the pool, then closed
    else:
        meta.Session.registry.clear()  # the inherited session and its socket are the master's
    if meta.engine is not None:
        meta.engine.dispose(close=close)
    try:
        from ckanext.datastore.backend import postgres as datastore
    except ImportError:
        return
    for engine in list(datastore._engines.values()):
        engine.dispose(close=close)


def _keep_server_logs() -> None:
    # loading CKAN applies the [loggers] of its ini file, which disables the
    # loggers it does not name: gunicorn's access and error logs among them
    for name in ("gunicorn.error", "gunicorn.access"):
        logging.getLogger(name).disabled = False


def when_ready(server: object) -> None:
    # called in the master once the application is loaded, before any fork
    _keep_server_logs()
    _dispose_connections(close=True)


def post_fork(server: object, worker: object) -> None:
    _dispose_connections(close=False)
