"""Collecting national producers' data about the territory (ckanext-harvest).

``plugin.py``: the ``metropole_dcat_rdf`` harvester; ``fetch.py`` and
``documents.py``: what it downloads and parses, safely;
``territory_filter.py``: which datasets it keeps; ``harvester.py``: flag,
provenance and counts; ``sources.py``: ``ckan metropole harvest-sources sync``
from ``sources.yaml``.
"""
