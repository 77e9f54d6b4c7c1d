"""ckanext-dcat's API actions hold what the portal's feeds hold.

``dcat_catalog_show``, ``dcat_catalog_search`` and ``dcat_datasets_list``
(``/dcat.json``) search CKAN with the caller's ``fq``; ``dcat_dataset_show``
renders any dataset the caller may read. Chained here (when the ``dcat`` and
``dcat_json_interface`` plugins run),
they keep to the datasets of the feeds (``logic.publication.in_feed``): a harvester that
reads the API instead of ``/catalog.ttl`` finds no draft, no dataset under
review and no dataset harvested from a national platform. The RDF documents
are rendered as the feeds render theirs (``serialize``, ckanext-dcat's own
search and paging): a dataset that cannot be rendered is left out
(``safe``) rather than failing the whole answer.
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins.toolkit as tk
from ckanext.dcat import logic as dcat_logic

from ckanext.metropole.dcat import feeds, serialize
from ckanext.metropole.logic import params, publication

log = logging.getLogger(__name__)


def _restricted(data_dict: dict[str, Any]) -> dict[str, Any]:
    query = " ".join(publication.feed_filters())
    try:
        asked = feeds.query_param("fq", data_dict.get("fq"))
    except feeds.FeedError as error:
        raise tk.ValidationError({"fq": [str(error)]})
    if asked:
        query = f"{query} +({asked})"
    return dict(data_dict, fq=query)


def _narrowed(name: str) -> Any:
    """A chained ``name`` that searches within the feeds' datasets only."""
    def action(original_action: Any, context: dict[str, Any],
               data_dict: dict[str, Any]) -> Any:
        return original_action(context, _restricted(data_dict))

    action.__name__ = action.__qualname__ = name
    action.__doc__ = f"ckanext-dcat's ``{name}``, within the feeds' datasets."
    return tk.side_effect_free(tk.chained_action(action))


def _catalog(name: str) -> Any:
    """A chained catalog action: ckanext-dcat's search and paging within the
    feeds' datasets, the document rendered as the feeds render a page."""
    def action(original_action: Any, context: dict[str, Any],
               data_dict: dict[str, Any]) -> Any:
        tk.check_access(name, context, data_dict)
        narrowed = _restricted(data_dict)
        query = dcat_logic._search_ckan_datasets(context, narrowed)
        return serialize.catalog(query["results"], narrowed.get("format") or "xml",
                                 catalog_dict={},
                                 paging=dcat_logic._pagination_info(query, narrowed),
                                 profiles=narrowed.get("profiles"))

    action.__name__ = action.__qualname__ = name
    action.__doc__ = f"ckanext-dcat's ``{name}``, within the feeds' datasets."
    return tk.side_effect_free(tk.chained_action(action))


dcat_catalog_show = _catalog("dcat_catalog_show")
dcat_catalog_search = _catalog("dcat_catalog_search")
dcat_datasets_list = _narrowed("dcat_datasets_list")


@tk.side_effect_free
@tk.chained_action
def dcat_dataset_show(original_action: Any, context: dict[str, Any],
                      data_dict: dict[str, Any]) -> Any:
    tk.check_access("dcat_dataset_show", context, data_dict)
    params.require_text(data_dict, "id")
    pkg = tk.get_action("package_show")(dict(context), {"id": data_dict.get("id")})
    if not publication.in_feed(pkg):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    try:
        return serialize.dataset(pkg, data_dict.get("format") or "xml",
                                 profiles=data_dict.get("profiles"))
    except Exception as error:  # a stored value no feed can hold (dcat/safe.py)
        log.warning("Feed: dataset %s (%s) cannot be rendered: %s", pkg.get("name"),
                    pkg.get("id"), error)
        raise tk.ObjectNotFound(tk._("Dataset not found"))


# per ckanext-dcat plugin: the actions it provides
ACTIONS = {
    "dcat": {
        "dcat_catalog_show": dcat_catalog_show,
        "dcat_catalog_search": dcat_catalog_search,
        "dcat_dataset_show": dcat_dataset_show,
    },
    "dcat_json_interface": {"dcat_datasets_list": dcat_datasets_list},
}
