"""What the DCAT feeds contain, and how a feed page is requested.

Only *published* datasets (``logic.publication.in_feed``) go into any feed; the
datasets harvested from national platforms stay out unless
``ckanext.metropole.feeds.include_harvested`` is on, so that data.gouv.fr
never harvests back what it published. Parameters are checked before any
query runs: a bad one is a :class:`FeedError` (HTTP 400) naming it.
"""
from __future__ import annotations

import datetime
import math
from importlib.metadata import entry_points
from typing import Any, Optional
from urllib.parse import urlencode

import ckan.plugins.toolkit as tk
from ckan.lib.search.common import SearchError
from dateutil.parser import ParserError
from dateutil.parser import isoparse

from ckanext.metropole import config as metropole_config
from ckanext.metropole.logic import publication

MAX_PAGE = 100_000
MAX_QUERY_LENGTH = 1000
FORWARDED_PARAMS = ("modified_since", "q", "fq", "profiles")
MAX_PROFILES = 5


class FeedError(ValueError):
    """A request parameter the feed cannot honour (answered with a 400)."""


def per_page() -> int:
    return metropole_config.feed_page_size()


# ---------------------------------------------------------------- parameters

def page_param(raw: Optional[str]) -> int:
    if raw is None or raw == "":
        return 1
    text = raw.strip()
    if not text.isdigit() or len(text) > 9 or int(text) < 1:
        raise FeedError(tk._('Parameter "page": a whole number from 1 is expected, '
                             'not "{value}"').format(value=raw[:40]))
    page = int(text)
    if page > MAX_PAGE:
        raise FeedError(tk._('Parameter "page": {value} is beyond the last page')
                        .format(value=page))
    return page


def modified_since_param(raw: Optional[str]) -> Optional[str]:
    if not raw:
        return None
    try:
        value = isoparse(raw.strip())
    except (ValueError, ParserError, OverflowError):
        raise FeedError(tk._('Parameter "modified_since": an ISO 8601 date is expected '
                             '(e.g. 2024-01-31 or 2024-01-31T12:00:00Z), not "{value}"')
                        .format(value=raw[:40]))
    if value.tzinfo is not None:
        try:
            value = value.astimezone(datetime.timezone.utc).replace(tzinfo=None)
        except OverflowError:  # 0001-01-01T00:00:00+14:00 is before year 1 in UTC
            raise FeedError(tk._('Parameter "modified_since": "{value}" is out of range')
                            .format(value=raw[:40]))
    return value.isoformat() + "Z"


def query_param(name: str, raw: Optional[str]) -> Optional[str]:
    if raw is None or not raw.strip():
        return None
    if len(raw) > MAX_QUERY_LENGTH:
        raise FeedError(tk._('Parameter "{name}": at most {limit} characters')
                        .format(name=name, limit=MAX_QUERY_LENGTH))
    if "{!" in raw or "\x00" in raw:
        raise FeedError(tk._('Parameter "{name}": local parameters are not allowed')
                        .format(name=name))
    return raw


def profiles_param(raw: Optional[str]) -> Optional[list[str]]:
    """The RDF profiles asked for with ``?profiles=`` (as ckanext-dcat reads it).

    Comma-separated names of ``ckan.rdf.profiles`` entry points; a stock
    DCAT-AP profile alone is followed by ours, as in the configuration, so
    ``?profiles=euro_dcat_ap_2`` is the portal's feed the DCAT-AP 2.1.1 way
    (what a CKAN without this extension harvests: see ``read.geometry_literals``).
    """
    if raw is None or not raw.strip():
        return None
    names = [n for n in raw.replace(" ", ",").split(",") if n]
    known = {ep.name for ep in entry_points(group="ckan.rdf.profiles")}
    unknown = [n for n in names if n not in known]
    if not names or len(names) > MAX_PROFILES or unknown:
        raise FeedError(tk._('Parameter "profiles": comma-separated RDF profiles among '
                             '{known} are expected, not "{value}"').format(
                                 known=", ".join(sorted(known)), value=raw[:80]))
    return metropole_config.DCAT_PROFILES.get(" ".join(names), " ".join(names)).split()


def read_params(args: Any) -> dict[str, Any]:
    """Checked feed parameters from the query string."""
    return {
        "page": page_param(args.get("page")),
        "modified_since": modified_since_param(args.get("modified_since")),
        "q": query_param("q", args.get("q")),
        "fq": query_param("fq", args.get("fq")),
        "profiles": profiles_param(args.get("profiles")),
    }


# ---------------------------------------------------------------- search

def search(params: dict[str, Any], owner_org: Optional[str] = None,
           rows: Optional[int] = None) -> dict[str, Any]:
    """One page of the feed: ``package_search`` as an anonymous reader."""
    rows = per_page() if rows is None else rows
    fq_list = publication.feed_filters()
    if owner_org:
        fq_list.append(f'+owner_org:"{owner_org}"')
    if params.get("modified_since"):
        fq_list.append("metadata_modified:[{} TO NOW]".format(params["modified_since"]))
    data_dict = {
        "q": params.get("q") or "*:*",
        "fq": params.get("fq") or "",
        "fq_list": fq_list,
        "rows": rows,
        "start": rows * (params["page"] - 1),
        "sort": "metadata_modified desc",
        "include_private": False,
        "include_drafts": False,
    }
    # The feed is the same for everyone: an anonymous context, whoever asks.
    context = {"ignore_auth": True, "user": "", "auth_user_obj": None}
    try:
        result = tk.get_action("package_search")(context, data_dict)
    except SearchError as e:
        raise FeedError(tk._("Parameters q/fq: the search could not be run ({error})")
                        .format(error=str(e)[:200]))
    except tk.ValidationError as e:
        raise FeedError(tk._("Parameters q/fq: {error}").format(error=e.error_summary))
    last = max(1, math.ceil(result["count"] / rows)) if rows else 1
    if params["page"] > last:
        raise FeedError(tk._('Parameter "page": {value} is beyond the last page ({last})')
                        .format(value=params["page"], last=last))
    result["last_page"] = last
    return result


def pagination(base_url: str, args: Any, page: int, result: dict[str, Any]) -> dict[str, Any]:
    """Page links of one feed page (keys as ckanext-dcat's pagination_info)."""
    kept = [(k, args.get(k)) for k in FORWARDED_PARAMS if args.get(k)]

    def url(n: int) -> str:
        return "{}?{}".format(base_url, urlencode(kept + [("page", n)]))

    info = {"count": result["count"], "items_per_page": per_page(),
            "current": url(page), "first": url(1), "last": url(result["last_page"])}
    if page > 1:
        info["previous"] = url(page - 1)
    if page < result["last_page"]:
        info["next"] = url(page + 1)
    return info


def last_modified(params: dict[str, Any], owner_org: Optional[str],
                  result: dict[str, Any]) -> Optional[str]:
    """Most recent change among the feed's datasets (the catalog's dct:modified)."""
    if params["page"] != 1:
        result = search(dict(params, page=1), owner_org, rows=1)
    if not result["results"]:
        return None
    return result["results"][0]["metadata_modified"]
