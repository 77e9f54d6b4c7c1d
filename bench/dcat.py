"""Benchmark of the DCAT feeds: the ``metropole_dcat_ap`` profile vs stock ``euro_dcat_ap_3``.

    .venv/bin/python bench/dcat.py [--rounds 15] [--total 10000] [--full-formats ttl,rdf,jsonld]
                                   [--hvd]

Uses a dedicated database (``metropole_bench_dcat``, dropped and created
again by scripts/stack.sh): the Dijon territory and 100 datasets created
with the portal's full schema (themes, frequency, temporal coverage,
contact, covered communes, SCDL schema, two resources). The feed documents
are rendered from their ``package_show`` dicts, copied with new ids up to
``--total`` datasets; both sides render the same dicts through the same
function (``ckanext.metropole.dcat.serialize.catalog``, what the feed views
call), the stock side with ``euro_dcat_ap_3`` alone, ours with
``euro_dcat_ap_3 metropole_dcat_ap`` (which that function runs in one pass,
see ``ckanext.metropole.dcat.fused``).

Prints, per format, the median time of one page of 100 datasets and the
median of the rounds' ratios (in each round both sides render the page back
to back, which goes first alternates), then the time of the full catalog
(every page of 100, as a harvester walks it; the sides take turns page by
page) and its ratio. Target: ratio <= 1.2.

``--hvd``: every fourth dataset is a high-value dataset (Addresses) and every
CSV has its table loaded (``datastore_active``): the feeds then also write
the HVD properties and a DataStore API (distribution and data service) per
CSV, which the stock profile does not.
"""
from __future__ import annotations

import argparse
import copy
import gc
import os
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = "metropole_bench_dcat"
URL = "postgresql://metropole:metropole@127.0.0.1:{port}/{db}".format(
    port=os.environ.get("METROPOLE_PGPORT", "54329"), db=DB)
STOCK = ["euro_dcat_ap_3"]
OURS = ["euro_dcat_ap_3", "metropole_dcat_ap"]
PAGE = 100
TARGET = 1.2


def _app() -> Any:
    os.environ["CKAN_SQLALCHEMY_URL"] = URL
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    return getattr(app, "_wsgi_app", app)


def setup(count: int) -> list[dict[str, Any]]:
    """Fresh database, the territory and ``count`` datasets of the full schema."""
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.metropole import migration, territory, territory_load

    model.repo.init_db()
    for plugin in migration.PLUGINS:
        migration.upgrade(plugin)
    tk.get_action("user_create")({"ignore_auth": True}, {
        "name": "bench", "email": "bench@metropole.localhost",
        "password": "bench-password-1234"})
    model.User.get("bench").sysadmin = True
    model.Session.commit()
    current = territory.current()
    territory_load.load(current)
    codes = [c.code for c in current.communes]
    themes = ["EDUC", "TRAN", "ENVI", "GOVE", "ECON", "SOCI"]
    frequencies = ["ANNUAL", "MONTHLY", "WEEKLY", "DAILY", "IRREG"]
    owner = model.Group.get("dijon").id
    create = tk.get_action("package_create")
    shown = []
    for i in range(count):
        pkg = create({"ignore_auth": True, "user": "bench"}, {
            "name": f"jeu-{i}", "title": f"Équipements publics n° {i}",
            "notes": "Gymnases, stades, piscines et bibliothèques de la métropole.",
            "owner_org": owner, "private": True, "license_id": "etalab-2.0",
            "tags": [{"name": "équipements"}, {"name": f"lot-{i % 7}"}],
            "theme": [themes[i % 6], themes[(i + 2) % 6]],
            "frequency": frequencies[i % 5], "criteria": ["transparence"],
            "screening_personal_data": "none", "screening_secret": "no",
            "screening_third_party": "no", "producing_commune": codes[i % len(codes)],
            "spatial_coverage": "communes" if i % 3 else "territoire",
            "spatial_communes": [codes[i % len(codes)], codes[(i + 5) % len(codes)]],
            "opening_status": "ouvert", "temporal_start": "2020-01-01",
            "temporal_end": "2025-12-31", "contact_name": "Mission open data",
            "contact_email": "opendata@metropole.localhost",
            "conforms_to": "etalab/schema-bal",
            "resources": [
                {"url": f"https://data.example.invalid/jeu-{i}.csv", "format": "csv",
                 "name": "Données (CSV)", "size": 1000 + i},
                {"url": f"https://data.example.invalid/jeu-{i}.geojson",
                 "format": "geojson", "name": "Données (GeoJSON)"},
            ],
        })
        shown.append(pkg)
    return shown


def copies(base: list[dict[str, Any]], total: int, hvd: bool = False) -> list[dict[str, Any]]:
    """``total`` published-looking datasets made from the ``base`` ones."""
    out = []
    for i in range(total):
        pkg = copy.deepcopy(base[i % len(base)])
        pkg["id"], pkg["name"], pkg["private"] = str(uuid.uuid4()), f"jeu-copie-{i}", False
        for res in pkg["resources"]:
            res["id"], res["package_id"] = str(uuid.uuid4()), pkg["id"]
            if hvd and res["format"] == "CSV":
                res["datastore_active"] = True
        if hvd and i % 4 == 0:
            pkg["hvd_category"] = ["c_c3de25e4"]
            pkg["applicable_legislation"] = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
        out.append(pkg)
    return out


def timed(render: Callable[..., str], *args: Any, **kwargs: Any) -> float:
    # each render starts from a collected heap, so neither side pays for the
    # garbage of the other
    gc.collect()
    start = time.perf_counter()
    render(*args, **kwargs)
    return time.perf_counter() - start


def page_times(datasets: list[dict[str, Any]], fmt: str, rounds: int) -> dict[str, float]:
    """Median time of each side and median of the rounds' ratios.

    In each round both sides render the page back to back, in alternating
    order: the ratio of a round compares renders made under the same load
    (on a shared machine the speed of the same loop drifts by a third over a
    few seconds).
    """
    from ckanext.metropole.dcat import serialize

    sides: dict[str, list[float]] = {"stock": [], "ours": []}
    ratios = []
    profiles = {"stock": STOCK, "ours": OURS}
    for side in ("stock", "ours"):  # warm-up: caches, entry points
        serialize.catalog(datasets, fmt, profiles=profiles[side])
    for r in range(rounds):
        for side in (("stock", "ours") if r % 2 == 0 else ("ours", "stock")):
            sides[side].append(timed(serialize.catalog, datasets, fmt,
                                     profiles=profiles[side]))
        ratios.append(sides["ours"][-1] / sides["stock"][-1])
    out = {side: statistics.median(times) for side, times in sides.items()}
    out["ratio"] = statistics.median(ratios)
    return out


def full_times(datasets: list[dict[str, Any]], fmt: str) -> dict[str, float]:
    """Every page of the catalog on each side; the sides take turns page by page."""
    from ckanext.metropole.dcat import serialize

    out = {"stock": 0.0, "ours": 0.0}
    profiles = {"stock": STOCK, "ours": OURS}
    for i, n in enumerate(range(0, len(datasets), PAGE)):
        for side in (("stock", "ours") if i % 2 == 0 else ("ours", "stock")):
            out[side] += timed(serialize.catalog, datasets[n:n + PAGE], fmt,
                               profiles=profiles[side])
    out["ratio"] = out["ours"] / out["stock"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=15)
    parser.add_argument("--total", type=int, default=10_000)
    parser.add_argument("--full-formats", default="ttl,rdf,jsonld")
    parser.add_argument("--hvd", action="store_true",
                        help="a quarter of HVDs, every CSV's table loaded")
    args = parser.parse_args()

    stack = str(ROOT / "scripts" / "stack.sh")
    subprocess.run([stack, "dropdb", DB], check=False, capture_output=True)
    subprocess.run([stack, "createdb", DB], check=True, capture_output=True)
    with _app().test_request_context():
        base = setup(PAGE)
        datasets = copies(base, args.total, hvd=args.hvd)
        # the --total copies are the bench's, not a server's: the collector
        # need not walk them again at each collection of a render
        gc.collect()
        gc.freeze()
        worst = 0.0
        print(f"DCAT feed rendering, {os.cpu_count()} cores; stock = {' '.join(STOCK)}, "
              f"ours = {' '.join(OURS)}" + (" (--hvd)" if args.hvd else ""))
        for fmt in ("ttl", "rdf", "jsonld"):
            t = page_times(datasets[:PAGE], fmt, args.rounds)
            ratio = t["ratio"]
            worst = max(worst, ratio)
            print(f"  one page of {PAGE}, {fmt:6}: stock {t['stock'] * 1000:7.0f} ms, "
                  f"ours {t['ours'] * 1000:7.0f} ms, ratio {ratio:.2f} "
                  f"(of the medians {t['ours'] / t['stock']:.2f})")
        for fmt in [f for f in args.full_formats.split(",") if f]:
            t = full_times(datasets, fmt)
            ratio = t["ratio"]
            worst = max(worst, ratio)
            print(f"  full catalog of {len(datasets)}, {fmt:6}: stock {t['stock']:6.1f} s, "
                  f"ours {t['ours']:6.1f} s, ratio {ratio:.2f}")
        print(f"  worst ratio {worst:.2f}  (target <= {TARGET})")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
