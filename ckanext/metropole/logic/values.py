"""Reading field values the way they reach validators and the gate.

Scheming stores multi-valued fields as JSON text, users send lists or comma
separated text, and after validation custom fields sit in ``extras``: these
helpers give one view of all of them. :func:`error_text` writes a
``ValidationError``'s messages as one line (flash messages, pages, commands).
"""
from __future__ import annotations

import json
from typing import Any

from ckan.lib.navl.dictization_functions import missing


def as_list(value: Any) -> list[str]:
    if value is None or value is missing or value == "":
        return []
    if isinstance(value, (list, tuple)):
        return [str(v).strip() for v in value if str(v).strip()]
    text = str(value).strip()
    if text.startswith("["):
        try:
            return as_list(json.loads(text))
        except ValueError:
            pass
    return [v.strip() for v in text.split(",") if v.strip()]


def as_text(value: Any) -> str:
    if value is None or value is missing:
        return ""
    return str(value).strip()


def flat_dataset(data: dict[tuple, Any]) -> dict[str, Any]:
    """A package dict (fields at the top) from flattened validator data."""
    out: dict[str, Any] = {}
    extras: dict[int, dict[str, Any]] = {}
    resources: dict[int, dict[str, Any]] = {}
    for key, value in data.items():
        if len(key) == 1 and key[0] != "__extras":
            out[key[0]] = value
        elif len(key) == 3 and key[0] == "extras":
            extras.setdefault(key[1], {})[key[2]] = value
        elif len(key) == 3 and key[0] == "resources":
            resources.setdefault(key[1], {})[key[2]] = value
    if resources:
        out["resources"] = [resources[i] for i in sorted(resources)]
    for extra in extras.values():
        if extra.get("deleted") or "key" not in extra:
            continue
        out.setdefault(extra["key"], extra.get("value"))
    return out


def set_extra(data: dict[tuple, Any], key: str, value: str) -> None:
    """Set a custom field in flattened data after convert_to_extras ran."""
    indexes = {k[1] for k in data if len(k) == 3 and k[0] == "extras"}
    for i in indexes:
        if data.get(("extras", i, "key")) == key:
            data[("extras", i, "value")] = value
            return
    n = max(indexes, default=-1) + 1
    data[("extras", n, "key")] = key
    data[("extras", n, "value")] = value


def error_text(error: Exception, fields: bool = True) -> str:
    """The messages of a ``ValidationError`` on one line: ``field: message;
    message — field: message``; without ``fields`` the messages alone (they
    name what they are about). Any other error: its text."""
    parts = []
    for name, messages in (getattr(error, "error_dict", None) or {}).items():
        text = "; ".join(str(m) for m in (messages if isinstance(messages, list) else [messages]))
        parts.append(f"{name}: {text}" if fields else text)
    return " — ".join(parts) or str(error)
