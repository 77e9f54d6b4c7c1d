"""PostgreSQL full-text search backend for CKAN (the ``metropole_search`` plugin).

See :mod:`ckanext.metropole.search.seam` for how it plugs into CKAN.
"""
