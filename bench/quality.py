"""Benchmark of the metadata quality score (``ckanext/metropole/quality``).

    .venv/bin/python bench/quality.py [--datasets 50000] [--repeat 5]

Builds N datasets as ``package_show`` returns them (one to four resources,
links and uploads, every indicator met or missed in turn, so each rule
runs), then times:

- ``quality.many`` over all of them: the annual report's distribution of
  scores and the organization page's mean (target <= 2 s for 50,000);
- ``quality.score`` of one dataset with its explanations, plus the
  translated labels, in a request: what the dataset page adds (target
  <= 10 ms, p95 over 1,000 datasets).

Needs no database rows: the score reads the dict, the site's vocabularies
and, for uploads, the storage folder (``ckan.storage_path`` of test.ini;
half of the uploads are written there so both answers are timed).
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
MANY_TARGET = 2.0
PAGE_TARGET = 0.010
FORMATS = ["CSV", "csv", "JSON", "GeoJSON", "XLSX", "PDF", "ODS", "", "texte brut", "SHP"]
LICENCES = ["etalab-2.0", "odc-odbl", "fr-lo", "", "cc-by"]
THEMES = ["TRAN", "ENVI", "REGI", "NOPE"]


def _app() -> Any:
    if os.environ.get("METROPOLE_PGPORT"):
        os.environ.setdefault("CKAN_SQLALCHEMY_URL", "postgresql://metropole:metropole@"
                              f"127.0.0.1:{os.environ['METROPOLE_PGPORT']}/metropole_test_211")
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    return make_app(load_config(str(ROOT / "test.ini")))


def dataset(rnd: random.Random, storage: str | None) -> dict[str, Any]:
    resources = []
    for index in range(rnd.randint(1, 4)):
        rid = str(uuid.UUID(int=rnd.getrandbits(128)))
        upload = rnd.random() < 0.3
        if upload and storage and rnd.random() < 0.5:
            folder = os.path.join(storage, "resources", rid[0:3], rid[3:6])
            os.makedirs(folder, exist_ok=True)
            Path(folder, rid[6:]).write_text("a;b\n", encoding="utf-8")
        url = rnd.choice(["https://data.metropole-dijon.fr/f.csv", "https://x.invalid/f",
                          "http://10.0.0.1/f.csv", "donnees/f.csv", ""])
        resources.append({
            "id": rid, "name": f"Fichier {index}", "state": "active",
            "url": f"http://127.0.0.1:5000/dataset/d/resource/{rid}/download/f.csv"
            if upload else url, "url_type": "upload" if upload else "",
            "format": rnd.choice(FORMATS), "size": rnd.choice([2048, None, "12"]),
            "created": rnd.choice(["2024-01-01T10:00:00", None]),
            "metadata_modified": rnd.choice(["2024-02-01T10:00:00", None])})
    return {
        "id": str(uuid.UUID(int=rnd.getrandbits(128))), "name": "d",
        "license_id": rnd.choice(LICENCES), "theme": [rnd.choice(THEMES)],
        "tags": [{"name": "vélo"}] if rnd.random() < 0.8 else [],
        "temporal_start": rnd.choice(["2020-01-01", ""]), "temporal_end": "",
        "contact_email": rnd.choice(["sig@metropole-dijon.fr", ""]),
        "spatial_coverage": "territoire", "resources": resources,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    app = _app()
    import ckan.plugins.toolkit as tk

    from ckanext.metropole import helpers, quality

    storage = tk.config.get("ckan.storage_path")
    rnd = random.Random(20)
    pkgs = [dataset(rnd, storage) for _ in range(args.datasets)]
    flask_app = getattr(app, "_wsgi_app", app)
    with flask_app.test_request_context():
        quality.many(pkgs[:100])  # warm the vocabularies' caches
        runs, cpu_runs = [], []
        for _ in range(args.repeat):
            start, cpu = time.perf_counter(), time.process_time()
            summary = quality.summary(pkgs)
            runs.append(time.perf_counter() - start)
            cpu_runs.append(time.process_time() - cpu)
        many, cpu_many = statistics.median(runs), statistics.median(cpu_runs)
        page, cpu_page = [], []
        for pkg in pkgs[:1000]:
            start, cpu = time.perf_counter(), time.process_time()
            quality.score(pkg)
            helpers.metropole_quality_labels()
            page.append(time.perf_counter() - start)
            cpu_page.append(time.process_time() - cpu)
    page.sort()
    cpu_page.sort()
    p95, cpu_p95 = page[int(len(page) * 0.95)], cpu_page[int(len(page) * 0.95)]
    print(f"datasets: {args.datasets}  ratings: {summary['ratings']}  mean: {summary['mean']}")
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU time is "
          "this process's own, wall time includes waiting for a core)")
    print(f"report (quality.summary): median {many:.3f} s wall, {cpu_many:.3f} s CPU over "
          f"{args.repeat} runs (target <= {MANY_TARGET} s, ratio {many / MANY_TARGET:.2f} "
          f"wall, {cpu_many / MANY_TARGET:.2f} CPU)")
    print(f"dataset page (score + labels): median {statistics.median(page) * 1000:.2f} ms, "
          f"p95 {p95 * 1000:.2f} ms wall, p95 {cpu_p95 * 1000:.2f} ms CPU "
          f"(target <= {PAGE_TARGET * 1000:.0f} ms, ratio {p95 / PAGE_TARGET:.2f} wall, "
          f"{cpu_p95 / PAGE_TARGET:.2f} CPU)")
    return 0 if cpu_many <= MANY_TARGET and cpu_p95 <= PAGE_TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
