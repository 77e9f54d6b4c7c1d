"""``ckan metropole territory load``: the territory's organizations.

Organizations are matched by INSEE code (the métropole by SIREN), never by
name: a commune renamed or merged keeps its organization, its URL and its
datasets. A commune that left the territory file (merged into another) is
kept and marked as a former commune; nothing is deleted.
"""
from __future__ import annotations

import dataclasses
import json
import re
import unicodedata

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context

from ckanext.metropole.territory import Place, Territory

# Organization fields the loader owns; anything else (partnership, contact,
# description, logo) is left as the site set it. A SIRET from the file is
# written only where the organization has none.
OWNED_FIELDS = ("title", "kind", "insee_code", "siren", "population",
                "population_year", "bbox", "centroid", "contour")


@dataclasses.dataclass
class Change:
    action: str  # "create", "update", "retire", "unchanged"
    name: str
    title: str
    fields: list[str] = dataclasses.field(default_factory=list)

    def __str__(self) -> str:
        detail = f" ({', '.join(self.fields)})" if self.fields else ""
        return f"{self.action:9} {self.name}: {self.title}{detail}"


def slugify(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-")[:100]


def _wanted(place: Place) -> dict[str, str]:
    return {
        "title": place.name,
        "kind": place.kind,
        "insee_code": place.code if place.kind == "commune" else "",
        "siren": place.siren,
        "population": str(place.population) if place.population is not None else "",
        "population_year": str(place.population_year) if place.population_year else "",
        "bbox": json.dumps(list(place.bbox)),
        "centroid": json.dumps(list(place.centroid)),
        "contour": json.dumps(place.contour) if place.contour else "",
    }


def _existing() -> tuple[dict[str, model.Group], dict[str, model.Group]]:
    """Active organizations by INSEE code and by SIREN."""
    by_insee: dict[str, model.Group] = {}
    by_siren: dict[str, model.Group] = {}
    query = model.Session.query(model.Group).filter(
        model.Group.is_organization.is_(True), model.Group.state == "active")
    for group in query:
        extras = group.extras
        if extras.get("insee_code") and extras.get("kind") != "metropole":
            by_insee[extras["insee_code"]] = group
        elif extras.get("siren"):
            by_siren[extras["siren"]] = group
    return by_insee, by_siren


def _current(group: model.Group) -> dict[str, str]:
    values = {k: str(v) for k, v in group.extras.items()}
    values["title"] = group.title or ""
    return values


def _free_name(base: str, code: str) -> str:
    name = base
    if model.Group.get(name) is not None:
        name = f"{base}-{code.lower()}"
    return name


def _context() -> Context:
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    return {"ignore_auth": True, "user": site_user["name"]}


def _save(group: model.Group | None, name: str, values: dict[str, str]) -> None:
    if group is None:
        tk.get_action("organization_create")(_context(), dict(values, name=name))
    else:
        # a patch keeps the members, the datasets and the fields the site set
        tk.get_action("organization_patch")(_context(), dict(values, id=group.id))


def _metropole_group(territory: Territory,
                     by_siren: dict[str, model.Group]) -> model.Group | None:
    group = by_siren.get(territory.metropole.siren)
    if group is None:
        # an organization named after the territory, made before it had a SIREN
        named = model.Group.get(territory.id)
        if named is not None and named.is_organization and named.state == "active":
            group = named
    return group


def load(territory: Territory, dry_run: bool = False) -> list[Change]:
    """Create or update the organizations of ``territory``; return the changes."""
    by_insee, by_siren = _existing()
    plan: list[tuple[Change, model.Group | None, dict[str, str]]] = []
    places = [territory.metropole, *territory.communes]
    for place in places:
        group = _metropole_group(territory, by_siren) if place.kind == "metropole" \
            else by_insee.get(place.code)
        wanted = _wanted(place)
        if group is None:
            if place.siret:
                wanted["siret"] = place.siret
            base = territory.id if place.kind == "metropole" else slugify(place.name)
            name = _free_name(base, place.code)
            plan.append((Change("create", name, place.name), None, wanted))
            continue
        current = _current(group)
        if place.siret and not current.get("siret"):
            # the file's SIRET where the site gave none (the site's stays)
            wanted["siret"] = place.siret
        changed = [k for k, v in wanted.items() if current.get(k, "") != v]
        action = "update" if changed else "unchanged"
        plan.append((Change(action, group.name, place.name, changed), group, wanted))
    codes = {c.code for c in territory.communes}
    for code, group in sorted(by_insee.items()):
        if code in codes or group.extras.get("kind") != "commune":
            continue
        plan.append((Change("retire", group.name, group.title or "", ["kind"]), group,
                     {"kind": "ancienne_commune"}))
    if not dry_run:
        for change, group, values in plan:
            if change.action in ("create", "update", "retire"):
                _save(group, change.name, values)
    return [change for change, _group, _values in plan]
