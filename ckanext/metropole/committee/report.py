"""The committee's annual evaluation report (``/comite/rapport/<année>``).

A handful of aggregate queries over the reviews of the year (those proposed
during it; overrides and legacy rows are not reviews), so the report stays
well under a second for 50,000 datasets (``bench/report.py``).
"""
from __future__ import annotations

import datetime
from typing import Any

import sqlalchemy as sa
from ckan import model

from ckanext.metropole import compat, vocab
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import settings

def seats() -> dict[str, int]:
    return settings.seats()


def _bounds(year: int) -> dict[str, Any]:
    tz = datetime.timezone.utc
    return {"start": datetime.datetime(year, 1, 1, tzinfo=tz),
            "end": datetime.datetime(year + 1, 1, 1, tzinfo=tz),
            "day_start": datetime.date(year, 1, 1), "day_end": datetime.date(year, 12, 31)}


# The year's reviews, read once (MATERIALIZED) with just what the report
# aggregates; every figure below is one pass over this small set, all in a
# single statement.
REPORT_SQL = """
WITH y AS MATERIALIZED (
    SELECT r.id, r.package_id, r.avis, r.decision, r.decision_kind, r.opened_at,
           r.avis_at IS NULL AND r.deadline < least(now(), :end)
               OR r.avis_at > r.deadline AS late,
           extract(epoch FROM r.avis_at - r.proposed_at) / 86400 AS days_to_avis,
           extract(epoch FROM r.decision_at - r.proposed_at) / 86400 AS days_to_decision,
           r.snapshot->'criteria' AS criteria, r.snapshot->'theme' AS theme,
           r.snapshot->>'producing_commune' AS commune,
           r.snapshot->>'license_id' AS licence
    FROM metropole_review r
    JOIN package p ON p.id = r.package_id AND p.state = 'active'
    WHERE r.proposed_at >= :start AND r.proposed_at < :end
      AND coalesce(r.decision_kind, '') NOT IN ('legacy', 'override')
),
summary AS (
    SELECT json_build_object(
        'reviewed', count(*),
        'datasets_reviewed', count(DISTINCT package_id),
        'avis_rendered', count(avis),
        'decided', count(decision),
        'published_against_unfavorable',
            count(*) FILTER (WHERE decision = 'publie' AND avis = 'defavorable'),
        'closed_against_favorable',
            count(*) FILTER (WHERE decision IN ('maintenu_ferme', 'renvoye')
                             AND avis = 'favorable'),
        'sans_avis', count(*) FILTER (WHERE decision_kind = 'sans_avis'),
        'late', count(*) FILTER (WHERE late),
        'reviews_opened', count(opened_at),
        'median_days_to_avis',
            percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_avis),
        'median_days_to_decision',
            percentile_cont(0.5) WITHIN GROUP (ORDER BY days_to_decision)) AS j
    FROM y
),
counted AS (
    SELECT 'avis' AS section, avis AS k, count(*) AS n FROM y
        WHERE avis IS NOT NULL GROUP BY avis
    UNION ALL SELECT 'decision', decision, count(*) FROM y
        WHERE decision IS NOT NULL GROUP BY decision
    UNION ALL SELECT 'criterion', c, count(*) FROM y, jsonb_array_elements_text(
        CASE jsonb_typeof(y.criteria) WHEN 'array' THEN y.criteria ELSE '[]' END) c
        GROUP BY c
    UNION ALL SELECT 'theme', t, count(*) FROM y, jsonb_array_elements_text(
        CASE jsonb_typeof(y.theme) WHEN 'array' THEN y.theme ELSE '[]' END) t
        GROUP BY t
    UNION ALL SELECT 'commune', coalesce(commune, ''), count(*) FROM y GROUP BY commune
    UNION ALL SELECT 'licence', coalesce(licence, ''), count(*) FROM y GROUP BY licence
),
attendance AS (
    SELECT o.member_id, count(*) AS n
    FROM metropole_opinion o JOIN y ON y.id = o.review_id
    GROUP BY o.member_id
)
SELECT (SELECT j FROM summary),
       (SELECT coalesce(json_agg(json_build_array(section, k, n)
                                 ORDER BY section, n DESC, k), '[]') FROM counted),
       (SELECT coalesce(json_object_agg(member_id, n), '{}') FROM attendance)
"""


def _rows(sql: str, params: dict[str, Any]) -> list[Any]:
    return list(model.Session.execute(sa.text(sql), params).all())


def build(year: int) -> dict[str, Any]:
    p = _bounds(year)
    summary, counted, attendance = _rows(REPORT_SQL, p)[0]
    by: dict[str, dict[str, int]] = {
        s: {} for s in ("avis", "decision", "criterion", "commune", "licence", "theme")}
    for section, key, n in counted:
        by[section][key or ""] = int(n)
    overrides, opened = _rows("""
        SELECT count(*) FILTER (WHERE r.decision_kind = 'override'),
               count(DISTINCT r.package_id) FILTER (WHERE r.decision_kind <> 'legacy')
        FROM metropole_review r
        JOIN package p ON p.id = r.package_id AND p.state = 'active'
        WHERE r.decision = 'publie' AND r.decision_at >= :start AND r.decision_at < :end""",
                              p)[0]
    reviews_opened = int(summary.pop("reviews_opened"))
    return {
        "year": year,
        **{k: int(v) for k, v in summary.items() if not k.startswith("median")},
        "median_days_to_avis": _round(summary["median_days_to_avis"]),
        "median_days_to_decision": _round(summary["median_days_to_decision"]),
        "overrides": int(overrides),
        "by": by,
        "composition": composition(p, attendance, reviews_opened),
        "opening": {"opened": int(opened), **_planned(year)},
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def composition(p: dict[str, Any], attendance: dict[str, int],
                reviews_opened: int) -> list[dict[str, Any]]:
    """Members who sat during the year, with their opinions on its reviews."""
    rows = model.Session.execute(sa.text("""
        SELECT m.id, u.name, u.fullname, m.college, m.role, m.mandate_start, m.mandate_end
        FROM metropole_committee_member m
        JOIN "user" u ON u.id = m.user_id
        WHERE m.mandate_start <= :day_end
          AND (m.mandate_end IS NULL OR m.mandate_end >= :day_start)
          AND (m.removed_at IS NULL OR m.removed_at >= :start)
          AND m.added_at < :end
        ORDER BY m.college, m.role DESC, u.fullname"""), p).all()
    return [{"user_name": r[1], "fullname": r[2] or r[1], "college": r[3],
             "college_label": committee_members.college_label(r[3]), "role": r[4],
             "mandate_start": r[5].isoformat(),
             "mandate_end": r[6].isoformat() if r[6] else None,
             "opinions": int(attendance.get(str(r[0]), 0)),
             "reviews_opened": reviews_opened} for r in rows]


def _planned(year: int) -> dict[str, int]:
    """Inventory: datasets planned to open during the year, and how many did.

    CKAN 2.11 keeps custom fields in ``package_extra``, 2.12 in
    ``package.extras`` (``compat``): one aggregate either way.
    """
    params = {"first": f"{year}-01-01", "last": f"{year}-12-31", "open": vocab.OPENING_OPEN}
    if compat.extras_in_column():
        sql = """
            SELECT count(*), count(*) FILTER (WHERE extras->>'opening_status' = :open)
            FROM package
            WHERE state = 'active'
              AND extras->>'planned_opening_date' BETWEEN :first AND :last"""
    else:
        sql = """
            SELECT count(*), count(*) FILTER (WHERE s.value = :open)
            FROM package p
            JOIN package_extra d ON d.package_id = p.id AND d.key = 'planned_opening_date'
                 AND d.state = 'active'
            LEFT JOIN package_extra s ON s.package_id = p.id AND s.key = 'opening_status'
                 AND s.state = 'active'
            WHERE p.state = 'active' AND d.value BETWEEN :first AND :last"""
    planned, done = _rows(sql, params)[0]
    return {"planned": int(planned), "planned_and_opened": int(done)}


def rows(data: dict[str, Any]) -> list[list[Any]]:
    """The report as CSV rows: section, key, value."""
    out: list[list[Any]] = [["section", "key", "value"]]
    for key in ("year", "reviewed", "datasets_reviewed", "avis_rendered", "decided",
                "published_against_unfavorable", "closed_against_favorable", "sans_avis",
                "late", "median_days_to_avis", "median_days_to_decision", "overrides"):
        out.append(["summary", key, data[key]])
    for section, counts in data["by"].items():
        out.extend([section, k, v] for k, v in counts.items())
    for key, value in data["opening"].items():
        out.append(["opening", key, value])
    for member in data["composition"]:
        out.append(["attendance", f"{member['fullname']} ({member['college']}, "
                    f"{member['role']})", member["opinions"]])
    return out
