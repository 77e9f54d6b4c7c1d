"""Fields only the dataset's editors may read.

The screening note records why a dataset was judged publishable (or not);
it can name people or documents. It leaves the portal only towards those
who may edit the dataset, through ``package_show`` (and what calls it:
pages, forms, ``resource_show``):

- ``package_show`` drops it for readers who may not edit the dataset
  (:func:`for_reader`; trusted code with ``ignore_auth`` keeps it, so that
  ``package_patch`` and the committee's snapshot never lose it);
- search results never carry it, even for editors, whatever ``fl`` asks:
  neither as a field nor inside the stored dataset dicts ``data_dict`` and
  ``validated_data_dict`` (:func:`for_search`). The index keeps it in those
  two (``package_show`` reads its cache from them) but never as an indexed
  field, so ``q``, ``fq`` and the full text never find it (:func:`for_index`);
- the dataset dicts CKAN keeps in its activity stream never hold it
  (``logic/activities.py``);
- feeds, exports and e-mails write chosen fields only, never this one
  (tested).
"""
from __future__ import annotations

import json
from typing import Any

import ckan.plugins.toolkit as tk
from ckan.types import Context

EDITOR_ONLY = ("screening_note",)
# CKAN's search documents: the dataset dicts stored as JSON text
STORED_DICTS = ("data_dict", "validated_data_dict")


def without_editor_only(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``pkg_dict`` without the editor-only fields (at the top, as
    scheming shows them, or among the extras, as CKAN stores them)."""
    out = {k: v for k, v in pkg_dict.items() if k not in EDITOR_ONLY}
    if isinstance(out.get("extras"), list):
        out["extras"] = [e for e in out["extras"]
                         if not (isinstance(e, dict) and e.get("key") in EDITOR_ONLY)]
    return out


def _holds_editor_only(pkg_dict: dict[str, Any]) -> bool:
    return any(f in pkg_dict for f in EDITOR_ONLY) or any(
        isinstance(e, dict) and e.get("key") in EDITOR_ONLY
        for e in pkg_dict.get("extras") or [])


def for_reader(context: Context, pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """``package_show``'s dict, in place (``use_default_schema`` keeps the
    fields among the extras)."""
    if context.get("ignore_auth") or not _holds_editor_only(pkg_dict):
        return pkg_dict
    try:
        tk.check_access("package_update", {"user": context.get("user", ""),
                                           "auth_user_obj": context.get("auth_user_obj")},
                        {"id": pkg_dict.get("id")})
    except (tk.NotAuthorized, tk.ObjectNotFound):
        kept = without_editor_only(pkg_dict)
        pkg_dict.clear()
        pkg_dict.update(kept)
    return pkg_dict


def stored_without_editor_only(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """:func:`without_editor_only`, into the stored dataset dicts it holds:
    CKAN's ``data_dict`` holds the ``validated_data_dict`` as JSON text."""
    out = without_editor_only(pkg_dict)
    for key in STORED_DICTS:
        stored = out.get(key)
        if isinstance(stored, str) and any(f in stored for f in EDITOR_ONLY):
            out[key] = json.dumps(stored_without_editor_only(json.loads(stored)))
    return out


def for_search(results: list[dict[str, Any]]) -> None:
    """Search results (whole datasets or the fields ``fl`` asked for), in place."""
    for pkg in results:
        kept = stored_without_editor_only(pkg)
        pkg.clear()
        pkg.update(kept)


def for_index(pkg_dict: dict[str, Any]) -> dict[str, Any]:
    """A search document whose indexed fields leave out the editor-only ones."""
    for field in EDITOR_ONLY:
        pkg_dict.pop(field, None)
        pkg_dict.pop(f"extras_{field}", None)
    return pkg_dict
