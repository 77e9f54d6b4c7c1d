"""The communes and their data: one row per commune, and the métropole's totals.

What OpenDataFrance's observatory of local open data collects, from what
the portal holds: the legal obligation (population and agents), the open
data partnership, the published and planned datasets (counted by producing
commune: a commune's data published by the métropole count for it), the
SCDL priority datasets published, planned or missing, the share of files
valid against their schema (:mod:`ckanext.metropole.logic.conformity`, the
same fact as the feeds and the gate), the mean metadata quality score when
a scorer is registered, and the date of the last publication.

:func:`figures` is the entry point of the committee's annual report.
"""
from __future__ import annotations

import dataclasses
import datetime
from typing import Any, Callable, Iterable, Iterator

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.metropole import compat, territory, vocab
from ckanext.metropole.communes import obligations
from ckanext.metropole.logic import conformity, external, publication
from ckanext.metropole.logic.values import as_text

PAGE = 1000
ORG_FIELDS = ("kind", "insee_code", "population", "population_year", "agents_fte",
              "partnership_status", "partnership_cohort", "data_contact_name",
              "data_contact_email")


@dataclasses.dataclass(frozen=True)
class Priority:
    key: str
    schemas: tuple[str, ...]

    @property
    def label(self) -> str:
        return {
            "catalogue": tk._("Data catalogue"),
            "deliberations": tk._("Council deliberations"),
            "subventions": tk._("Grants"),
            "marches_publics": tk._("Public procurement (essential data)"),
            "equipements": tk._("Public facilities"),
            "budget": tk._("Budget"),
            "bal": tk._("Base Adresse Locale"),
        }[self.key]


# The SCDL priority datasets of a commune (SCDL and the datasets the law
# names: catalogue, deliberations, grants, procurement, facilities, budget,
# addresses). The catalogue counts as published as soon as the commune
# publishes a dataset: the portal's /catalogue-scdl.csv lists it.
PRIORITIES = (
    Priority("catalogue", ("scdl/catalogue",)),
    Priority("deliberations", ("scdl/deliberations",)),
    Priority("subventions", ("scdl/subventions",)),
    Priority("marches_publics", ("139bercy/format-commande-publique",)),
    Priority("equipements", ("scdl/equipements",)),
    Priority("budget", ("scdl/budget",)),
    Priority("bal", ("etalab/schema-bal",)),
)
PUBLISHED, TO_FIX, PLANNED, MISSING = "publie", "non_conforme", "planifie", "manquant"

# A metadata quality scorer (dataset dict -> score 0-100), registered by the
# quality package when the portal has one; None: the column stays empty.
_quality_score: Callable[[dict[str, Any]], float | None] | None = None


def register_quality_score(scorer: Callable[[dict[str, Any]], float | None] | None) -> None:
    global _quality_score
    _quality_score = scorer


def status_label(code: str) -> str:
    return {PUBLISHED: tk._("Published"), TO_FIX: tk._("Published, not conforming"),
            PLANNED: tk._("Planned"), MISSING: tk._("Missing")}.get(code, code)


def _priority_of(pkg: dict[str, Any]) -> Priority | None:
    schema = as_text(pkg.get("conforms_to"))
    if not schema:
        return None
    for priority in PRIORITIES:
        for schema_id in priority.schemas:
            if schema == schema_id or f"/schemas/{schema_id}/" in schema:
                return priority
    return None


def _search(fq_list: list[str], include_private: bool = False) -> Iterator[dict[str, Any]]:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"ignore_auth": True, "user": site_user["name"]} if include_private else \
        {"ignore_auth": True, "user": "", "auth_user_obj": None}
    start = 0
    while True:
        result = tk.get_action("package_search")(dict(context), {
            "q": "*:*", "fq_list": fq_list, "rows": PAGE, "start": start,
            "sort": "id asc", "include_private": include_private})
        yield from result["results"]
        start += len(result["results"])
        if not result["results"] or start >= result["count"]:
            return


def _commune_fq(codes: Iterable[str] | None) -> list[str]:
    if codes is None:
        return ["+producing_commune:*"]
    quoted = " OR ".join(f'"{c}"' for c in codes)
    return [f"+producing_commune:({quoted})"]


def _organizations() -> dict[str, dict[str, str]]:
    """Active commune organizations by INSEE code, with their fields."""
    group = model.group_table
    columns = [compat.group_extra(k).label(k) for k in ORG_FIELDS]
    query = sa.select(group.c.name, group.c.title, *columns).where(
        group.c.is_organization.is_(True), group.c.state == "active")
    out = {}
    for row in model.Session.execute(query).mappings():
        if as_text(row["kind"]) == "commune" and as_text(row["insee_code"]):
            out[as_text(row["insee_code"])] = {k: as_text(v) for k, v in row.items()}
    return out


def _day(value: Any) -> str:
    return as_text(value)[:10]


def _blank_row(place: territory.Place, org: dict[str, str] | None) -> dict[str, Any]:
    org = org or {}
    population = obligations.number(org.get("population")) \
        if org.get("population") else place.population
    agents = obligations.number(org.get("agents_fte"))
    return {
        "insee": place.code, "commune": place.name, "organization": org.get("name", ""),
        "population": int(population) if population is not None else None,
        "population_year": org.get("population_year") or place.population_year or None,
        "agents_fte": agents,
        "obligation": obligations.obligation(population, agents),
        "partnership_status": org.get("partnership_status", ""),
        "partnership_cohort": org.get("partnership_cohort", ""),
        "data_contact_name": org.get("data_contact_name", ""),
        "data_contact_email": org.get("data_contact_email", ""),
        "published": 0, "published_in_year": 0, "planned": 0,
        "priority": {p.key: MISSING for p in PRIORITIES},
        "resources_checked": 0, "resources_valid": 0, "valid_share": None,
        "quality_mean": None, "_quality": [],
        "last_publication": "",
    }


def _better(old: str, new: str) -> str:
    order = (MISSING, PLANNED, TO_FIX, PUBLISHED)
    return new if order.index(new) > order.index(old) else old


def _count(rows: dict[str, dict[str, Any]], year: int | None) -> None:
    codes = list(rows)
    end = f"{year}-12-31" if year else ""
    published = [p for p in _search(publication.feed_filters() + _commune_fq(codes))
                 if not end or _day(p.get("metadata_created")) <= end]
    states_rows = conformity.rows_for(p["id"] for p in published)
    for pkg in published:
        row = rows.get(as_text(pkg.get("producing_commune")))
        if row is None:
            continue
        created = _day(pkg.get("metadata_created"))
        row["published"] += 1
        if year and created.startswith(str(year)):
            row["published_in_year"] += 1
        row["last_publication"] = max(row["last_publication"], created)
        states = conformity.resource_states(pkg, states_rows)
        checked = [s for s in states.values() if s in (conformity.VALID, conformity.INVALID)]
        row["resources_checked"] += len(checked)
        row["resources_valid"] += checked.count(conformity.VALID)
        priority = _priority_of(pkg)
        if priority is not None:
            conforming = conformity.dataset_status(pkg, states) != conformity.NON_CONFORME
            row["priority"][priority.key] = _better(row["priority"][priority.key],
                                                    PUBLISHED if conforming else TO_FIX)
        if _quality_score is not None:
            score = _quality_score(pkg)
            if score is not None:
                row["_quality"].append(float(score))
    planned_fq = [f"+opening_status:{vocab.OPENING_PLANNED}", "-dataset_type:harvest"] \
        + external.not_harvested_fq() + _commune_fq(codes)
    for pkg in _search(planned_fq, include_private=True):
        row = rows.get(as_text(pkg.get("producing_commune")))
        if row is None:
            continue
        row["planned"] += 1
        priority = _priority_of(pkg)
        if priority is not None:
            row["priority"][priority.key] = _better(row["priority"][priority.key], PLANNED)


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    if row["published"] and row["priority"]["catalogue"] in (MISSING, PLANNED):
        row["priority"]["catalogue"] = PUBLISHED  # listed by /catalogue-scdl.csv
    statuses = list(row["priority"].values())
    row["priority_published"] = statuses.count(PUBLISHED)
    row["priority_to_fix"] = statuses.count(TO_FIX)
    row["priority_planned"] = statuses.count(PLANNED)
    row["priority_missing"] = statuses.count(MISSING)
    row["missing"] = [p.key for p in PRIORITIES if row["priority"][p.key] == MISSING]
    if row["resources_checked"]:
        row["valid_share"] = round(100 * row["resources_valid"] / row["resources_checked"], 1)
    scores = row.pop("_quality")
    row["quality_mean"] = round(sum(scores) / len(scores), 1) if scores else None
    return row


def rows(codes: Iterable[str] | None = None, year: int | None = None) -> list[dict[str, Any]]:
    """One row per commune of the territory (or of ``codes``), by name.

    ``year``: datasets published by the end of that year (``published_in_year``
    during it); the obligation, the partnership and the planned datasets
    are the current ones."""
    current = territory.current()
    wanted = set(codes) if codes is not None else None
    orgs = _organizations()
    out: dict[str, dict[str, Any]] = {}
    for place in current.communes:
        if wanted is None or place.code in wanted:
            out[place.code] = _blank_row(place, orgs.get(place.code))
    if out:
        _count(out, year)
    return sorted((_finish(r) for r in out.values()), key=lambda r: r["commune"])


def commune_row(organization: dict[str, Any]) -> dict[str, Any] | None:
    """The row of one commune (its organization dict), None for other organizations."""
    if as_text(organization.get("kind")) != "commune":
        return None
    code = as_text(organization.get("insee_code"))
    if territory.current().commune(code) is None:
        return None
    found = rows([code])
    return found[0] if found else None


def totals(items: list[dict[str, Any]]) -> dict[str, Any]:
    checked = sum(r["resources_checked"] for r in items)
    valid = sum(r["resources_valid"] for r in items)
    scores = [r["quality_mean"] for r in items if r["quality_mean"] is not None]
    return {
        "communes": len(items),
        "obligated": sum(r["obligation"] == obligations.OBLIGATED for r in items),
        "obligation_unknown": sum(r["obligation"] == obligations.UNKNOWN for r in items),
        "obligated_publishing": sum(r["obligation"] == obligations.OBLIGATED
                                    and r["published"] > 0 for r in items),
        "partners": sum(bool(r["partnership_status"]) and r["partnership_status"]
                        != "non_partenaire" for r in items),
        "publishing": sum(r["published"] > 0 for r in items),
        "published": sum(r["published"] for r in items),
        "published_in_year": sum(r["published_in_year"] for r in items),
        "planned": sum(r["planned"] for r in items),
        "priority_published": sum(r["priority_published"] for r in items),
        "priority_to_fix": sum(r["priority_to_fix"] for r in items),
        "priority_planned": sum(r["priority_planned"] for r in items),
        "priority_missing": sum(r["priority_missing"] for r in items),
        "resources_checked": checked,
        "resources_valid": valid,
        "valid_share": round(100 * valid / checked, 1) if checked else None,
        "quality_mean": round(sum(scores) / len(scores), 1) if scores else None,
        "last_publication": max((r["last_publication"] for r in items), default=""),
    }


def figures(year: int | None = None) -> dict[str, Any]:
    """The communes' figures for the métropole (the committee's annual report).

    ``year``: as of the end of that year (see :func:`rows`); None: today."""
    items = rows(year=year)
    return {"year": year, "date": datetime.date.today().isoformat(),
            "metropole": territory.current().metropole.name,
            "totals": totals(items), "communes": items}


# ---------------------------------------------------------------- flat exports

COLUMNS = (
    "insee", "commune", "population", "population_year", "agents_fte", "obligation",
    "partnership_status", "partnership_cohort", "published", "planned",
    "priority_published", "priority_to_fix", "priority_planned", "priority_missing",
    "missing", "resources_checked", "resources_valid", "valid_share", "quality_mean",
    "last_publication", "data_contact_name", "data_contact_email",
) + tuple(f"priority_{p.key}" for p in PRIORITIES)


def flat(row: dict[str, Any]) -> dict[str, Any]:
    """A row for the CSV export (lists joined, priorities as columns)."""
    out = {k: row.get(k) for k in COLUMNS if not k.startswith("priority_")
           or k in row}
    out["missing"] = ";".join(row["missing"])
    for p in PRIORITIES:
        out[f"priority_{p.key}"] = row["priority"][p.key]
    return {k: ("" if v is None else v) for k, v in out.items()}
