"""Benchmark of a harvest: the ``metropole_dcat_rdf`` harvester vs ckanext-dcat's ``dcat_rdf``.

    .venv/bin/python bench/harvest.py [--datasets 1000] [--page 100]

Serves a DCAT catalogue of ``--datasets`` datasets (Turtle, pages of
``--page`` linked by hydra:next) from a local server on 127.0.0.1, and
harvests it twice, each time in a fresh database (``metropole_bench_harvest``)
and its own process:

- *stock*: ckanext-dcat's ``dcat_rdf`` harvester in CKAN with ckanext-dcat
  and ckanext-harvest alone (and our PostgreSQL search, the site has no Solr);
- *ours*: the portal (its schema, gate, feeds plugins) and the
  ``metropole_dcat_rdf`` harvester: safe fetch, document checks, territory
  filter, provenance, fingerprints.

Every dataset of the catalogue names a commune of the territory, so ours
imports as many datasets as stock does (a national catalogue, where most
datasets are skipped, is faster still: ``--elsewhere 0.9``). Timed: the
gather stage and the fetch/import of every object, as the consumers run them.
Prints both times and the ratio; target: ours <= 2x stock.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = "metropole_bench_harvest"
URL = f"postgresql://metropole:metropole@127.0.0.1:54329/{DB}"
TARGET = 2.0
PLUGINS = {
    "stock": "metropole_search dcat harvest dcat_rdf_harvester",
    "ours": ("metropole_search metropole scheming_datasets scheming_organizations dcat "
             "metropole_dcat_rdf harvest"),
}
SOURCE_TYPE = {"stock": "dcat_rdf", "ours": "metropole_dcat_rdf"}


def catalogue_pages(count: int, page: int, elsewhere: float, base: str) -> dict[str, bytes]:
    sys.path.insert(0, str(ROOT))
    from ckanext.metropole.tests.harvest import feeds as f

    remotes = []
    for i in range(count):
        far = i < int(count * elsewhere)
        remotes.append(f.Remote(
            f"jeu-{i}", f"Indicateur n° {i}" + ("" if far else " — Chenôve"),
            spatial_uri=f.LYON_URI if far else f.DIJON_URI,
            description=f"Indicateur statistique n° {i} de l'Insee."))
    pages = {}
    for n, start in enumerate(range(0, count, page), 1):
        following = f"{base}/catalog-{n + 1}.ttl" if start + page < count else ""
        pages[f"/catalog-{n}.ttl"] = f.catalog(remotes[start:start + page], next_page=following,
                                               this_page=f"{base}/catalog-{n}.ttl")
    return pages


def run_side(side: str, url: str) -> dict[str, Any]:
    """One harvest in this process (called through ``--side``)."""
    os.environ["CKAN_SQLALCHEMY_URL"] = URL
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    conf = load_config(str(ROOT / "test.ini"))
    conf["ckan.plugins"] = PLUGINS[side]
    conf["ckanext.metropole.harvest.allow_loopback"] = "true"
    conf["ckan.harvest.mq.port"] = "63799"
    conf["ckan.harvest.mq.redis_db"] = "10"
    app = make_app(conf)
    app = getattr(app, "_wsgi_app", app)
    with app.test_request_context():
        import ckan.plugins.toolkit as tk
        from ckan import model
        from ckan.cli.db import _run_migrations

        from ckanext.harvest import queue
        from ckanext.harvest.model import HarvestJob, HarvestObject

        from ckanext.metropole import migration

        model.repo.init_db()
        for plugin in migration.PLUGINS:
            migration.upgrade(plugin)
        _run_migrations("harvest")
        site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
        context = {"user": site, "ignore_auth": True}
        org = tk.get_action("organization_create")(
            dict(context), {"name": "insee", "title": "INSEE", "kind": "producteur_national"})
        source = tk.get_action("harvest_source_create")(dict(context), {
            "name": "insee-dcat", "title": "INSEE", "url": url,
            "source_type": SOURCE_TYPE[side], "owner_org": org["id"], "frequency": "MANUAL"})
        job_dict = tk.get_action("harvest_job_create")(
            dict(context), {"source_id": source["id"], "run": False})
        job = HarvestJob.get(job_dict["id"])
        job.status = "Running"
        job.save()
        harvester = queue.get_harvester(SOURCE_TYPE[side])
        start = time.perf_counter()
        ids = queue.gather_stage(harvester, job) or []
        gathered = time.perf_counter() - start
        for obj_id in ids:
            queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
        total = time.perf_counter() - start
        tk.get_action("harvest_jobs_run")(dict(context), {"source_id": source["id"]})
        stats = tk.get_action("harvest_job_show")(dict(context), {"id": job_dict["id"]})["stats"]
    return {"gather": gathered, "total": total, "stats": stats}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=1000)
    parser.add_argument("--page", type=int, default=100)
    parser.add_argument("--elsewhere", type=float, default=0.0,
                        help="share of the datasets outside the territory")
    parser.add_argument("--side", choices=sorted(PLUGINS), help=argparse.SUPPRESS)
    parser.add_argument("--url", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.side:
        print(json.dumps(run_side(args.side, args.url)))
        return 0

    sys.path.insert(0, str(ROOT))
    from ckanext.metropole.tests.harvest.server import FixtureServer, Reply

    server = FixtureServer().start()
    base = server.url("")
    for path, body in catalogue_pages(args.datasets, args.page, args.elsewhere, base).items():
        server.routes[path] = Reply(body)
    stack = str(ROOT / "scripts" / "stack.sh")
    results = {}
    try:
        for side in ("stock", "ours"):
            subprocess.run([stack, "dropdb", DB], check=False, capture_output=True)
            subprocess.run([stack, "createdb", DB], check=True, capture_output=True)
            out = subprocess.run(
                [sys.executable, __file__, "--side", side, "--url", f"{base}/catalog-1.ttl"],
                check=True, capture_output=True, text=True).stdout
            results[side] = json.loads(out.strip().splitlines()[-1])
    finally:
        server.stop()
    print(f"Harvest of a catalogue of {args.datasets} datasets (pages of {args.page}, "
          f"{args.elsewhere:.0%} outside the territory), {os.cpu_count()} cores")
    for side, r in results.items():
        s = r["stats"]
        print(f"  {side:5}: gather {r['gather']:6.1f} s, total {r['total']:6.1f} s  "
              f"(added {s.get('added', 0)}, skipped {s.get('skipped', 0)}, "
              f"errored {s.get('errored', 0)})")
    ratio = results["ours"]["total"] / results["stock"]["total"]
    print(f"  ratio ours/stock {ratio:.2f}  (target <= {TARGET})")
    ok = results["stock"]["stats"].get("errored", 0) == 0 \
        and results["ours"]["stats"].get("errored", 0) == 0
    return 0 if ratio <= TARGET and ok else 1


if __name__ == "__main__":
    sys.exit(main())
