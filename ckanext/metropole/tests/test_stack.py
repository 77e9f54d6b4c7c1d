"""scripts/stack.sh: idempotent, survives stale pid files, stops what it started.

Runs a second, throw-away stack (own folder and ports) so the suite's own
services are not disturbed.
"""
import os
import signal
import socket
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
STACK = ROOT / "scripts" / "stack.sh"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


@pytest.fixture
def stack(tmp_path):
    env = dict(os.environ, METROPOLE_LOCAL=str(tmp_path / "local"),
               METROPOLE_PGPORT=str(free_port()), METROPOLE_REDIS_PORT=str(free_port()))

    def run(*args):
        return subprocess.run([str(STACK), *args], env=env, capture_output=True,
                              text=True, timeout=180)

    run.env = env
    yield run
    run("purge")


def test_start_is_idempotent_and_stop_stops_exactly_what_started(stack):
    pg, redis = int(stack.env["METROPOLE_PGPORT"]), int(stack.env["METROPOLE_REDIS_PORT"])
    first = stack("start")
    assert first.returncode == 0, first.stderr
    assert listening(pg)
    assert listening(redis)
    second = stack("start")
    assert second.returncode == 0, second.stderr
    assert "already running" in second.stderr
    created = stack("createdb", "idempotence_check")
    again = stack("createdb", "idempotence_check")
    assert created.returncode == 0, again.stderr
    assert again.returncode == 0, again.stderr
    assert "created" in created.stderr
    assert "created" not in again.stderr
    status = stack("status").stdout
    assert "postgresql: running" in status
    assert "redis: running" in status
    stopped = stack("stop")
    assert stopped.returncode == 0, stopped.stderr
    assert not listening(pg)
    assert not listening(redis)
    # the suite's own services were not touched
    assert listening(int(os.environ.get("METROPOLE_PGPORT", "54329")))


def test_start_survives_stale_pid_files(stack):
    local = Path(stack.env["METROPOLE_LOCAL"])
    assert stack("start").returncode == 0
    redis_pid = int((local / "redis" / "redis.pid").read_text())
    os.kill(redis_pid, signal.SIGKILL)
    pg_pidfile = local / "pg" / "data" / "postmaster.pid"
    pg_pid = int(pg_pidfile.read_text().splitlines()[0])
    os.kill(pg_pid, signal.SIGKILL)
    for _ in range(50):
        try:
            os.kill(pg_pid, 0)
        except ProcessLookupError:
            break
        subprocess.run(["sleep", "0.1"])
    assert pg_pidfile.exists()
    assert (local / "redis" / "redis.pid").exists()
    restarted = stack("start")
    assert restarted.returncode == 0, restarted.stderr
    assert listening(int(stack.env["METROPOLE_PGPORT"]))
    assert listening(int(stack.env["METROPOLE_REDIS_PORT"]))
