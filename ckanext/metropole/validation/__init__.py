"""Validation of resources against the SCDL schema their dataset declares.

- :mod:`engine`: one file against one schema (frictionless, jsonschema);
- :mod:`jobs`: the background checks, on the DataStore load's job queue;
- :mod:`views`: the report on the resource page, to download, to re-run;
- :mod:`update`: ``ckan metropole schemas update`` (schema.data.gouv.fr).

The answer ("is this resource valid against its schema?") is read through
:mod:`ckanext.metropole.logic.conformity` only.
"""
