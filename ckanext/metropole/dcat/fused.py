"""The stock DCAT-AP profile and ours in one pass, for the portal's own feeds.

Chained after ``euro_dcat_ap_3`` (or ``euro_dcat_ap_2``), the
``metropole_dcat_ap`` profile removes what the stock profile wrote from the
fields it writes again the portal's way: themes, frequency, temporal and
spatial coverage, publisher, landing page, language, access rights,
provenance, dates (never in the future), the URLs, formats, media types,
licences, checksums and schemas of the distributions. The portal's feeds
hand the stock profile the dataset without those fields instead, so it
neither writes them nor asks for the owner organization, and ours writes its
properties without looking for anything to remove.
The graph is the same (the tests compare them). Any other chain, or the
same profiles called by ckanext-dcat's own code, goes the ordinary way.
"""
from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from rdflib import URIRef

import ckan.plugins.toolkit as tk

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import EuropeanDCATAP2Profile, EuropeanDCATAP3Profile
from ckanext.dcat.profiles.euro_dcat_ap_base import DISTRIBUTION_LICENSE_FALLBACK_CONFIG
from ckanext.dcat.utils import dataset_uri

from ckanext.metropole.dcat.profile import MetropoleDCATAPProfile

STOCK = (EuropeanDCATAP2Profile, EuropeanDCATAP3Profile)
# the dataset's and its resources' fields that metropole_dcat_ap writes again
# (the stock profiles also read them from the extras, with or without "dcat_")
REWRITTEN = frozenset((
    "theme", "frequency", "temporal_start", "temporal_end", "conforms_to", "spatial",
    "spatial_uri", "spatial_text", "spatial_bbox", "spatial_centroid", "url",
    "organization", "publisher", "publisher_uri", "publisher_name", "language",
    "access_rights", "provenance", "issued", "modified", "metadata_created",
    "metadata_modified", "hvd_category", "applicable_legislation"))
REWRITTEN_RESOURCE = frozenset((
    "format", "mimetype", "conforms_to", "license", "rights", "url", "access_url", "download_url",
    "hash", "issued", "created", "modified", "metadata_modified"))


def _kept(d: dict[str, Any], rewritten: frozenset[str]) -> dict[str, Any]:
    kept = {k: v for k, v in d.items() if k not in rewritten}
    if d.get("extras"):
        kept["extras"] = [e for e in d["extras"]
                          if str(e.get("key", "")).removeprefix("dcat_") not in rewritten]
    return kept


def _lean(pkg: dict[str, Any]) -> dict[str, Any]:
    lean = _kept(pkg, REWRITTEN)
    lean["resources"] = [_kept(res, REWRITTEN_RESOURCE) for res in pkg.get("resources") or []]
    return lean


def fusable(serializer: RDFSerializer) -> bool:
    """Stock DCAT-AP profiles, then ours: the chains the portal configures.

    Not when the stock profiles give each distribution the dataset's licence
    (an option ckanext-dcat reads from the dataset's own licence fields).
    """
    classes = serializer._profiles
    ours = [i for i, cls in enumerate(classes) if issubclass(cls, MetropoleDCATAPProfile)]
    return (bool(ours) and all(cls in STOCK for cls in classes[:ours[0]]) and ours[0] > 0
            and not tk.asbool(tk.config.get(DISTRIBUTION_LICENSE_FALLBACK_CONFIG)))


def graph_from_datasets(serializer: RDFSerializer,
                        pkgs: Iterable[dict[str, Any]]) -> list[URIRef]:
    """``serializer.graph_from_dataset`` of each dataset, the stock profiles
    given the lean dataset; the datasets' references."""
    if not fusable(serializer):
        return [serializer.graph_from_dataset(pkg) for pkg in pkgs]
    refs = []
    for pkg in pkgs:
        ref = URIRef(dataset_uri(pkg))
        lean = _lean(pkg)
        for cls in serializer._profiles:
            profile = cls(serializer.g, compatibility_mode=serializer.compatibility_mode)
            if isinstance(profile, MetropoleDCATAPProfile):
                profile.lean = True  # nothing to remove before writing
            profile.graph_from_dataset(lean if cls in STOCK else pkg, ref)
        refs.append(ref)
    return refs
