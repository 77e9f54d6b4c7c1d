"""Template helpers of the ``metropole`` plugin (registered by tk.blanket.helpers)."""
from __future__ import annotations

from ckanext.metropole import config as metropole_config


def metropole_portal_title() -> str:
    return metropole_config.portal_title()
