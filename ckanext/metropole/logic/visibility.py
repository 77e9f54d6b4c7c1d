"""Fields only the dataset's editors may read.

The screening note records why a dataset was judged publishable (or not);
it can name people or documents, so the API hides it from readers who may
not edit the dataset, and search results never carry it.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

EDITOR_ONLY = ("screening_note",)


def for_reader(context: dict[str, Any], pkg_dict: dict[str, Any]) -> dict[str, Any]:
    if not any(f in pkg_dict for f in EDITOR_ONLY) or context.get("ignore_auth"):
        return pkg_dict
    try:
        tk.check_access("package_update", {"user": context.get("user")},
                        {"id": pkg_dict.get("id")})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        for field in EDITOR_ONLY:
            pkg_dict.pop(field, None)
    return pkg_dict


def for_search(results: list[dict[str, Any]]) -> None:
    for pkg in results:
        for field in EDITOR_ONLY:
            pkg.pop(field, None)
