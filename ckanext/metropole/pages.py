"""Pages of the portal that are not about datasets: the accessibility declaration."""
from __future__ import annotations

from flask import Blueprint

import ckan.plugins.toolkit as tk

pages = Blueprint("metropole_pages", __name__)


@pages.route("/accessibilite")
def accessibility() -> str:
    """The RGAA accessibility declaration (article 47 of law 2005-102)."""
    return tk.render("metropole/accessibilite.html")
