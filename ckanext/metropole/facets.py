"""Search facets of the portal and their labels in the request's language.

Custom fields reach the index as JSON text; :func:`index_fields` turns the
multi-valued ones into lists so each value is counted on its own.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import territory, vocab
from ckanext.metropole.logic import conformity
from ckanext.metropole.logic.values import as_list
from ckanext.metropole.validation import messages as validation_messages

MULTI_VALUED = ("theme", "criteria", "spatial_communes")
# Kept out of the indexed fields (and so out of the full text): coverage
# geometry is JSON numbers, not words (it stays in the stored dataset dict).
# Editor-only fields leave the whole document (logic/visibility.py).
NOT_INDEXED = ("spatial",)
# the facet of high-value datasets: the regulation's (top) categories
HVD_FIELD = "metropole_hvd"


def dataset_facets(facets_dict: Any, with_organization: bool = True) -> Any:
    keep = {k: facets_dict[k] for k in ("organization",) if with_organization
            and k in facets_dict}
    facets_dict.clear()
    facets_dict.update(keep)
    facets_dict["producing_commune"] = tk._("Commune")
    facets_dict["theme"] = tk._("Themes")
    facets_dict[HVD_FIELD] = tk._("High-value datasets")
    facets_dict["license_id"] = tk._("Licences")
    facets_dict["criteria"] = tk._("Priority criteria")
    facets_dict["opening_status"] = tk._("Opening status")
    facets_dict["res_format"] = tk._("Formats")
    facets_dict[conformity.INDEX_FIELD] = tk._("Schema conformity")
    facets_dict["tags"] = tk._("Tags")
    return facets_dict


def index_fields(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    for field in MULTI_VALUED:
        if field in pkg_dict:
            pkg_dict[field] = as_list(pkg_dict[field])
    if "hvd_category" in pkg_dict:
        pkg_dict["hvd_category"] = as_list(pkg_dict["hvd_category"])
        tops = [vocab.hvd_top(c) for c in pkg_dict["hvd_category"]
                if c in vocab.hvd_categories()]
        if tops:
            pkg_dict[HVD_FIELD] = list(dict.fromkeys(tops))
    for field in NOT_INDEXED:
        pkg_dict.pop(field, None)
        pkg_dict.pop(f"extras_{field}", None)
    return pkg_dict


def _schema_label(field_name: str, code: str) -> str:
    """Label of a choice of the dataset schema (no request needed)."""
    schema = tk.h.scheming_get_dataset_schema("dataset") or {}
    for field in schema.get("dataset_fields", []):
        if field["field_name"] == field_name:
            for choice in field.get("choices", []):
                if choice["value"] == code:
                    label = choice["label"]
                    return label.get(vocab.lang(), code) if isinstance(label, dict) else label
    return code


def display_name(field: str, code: str) -> str:
    if field == "producing_commune":
        place = territory.current().place(code)
        return place.name if place else code
    if field == "theme":
        return vocab.label(vocab.themes(), code)
    if field == "license_id":
        return vocab.label(vocab.licences(), code)
    if field == HVD_FIELD:
        return vocab.label(vocab.hvd_categories(), code)
    if field == "res_format":
        return vocab.label(vocab.file_types(), code)
    if field in ("criteria", "opening_status"):
        return _schema_label(field, code)
    if field == conformity.INDEX_FIELD:
        return validation_messages.facet_label(code)
    return code


def _organization_titles(names: list[str]) -> dict[str, str]:
    from ckan import model

    if not names:
        return {}
    rows = model.Session.query(model.Group.name, model.Group.title).filter(
        model.Group.name.in_(names))
    return {name: title or name for name, title in rows}


def label_facets(search_results: dict[str, Any]) -> dict[str, Any]:
    facets = search_results.get("search_facets") or {}
    # organizations by their title, not their slug ("longvic", "insee")
    titles = _organization_titles(
        [i["name"] for i in facets.get("organization", {}).get("items", [])])
    for field, facet in facets.items():
        for item in facet.get("items", []):
            if field == "organization":
                item["display_name"] = titles.get(item["name"], item["name"])
            else:
                item["display_name"] = display_name(field, item["name"])
    return search_results
