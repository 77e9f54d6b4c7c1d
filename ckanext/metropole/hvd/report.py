"""What ``/hvd``, its CSV and the committee's annual report say about HVDs.

One row per high-value dataset the reader may see (``package_search`` in
the reader's name: anonymous readers see the published ones, editors their
organizations' drafts too), with whether it meets each condition of the
regulation (``logic.hvd``) and what it lacks; :func:`summary` counts them
per category (the regulation's six) and per commune.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.metropole import facets, territory, vocab
from ckanext.metropole.logic import hvd, publication
from ckanext.metropole.logic.context import with_keys
from ckanext.metropole.logic.values import as_text

MAX_ROWS = 1000
COLUMNS = ("dataset", "url", "commune", "categories", "top_categories", "published",
           "licence", "bulk_download", "api", "complete", "missing")


def _commune(pkg: dict[str, Any]) -> tuple[str, str]:
    code = as_text(pkg.get("producing_commune"))
    place = territory.current().place(code) if code else None
    return code, place.name if place else (code or tk._("Unknown"))


def row(pkg: dict[str, Any]) -> dict[str, Any]:
    status = hvd.status(pkg)
    code, commune = _commune(pkg)
    entries = vocab.hvd_categories()
    return {
        "name": pkg["name"], "title": pkg.get("title") or pkg["name"],
        "url": tk.url_for("dataset.read", id=pkg["name"], _external=True),
        "commune_code": code, "commune": commune,
        "categories": status["categories"], "labels": status["labels"],
        "top_categories": status["top_categories"],
        "top_labels": [vocab.label(entries, c) for c in status["top_categories"]],
        "published": publication.is_published(pkg),
        "conditions": status["conditions"], "complete": status["complete"],
        "missing": list(status["missing"].values()),
    }


def rows(context: Context | None = None) -> list[dict[str, Any]]:
    """The HVDs the reader of ``context`` may see, by commune then title."""
    result = tk.get_action("package_search")(with_keys(context), {
        "fq": f"{facets.HVD_FIELD}:*", "rows": MAX_ROWS, "include_private": True,
        "sort": "title_string asc"})
    items = [row(pkg) for pkg in result["results"] if hvd.is_hvd(pkg)]
    return sorted(items, key=lambda r: (r["commune"].casefold(), r["title"].casefold()))


def _counts(items: Iterable[dict[str, Any]]) -> dict[str, int]:
    items = list(items)
    return {"datasets": len(items), "complete": sum(1 for r in items if r["complete"]),
            "published": sum(1 for r in items if r["published"])}


def summary(items: list[dict[str, Any]]) -> dict[str, Any]:
    """Counts per top category and per commune, and in all: how many HVDs,
    how many meet the three conditions, how many are published. A dataset
    of two categories counts in each."""
    entries = vocab.hvd_categories()
    tops = [c for c in entries if not entries[c]["parent"]]
    by_category = [{"code": c, "label": vocab.label(entries, c),
                    **_counts(r for r in items if c in r["top_categories"])} for c in tops]
    communes: dict[str, str] = {r["commune_code"]: r["commune"] for r in items}
    by_commune = [{"code": code, "label": name,
                   **_counts(r for r in items if r["commune_code"] == code)}
                  for code, name in sorted(communes.items(), key=lambda kv: kv[1].casefold())]
    return {"total": _counts(items), "by_category": by_category, "by_commune": by_commune}


def flat(item: dict[str, Any]) -> dict[str, Any]:
    """A row of the CSV (yes/no in the request's language)."""
    def yes(value: bool) -> str:
        return tk._("yes") if value else tk._("no")

    return {"dataset": item["title"], "url": item["url"], "commune": item["commune"],
            "categories": " ; ".join(item["labels"]),
            "top_categories": " ; ".join(item["top_labels"]),
            "published": yes(item["published"]),
            "licence": yes(item["conditions"]["licence"]),
            "bulk_download": yes(item["conditions"]["bulk_download"]),
            "api": yes(item["conditions"]["api"]), "complete": yes(item["complete"]),
            "missing": " ; ".join(item["missing"])}
