"""Web-side handling of the publication gate.

CKAN's organization bulk view ("Make public") only catches NotAuthorized:
when the gate refuses, the ValidationError would end as a server error.
This handler turns it into a flash message on the page the user came from.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from flask import request


def _details(error: tk.ValidationError) -> str:
    parts = []
    for name, messages in (error.error_dict or {}).items():
        text = "; ".join(str(m) for m in messages) if isinstance(messages, list) \
            else str(messages)
        parts.append(f"{name}: {text}")
    return " — ".join(parts)


def validation_error(error: tk.ValidationError) -> Any:
    """An uncaught ValidationError (the gate in a bulk action): say why, go back."""
    tk.h.flash_error(tk._("Nothing was changed. These datasets cannot be made "
                          "public: {details}").format(details=_details(error)))
    return tk.h.redirect_to(request.referrer or request.path)


def register(app: Any) -> Any:
    if hasattr(app, "register_error_handler"):  # the Flask app
        app.register_error_handler(tk.ValidationError, validation_error)
    return app
