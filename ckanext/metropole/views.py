"""Web-side handling of the publication gate and of the data's confidentiality.

CKAN's organization bulk view ("Make public") only catches NotAuthorized:
when the gate refuses, the ValidationError would end as a server error.
This handler turns it into a flash message on the page the user came from.

CKAN's download route hands out a resource's file to whoever may read the
dataset; the portal's rule for data (``logic/data_access.py``) runs first.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.views import resource as resource_views
from flask import request

from ckanext.metropole.logic import data_access


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


def _guarded(download: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(download)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        resource = model.Resource.get(str(kwargs.get("resource_id") or ""))
        if resource is not None and resource.package is not None:
            user = tk.current_user
            message = data_access.refusal({"user": user.name, "auth_user_obj": user},
                                          resource.package)
            if message:
                return tk.abort(403, message)
        return download(*args, **kwargs)
    return guarded


def guard_downloads(app: Any) -> None:
    """Every route served by CKAN's download view (``/dataset/<id>/resource/
    <rid>/download[/<file>]``, under each dataset type) checks the data rule."""
    for endpoint, view in list(app.view_functions.items()):
        # by name: the module object the blueprints took their view from is
        # not always the one imported here (test apps are built repeatedly)
        if (getattr(view, "__module__", None) == resource_views.__name__
                and getattr(view, "__name__", None) == "download"):
            app.view_functions[endpoint] = _guarded(view)


def register(app: Any) -> Any:
    if hasattr(app, "register_error_handler"):  # the Flask app
        app.register_error_handler(tk.ValidationError, validation_error)
        guard_downloads(app)
    return app
