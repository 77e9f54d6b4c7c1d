"""The home page's figures: what the métropole opened, who publishes, what is planned.

Counts come from the search index in two queries (published datasets with
their commune and theme facets; planned openings). Planned openings may
still be private drafts: only their number is shown. The "published" filter
is not one the pre-aggregated counts cover, so the first query counts every
published dataset (over a second at 50,000 datasets): the counts are kept in
``page_cache`` until the index changes; names and labels are read per request.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import page_cache, territory, vocab
from ckanext.metropole.logic import external, publication



def _search(**params: Any) -> dict[str, Any]:
    return tk.get_action("package_search")({"ignore_auth": True}, dict(rows=0, **params))


def counts() -> dict[str, Any]:
    """The figures' counts, as the index has them now."""
    # the portal's own datasets: harvested ones are the national producers'
    published = _search(fq=" ".join([publication.published_fq(), *external.not_harvested_fq()]),
                        **{"facet.field": ["producing_commune", "theme"], "facet.limit": -1})
    facets = published.get("facets") or {}
    planned = _search(fq=f"+opening_status:{vocab.OPENING_PLANNED}", include_private=True)
    return {
        "opened": published["count"],
        "producing_commune": dict(facets.get("producing_commune") or {}),
        "theme": dict(facets.get("theme") or {}),
        "planned": planned["count"],
    }


def figures() -> dict[str, Any]:
    """Datasets opened, communes publishing, planned openings, entry points."""
    found = page_cache.cached("home-figures", [], counts)
    terr = territory.current()
    communes = []
    for code, count in found["producing_commune"].items():
        commune = terr.commune(code)
        if commune is not None and count:
            communes.append({"code": code, "name": commune.name, "count": count})
    communes.sort(key=lambda c: (-c["count"], c["name"]))
    themes = [{"code": code, "label": vocab.label(vocab.themes(), code), "count": count}
              for code, count in found["theme"].items() if count]
    themes.sort(key=lambda t: (-t["count"], t["label"]))
    return {
        "opened": found["opened"],
        "communes_publishing": len(communes),
        "communes_total": len(terr.communes),
        "planned": found["planned"],
        "communes": communes,
        "themes": themes,
        "metropole": terr.metropole.name,
    }
