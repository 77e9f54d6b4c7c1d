"""Which searches read the pre-aggregated counts (``facet_counts.scope_of``)."""
from __future__ import annotations

from ckanext.metropole.search import facet_counts, lucene


def _scope(*filters: str) -> facet_counts.Scope | None:
    return facet_counts.scope_of(lucene.parse("*:*"), [lucene.parse(f) for f in filters])


def test_the_listing_of_a_site_with_ckanext_harvest_is_pre_aggregated():
    # the filters of an anonymous /dataset once ckanext-harvest hides its
    # sources: its -dataset_type:harvest used to send every listing to a
    # count of all matching rows (2 s at 50,000 datasets)
    scope = _scope("+capacity:public -dataset_type:harvest +state:active",
                   'site_id:"metropole"', 'permission_labels:"public"')
    assert scope is not None
    assert scope.values["capacity"] == {"public"}
    assert scope.values["dataset_type"] is None
    assert scope.excluded == {"dataset_type": {"harvest"}}
    assert scope.labels == {"public"}
    assert _scope("-dataset_type:(harvest OR fiche)").excluded == {
        "dataset_type": {"harvest", "fiche"}}


def test_exclusions_outside_the_scope_fields_are_counted_live():
    assert _scope("-tags:finances") is None
    assert _scope("-permission_labels:public") is None  # a document has several labels
    assert _scope("-dataset_type:harv*") is None
    assert _scope("+state:active -res_format:CSV") is None
    assert _scope("state:active OR -dataset_type:harvest") is None
