"""The stock DCAT-AP profile and ours in one pass, for the portal's own feeds.

Chained after ``euro_dcat_ap_3`` (or ``euro_dcat_ap_2``), the
``metropole_dcat_ap`` profile removes what the stock profile wrote from the
fields it writes again the portal's way: themes, frequency, temporal and
spatial coverage, publisher, landing page, the formats, media types, licences
and schemas of the distributions. The portal's feeds hand the stock profile
the dataset without those fields instead, so it neither writes them nor asks
for the owner organization: the graph is the same (the tests compare them),
built without writing triples only to remove them. Any other chain, or the
same profiles called by ckanext-dcat's own code, goes the ordinary way.
"""
from __future__ import annotations

from typing import Any

from rdflib import URIRef

from ckanext.dcat.processors import RDFSerializer
from ckanext.dcat.profiles import EuropeanDCATAP2Profile, EuropeanDCATAP3Profile
from ckanext.dcat.utils import dataset_uri

from ckanext.metropole.dcat.profile import MetropoleDCATAPProfile

STOCK = (EuropeanDCATAP2Profile, EuropeanDCATAP3Profile)
# the dataset's and its resources' fields that metropole_dcat_ap writes again
REWRITTEN = ("theme", "frequency", "temporal_start", "temporal_end", "conforms_to",
             "spatial", "spatial_uri", "spatial_text", "spatial_bbox", "spatial_centroid",
             "url", "organization")
REWRITTEN_RESOURCE = ("format", "mimetype", "conforms_to", "license")


def _lean(pkg: dict[str, Any]) -> dict[str, Any]:
    lean = {k: v for k, v in pkg.items() if k not in REWRITTEN}
    lean["resources"] = [{k: v for k, v in res.items() if k not in REWRITTEN_RESOURCE}
                         for res in pkg.get("resources") or []]
    return lean


def fusable(serializer: RDFSerializer) -> bool:
    """Stock DCAT-AP profiles, then ours: the chains the portal configures."""
    classes = serializer._profiles
    ours = [i for i, cls in enumerate(classes) if issubclass(cls, MetropoleDCATAPProfile)]
    return bool(ours) and all(cls in STOCK for cls in classes[:ours[0]]) and ours[0] > 0


def graph_from_dataset(serializer: RDFSerializer, pkg: dict[str, Any]) -> URIRef:
    """``serializer.graph_from_dataset(pkg)``, the stock profiles given the lean dataset."""
    if not fusable(serializer):
        return serializer.graph_from_dataset(pkg)
    ref = URIRef(dataset_uri(pkg))
    lean = _lean(pkg)
    for cls in serializer._profiles:
        profile = cls(serializer.g, compatibility_mode=serializer.compatibility_mode)
        if isinstance(profile, MetropoleDCATAPProfile):
            profile.lean = True  # nothing to remove before writing
        profile.graph_from_dataset(lean if cls in STOCK else pkg, ref)
    return ref
