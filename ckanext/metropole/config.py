"""Typed accessors for the ``ckanext.metropole.*`` options.

Every option is declared, with its default, in ``config_declaration.yaml``.
"""
from __future__ import annotations

import os
import re
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


# ---------------------------------------------------------------- look

COLOURS = {"primary": "#8c1d32", "accent": "#1d5a8c"}
_HEX = re.compile(r"#(?:[0-9a-fA-F]{3}){1,2}")


def logo() -> str:
    """Path or URL of the logo in the header (empty: the title alone)."""
    return (tk.config.get("ckanext.metropole.logo") or "").strip()


def colour(name: str) -> str:
    """A colour of the theme (``primary``, ``accent``), always a ``#rgb``/``#rrggbb``."""
    value = (tk.config.get(f"ckanext.metropole.colour.{name}") or "").strip()
    return value if _HEX.fullmatch(value) else COLOURS[name]


def footer_text() -> str:
    return (tk.config.get("ckanext.metropole.footer_text") or "").strip()


def accessibility_contact() -> str:
    return (tk.config.get("ckanext.metropole.accessibility.contact") or "").strip()


def accessibility_audit_date() -> str:
    return (tk.config.get("ckanext.metropole.accessibility.audit_date") or "").strip()


def accessibility_compliance() -> str:
    """``partial`` until an audit says otherwise (``none``, ``partial``, ``full``)."""
    return tk.config.get("ckanext.metropole.accessibility.compliance") or "partial"


MIN_SCORE_OPTION = "ckanext.metropole.quality.min_score_to_propose"


def min_score_to_propose() -> int | None:
    """Points a dataset needs to be proposed to the committee (None: no minimum)."""
    value = str(tk.config.get(MIN_SCORE_OPTION) or "").strip()
    return int(value) if value.isdigit() else None


def check_look(config: Any) -> None:
    """Refuse, at start-up, a colour that is not one (it goes into a style sheet),
    and a minimum quality score that is not a number of points."""
    from ckan.exceptions import CkanConfigurationException

    for name in COLOURS:
        key = f"ckanext.metropole.colour.{name}"
        value = (config.get(key) or "").strip()
        if value and not _HEX.fullmatch(value):
            raise CkanConfigurationException(
                f"{key} = {value!r}: expected a colour such as {COLOURS[name]}")
    minimum = str(config.get(MIN_SCORE_OPTION) or "").strip()
    if minimum and not (minimum.isdigit() and int(minimum) <= 405):
        raise CkanConfigurationException(
            f"{MIN_SCORE_OPTION} = {minimum!r}: expected a number of points from 0 to 405 "
            "(or nothing: no minimum)")
    compliance = config.get("ckanext.metropole.accessibility.compliance") or "partial"
    if compliance not in ("none", "partial", "full"):
        raise CkanConfigurationException(
            f"ckanext.metropole.accessibility.compliance = {compliance!r}: "
            "expected none, partial or full")


def set_privacy_defaults(config: Any) -> None:
    """No request to a third party by default: CKAN's stock avatars come from
    gravatar.com (with a hash of the user's email); the portal uses the local
    placeholder unless the site chose another gravatar style."""
    if (config.get("ckan.gravatar_default") or "identicon") == "identicon":
        config["ckan.gravatar_default"] = "disabled"


def feeds_include_harvested() -> bool:
    return tk.asbool(tk.config.get("ckanext.metropole.feeds.include_harvested"))


def page_cache_ttl() -> int:
    """Seconds a page computed from the search index stays in Redis (0: no cache)."""
    return max(0, tk.asint(tk.config.get("ckanext.metropole.page_cache_ttl") or 0))


def feeds_content_negotiation() -> bool:
    return tk.asbool(tk.config.get("ckanext.metropole.feeds.content_negotiation", True))


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


# ---------------------------------------------------------------- limits

def limits_title_length() -> int:
    """Longest title or other single-line text (characters)."""
    return tk.asint(tk.config.get("ckanext.metropole.limits.title_length"))


def limits_text_length() -> int:
    """Longest description or other text (characters)."""
    return tk.asint(tk.config.get("ckanext.metropole.limits.text_length"))


def limits_url_length() -> int:
    """Longest web address (characters)."""
    return tk.asint(tk.config.get("ckanext.metropole.limits.url_length"))


def limits_tags() -> int:
    """Most keywords on one dataset."""
    return tk.asint(tk.config.get("ckanext.metropole.limits.tags"))
