"""What the templates need to draw the portal: title, logo, colours, footer text."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole import config as metropole_config
from ckanext.metropole import territory


def look() -> dict[str, Any]:
    title = metropole_config.portal_title()
    footer = metropole_config.footer_text() or tk._(
        "{title}, the open data portal of {metropole} and its communes").format(
            title=title, metropole=territory.current().metropole.name)
    return {"title": title, "logo": metropole_config.logo(),
            "primary": metropole_config.colour("primary"),
            "accent": metropole_config.colour("accent"), "footer_text": footer}


def compliance_label() -> str:
    """The RGAA wording of the compliance state (used in the footer and the declaration)."""
    return {"none": tk._("non compliant"), "partial": tk._("partially compliant"),
            "full": tk._("fully compliant")}[metropole_config.accessibility_compliance()]


def accessibility_mention() -> str:
    return tk._("Accessibility: {state}").format(state=compliance_label())


def calendar_url() -> str:
    """The public opening calendar, when the feeds' part of the portal serves it."""
    from flask import current_app

    for rule in current_app.url_map.iter_rules():
        if rule.rule == "/calendrier":
            return tk.h.url_for(rule.endpoint)
    return ""
