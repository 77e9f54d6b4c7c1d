"""Signals of the committee workflow (CKAN's blinker namespace for extensions).

Senders are dataset ids; keyword arguments: ``review_id``, ``user_id``;
``review_reopened`` (an edit of a published dataset changed what the
committee examined: the dataset went private, a new review is open) adds
``fields`` (the watched fields changed) and ``previous_by`` (who proposed
the published version).
Notifications (``notifications.py``) subscribe through ``ISignal``; other
extensions may subscribe too.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

review_proposed = tk.signals.ckanext.signal("metropole:review_proposed")
review_opened = tk.signals.ckanext.signal("metropole:review_opened")
review_reopened = tk.signals.ckanext.signal("metropole:review_reopened")
avis_rendered = tk.signals.ckanext.signal("metropole:avis_rendered")
decision_recorded = tk.signals.ckanext.signal("metropole:decision_recorded")
