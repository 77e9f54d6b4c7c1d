"""Every form needs its CSRF token, anonymous ones included (issue 15, item 10).

CKAN exempts a request from CSRF protection when the user was "logged in via
the Authorization header", but sets that flag whenever the session holds no
user, before it even looks for a token: every anonymous form (login,
registration, password reset) is exempt, so another site can log a visitor
into an account of its choosing (login CSRF). CKAN 2.12 goes further and
exempts the view for good (``csrf.exempt``), after which the logged-in users'
forms of that view are unprotected too.

This ``before_request``, run after CKAN's, checks the token itself for every
state-changing request that does not carry an API token: forms, anonymous
or not, and the API called with a session cookie. A request with an API
token carries no ambient authority and stays exempt; so does an anonymous
API call (nothing to forge), and a blueprint the site exempted
(``ckan.csrf_protection.ignore_extensions``).
"""
from __future__ import annotations

from typing import Any

from flask import current_app, g, request
from flask_login import current_user

import ckan.plugins.toolkit as tk


def protect() -> None:
    from ckan.config.middleware.flask_app import csrf

    config = current_app.config
    if not config.get("WTF_CSRF_ENABLED") or not config.get("WTF_CSRF_CHECK_DEFAULT"):
        return
    if request.method not in config.get("WTF_CSRF_METHODS", ()) or not request.endpoint:
        return
    if g.get("csrf_valid"):  # CKAN checked it already
        return
    if request.headers.get(tk.config.get("apitoken_header_name") or "Authorization"):
        return
    if request.blueprint == "api" and not current_user.is_authenticated:
        return
    if current_app.blueprints.get(request.blueprint or "") in csrf._exempt_blueprints:
        return
    csrf.protect()


def register(app: Any) -> None:
    if hasattr(app, "before_request"):  # the Flask app
        app.before_request(protect)
