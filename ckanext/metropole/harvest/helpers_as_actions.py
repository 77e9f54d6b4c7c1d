"""ckanext-harvest's e-mail helpers, which its plugin registers as API actions.

ckanext-harvest's ``get_actions`` registers every function of its action
modules, the e-mail helpers among them (``send_mail(recipients, subject,
body)``, ``get_mail_extra_vars(context, source_id, status)``...): they are
not actions, take no ``data_dict`` and check no authorization, and any call
through ``/api/3/action/<name>`` failed with a TypeError, a 500 (issue 15,
bad-input sweep). Chained here, the API answers as for an unknown action
(CKAN's own translated message, a 404); ckanext-harvest keeps calling the
module functions directly, untouched.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

HELPERS = ("get_mail_extra_vars", "prepare_summary_mail", "prepare_error_mail",
           "send_summary_email", "send_error_email", "send_mail")


def not_an_action(name: str) -> Any:
    @tk.chained_action
    def refuse(original: Any, context: Any, data_dict: Any) -> Any:
        raise tk.ObjectNotFound(tk._("Action name not known: {0}").format(name))
    refuse.__name__ = name
    refuse.__doc__ = f"Not an action: ckanext-harvest's function ``{name}`` (refused)."
    return refuse


def actions() -> dict[str, Any]:
    return {name: not_an_action(name) for name in HELPERS}
