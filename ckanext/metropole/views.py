"""Web-side handling of the publication gate and of the data's confidentiality.

CKAN's organization bulk view ("Make public") only catches NotAuthorized:
when the gate refuses, the ValidationError would end as a server error.
This handler turns it into a flash message on the page the user came from.

CKAN's download route hands out a resource's file to whoever may read the
dataset; the portal's rule for data (``logic/data_access.py``) runs first.

CKAN's home view searches every public dataset sorted by recent views, for
the counts, facets and four datasets of CKAN's own home layout; the
portal's home (``templates/home/index.html``) shows none of them but its own
figures (``home.py``): :func:`home_index` renders it without that search
(about 2 s of database time at 50,000 datasets on a loaded machine).
"""
from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from flask import request

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.views import resource as resource_views

from ckanext.metropole import inputs
from ckanext.metropole.logic import data_access
from ckanext.metropole.logic.values import error_text


def validation_error(error: tk.ValidationError) -> Any:
    """An uncaught ValidationError (the gate in a bulk action): say why, go back."""
    tk.h.flash_error(tk._("Nothing was changed. These datasets cannot be made "
                          "public: {details}").format(details=error_text(error)))
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


def home_index() -> str:
    """CKAN's ``home.index`` without the search the portal's home does not show."""
    user = tk.current_user
    if user.is_authenticated and not user.email:  # CKAN's reminder, kept
        url = tk.h.url_for("user.edit")
        msg = tk._('Please <a href="%s">update your profile</a>'
                   ' and add your email address. ') % url + \
            tk._('%s uses your email address'
                 ' if you need to reset your password.') % tk.config.get("ckan.site_title")
        tk.h.flash_notice(msg, allow_html=True)
    return tk.render("home/index.html", extra_vars={"search_facets": {}})


def register(app: Any) -> Any:
    if hasattr(app, "register_error_handler"):  # the Flask app
        app.register_error_handler(tk.ValidationError, validation_error)
        app.register_error_handler(tk.ObjectNotFound, inputs.not_found)
        guard_downloads(app)
        if "home.index" in app.view_functions:
            app.view_functions["home.index"] = home_index
    return app
