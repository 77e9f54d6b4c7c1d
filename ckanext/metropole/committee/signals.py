"""Signals of the committee workflow (CKAN's blinker namespace for extensions).

Senders are dataset ids; keyword arguments: ``review_id``, ``user_id``.
Notifications (``notifications.py``) subscribe through ``ISignal``; other
extensions may subscribe too.
"""
from __future__ import annotations

import ckan.plugins.toolkit as tk

review_proposed = tk.signals.ckanext.signal("metropole:review_proposed")
review_opened = tk.signals.ckanext.signal("metropole:review_opened")
avis_rendered = tk.signals.ckanext.signal("metropole:avis_rendered")
decision_recorded = tk.signals.ckanext.signal("metropole:decision_recorded")
