"""The publication policy: what may be published, by whom, and what shows.

``gate`` (the conditions of publication) and ``publication`` (is a dataset
published; the feed filter), ``validators`` and ``fields`` (the dataset and
organization schemas), ``external`` (harvested datasets of other
producers), ``visibility``, ``data_access`` and ``tags`` (what a reader
sees), ``organizations`` (the métropole, its communes), ``activities``,
``users`` (who acts: anonymous is nobody), ``values`` (reading field values),
``params`` (action parameters), ``resource_urls``, ``conformity`` (SCDL schemas),
``action`` (the chained CKAN actions).

Import rule (``tests/test_imports.py``): ``logic/`` may import only
``committee.model`` and ``committee.state`` from the committee, and no other
capability package (``dcat``, ``harvest``, ``search``, ``datastore``,
``catalogue``, ``communes``, ``validation``; ``quality`` for the minimum score, a
cycle left to break); those import ``logic``, never the reverse. ``plugin.py``
gathers every part's actions.
"""
