"""The datasets the public may know of: published ones and announced openings.

Published datasets are those of the feeds (``logic.publication.feed_filters``). Datasets with
the opening status *planifié* are announced even while private (the
inventory is public by deliberation): only their title, description,
producer and planned date leave this module's callers.
"""
from __future__ import annotations

import dataclasses
from typing import Any, Iterator

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole import territory, vocab
from ckanext.metropole.logic import external, publication
from ckanext.metropole.logic.values import as_text

PAGE = 500


def _search(context: dict[str, Any], fq_list: list[str], sort: str,
            include_private: bool = False, limit: int | None = None) -> Iterator[dict[str, Any]]:
    start = 0
    while True:
        rows = PAGE if limit is None else min(PAGE, limit - start)
        if rows <= 0:
            return
        result = tk.get_action("package_search")(dict(context), {
            "q": "*:*", "fq_list": fq_list, "rows": rows, "start": start, "sort": sort,
            "include_private": include_private})
        yield from result["results"]
        start += len(result["results"])
        if not result["results"] or start >= result["count"]:
            return


def published(sort: str = "metadata_created desc",
              limit: int | None = None) -> Iterator[dict[str, Any]]:
    """Published datasets of the portal (harvested ones left out, as in the feeds)."""
    context = {"ignore_auth": True, "user": "", "auth_user_obj": None}
    return _search(context, publication.feed_filters(), sort, limit=limit)


def planned() -> Iterator[dict[str, Any]]:
    """Datasets announced for opening (status *planifié*), public or not."""
    site_user = tk.get_action("get_site_user")({"ignore_auth": True}, {})
    context = {"ignore_auth": True, "user": site_user["name"]}
    filters = [f"+opening_status:{vocab.OPENING_PLANNED}", "-dataset_type:harvest",
               *external.not_harvested_fq()]
    return _search(context, filters, "name asc", include_private=True)


@dataclasses.dataclass(frozen=True)
class Producer:
    name: str
    siren: str
    siret: str


def producers() -> dict[str, Producer]:
    """Producers by INSEE code (communes) or SIREN (the métropole), with their SIRET."""
    current = territory.current()
    sirets: dict[str, str] = {}
    groups = model.Session.query(model.Group).filter_by(is_organization=True, state="active")
    for group in groups:
        extras = group.extras
        for code in (as_text(extras.get("insee_code")), as_text(extras.get("siren"))):
            if code and as_text(extras.get("siret")):
                sirets[code] = as_text(extras.get("siret"))
    out = {}
    for place in (current.metropole, *current.communes):
        out[place.code] = Producer(place.name, place.siren,
                                   sirets.get(place.code) or sirets.get(place.siren, ""))
    return out


def missing_siret() -> list[dict[str, Any]]:
    """Active organizations without a SIRET, with their published datasets' count."""
    from sqlalchemy import func

    counts = dict(model.Session.query(model.Package.owner_org, func.count(model.Package.id))
                  .filter(model.Package.state == "active", model.Package.private.is_(False))
                  .group_by(model.Package.owner_org).all())
    groups = model.Session.query(model.Group).filter_by(
        is_organization=True, state="active").order_by(model.Group.title)
    return [{"name": g.name, "title": g.title, "kind": as_text(g.extras.get("kind")),
             "siren": as_text(g.extras.get("siren")), "public": counts.get(g.id, 0)}
            for g in groups if not as_text(g.extras.get("siret"))]


def producer_of(pkg: dict[str, Any], known: dict[str, Producer]) -> Producer:
    metropole = territory.current().metropole
    return known.get(as_text(pkg.get("producing_commune"))) or known[metropole.code]
