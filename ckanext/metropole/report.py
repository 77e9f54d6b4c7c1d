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

from ckanext.metropole import config as metropole_config
from ckanext.metropole.logic import committee_members

NOT_REVIEWS = ("legacy", "override")


def seats() -> dict[str, int]:
    return metropole_config.committee_seats()


def _bounds(year: int) -> dict[str, Any]:
    tz = datetime.timezone.utc
    return {"start": datetime.datetime(year, 1, 1, tzinfo=tz),
            "end": datetime.datetime(year + 1, 1, 1, tzinfo=tz),
            "day_start": datetime.date(year, 1, 1), "day_end": datetime.date(year, 12, 31)}


YEAR_REVIEWS = """
    SELECT r.* FROM metropole_review r
    JOIN package p ON p.id = r.package_id AND p.state = 'active'
    WHERE r.proposed_at >= :start AND r.proposed_at < :end
      AND coalesce(r.decision_kind, '') NOT IN ('legacy', 'override')
"""


def _rows(sql: str, params: dict[str, Any]) -> list[Any]:
    return list(model.Session.execute(sa.text(sql), params).all())


def _counts(sql: str, params: dict[str, Any]) -> dict[str, int]:
    return {str(k or ""): int(n) for k, n in _rows(sql, params)}


def build(year: int) -> dict[str, Any]:
    p = _bounds(year)
    reviews = f"WITH y AS ({YEAR_REVIEWS})"
    summary = _rows(reviews + """
        SELECT count(*), count(DISTINCT package_id),
               count(*) FILTER (WHERE avis IS NOT NULL),
               count(*) FILTER (WHERE decision IS NOT NULL),
               count(*) FILTER (WHERE decision = 'publie' AND avis = 'defavorable'),
               count(*) FILTER (WHERE decision IN ('maintenu_ferme', 'renvoye')
                                AND avis = 'favorable'),
               count(*) FILTER (WHERE decision_kind = 'sans_avis'),
               count(*) FILTER (WHERE (avis_at IS NULL AND deadline < least(now(), :end))
                                OR avis_at > deadline),
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM avis_at - proposed_at) / 86400),
               percentile_cont(0.5) WITHIN GROUP (
                   ORDER BY extract(epoch FROM decision_at - proposed_at) / 86400)
        FROM y""", p)[0]
    by = {
        "avis": _counts(reviews + "SELECT avis, count(*) FROM y WHERE avis IS NOT NULL "
                        "GROUP BY 1 ORDER BY 1", p),
        "decision": _counts(reviews + "SELECT decision, count(*) FROM y WHERE decision "
                            "IS NOT NULL GROUP BY 1 ORDER BY 1", p),
        "criterion": _counts(reviews + "SELECT c, count(*) FROM y, jsonb_array_elements_text("
                             "y.snapshot->'criteria') c GROUP BY 1 ORDER BY 2 DESC, 1", p),
        "commune": _counts(reviews + "SELECT snapshot->>'producing_commune', count(*) FROM y "
                           "GROUP BY 1 ORDER BY 2 DESC, 1", p),
        "licence": _counts(reviews + "SELECT snapshot->>'license_id', count(*) FROM y "
                           "GROUP BY 1 ORDER BY 2 DESC, 1", p),
        "theme": _counts(reviews + "SELECT t, count(*) FROM y, jsonb_array_elements_text("
                         "y.snapshot->'theme') t GROUP BY 1 ORDER BY 2 DESC, 1", p),
    }
    overrides = _rows("""
        SELECT count(*) FROM metropole_review
        WHERE decision_kind = 'override' AND decision_at >= :start AND decision_at < :end""",
                      p)[0][0]
    opened = _rows("""
        SELECT count(DISTINCT r.package_id) FROM metropole_review r
        JOIN package p ON p.id = r.package_id AND p.state = 'active'
        WHERE r.decision = 'publie' AND r.decision_kind <> 'legacy'
          AND r.decision_at >= :start AND r.decision_at < :end""", p)[0][0]
    return {
        "year": year,
        "reviewed": int(summary[0]), "datasets_reviewed": int(summary[1]),
        "avis_rendered": int(summary[2]), "decided": int(summary[3]),
        "published_against_unfavorable": int(summary[4]),
        "closed_against_favorable": int(summary[5]),
        "sans_avis": int(summary[6]), "late": int(summary[7]),
        "median_days_to_avis": _round(summary[8]),
        "median_days_to_decision": _round(summary[9]),
        "overrides": int(overrides),
        "by": by,
        "composition": composition(p),
        "opening": {"opened": int(opened), **_planned(year)},
    }


def _round(value: Any) -> float | None:
    return None if value is None else round(float(value), 1)


def composition(p: dict[str, Any]) -> list[dict[str, Any]]:
    """Members who sat during the year, with their opinions on its reviews."""
    rows = model.Session.execute(sa.text(f"""
        WITH y AS ({YEAR_REVIEWS}),
        attendance AS (
            SELECT o.member_id, count(*) AS n FROM metropole_opinion o
            JOIN y ON y.id = o.review_id GROUP BY o.member_id)
        SELECT u.name, u.fullname, m.college, m.role, m.mandate_start, m.mandate_end,
               coalesce(a.n, 0),
               (SELECT count(*) FROM y WHERE y.opened_at IS NOT NULL)
        FROM metropole_committee_member m
        JOIN "user" u ON u.id = m.user_id
        LEFT JOIN attendance a ON a.member_id = m.id
        WHERE m.mandate_start <= :day_end
          AND (m.mandate_end IS NULL OR m.mandate_end >= :day_start)
          AND (m.removed_at IS NULL OR m.removed_at >= :start)
          AND m.added_at < :end
        ORDER BY m.college, m.role DESC, u.fullname"""), p).all()
    return [{"user_name": r[0], "fullname": r[1] or r[0], "college": r[2],
             "college_label": committee_members.college_label(r[2]), "role": r[3],
             "mandate_start": r[4].isoformat(),
             "mandate_end": r[5].isoformat() if r[5] else None,
             "opinions": int(r[6]), "reviews_opened": int(r[7])} for r in rows]


def _planned(year: int) -> dict[str, int]:
    """Inventory: datasets planned to open during the year, and how many did.

    CKAN 2.11 keeps custom fields in ``package_extra``, 2.12 in
    ``package.extras``: one aggregate either way.
    """
    params = {"first": f"{year}-01-01", "last": f"{year}-12-31"}
    columns = {c["name"] for c in sa.inspect(model.Session.connection()).get_columns(
        "package")}
    if "extras" in columns:
        sql = """
            SELECT count(*), count(*) FILTER (WHERE extras->>'opening_status' = 'ouvert')
            FROM package
            WHERE state = 'active'
              AND extras->>'planned_opening_date' BETWEEN :first AND :last"""
    else:
        sql = """
            SELECT count(*), count(*) FILTER (WHERE s.value = 'ouvert')
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
