"""Typed accessors for the ``ckanext.metropole.*`` options.

Every option is declared, with its default, in ``config_declaration.yaml``.
"""
from __future__ import annotations

import os
from typing import Any

import ckan.plugins.toolkit as tk

SCHEMA_MODULE = "ckanext.metropole.schemas"
LICENCES_FILE = os.path.join(os.path.dirname(__file__), "data", "licences.json")


def portal_title() -> str:
    return tk.config.get("ckanext.metropole.portal_title")


def territory() -> str:
    return tk.config.get("ckanext.metropole.territory")


def map_tiles_url() -> str:
    return tk.config.get("ckanext.metropole.map_tiles_url") or ""


def map_attribution() -> str:
    return tk.config.get("ckanext.metropole.map_attribution") or ""


def feeds_include_harvested() -> bool:
    return tk.asbool(tk.config.get("ckanext.metropole.feeds.include_harvested"))


def feed_page_size() -> int:
    """Datasets per page of the DCAT feeds (ckanext-dcat's option, 100 by default)."""
    size = tk.asint(tk.config.get("ckanext.dcat.datasets_per_page") or 100)
    return min(max(size, 1), 1000)


# ckanext-dcat's stock profiles, each followed by ours: a site that did not
# add its own profile gets the portal's.
DCAT_PROFILES = {
    "": "euro_dcat_ap_3 metropole_dcat_ap",
    "euro_dcat_ap_3": "euro_dcat_ap_3 metropole_dcat_ap",
    "euro_dcat_ap_2": "euro_dcat_ap_2 metropole_dcat_ap_2",
}


def set_dcat_defaults(config: Any) -> None:
    """Use the portal's profile unless the site chose other profiles.

    Not a declared default: ckanext-dcat declares this option itself (CKAN
    refuses a second declaration) and fills in its own default before the
    plugins' update_config run; ckanext-dcat reads it on each request.
    """
    chosen = " ".join((config.get("ckanext.dcat.rdf.profiles") or "").split())
    if chosen in DCAT_PROFILES:
        config["ckanext.dcat.rdf.profiles"] = DCAT_PROFILES[chosen]


def scheming_defaults() -> dict[str, str]:
    """Scheming options pointing at the schemas shipped in ``schemas/``."""
    return {
        "scheming.dataset_schemas": f"{SCHEMA_MODULE}:dataset.yaml",
        "scheming.organization_schemas": f"{SCHEMA_MODULE}:organization.yaml",
        "scheming.presets": (
            "ckanext.scheming:presets.json "
            "ckanext.metropole:presets.yaml"
        ),
        # The licences French public bodies may use (décret 2017-638), plus
        # Licence Ouverte 1.0 for datasets already published under it.
        "licenses_group_url": f"file://{LICENCES_FILE}",
    }


# ---------------------------------------------------------------- committee

def committee_seats() -> dict[str, int]:
    """Seats of each college of the committee."""
    from ckanext.metropole.model import COLLEGES

    return {college: tk.asint(tk.config.get(f"ckanext.metropole.committee.seats.{college}"))
            for college in COLLEGES}


def committee_secretaries() -> list[str]:
    """User names acting as the committee's secretary."""
    return tk.aslist(tk.config.get("ckanext.metropole.committee.secretaries") or "")


def committee_deadline_days() -> int:
    return tk.asint(tk.config.get("ckanext.metropole.committee.deadline_days"))


def committee_comment_max_length() -> int:
    return tk.asint(tk.config.get("ckanext.metropole.committee.comment_max_length"))


def committee_auto_open() -> bool:
    return tk.asbool(tk.config.get("ckanext.metropole.committee.auto_open"))
