"""ckanext-harvest's actions and auth functions, guarded (issue 15, bad-input sweep).

ckanext-harvest's actions read their parameters unchecked: an ``id`` that is
an object, a list, a boolean or a number reached SQLAlchemy ("can't adapt
type 'dict'", "operator does not exist: text = numeric"), ``limit`` and
``offset`` went through ``int()``, ``level`` into a PostgreSQL enum, a missing
``source_id`` or ``job_id`` was a KeyError: each a 500. One table of the
parameters they read, by name (:data:`PARAMETERS`), checked by one chained
action around each of them, answers a translated 409 naming the parameter
(``logic/params.py``'s messages). Also:

- ``harvest_abort_failed_jobs`` checks no authorization at all (anyone,
  anonymous included, could abort the running harvest jobs): sysadmins only,
  as its command line runs it;
- its sysadmin-only auth functions look the caller up and fail on an
  anonymous one (``pt.Objectpt.ObjectNotFound``, an AttributeError): CKAN
  2.11's anonymous caller carries flask-login's ``AnonymousUser``, so CKAN's
  own "requires an authenticated user" gate lets it through. Chained, an
  anonymous caller is refused (403) before them.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import authz, model
from ckan.types import Action, AuthResult, ChainedAction, Context, DataDict

from ckanext.metropole.harvest.helpers_as_actions import not_an_action
from ckanext.metropole.logic import params

TEXT = ("id", "source_id", "job_id", "harvest_object_id", "object_id", "package_id",
        "dataset_id", "guid", "status", "organization_id", "attr", "include", "exclude",
        "url", "name", "title", "source_type", "frequency", "owner_org")
BOOLEAN = ("run", "only_current", "only_active", "only_to_run", "return_last_job_status",
           "keep_current", "clean")
INTEGER = ("limit", "offset", "per_page", "life_span", "page")
LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
# parameter name -> its navl validators (params.py's, which name the parameter)
PARAMETERS: dict[str, list[Any]] = {
    **{name: [params.text] for name in TEXT},
    **{name: [params.boolean] for name in BOOLEAN},
    **{name: [params.integer()] for name in INTEGER},
}
# what an action cannot run without
REQUIRED = {"harvest_get_notifications_recipients": ("source_id",),
            "harvest_object_create": ("job_id",),
            "harvest_job_create": ("source_id",)}
# ckanext-harvest's e-mail helpers, registered as actions too (helpers_as_actions.py)
NOT_ACTIONS = ("get_mail_extra_vars", "prepare_summary_mail", "prepare_error_mail",
               "send_summary_email", "send_error_email", "send_mail", "InactiveSource")


def check(name: str, data_dict: dict[str, Any]) -> None:
    """Raise a ValidationError naming each parameter of the wrong type or range."""
    if not isinstance(data_dict, dict):
        return
    errors: dict[str, list[str]] = {}
    for field in REQUIRED.get(name, ()):
        if data_dict.get(field) in (None, ""):
            errors[field] = [tk._('Parameter "{name}": a value is expected').format(name=field)]
    schema = {key: PARAMETERS[key] for key in data_dict if key in PARAMETERS}
    if schema:
        _, found = tk.navl_validate(dict((k, data_dict[k]) for k in schema), schema, {})
        errors.update({k: v for k, v in found.items() if v})
    level = data_dict.get("level")
    if level is not None and (not isinstance(level, str) or level.upper() not in LEVELS):
        errors["level"] = [tk._('Parameter "{name}": one of {choices} is expected, not "{value}"')
                           .format(name="level", choices=", ".join(LEVELS),
                                   value=str(level)[:40])]
    if errors:
        # ErrorDict is an invariant dict of unions: a dict of lists is one
        raise tk.ValidationError(errors)  # pyright: ignore[reportArgumentType]


def _guarded(name: str, original: Action) -> ChainedAction:
    # ``original``, not the chain's next action: what ckanext-harvest
    # registered under ``name`` may be its auth function (see _functions)
    def guarded(_registered: Action, context: Context, data_dict: DataDict) -> Any:
        if name == "harvest_abort_failed_jobs":
            if not authz.is_sysadmin(context.get("user")):
                raise tk.NotAuthorized(tk._("Only sysadmins can abort failed harvest jobs"))
            if isinstance(data_dict, dict) and data_dict.get("life_span") in (None, ""):
                data_dict = dict(data_dict, life_span=7)  # its own default
        check(name, data_dict)
        return original(context, data_dict)
    guarded.__name__ = name
    guarded.__doc__ = original.__doc__
    chained = tk.chained_action(guarded)
    # CKAN's chain keeps only the chained function's attributes: GET allowed
    if getattr(original, "side_effect_free", False):
        chained.side_effect_free = True
    # CKAN exempts every extension's action from its auth audit (``get_action``:
    # "Extensions are exempted from the auth audit for now"), the attribute set
    # on the function it registers; behind a chain it looks at ours
    chained.auth_audit_exempt = True
    return chained


def _anonymous(context: Context) -> bool:
    user = context.get("user")
    return not user or model.User.get(str(user)) is None


def _logged_in(name: str, original: Any) -> Any:
    @tk.chained_auth_function
    @tk.auth_allow_anonymous_access  # checked here: CKAN's gate lets AnonymousUser through
    def auth(_registered: Any, context: Context, data_dict: DataDict | None) -> AuthResult:
        if _anonymous(context):
            return {"success": False,
                    "msg": tk._("Action {0} requires an authenticated user").format(name)}
        return original(context, data_dict)
    auth.__name__ = name
    return auth


def _functions(kind: str) -> dict[str, Any]:
    """ckanext-harvest's actions or auth functions, read from its modules.

    Its plugin's ``get_actions`` and ``get_auth_functions`` fill one shared
    dict (a mutable default argument of ``_get_logic_functions``): what CKAN
    registers under a name then depends on which it asked first, an auth
    function as the action (``harvest_sources_clear`` answered anonymous
    callers with a 500) or a helper as an action (``auth_allow_anonymous_access``).
    Read with a dict of our own, each name gets its own function back.
    """
    from ckanext.harvest.plugin import _get_logic_functions

    return dict(_get_logic_functions(f"ckanext.harvest.logic.{kind}", {}))


def _harvest() -> Any:
    return next((plugin for plugin in p.PluginImplementations(p.IActions)
                 if plugin.name == "harvest"), None)


def actions() -> dict[str, ChainedAction]:
    """Every name ckanext-harvest registers as an action: its real action,
    guarded, or a 404 for what is none (its auth functions and helpers)."""
    plugin = _harvest()
    if plugin is None:
        return {}
    # the names CKAN registers from ckanext-harvest in this same pass (a chain
    # needs its action registered): the shared dict as it is now
    registered = set(plugin.get_actions()) - set(NOT_ACTIONS)
    real = _functions("action")
    return {name: _guarded(name, real[name]) if name in real else not_an_action(name)
            for name in registered}


def auth_functions() -> dict[str, Any]:
    """ckanext-harvest's own auth function for each of its auth names; those
    that are not open to anonymous callers refuse them first."""
    plugin = next((plugin for plugin in p.PluginImplementations(p.IAuthFunctions)
                   if plugin.name == "harvest"), None)
    if plugin is None:
        return {}
    registered = set(plugin.get_auth_functions())
    return {name: (_logged_in(name, function)
                   if not getattr(function, "auth_allow_anonymous_access", False)
                   else _own(function))
            for name, function in _functions("auth").items()
            if name in registered and name.startswith("harvest")}


def _own(function: Any) -> Any:
    """``function`` in place of whatever the shared dict registered."""
    @tk.chained_auth_function
    @tk.auth_allow_anonymous_access
    def auth(_registered: Any, context: Context, data_dict: DataDict | None) -> AuthResult:
        return function(context, data_dict)
    auth.__name__ = function.__name__
    return auth
