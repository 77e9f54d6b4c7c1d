"""Benchmark of the committee's annual report (``/comite/rapport/<année>``).

    .venv/bin/python bench/report.py [--datasets 50000] [--repeat 5]

Fills a dedicated database (``metropole_bench_report``, created by
scripts/stack.sh) with N datasets of the métropole, each reviewed during the
year (worst case: every dataset in the report), the 26 members of the
committee and about five individual opinions per review, written with SQL
(going through the actions would take hours and measure CKAN, not the
report). Then it builds the report through ``report.build`` — what the
page, the CSV/JSON exports and ``ckan metropole report`` call — and prints
the timings. Target on 2 cores: <= 1 s for 50,000 datasets.
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
DB = "metropole_bench_report"
URL = f"postgresql://metropole:metropole@127.0.0.1:54329/{DB}"
YEAR = 2026
TARGET = 1.0


def _app() -> Any:
    os.environ["CKAN_SQLALCHEMY_URL"] = URL
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    app = make_app(load_config(str(ROOT / "test.ini")))
    return getattr(app, "_wsgi_app", app)


def fill(datasets: int) -> None:
    import ckan.plugins.toolkit as tk
    import sqlalchemy as sa
    from ckan import model

    from ckanext.metropole import migration

    model.repo.init_db()
    for plugin in migration.PLUGINS:
        migration.upgrade(plugin)
    tk.get_action("user_create")({"ignore_auth": True}, {
        "name": "bench", "email": "bench@metropole.localhost", "password": "bench-report-1"})
    org = tk.get_action("organization_create")({"ignore_auth": True, "user": "bench"}, {
        "name": "dijon-metropole", "title": "Dijon Métropole", "kind": "metropole",
        "siren": "242100410"})
    run = model.Session.execute
    run(sa.text("""
        INSERT INTO "user" (id, name, fullname, email, state, sysadmin, created)
        SELECT 'u' || i, 'membre-' || i, 'Membre ' || i, 'membre-' || i || '@example.org',
               'active', false, now()
        FROM generate_series(1, 26) i"""))
    run(sa.text("""
        INSERT INTO metropole_committee_member (user_id, college, role, mandate_start)
        SELECT 'u' || i,
               CASE WHEN i <= 7 THEN 'recherche' WHEN i <= 15 THEN 'associations'
                    WHEN i <= 21 THEN 'entreprises' ELSE 'collectivites' END,
               CASE WHEN i = 8 THEN 'president' ELSE 'member' END, DATE '2025-01-01'
        FROM generate_series(1, 26) i"""))
    run(sa.text("""
        INSERT INTO package (id, name, title, state, private, type, owner_org,
                             license_id, metadata_created, metadata_modified)
        SELECT 'p' || i, 'jeu-' || i, 'Jeu ' || i, 'active', (i % 3 <> 0), 'dataset',
               :org, 'etalab-2.0', now(), now()
        FROM generate_series(1, :n) i"""), {"org": org["id"], "n": datasets})
    columns = {c["name"] for c in sa.inspect(model.Session.connection()).get_columns(
        "package")}
    # a fifth of the inventory planned for the year
    if "extras" in columns:
        run(sa.text("""
            UPDATE package SET extras = jsonb_build_object(
                'opening_status', CASE WHEN substr(id, 2)::int % 3 = 0 THEN 'ouvert'
                                       ELSE 'planifie' END,
                'planned_opening_date', :year || '-06-30')
            WHERE substr(id, 2)::int % 5 = 0"""), {"year": str(YEAR)})
    else:
        run(sa.text("""
            INSERT INTO package_extra (id, package_id, key, value, state)
            SELECT 'd' || i, 'p' || i, 'planned_opening_date', :year || '-06-30', 'active'
            FROM generate_series(5, :n, 5) i
            UNION ALL
            SELECT 's' || i, 'p' || i, 'opening_status',
                   CASE WHEN i % 3 = 0 THEN 'ouvert' ELSE 'planifie' END, 'active'
            FROM generate_series(5, :n, 5) i"""), {"year": str(YEAR), "n": datasets})
    run(sa.text("""
        INSERT INTO metropole_review (package_id, state, proposed_by, proposed_at, opened_at,
            deadline, avis, avis_motivation, avis_by, avis_at, decision, decision_kind,
            decision_by, decision_at, snapshot)
        SELECT 'p' || i, s.state, 'u1', s.proposed, s.proposed + interval '2 days',
               s.proposed + interval '30 days',
               CASE WHEN s.state NOT IN ('propose', 'en_examen')
                    THEN (ARRAY['favorable', 'reserves', 'defavorable'])[1 + i % 3] END,
               CASE WHEN s.state NOT IN ('propose', 'en_examen') THEN 'Motivation' END,
               CASE WHEN s.state NOT IN ('propose', 'en_examen') THEN 'u8' END,
               CASE WHEN s.state NOT IN ('propose', 'en_examen')
                    THEN s.proposed + (i % 45) * interval '1 day' END,
               CASE WHEN s.state IN ('publie', 'maintenu_ferme', 'renvoye') THEN s.state END,
               CASE WHEN s.state IN ('publie', 'maintenu_ferme', 'renvoye')
                    THEN 'committee' END,
               CASE WHEN s.state IN ('publie', 'maintenu_ferme', 'renvoye') THEN 'u1' END,
               CASE WHEN s.state IN ('publie', 'maintenu_ferme', 'renvoye')
                    THEN s.proposed + (i % 45 + 3) * interval '1 day' END,
               jsonb_build_object(
                   'license_id', CASE WHEN i % 10 = 0 THEN 'odc-odbl' ELSE 'etalab-2.0' END,
                   'criteria', (ARRAY['["transparence"]', '["interet_general", "valorisation"]',
                                      '["disponibilite"]'])[1 + i % 3]::jsonb,
                   'theme', (ARRAY['["ENVI"]', '["TRAN", "GOVE"]', '["EDUC"]',
                                   '["ECON"]'])[1 + i % 4]::jsonb,
                   'producing_commune', '21' || lpad((100 + i % 23)::text, 3, '0'))
        FROM generate_series(1, :n) i,
             LATERAL (SELECT (ARRAY['propose', 'en_examen', 'avis_rendu', 'publie', 'publie',
                                    'maintenu_ferme', 'renvoye'])[1 + i % 7] AS state,
                             make_timestamptz(:year, 1 + i % 11, 1 + i % 27, 10, 0, 0, 'UTC')
                                 AS proposed) s"""), {"n": datasets, "year": YEAR})
    run(sa.text("""
        INSERT INTO metropole_opinion (review_id, user_id, member_id, value, comment)
        SELECT r.id, m.user_id, m.id,
               (ARRAY['favorable', 'reserves', 'defavorable'])[1 + (r.id + m.id) % 3], ''
        FROM metropole_review r
        JOIN metropole_committee_member m ON (r.id + m.id) % 5 = 0
        WHERE r.opened_at IS NOT NULL"""))
    model.Session.commit()
    run(sa.text("ANALYZE"))
    model.Session.commit()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    stack = str(ROOT / "scripts" / "stack.sh")
    subprocess.run([stack, "dropdb", DB], check=False, capture_output=True)
    subprocess.run([stack, "createdb", DB], check=True, capture_output=True)
    with _app().test_request_context():
        import sqlalchemy as sa
        from ckan import model

        from ckanext.metropole.committee import report

        start = time.perf_counter()
        fill(args.datasets)
        print(f"Committee annual report, {os.cpu_count()} cores: {args.datasets} datasets "
              f"filled in {time.perf_counter() - start:.1f} s")
        counts = {t: model.Session.execute(sa.text(f"SELECT count(*) FROM {t}")).scalar()
                  for t in ("package", "metropole_review", "metropole_opinion")}
        print("  rows: " + ", ".join(f"{t} {n}" for t, n in counts.items()))
        times, exports = [], []
        for _ in range(args.repeat):
            model.Session.remove()
            start = time.perf_counter()
            data = report.build(YEAR)
            times.append(time.perf_counter() - start)
            start = time.perf_counter()
            json.dumps(data, default=str)
            report.rows(data)
            exports.append(time.perf_counter() - start)
        print(f"  reviewed {data['reviewed']}, avis {data['avis_rendered']}, decided "
              f"{data['decided']}, late {data['late']}, median days to avis "
              f"{data['median_days_to_avis']}, planned {data['opening']['planned']}, "
              f"members {len(data['composition'])}")
        worst = max(times)
        print(f"  report.build: median {statistics.median(times) * 1000:.0f} ms, "
              f"worst {worst * 1000:.0f} ms over {args.repeat} runs; JSON+CSV export "
              f"{max(exports) * 1000:.1f} ms; target <= {TARGET * 1000:.0f} ms, "
              f"ratio to target {worst / TARGET:.2f}")
    return 0 if worst <= TARGET else 1


if __name__ == "__main__":
    sys.exit(main())
