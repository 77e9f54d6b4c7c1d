"""The Comité Métropolitain de la Donnée: its members, its reviews, its avis.

Every dataset of the métropole or one of its communes goes through the
committee before it is published (``state.subject``); harvested datasets of
other producers do not (``logic/external.py``).

States of a review (``model.STATES``)::

    propose -> en_examen -> avis_rendu -> publie | maintenu_ferme | renvoye

``renvoye`` sends the dataset back to its producer: a new proposal starts a
new review, the old one stays as history. A published dataset whose watched
fields change (``state.WATCHED_FIELDS``) gets a new review (``reviews``).

Roles (``model.COLLEGES``, ``model.ROLES``): members seated in one of four
colleges (research, associations, companies, local authorities), one of
them the president (never from local authorities); the secretary (users
named in ``ckanext.metropole.committee.secretaries``, ``settings``); the
producer (editors and admins of the owning organization); sysadmins.

Where each step is checked:

- who may do what: ``auth`` (the matrix is in its docstring);
- what is well formed: ``schema`` (the actions' input), ``reviews.check_text``;
- which transition is allowed, in one transaction: ``reviews``;
- what publication needs (a *publié* decision on what is published):
  ``logic/gate.py`` and ``logic/publication.py``, reading ``state``;
- CKAN's own dataset actions: ``hooks`` (override, re-opening, moves).

Modules: ``model`` (tables and codes), ``settings`` (config accessors),
``state`` (read side), ``members``, ``reviews`` (the state machine),
``queue``, ``labels``, ``schema``, ``actions`` (the API), ``hooks``, ``auth``,
``views``, ``cli``, ``notifications`` and ``signals``, ``report`` (the annual
report), ``demo``. ``logic/`` may import only ``model`` and ``state`` from here.
"""
