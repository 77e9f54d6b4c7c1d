"""Benchmark of ``package_create``: the métropole's full schema vs bare CKAN.

    .venv/bin/python bench/package_create.py [--count 60] [--rounds 4] [--batch 5] [--drafts]

Uses a dedicated database (``metropole_bench_create``, dropped and created
again by scripts/stack.sh). Two child processes stay loaded on the same
test.ini: one creates datasets with every plugin loaded (scheming schema,
validators, publication gate, coverage geometry), the other the same
dataset with only the search backend loaded (CKAN's default schema, no
custom fields); both public, with one resource. Separate processes give
both sides the same engine and pool (CKAN rebuilds its engine when plugins
are reloaded in one process). The sides take turns every ``--batch``
creations (``--rounds`` x ``--count`` each), so a change of the machine's
load falls on both alike. Prints the median time per creation and the
ratio. Target: ratio <= 1.3.

``--drafts``: both sides create private datasets instead, the way a commune
agent starts one (the committee publishes it later): scheming and the
validators run, the publication gate's conditions do not apply yet.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = "metropole_bench_create"
URL = f"postgresql://metropole:metropole@127.0.0.1:54329/{DB}"


def bare(i: int, owner: str, tag: str) -> dict[str, Any]:
    return {
        "name": f"{tag}-{i}",
        "title": f"Équipements sportifs {i}",
        "notes": "Gymnases, stades et piscines de la métropole.",
        "owner_org": owner,
        "private": False,
        "license_id": "etalab-2.0",
        "tags": [{"name": "sport"}, {"name": "équipements"}],
        "resources": [{"url": f"https://data.example.invalid/sport-{i}.csv",
                       "format": "CSV", "name": "Équipements"}],
    }


def full(i: int, owner: str, tag: str) -> dict[str, Any]:
    return dict(
        bare(i, owner, tag),
        theme=["EDUC", "TRAN"], frequency="ANNUAL", criteria=["transparence"],
        screening_personal_data="none", screening_secret="no",
        screening_third_party="no", screening_note="Vu avec le DPO",
        spatial_coverage="communes", spatial_communes=["21231", "21166"],
        opening_status="ouvert", temporal_start="2020-01-01", temporal_end="2025-12-31",
        contact_name="Mission open data", contact_email="opendata@metropole.localhost",
        owning_service="Direction des sports", conforms_to="etalab/schema-bal",
        # public at creation: a recorded sysadmin override of the committee
        # review, so the whole publication gate runs and records it
        committee_override="Reprise du catalogue existant (benchmark)",
    )


def run(count: int, make: Any, owner: str, tag: str, drafts: bool = False,
        first: int = 0) -> list[float]:
    import ckan.plugins.toolkit as tk

    create = tk.get_action("package_create")
    times = []
    for i in range(first, first + count):
        data = make(i, owner, tag)
        if drafts:
            data.pop("committee_override", None)
            data["private"] = True
        start = time.perf_counter()
        create({"ignore_auth": True, "user": "bench"}, data)
        times.append(time.perf_counter() - start)
    return times


def _app(plugins: str | None) -> Any:
    os.environ["CKAN_SQLALCHEMY_URL"] = URL
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    if plugins is not None:
        config["ckan.plugins"] = plugins
    app = make_app(config)
    return getattr(app, "_wsgi_app", app)


def setup() -> None:
    """Fresh database, the plugins' tables, a sysadmin and the territory."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.metropole import migration, territory, territory_load

    with _app(None).test_request_context():
        model.repo.init_db()
        for plugin in migration.PLUGINS:
            migration.upgrade(plugin)
        tk.get_action("user_create")({"ignore_auth": True}, {
            "name": "bench", "email": "bench@metropole.localhost",
            "password": "bench-password-1234"})
        model.User.get("bench").sysadmin = True
        model.Session.commit()
        territory_load.load(territory.current())


def child(side: str, tag: str, drafts: bool) -> None:
    """Serve the parent: each line read is a number of creations to time."""
    from ckan import model

    plugins = None if side == "full" else "metropole_search"
    with _app(plugins).test_request_context():
        owner = model.Group.get("dijon").id
        make = full if side == "full" else bare
        run(3, make, owner, f"warm-{tag}", drafts)
        done = 0
        for line in sys.stdin:
            if not line.strip():
                break
            count = int(line)
            times = run(count, make, owner, tag, drafts, first=done)
            done += count
            print(json.dumps(times), flush=True)
        if side == "full":
            # the full side must really have gone through the portal's schema
            import ckan.plugins.toolkit as tk
            shown = tk.get_action("package_show")({"ignore_auth": True}, {"id": f"{tag}-0"})
            if shown.get("producing_commune") != "21231" or shown.get("criteria") != ["transparence"]:
                raise SystemExit("the full side did not use the metropole schema")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=60,
                        help="creations per round and side")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--batch", type=int, default=5,
                        help="creations a side runs before handing over to the other")
    parser.add_argument("--drafts", action="store_true",
                        help="private drafts on both sides (no publication)")
    parser.add_argument("--child", nargs=2, metavar=("SIDE", "TAG"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.child[0], args.child[1], args.drafts)
        return 0

    stack = str(ROOT / "scripts" / "stack.sh")
    subprocess.run([stack, "dropdb", DB], check=False, capture_output=True)
    subprocess.run([stack, "createdb", DB], check=True, capture_output=True)
    setup()
    # Both sides stay loaded and take turns every --batch creations, so a
    # change of the machine's load falls on both alike.
    procs = {side: subprocess.Popen(
        [sys.executable, __file__, "--child", side, side] + (["--drafts"] if args.drafts else []),
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True) for side in ("full", "bare")}
    sides: dict[str, list[float]] = {"full": [], "bare": []}
    total = args.rounds * args.count
    for n in range(0, total, args.batch):
        order = ("full", "bare") if (n // args.batch) % 2 == 0 else ("bare", "full")
        for side in order:
            proc = procs[side]
            proc.stdin.write(f"{min(args.batch, total - n)}\n")
            proc.stdin.flush()
            sides[side] += json.loads(proc.stdout.readline())
    for proc in procs.values():
        proc.stdin.write("\n")
        proc.stdin.close()
        if proc.wait() != 0:
            raise SystemExit("a benchmark process failed")

    med = {k: statistics.median(v) * 1000 for k, v in sides.items()}
    p95 = {k: statistics.quantiles(v, n=20)[18] * 1000 for k, v in sides.items()}
    kind = "private drafts" if args.drafts else "public datasets"
    print(f"package_create of {kind}, {args.rounds} x {args.count} per side,"
          f" {os.cpu_count()} cores")
    print(f"  full schema (scheming + validators + gate): median {med['full']:.1f} ms,"
          f" p95 {p95['full']:.1f} ms")
    print(f"  bare CKAN schema:                           median {med['bare']:.1f} ms,"
          f" p95 {p95['bare']:.1f} ms")
    ratio = med["full"] / med["bare"]
    print(f"  ratio full/bare (median): {ratio:.2f}  (target <= 1.3)")
    return 0 if ratio <= 1.3 else 1


if __name__ == "__main__":
    sys.exit(main())
