"""Benchmark of the metropole_search backend.

    .venv/bin/python bench/search.py [--sizes 10000 50000] [--repeat 40]

Fills a dedicated database (``metropole_bench``, created by scripts/stack.sh)
with N synthetic French datasets (words drawn from a Zipf-distributed
vocabulary, tags, formats, 23 communes, 10 % private), written straight into the index table by the
backend's own ``add`` (the documents look like CKAN's: same fields, same
stored ``validated_data_dict``; going through ``package_create`` would take
hours for 50,000 datasets and measure CKAN, not the search). Then it runs the
typical queries through CKAN's own ``PackageSearchQuery.run`` — the path of
``package_search`` — and prints p50/p95 per query, next to the "floor": the very
same SQL statements, with the same parameters, replayed on a raw psycopg2
cursor. Target on 2 cores: p95 <= 50 ms at 50,000 datasets, ratio <= 3.
"""
from __future__ import annotations

import argparse
import hashlib
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DB = "metropole_bench"
URL = f"postgresql://metropole:metropole@127.0.0.1:54329/{DB}"

WORDS = ("école maternelle élémentaire collège budget primitif compte administratif "
         "stationnement vélo parking piste cyclable parc jardin arbre espace vert "
         "qualité air bruit déchet collecte tri eau assainissement voirie travaux "
         "transport bus tramway arrêt horaire population recensement logement social "
         "équipement sportif piscine bibliothèque musée culture subvention association "
         "marché public délibération conseil élu adresse bâtiment énergie éclairage").split()
# A Zipf-distributed vocabulary: 4,000 invented words, the real ones placed
# from rank 100 on (one every 20 ranks), so a real word is about as frequent
# in the notes as a topical word is in a real catalogue (a few % of datasets).
VOCABULARY = [f"lexeme{i}" for i in range(4000)]
for position, word in enumerate(dict.fromkeys(WORDS)):
    VOCABULARY.insert(100 + 20 * position, word)
WEIGHTS = [1 / (rank + 10) for rank in range(len(VOCABULARY))]
TAGS = [f"{w}" for w in dict.fromkeys(WORDS)] + [f"thème-{i}" for i in range(150)]
FORMATS = ["CSV", "JSON", "GeoJSON", "XLSX", "PDF", "SHP"]
LICENCES = ["etalab-2.0", "etalab-2.0", "etalab-2.0", "odc-odbl"]
SITE_ID = "metropole-bench"


def sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choices(VOCABULARY, WEIGHTS, k=n))


def make_doc(i: int, rng: random.Random) -> dict:
    title = sentence(rng, rng.randint(2, 5)).capitalize()
    name = f"jeu-{i}"
    pid = hashlib.md5(name.encode()).hexdigest()
    org = f"commune-{rng.randint(1, 23)}"
    tags = rng.sample(TAGS, rng.randint(1, 5))
    formats = rng.sample(FORMATS, rng.randint(1, 3))
    modified = time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime(time.time() - rng.randint(0, 3 * 365 * 86400)))
    private = rng.random() < 0.1
    package = {"id": pid, "name": name, "title": title, "notes": sentence(rng, 40),
               "organization": {"name": org}, "tags": [{"name": t} for t in tags],
               "resources": [{"format": f, "url": f"https://data.example.invalid/{name}.{f.lower()}",
                              "name": sentence(rng, 3)} for f in formats],
               "license_id": rng.choice(LICENCES), "private": private}
    validated = __import__("json").dumps(package)
    return {
        "id": pid, "name": name, "title": title, "title_string": title,
        "notes": package["notes"], "tags": tags, "groups": [], "organization": org,
        "owner_org": org, "res_format": formats, "res_name": [r["name"] for r in package["resources"]],
        "res_url": [r["url"] for r in package["resources"]], "res_description": ["" for _ in formats],
        "license_id": package["license_id"], "num_resources": len(formats), "num_tags": len(tags),
        "capacity": "private" if private else "public", "state": "active", "private": private,
        "dataset_type": "dataset", "type": "dataset", "entity_type": "package",
        "metadata_created": modified + "Z", "metadata_modified": modified + "Z",
        "site_id": SITE_ID, "index_id": hashlib.md5(f"{pid}{SITE_ID}".encode()).hexdigest(),
        "permission_labels": [f"member-{org}"] if private else ["public"],
        "validated_data_dict": validated, "data_dict": validated,
    }


def fill(n: int) -> None:
    from ckan.model import meta

    from ckanext.metropole.search.connection import PostgresSearchConnection

    with meta.engine.begin() as conn:
        conn.exec_driver_sql("TRUNCATE metropole_search_document")
    rng = random.Random(42)
    conn = PostgresSearchConnection()
    batch = []
    started = time.perf_counter()
    for i in range(n):
        batch.append(make_doc(i, rng))
        if len(batch) == 1000:
            conn.add(batch)
            batch = []
    if batch:
        conn.add(batch)
    with meta.engine.begin() as c:
        c.exec_driver_sql("ANALYZE metropole_search_document")
    print(f"  indexed {n} documents in {time.perf_counter() - started:.1f} s")


FACETS = ["organization", "groups", "tags", "res_format", "license_id"]
QUERIES = {
    "free text": {"q": "école maternelle", "facet.field": FACETS},
    "text + 2 facets + filter": {
        "q": "budget", "facet.field": FACETS,
        "fq": '+tags:"budget" +res_format:"CSV" +metadata_modified:[NOW-2YEARS TO NOW]'},
    "empty query with facets": {"q": "", "facet.field": FACETS},
    "deep page": {"q": "", "start": 5000, "rows": 20, "sort": "metadata_modified desc",
                  "facet.field": FACETS},
}


def ckan_query(params: dict) -> dict:
    """The data_dict package_search hands to PackageSearchQuery.run."""
    query = {"rows": 20, "start": 0, "sort": "score desc, metadata_modified desc",
             "fl": "id validated_data_dict", "facet.limit": 50}
    query.update(params)
    query["fq"] = "+capacity:public " + query.get("fq", "") + " +state:(active)"
    return query


def percentile(values: list[float], pct: float) -> float:
    ordered = sorted(values)
    k = max(0, min(len(ordered) - 1, int(round(pct / 100 * len(ordered))) - 1))
    return ordered[k]


def measure(repeat: int) -> list[tuple[str, float, float, float, float]]:
    import psycopg2
    import sqlalchemy as sa

    from ckan import model
    from ckan.lib.search import query_for
    from ckan.model import meta

    captured: list[tuple[str, object]] = []

    def capture(conn, cursor, statement, parameters, context, executemany):
        captured.append((statement, parameters))

    raw = psycopg2.connect(URL)
    raw.autocommit = True
    rows = []
    for label, params in QUERIES.items():
        times = []
        for i in range(repeat + 3):
            captured.clear()
            if i == 0:
                sa.event.listen(meta.engine, "before_cursor_execute", capture)
            started = time.perf_counter()
            query_for(model.Package).run(ckan_query(params), permission_labels=["public"])
            elapsed = time.perf_counter() - started
            if i == 0:
                sa.event.remove(meta.engine, "before_cursor_execute", capture)
                statements = list(captured)
            if i >= 3:
                times.append(elapsed * 1000)
        floor = []
        with raw.cursor() as cur:
            for i in range(repeat + 3):
                started = time.perf_counter()
                for statement, parameters in statements:
                    cur.execute(statement, parameters)
                    if cur.description:
                        cur.fetchall()
                if i >= 3:
                    floor.append((time.perf_counter() - started) * 1000)
        rows.append((label, statistics.median(times), percentile(times, 95),
                     statistics.median(floor), percentile(floor, 95)))
    raw.close()
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 50_000])
    parser.add_argument("--repeat", type=int, default=40)
    args = parser.parse_args()

    subprocess.run([str(ROOT / "scripts" / "stack.sh"), "createdb", DB], check=True)
    os.environ["CKAN_SQLALCHEMY_URL"] = URL
    os.environ["CKAN_SITE_ID"] = SITE_ID
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    config = load_config(str(ROOT / "test.ini"))
    config["ckan.site_id"] = SITE_ID
    config["ckan.plugins"] = "metropole_search"  # the backend alone is measured
    make_app(config)
    from ckan.common import config as ckan_config

    ckan_config["ckan.site_id"] = SITE_ID
    from ckanext.metropole import migration

    migration.upgrade("metropole_search")

    print(f"metropole_search benchmark ({os.cpu_count()} cores), p50/p95 in ms")
    worst_ratio = 0.0
    for n in args.sizes:
        print(f"\nN = {n} datasets")
        fill(n)
        print(f"  {'query':28} {'p50':>8} {'p95':>8} {'floor p50':>10} {'floor p95':>10} {'ratio p95':>10}")
        for label, p50, p95, f50, f95 in measure(args.repeat):
            ratio = p95 / f95 if f95 else float("inf")
            worst_ratio = max(worst_ratio, ratio)
            print(f"  {label:28} {p50:8.1f} {p95:8.1f} {f50:10.1f} {f95:10.1f} {ratio:10.2f}")
    print(f"\nworst ratio backend/floor (p95): {worst_ratio:.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
