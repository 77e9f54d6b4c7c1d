"""What a text, a title or a web address may hold, checked where it is typed.

- **Single-line text** (titles, names, contacts): no control character at
  all (a CR or LF in a title splits an e-mail's subject or a calendar
  event; NUL is refused by PostgreSQL), at most
  ``ckanext.metropole.limits.title_length`` characters (a title is indexed:
  PostgreSQL's btree rows hold at most 2,704 bytes).
- **Text** (descriptions, justifications): line breaks and tabulations, no
  other control character, at most ``ckanext.metropole.limits.text_length``.
- **Web addresses**: absolute ``http``/``https`` IRIs as RFC 3987 (and so RFC
  3986) defines them, matched against the ABNF of the ``rfc3986`` package:
  no space, quote or angle bracket (percent-encode them), a host, a port
  that exists. A feed writes them as they are: rdflib refuses the others.
- **Keywords**: at most ``ckanext.metropole.limits.tags`` per dataset,
  counted before CKAN validates (and stores) each of them.

Every message names the field, in the request's language.
"""
from __future__ import annotations

import re
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan.lib.navl.dictization_functions import missing
from rfc3986 import abnf_regexp, misc

from ckanext.metropole import config as metropole_config
from ckanext.metropole.logic.values import as_list

# every C0 control, DEL, C1's NEL and the Unicode line and paragraph separators
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f\x85\u2028\u2029]")
# the same, but line breaks and tabulations
_TEXT_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

# RFC 3987 components, from rfc3986's ABNF (its parsing API percent-encodes
# what it does not accept instead of refusing it: the raw parts are matched)
_IRI = re.compile(abnf_regexp.URL_PARSING_RE, re.UNICODE | re.DOTALL)
_IPATH = re.compile(abnf_regexp.IPATH_RE, re.UNICODE)
_IQUERY = re.compile(abnf_regexp.IQUERY_RE, re.UNICODE)
_IFRAGMENT = re.compile(abnf_regexp.IFRAGMENT_RE, re.UNICODE)
# characters a URL must carry percent-encoded: named in the message
_UNSAFE = re.compile(r'[\x00-\x20"<>\\^`{|}\x7f-\x9f]')
# a file name CKAN's uploader wrote (munge_filename), in place of a URL
_FILE_NAME = re.compile(r"[A-Za-z0-9_.\-]+")
WEB_SCHEMES = ("http", "https")
# the URL CKAN's ``datastore_create`` gives a resource it creates without one
DATASTORE_ONLY = "_datastore_only_resource"


def _empty(value: Any) -> bool:
    return value is missing or value is None or value == ""


def url_problem(text: str) -> Optional[str]:
    """Why ``text`` is not an absolute ``http``/``https`` IRI (None: it is)."""
    unsafe = _UNSAFE.search(text)
    if unsafe:
        char = unsafe.group()
        shown = {" ": tk._("a space")}.get(char, repr(char) if ord(char) < 0x21 or
                                            ord(char) >= 0x7f else f"« {char} »")
        return tk._("{char} must be percent-encoded (a space is %20)").format(char=shown)
    parts = _IRI.fullmatch(text)
    scheme = (parts.group("scheme") or "").lower() if parts else ""
    if not parts or scheme not in WEB_SCHEMES:
        return tk._("a full address starting with http:// or https:// is expected")
    authority = parts.group("authority")
    sub = misc.ISUBAUTHORITY_MATCHER.fullmatch(authority or "")
    if not authority or sub is None or not sub.group("host"):
        return tk._("the address has no valid host name")
    port = sub.group("port")
    if port and int(port) > 65535:
        return tk._("port {port} does not exist").format(port=port)
    path, query, fragment = parts.group("path"), parts.group("query"), parts.group("fragment")
    if not _IPATH.fullmatch(path or "") \
            or (query is not None and not _IQUERY.fullmatch(query)) \
            or (fragment is not None and not _IFRAGMENT.fullmatch(fragment)):
        return tk._("not a valid address (RFC 3986/3987): check the % escapes "
                    "and the characters used")
    return None


def _label(field: dict[str, Any]) -> str:
    from ckanext.metropole import vocab

    label = field.get("label", field["field_name"])
    if isinstance(label, dict):
        return label.get(vocab.lang()) or label.get("fr") or field["field_name"]
    return str(label)


def line_problem(label: str, value: Any) -> Optional[str]:
    """Single-line text: no control character, not too long."""
    text = str(value)
    if _LINE_BREAKING.search(text):
        return tk._("{field}: line breaks, tabulations and other control characters "
                    "are not allowed").format(field=label)
    limit = metropole_config.limits_title_length()
    if len(text) > limit:
        return tk._("{field}: too long ({length} characters, at most {limit})").format(
            field=label, length=len(text), limit=limit)
    return None


def control_problem(label: str, value: Any) -> Optional[str]:
    """Text on several lines: no control character but line breaks and tabulations."""
    if _TEXT_CONTROL.search(str(value)):
        return tk._("{field}: control characters are not allowed").format(field=label)
    return None


def text_problem(label: str, value: Any) -> Optional[str]:
    """Text on several lines: no control character but line breaks and
    tabulations, not too long."""
    text = str(value)
    problem = control_problem(label, text)
    if problem:
        return problem
    limit = metropole_config.limits_text_length()
    if len(text) > limit:
        return tk._("{field}: too long ({length} characters, at most {limit})").format(
            field=label, length=len(text), limit=limit)
    return None


def web_address_problem(label: str, value: Any, local_file: bool = False) -> Optional[str]:
    """A web address; ``local_file``: CKAN's uploader may have put a file name there."""
    text = str(value).strip()
    limit = metropole_config.limits_url_length()
    if len(text) > limit:
        return tk._("{field}: too long ({length} characters, at most {limit})").format(
            field=label, length=len(text), limit=limit)
    if local_file and _FILE_NAME.fullmatch(text):
        return None
    problem = url_problem(text)
    if problem:
        return tk._("{field}: {problem}").format(field=label, problem=problem)
    return None


# ---------------------------------------------------------------- validators

def _scheming_validator(fn: Any) -> Any:
    from ckanext.scheming.validation import scheming_validator

    return scheming_validator(fn)


@_scheming_validator
def metropole_single_line(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    def validator(value: Any, context: dict[str, Any]) -> Any:
        if not _empty(value):
            problem = line_problem(_label(field), value)
            if problem:
                raise tk.Invalid(problem)
        return value
    return validator


@_scheming_validator
def metropole_text(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    def validator(value: Any, context: dict[str, Any]) -> Any:
        if not _empty(value):
            problem = text_problem(_label(field), value)
            if problem:
                raise tk.Invalid(problem)
        return value
    return validator


@_scheming_validator
def metropole_url(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """A web address; a resource's or a logo's may be the name of an uploaded file."""
    def validator(key: tuple, data: dict, errors: dict, context: dict) -> None:
        value = data.get(key)
        if _empty(value):
            return
        url_type = data.get(key[:-1] + ("url_type",))
        # ``datastore_create`` with a new resource stores this marker until the
        # table exists (then the dump's address): not a web address to check
        local = (field["field_name"] == "image_url" or url_type in ("upload", "datastore")
                 or value == DATASTORE_ONLY)
        problem = web_address_problem(_label(field), value, local_file=local)
        if problem:
            errors[key].append(problem)
        else:
            data[key] = str(value).strip()
    return validator


# ---------------------------------------------------------------- actions

def tags_error(data_dict: dict[str, Any]) -> Optional[dict[str, Any]]:
    """Too many keywords in a ``package_create``/``update`` call (checked first:
    CKAN validates and stores every tag one by one). A ``tag_string`` replaces
    the ``tags`` (CKAN's ``tag_string_convert``): a ``package_patch`` sends the
    stored ``tags`` along with the new ``tag_string``."""
    limit = metropole_config.limits_tags()
    if isinstance(data_dict.get("tag_string"), str):
        field, count = "tag_string", len(as_list(data_dict["tag_string"]))
    else:
        tags = data_dict.get("tags")
        field, count = "tags", len(tags) if isinstance(tags, (list, tuple)) else 0
    if count <= limit:
        return None
    message = tk._("Keywords: too many ({count}, at most {limit})").format(
        count=count, limit=limit)
    # ValidationError expects a tag's errors under "tags" as [{"name": [...]}]
    return {field: [{"name": [message]}] if field == "tags" else [message]}
