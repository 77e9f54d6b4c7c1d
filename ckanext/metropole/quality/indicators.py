"""The indicators of data.europa.eu's metadata quality assessment (MQA).

One row per indicator of the official methodology
(https://data.europa.eu/mqa/methodology; the points are piveau's,
``piveau-dqv-vocabulary.ttl``, ``pv:trueScore`` of each metric): five
dimensions, 405 points. ``level`` says where MQA looks: on the dataset, or
on its distributions (the portal's resources). README "Metadata quality
score" says how the portal decides each one.
"""
from __future__ import annotations

import dataclasses

DATASET = "dataset"
DISTRIBUTION = "distribution"


@dataclasses.dataclass(frozen=True)
class Indicator:
    id: str
    dimension: str
    points: int
    level: str
    metric: str  # piveau's metric (pv:…)
    label: str  # English msgid, translated where shown


INDICATORS: tuple[Indicator, ...] = (
    Indicator("keywords", "findability", 30, DATASET, "keywordAvailability",
              "Keywords"),
    Indicator("themes", "findability", 30, DATASET, "categoryAvailability",
              "Themes"),
    Indicator("spatial", "findability", 20, DATASET, "spatialAvailability",
              "Spatial coverage"),
    Indicator("temporal", "findability", 20, DATASET, "temporalAvailability",
              "Temporal coverage"),
    Indicator("access_url_status", "accessibility", 50, DISTRIBUTION,
              "accessUrlStatusCode", "Access addresses that answer"),
    Indicator("download_url", "accessibility", 20, DISTRIBUTION,
              "downloadUrlAvailability", "Download addresses"),
    Indicator("download_url_status", "accessibility", 30, DISTRIBUTION,
              "downloadUrlStatusCode", "Download addresses that answer"),
    Indicator("format", "interoperability", 20, DISTRIBUTION, "formatAvailability",
              "Formats"),
    Indicator("media_type", "interoperability", 10, DISTRIBUTION,
              "mediaTypeAvailability", "Media types"),
    Indicator("vocabulary", "interoperability", 10, DISTRIBUTION,
              "formatMediaTypeVocabularyAlignment", "Formats from the EU vocabulary"),
    Indicator("non_proprietary", "interoperability", 20, DISTRIBUTION,
              "formatMediaTypeNonProprietary", "Non-proprietary formats"),
    Indicator("machine_readable", "interoperability", 20, DISTRIBUTION,
              "formatMediaTypeMachineInterpretable", "Machine-readable formats"),
    Indicator("dcat_ap", "interoperability", 30, DATASET, "dcatApCompliance",
              "DCAT-AP compliance"),
    Indicator("licence", "reusability", 20, DISTRIBUTION, "licenceAvailability",
              "Licence"),
    Indicator("known_licence", "reusability", 10, DISTRIBUTION, "knownLicence",
              "Licence from the EU vocabulary"),
    Indicator("access_rights", "reusability", 10, DATASET, "accessRightsAvailability",
              "Access rights"),
    Indicator("access_rights_vocabulary", "reusability", 5, DATASET,
              "accessRightsVocabularyAlignment", "Access rights from the EU vocabulary"),
    Indicator("contact_point", "reusability", 20, DATASET, "contactPointAvailability",
              "Contact point"),
    Indicator("publisher", "reusability", 10, DATASET, "publisherAvailability",
              "Publisher"),
    Indicator("rights", "contextuality", 5, DISTRIBUTION, "rightsAvailability",
              "Rights"),
    Indicator("byte_size", "contextuality", 5, DISTRIBUTION, "byteSizeAvailability",
              "File sizes"),
    Indicator("issued", "contextuality", 5, DISTRIBUTION, "dateIssuedAvailability",
              "Dates of issue"),
    Indicator("modified", "contextuality", 5, DISTRIBUTION, "dateModifiedAvailability",
              "Modification dates"),
)
BY_ID = {i.id: i for i in INDICATORS}
DIMENSIONS = ("findability", "accessibility", "interoperability", "reusability",
              "contextuality")
MAXIMUM = sum(i.points for i in INDICATORS)  # 405

# Ratings, as piveau computes them (ConceptSchemes.kt, PiveauScoring): the
# methodology's page puts "sufficient" from 121, the code from 120.
EXCELLENT, GOOD, SUFFICIENT, BAD = "excellent", "good", "sufficient", "bad"
RATINGS = ((351, EXCELLENT), (221, GOOD), (120, SUFFICIENT), (0, BAD))

# EU file types data.europa.eu counts as machine-readable and as
# non-proprietary (its edp-machine-readable-format and
# edp-non-proprietary-format vocabularies).
MACHINE_READABLE = frozenset((
    "CSV", "GEOJSON", "ICS", "JSON", "JSON_LD", "KML", "KMZ", "NETCDF", "ODS", "RDFA",
    "RDF_N_QUADS", "RDF_N_TRIPLES", "RDF_TRIG", "RDF_TURTLE", "RDF_XML", "RSS", "SHP",
    "XLS", "XLSX", "XML"))
NON_PROPRIETARY = frozenset((
    "BMP", "CSV", "DBF", "GEOJSON", "GZIP", "HTML", "ICS", "JPEG2000", "JSON", "JSON_LD",
    "KML", "KMZ", "NETCDF", "ODS", "PNG", "RDF_N_QUADS", "RDF_N_TRIPLES", "RDF_TRIG",
    "RDF_TURTLE", "RDF_XML", "RSS", "RTF", "TAR", "TIFF", "TSV", "TXT", "WMS_SRVC", "XML",
    "ZIP"))


def rating(points: int) -> str:
    for floor, name in RATINGS:
        if points >= floor:
            return name
    return BAD
