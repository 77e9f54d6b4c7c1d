"""Benchmark of the schema validation: a 100,000-row CSV against a Table Schema.

    .venv/bin/python bench/validation.py [--rows 100000] [--repeat 3] [--broken 0.01]

The file follows the SCDL "Subventions" schema shipped with the package
(16 columns, patterns, enums, dates, numbers); ``--broken`` is the share of
rows with a bad cell (the check stops at the error limit, 1,000 by default,
as the portal's does). Times, median of ``--repeat`` runs:

- ``frictionless validate --trusted --schema <schema> <file>`` alone (the CLI, in a
  process of its own: what a data officer runs by hand);
- frictionless' Python API in this process (``Resource.validate``), the
  lower bound;
- the portal's check as the background job runs it
  (``engine.check_isolated``: a forked process with a deadline, the report
  turned into the portal's error records).

Prints the ratios portal / CLI (target: <= 2) and portal / API. No CKAN
site is needed: the job's own work around the check (reading the resource,
writing one row) is a few milliseconds.
"""
from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

HEADER = ("nomAttribuant,idAttribuant,dateConvention,referenceDecision,nomBeneficiaire,"
          "idBeneficiaire,rnaBeneficiaire,objet,montant,nature,conditionsVersement,"
          "datesPeriodeVersement,idRAE,notificationUE,pourcentageSubvention,dispositifAide")
ASSOCIATIONS = ["Association sportive de Chenôve", "Les Amis du Musée des Beaux-Arts",
                "Comité des fêtes de Talant", "Maison des jeunes de Quetigny",
                "Restos du cœur de Côte-d'Or", "Club de tennis de Longvic"]
NATURES = ["aide en numéraire", "aide en nature", "aide en numéraire;aide en nature"]


def subventions_csv(rows: int, broken: float, seed: int = 22) -> str:
    rnd = random.Random(seed)
    lines = [HEADER]
    for i in range(rows):
        month, day = rnd.randint(1, 12), rnd.randint(1, 28)
        amount = f"{rnd.uniform(100, 250_000):.2f}"
        siret = f"{rnd.randint(10**13, 10**14 - 1)}"
        share = f"{rnd.uniform(0.05, 1):.2f}"
        if rnd.random() < broken:
            amount = "quarante mille"  # a type error
        lines.append(",".join([
            "Dijon Métropole", "24210075500019", f"2025-{month:02d}-{day:02d}",
            f"DEL-2025-{i:06d}", rnd.choice(ASSOCIATIONS), siret, f"W{rnd.randint(10**8, 10**9 - 1)}",
            f"Subvention de fonctionnement {i}", amount, f'"{rnd.choice(NATURES)}"',
            "versement unique", f"2025-{month:02d}-{day:02d}", "", rnd.choice(["oui", "non"]),
            share, ""]))
    return "\n".join(lines) + "\n"


def timed(func) -> float:
    start = time.perf_counter()
    func()
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--broken", type=float, default=0.0)
    args = parser.parse_args()

    from frictionless import Resource, Schema, system

    from ckanext.metropole import schema_registry
    from ckanext.metropole.validation import engine

    schema = schema_registry.get("scdl/subventions")
    assert schema is not None
    assert schema.checked
    cli = os.path.join(os.path.dirname(sys.executable), "frictionless")
    with tempfile.TemporaryDirectory(prefix="bench-validation-") as folder:
        path = os.path.join(folder, "subventions.csv")
        with open(path, "w", encoding="utf-8") as f:
            f.write(subventions_csv(args.rows, args.broken))
        size = os.path.getsize(path) / 1024 / 1024
        print(f"{args.rows} rows, {size:.1f} MB, schema {schema.label} "
              f"({schema.schema_type}), broken rows {args.broken:.1%}")

        def run_cli() -> None:
            # --trusted: the CLI refuses absolute paths otherwise (and answers
            # at once with a resource-error: no row read)
            done = subprocess.run([cli, "validate", "--trusted", "--schema", schema.path,
                                   path, "--json"], capture_output=True, text=True)
            try:
                task = json.loads(done.stdout)["tasks"][0]
            except (ValueError, KeyError, IndexError):
                raise SystemExit(f"frictionless validate failed: {done.stderr[-500:]}")
            if task["stats"].get("rows") != args.rows and not task["errors"]:
                raise SystemExit(f"frictionless validate read {task['stats']}")

        def run_api() -> None:
            with system.use_context(trusted=True):
                Resource(path=path, schema=Schema.from_descriptor(schema.path),
                         format="csv").validate(limit_errors=1000)

        report: dict = {}

        def run_portal() -> None:
            report.update(engine.check_isolated(path, schema, limit_errors=1000,
                                                timeout=3600))

        results = {}
        for name, func in (("frictionless validate (CLI)", run_cli),
                           ("frictionless API, in process", run_api),
                           ("portal check (engine.check_isolated)", run_portal)):
            times = [timed(func) for _ in range(args.repeat)]
            results[name] = statistics.median(times)
            print(f"{name:40s} median {results[name]:7.2f} s  "
                  f"(runs: {', '.join(f'{t:.2f}' for t in times)})")
        print(f"portal report: valid={report['valid']} rows={report['rows']} "
              f"errors={report['error_count']}")
        portal = results["portal check (engine.check_isolated)"]
        ratio_cli = portal / results["frictionless validate (CLI)"]
        ratio_api = portal / results["frictionless API, in process"]
        print(f"ratio portal / frictionless validate: {ratio_cli:.2f} (target <= 2: "
              f"{'met' if ratio_cli <= 2 else 'NOT met'})")
        print(f"ratio portal / frictionless API:      {ratio_api:.2f}")


if __name__ == "__main__":
    main()
