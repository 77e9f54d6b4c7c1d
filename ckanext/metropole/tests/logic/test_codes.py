"""The portal's codes live once: opening statuses, harvest markers."""
from __future__ import annotations

import os

import yaml

from ckanext.metropole import vocab
from ckanext.metropole.logic import external

SCHEMA = os.path.join(os.path.dirname(__file__), "..", "..", "..", "..", "schemas", "dataset.yaml")


def test_opening_statuses_are_the_schema_choices():
    with open(SCHEMA, encoding="utf-8") as f:
        schema = yaml.safe_load(f)
    field = next(f for f in schema["dataset_fields"] if f["field_name"] == "opening_status")
    assert tuple(c["value"] for c in field["choices"]) == vocab.OPENING_STATUSES
    assert field["default"] == vocab.OPENING_INVENTORIED


def test_harvested_by_either_marker_at_the_top_or_in_the_extras():
    assert external.is_harvested({external.MARKER: "insee-dcat"})
    assert external.is_harvested({"extras": [{"key": external.MARKER, "value": "insee-dcat"}]})
    # ckanext-harvest's id: what any of its harvesters leaves on a dataset
    assert external.is_harvested({"harvest_source_id": "6a1f"})
    assert external.is_harvested({"extras": [{"key": "harvest_source_id", "value": "6a1f"}]})


def test_not_harvested_without_a_marker_or_with_an_empty_one():
    assert not external.is_harvested({})
    assert not external.is_harvested({external.MARKER: "", "harvest_source_id": None})
    assert not external.is_harvested({"extras": [{"key": "harvest_source_id", "value": ""}]})


def test_search_filters_leave_out_every_marker():
    assert external.not_harvested_fq() == [f"-{key}:*" for key in external.MARKERS]
    assert set(external.MARKERS) == {"metropole_harvest_source", "harvest_source_id"}


def test_ckan_harvest_id_alone_does_not_exempt_from_the_gate():
    """Any editor can type a ``harvest_source_id`` extra: only the portal's
    marker, which only sysadmins may set, makes a dataset external."""
    pkg = {"extras": [{"key": "harvest_source_id", "value": "6a1f"}], "owner_org": "x"}
    assert external.is_harvested(pkg)
    assert not external.is_external(pkg)
    assert external.provenance(pkg) == {}


def test_one_text_for_validation_errors():
    import ckan.plugins.toolkit as tk

    from ckanext.metropole.logic.values import error_text

    error = tk.ValidationError({"year": ["Year: between 2000 and 2100", "required"],
                                "state": "Review: already open"})
    assert error_text(error) == ("year: Year: between 2000 and 2100; required"
                                 " — state: Review: already open")
    assert error_text(error, fields=False) == ("Year: between 2000 and 2100; required"
                                               " — Review: already open")
    assert error_text(ValueError("not a date")) == "not a date"
