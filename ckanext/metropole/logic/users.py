"""Who is acting: a portal user, or nobody.

CKAN 2.11+ gives actions flask-login's ``AnonymousUser`` as ``auth_user_obj``
for a request without credentials: an object (so "a user object" is no proof
of a login) whose id and name are ``""`` (so an empty id is no "no filter").
Every check of the portal asks :func:`acting_user`, which answers None for
anonymous in every shape (None, ``""``, ``AnonymousUser``, an unknown name).
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

# context key of the user looked up once per action (name, user)
_CACHE = "metropole_user"


def user_object(user: Any) -> model.User | None:
    """The user named by ``user`` (a name, an id or a User); None for anonymous."""
    if isinstance(user, model.User):
        return user if user.id else None
    if not isinstance(user, str) or not user.strip():
        return None  # None, "", AnonymousUser and anything else that is no name
    return model.User.get(user)


def acting_user(context: dict[str, Any]) -> model.User | None:
    """The user an action runs for; None when the request is anonymous."""
    obj = context.get("auth_user_obj")
    if isinstance(obj, model.User) and obj.id:
        return obj
    # with ignore_auth CKAN looks nobody up; the override and the hooks
    # after the save would each ask again
    name = context.get("user")
    cached = context.get(_CACHE)
    if cached is not None and cached[0] == name:
        return cached[1]
    user = user_object(name)
    context[_CACHE] = (name, user)
    return user


@tk.chained_auth_function
@tk.auth_allow_anonymous_access
def package_collaborator_list(next_auth: Any, context: dict[str, Any],
                              data_dict: dict[str, Any]) -> dict[str, Any]:
    """Nobody's collaborators for anonymous (CKAN's function asserts a user:
    flask-login's anonymous object passes CKAN's login gate, then it failed
    with a server error)."""
    if acting_user(context) is None:
        return {"success": False, "msg": tk._("Log in first")}
    return next_auth(context, data_dict)


def auth_functions() -> dict[str, Any]:
    """Auth functions chained so that anonymous is nobody (``plugin.py`` registers them)."""
    return {"package_collaborator_list": package_collaborator_list}
