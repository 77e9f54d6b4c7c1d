"""Feed endpoints: the site catalog, one catalog per commune, one dataset.

``/catalog.<fmt>`` and ``/dataset/<id>.<fmt>`` are also ckanext-dcat's
routes: :func:`take_over` points ckanext-dcat's endpoints at these views, so
that whatever the order of the plugins only published datasets are served.

Content negotiation: a client whose ``Accept`` header asks for RDF (read by
ckanext-dcat's own parser of the header) gets the feed on ``/dataset/<id>``,
``/`` and ``/catalog``; browsers keep the HTML pages. :func:`negotiate` does
it before CKAN's own views run rather than through ckanext-dcat's
``enable_content_negotiation``, which re-registers CKAN's dataset and home
URLs under its own endpoints (the navigation then loses its current tab).
"""
from __future__ import annotations

import logging
import json
from typing import Any, Optional

import ckan.plugins.toolkit as tk
from ckan import model
from flask import Blueprint, Response, request

from ckanext.dcat.utils import catalog_uri, check_access_header

from ckanext.metropole import config as metropole_config
from ckanext.metropole import vocab
from ckanext.metropole.dcat import cached_feed, feeds, places, serialize
from ckanext.metropole.logic import publication
from ckanext.metropole.logic.values import as_text

metropole_dcat = Blueprint("metropole_dcat", __name__)
log = logging.getLogger(__name__)


def _bad_request(error: feeds.FeedError) -> Response:
    return Response(str(error) + "\n", status=400, mimetype="text/plain")


def _document(body: str, fmt: str) -> Response:
    return Response(body, mimetype=serialize.FORMATS[fmt])


def _check_format(fmt: Optional[str]) -> str:
    if fmt not in serialize.FORMATS:
        tk.abort(404, tk._("Unknown feed format: {format}").format(format=fmt))
    return fmt  # type: ignore[return-value]


@cached_feed.cached  # kept until the index changes
def _catalog_response(fmt: str, owner_org: Optional[str],
                      catalog_dict: dict[str, Any], catalog_ref: str) -> Response:
    try:
        params = feeds.read_params(request.args)
        result = feeds.search(params, owner_org)
        catalog_dict["modified"] = feeds.last_modified(params, owner_org, result)
    except feeds.FeedError as e:
        return _bad_request(e)
    paging = feeds.pagination(catalog_uri().rstrip("/") + request.path, request.args,
                              params["page"], result)
    body = serialize.catalog(result["results"], fmt, catalog_dict=catalog_dict,
                             catalog_ref=catalog_ref, paging=paging,
                             profiles=params["profiles"])
    return _document(body, fmt)


def catalog(_format: Optional[str] = None, **kwargs: Any) -> Any:
    fmt = _format or check_access_header()
    if not fmt:
        from ckan.views.home import index
        return index()
    return _catalog_response(_check_format(fmt), None, {}, catalog_uri())


def commune_catalog(id: str, _format: str) -> Any:
    fmt = _check_format(_format)
    group = model.Group.get(id)
    if group is None or not group.is_organization or group.state != "active":
        tk.abort(404, tk._("Organization not found"))
    place = places.place_from_identifier(as_text(group.extras.get("insee_code"))
                                         or as_text(group.extras.get("siren")))
    page = "{}/organization/{}".format(catalog_uri().rstrip("/"), group.name)
    catalog_dict: dict[str, Any] = {
        "title": tk._("{portal}: data of {name}").format(
            portal=tk.config.get("ckanext.metropole.portal_title"), name=group.title),
        "description": group.description or tk._(
            "Open data published by {name} on the portal").format(name=group.title),
        "homepage": page,
    }
    if place is not None:
        catalog_dict["metropole_publisher"] = place
    return _catalog_response(fmt, group.id, catalog_dict, page + "/catalog")


def dataset(_id: str, _format: Optional[str] = None, **kwargs: Any) -> Any:
    fmt = _format or check_access_header()
    if not fmt:
        from ckan.views.dataset import read
        pkg = model.Package.get(_id)
        return read(pkg.type if pkg else "dataset", _id)
    fmt = _check_format(fmt)
    try:
        profiles = feeds.profiles_param(request.args.get("profiles"))
    except feeds.FeedError as e:
        return _bad_request(e)
    try:
        # as an anonymous reader, whoever asks: feeds are the same for everyone
        pkg = tk.get_action("package_show")({"user": "", "auth_user_obj": None}, {"id": _id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        pkg = None
    if pkg is None or not publication.in_feed(pkg):
        tk.abort(404, tk._("Dataset not found"))
    try:
        body = serialize.dataset(pkg, fmt, profiles=profiles)
    except Exception as error:  # a stored value no feed can hold (dcat/safe.py)
        log.warning("Feed: dataset %s (%s) cannot be rendered: %s", pkg.get("name"),
                    pkg.get("id"), error)
        tk.abort(404, tk._("Dataset not found"))
    return _document(body, fmt)


def negotiated_catalog() -> Any:
    """``/catalog``: the feed for an RDF client, the dataset search for a browser."""
    fmt = check_access_header() if metropole_config.feeds_content_negotiation() else None
    if not fmt:
        return tk.redirect_to("dataset.search")
    return _catalog_response(_check_format(fmt), None, {}, catalog_uri())


# CKAN's endpoints whose URL also serves a feed to an RDF client
NEGOTIATED = ("dataset.read", "home.index")
VARY_ON_ACCEPT = NEGOTIATED + ("metropole_dcat.negotiated_catalog",)


def negotiate() -> Any:
    """``before_request``: the feed instead of CKAN's HTML page when RDF is asked for."""
    if request.endpoint not in NEGOTIATED or request.method not in ("GET", "HEAD") \
            or not metropole_config.feeds_content_negotiation():
        return None
    fmt = check_access_header()
    if not fmt:
        return None
    if request.endpoint == "dataset.read":
        return dataset((request.view_args or {}).get("id", ""), fmt)
    return catalog(fmt)


def vary_on_accept(response: Response) -> Response:
    """``after_request``: caches keep the HTML page and the feed of a URL apart."""
    if request.endpoint in VARY_ON_ACCEPT and metropole_config.feeds_content_negotiation():
        response.vary.add("Accept")
    return response


def licences() -> Response:
    """The portal's licences as a CKAN licence list whose ``url`` is the URI
    the feeds write: a CKAN that harvests us and adds these entries to its
    ``licenses_group_url`` file maps them (ckanext-dcat's parser matches a
    distribution's licence URI against the register's ``url``)."""
    entries = [{"id": code, "title": entry["fr"], "url": entry["uri"], "status": "active",
                "od_conformance": "approved", "osd_conformance": "not reviewed",
                "is_generic": False, "family": "", "maintainer": ""}
               for code, entry in vocab.licences().items()]
    return Response(json.dumps(entries, ensure_ascii=False, indent=1) + "\n",
                    mimetype="application/json")


metropole_dcat.add_url_rule("/catalog", view_func=negotiated_catalog,
                            endpoint="negotiated_catalog")
metropole_dcat.add_url_rule("/catalog.<_format>", view_func=catalog, endpoint="catalog")
metropole_dcat.add_url_rule("/organization/<id>/catalog.<_format>",
                            view_func=commune_catalog, endpoint="commune_catalog")
metropole_dcat.add_url_rule("/dataset/<_id>.<_format>", view_func=dataset,
                            endpoint="dataset")
metropole_dcat.add_url_rule("/licences.json", view_func=licences, endpoint="licences")

# ckanext-dcat's endpoints (routes kept, views replaced by ours)
TAKEN_OVER = {"dcat.read_catalog": catalog, "dcat.read_dataset": dataset,
              "dcat.read_dataset_series": dataset}


def take_over(app: Any) -> None:
    for endpoint, view in TAKEN_OVER.items():
        if endpoint in getattr(app, "view_functions", {}):
            app.view_functions[endpoint] = view
    if hasattr(app, "before_request"):
        app.before_request(negotiate)
        app.after_request(vary_on_accept)
