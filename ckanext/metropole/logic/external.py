"""Datasets of other producers, harvested from national platforms.

The harvester (``metropole_dcat_rdf``) marks every dataset it imports with
the name of its harvest source in the ``metropole_harvest_source`` field,
next to the provenance fields below. Such a dataset, owned by an
organization that is neither the métropole nor a commune (the sources'
organizations are *producteurs nationaux*), is *external*: not the portal's
own data, so neither the publication gate nor the committee apply to it,
its licence is the source's, and the feeds leave it out
(``ckanext.metropole.feeds.include_harvested``).

Only a sysadmin may set or change the marker (the harvester runs as the site
user): anybody else could otherwise skip the gate with it.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz, model

from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic.values import as_text

MARKER = "metropole_harvest_source"
URL = "metropole_harvest_url"
IDENTIFIER = "metropole_harvest_identifier"
DATE = "metropole_harvest_date"
LICENCE = "metropole_harvest_licence"
HASH = "metropole_harvest_hash"
PROVENANCE = (MARKER, URL, IDENTIFIER, DATE, LICENCE, HASH)
# What a harvester writes on the datasets it brings: our marker, and the id
# ckanext-harvest adds (from its harvest objects) for any of its harvesters.
CKAN_HARVEST_SOURCE = "harvest_source_id"
MARKERS = (MARKER, CKAN_HARVEST_SOURCE)


def field(pkg: dict[str, Any], key: str) -> str:
    """A provenance field, at the top of ``pkg`` or in its extras."""
    if as_text(pkg.get(key)):
        return as_text(pkg.get(key))
    for extra in pkg.get("extras") or []:
        if isinstance(extra, dict) and extra.get("key") == key:
            return as_text(extra.get("value"))
    return ""


def is_harvested(pkg: dict[str, Any]) -> bool:
    """Brought by a harvester (ours or another of ckanext-harvest's): somebody
    else's data, which the feeds, the inventory and the committee leave out.

    A marker at the top of ``pkg`` or in its extras counts; an empty one does not.
    """
    return any(field(pkg, key) for key in MARKERS)


def not_harvested_fq() -> list[str]:
    """Search filters (``fq_list``) leaving out what :func:`is_harvested` answers True for."""
    return [f"-{key}:*" for key in MARKERS]


def is_external(pkg: dict[str, Any]) -> bool:
    """Harvested by the portal, and owned by somebody else than the métropole
    or a commune: the gate does not apply.

    Only the portal's own marker counts here, the one nobody but a sysadmin
    may set (:func:`marker_error`): ckanext-harvest's id can be typed in by
    any editor as an extra, and would otherwise open a way around the gate.
    """
    return bool(field(pkg, MARKER)) and not committee_state.subject(pkg)


def provenance(pkg: dict[str, Any]) -> dict[str, str]:
    """The provenance fields of a dataset the portal harvested (empty dict otherwise)."""
    if not field(pkg, MARKER):
        return {}
    out = {key: field(pkg, key) for key in PROVENANCE}
    source = model.Package.get(out[MARKER])
    out["source_title"] = source.title if source is not None else out[MARKER]
    out["source_url"] = source.url if source is not None else ""
    return out


def marker_error(pkg: dict[str, Any], context: dict[str, Any]) -> str | None:
    """Refuse a marker set or changed by anybody but a sysadmin."""
    value = field(pkg, MARKER)
    package = context.get("package")
    stored = ""
    if package is not None:
        stored = as_text((package.extras or {}).get(MARKER))
    if value == stored or authz.is_sysadmin(context.get("user")):
        return None
    return tk._("Harvest source: set only by the harvester")
