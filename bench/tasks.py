"""Benchmark of "Mes tâches": the header's counter (every page of a logged-in
user) and the page's lists.

    .venv/bin/python bench/tasks.py [--datasets 50000] [--repeat 20]

Fills a dedicated database (``metropole_bench_tasks``) with the world of
``bench/report.py`` (N reviewed datasets, a seventh of them at each state,
the 26 members, about five opinions per review), makes the proposer of every
review an admin of the organization (the worst case: every list is full),
then times ``tasks.counts`` (the header's one query) and ``tasks.lists`` for
the producer-admin, the president, a member and the secretary. Target on 2
cores: the counter's median <= 50 ms at 50,000 datasets, a cost every page
of a logged-in user pays once (the lists are counted up to 51 items, and
only for the roles that have them).
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))
import report as report_bench  # noqa: E402  (bench/report.py: the same world)

DB = "metropole_bench_tasks"
URL = (f"postgresql://metropole:metropole@127.0.0.1:"
       f"{os.environ.get('METROPOLE_PGPORT', '54329')}/{DB}")
TARGET = 0.050
SECRETARY = "membre-26"


def _app() -> Any:
    os.environ["CKAN_SQLALCHEMY_URL"] = URL
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    config["ckanext.metropole.committee.secretaries"] = SECRETARY
    app = make_app(config)
    return getattr(app, "_wsgi_app", app)


def _timed(repeat: int, work: Any) -> tuple[float, float, Any]:
    """Median wall time, median CPU time of this process, the last result."""
    from ckan import model

    times, cpu, result = [], [], work()  # warm: the statement built, the plan cached
    for _ in range(repeat):
        model.Session.commit()  # a request's transaction each (the user stays loaded)
        start, start_cpu = time.perf_counter(), time.process_time()
        result = work()
        times.append(time.perf_counter() - start)
        cpu.append(time.process_time() - start_cpu)
    return statistics.median(times), statistics.median(cpu), result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    stack = str(ROOT / "scripts" / "stack.sh")
    subprocess.run([stack, "dropdb", DB], check=False, capture_output=True)
    subprocess.run([stack, "createdb", DB], check=True, capture_output=True)
    with _app().test_request_context():
        import sqlalchemy as sa

        from ckan import model

        from ckanext.metropole.committee import tasks

        start = time.perf_counter()
        report_bench.fill(args.datasets)
        model.Session.execute(sa.text("""
            INSERT INTO member (id, table_id, table_name, group_id, capacity, state)
            SELECT 'bench-admin', 'u1', 'user', id, 'admin', 'active'
            FROM "group" WHERE name = 'dijon-metropole'"""))
        model.Session.commit()
        print(f"Mes tâches, {os.cpu_count()} cores: {args.datasets} datasets filled in "
              f"{time.perf_counter() - start:.1f} s")
        worst_median = 0.0
        for name, role in (("membre-1", "producer and admin"), ("membre-8", "president"),
                           ("membre-2", "member"), (SECRETARY, "secretary")):
            user = model.User.get(name)  # the request has it already

            def counts(user: Any = user) -> dict[str, Any]:
                return tasks.counts(user)

            median, cpu, figures = _timed(args.repeat, counts)
            worst_median = max(worst_median, median)
            lists_median, _cpu, _lists = _timed(
                max(1, args.repeat // 4), lambda user=user, figures=figures: tasks.lists(user, figures))
            shown = ", ".join(f"{t} {figures[t]}" for t in tasks.TASKS if figures[t])
            print(f"  {role} ({shown}): counter median {median * 1000:.1f} ms "
                  f"({cpu * 1000:.1f} ms CPU in CKAN's process); page lists (50 per "
                  f"list) median {lists_median * 1000:.0f} ms")
        print(f"  counter, slowest role's median {worst_median * 1000:.1f} ms; target <= "
              f"{TARGET * 1000:.0f} ms, ratio to target {worst_median / TARGET:.2f}")
    return 0 if worst_median <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
