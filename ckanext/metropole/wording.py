"""Words of CKAN's own codes in the page's language.

CKAN and its extensions show some codes as they are stored (activity types,
dataset states): these give them a translated label, falling back to the
code itself for one they do not know.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk


def activity_type(code: str) -> str:
    """"new package" -> "New dataset" (the filter of the activity stream)."""
    labels = {
        "new package": tk._("Dataset created"),
        "changed package": tk._("Dataset updated"),
        "deleted package": tk._("Dataset deleted"),
        "follow dataset": tk._("Dataset followed"),
        "new resource view": tk._("View created"),
        "changed resource view": tk._("View updated"),
        "deleted resource view": tk._("View deleted"),
        "new user": tk._("User created"),
        "changed user": tk._("User updated"),
        "follow user": tk._("User followed"),
        "new group": tk._("Group created"),
        "changed group": tk._("Group updated"),
        "deleted group": tk._("Group deleted"),
        "follow group": tk._("Group followed"),
        "new organization": tk._("Organization created"),
        "changed organization": tk._("Organization updated"),
        "deleted organization": tk._("Organization deleted"),
        "follow organization": tk._("Organization followed"),
    }
    return labels.get(code, code.capitalize())


def dataset_state(code: str) -> str:
    return {"active": tk._("Active"), "draft": tk._("Draft"),
            "deleted": tk._("Deleted")}.get(code, code)


def error_page(code: Any, name: str, content: Any) -> dict[str, str]:
    """The title and text of an error page: Werkzeug's English defaults
    ("Not Found", "The requested URL was not found on the server…") replaced
    by the page's language; a message CKAN or the portal gave is kept."""
    from werkzeug.exceptions import default_exceptions
    from werkzeug.http import HTTP_STATUS_CODES

    names = {400: tk._("Bad request"), 403: tk._("Forbidden"), 404: tk._("Not found"),
             405: tk._("Method not allowed"), 409: tk._("Conflict"),
             413: tk._("Request too large"), 500: tk._("Server error"),
             503: tk._("Service unavailable")}
    texts = {
        400: tk._("The request could not be understood."),
        403: tk._("You are not allowed to see this page."),
        404: tk._("This page does not exist (or no longer exists). Check the address, "
                  "or search the catalogue."),
        405: tk._("This page cannot be used this way."),
        413: tk._("The file or the request is too large."),
        500: tk._("The portal met an error. Please try again later."),
        503: tk._("The portal is not available at the moment. Please try again later."),
    }
    try:
        status = int(code)
    except (TypeError, ValueError):
        return {"name": name, "content": content}
    stock = default_exceptions.get(status)
    text = str(content or "")
    if stock is not None and text.strip() in ("", (stock.description or "").strip()):
        content = texts.get(status, content)
    if name == HTTP_STATUS_CODES.get(status):
        name = names.get(status, name)
    return {"name": name, "content": content}
