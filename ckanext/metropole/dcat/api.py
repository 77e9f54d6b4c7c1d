"""ckanext-dcat's API actions hold what the portal's feeds hold.

``dcat_catalog_show``, ``dcat_catalog_search`` and ``dcat_datasets_list``
(``/dcat.json``) search CKAN with the caller's ``fq``; ``dcat_dataset_show``
renders any dataset the caller may read. Chained here (when the ``dcat`` and
``dcat_json_interface`` plugins run),
they keep to the datasets of the feeds (``feeds.in_feed``): a harvester that
reads the API instead of ``/catalog.ttl`` finds no draft, no dataset under
review and no dataset harvested from a national platform.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckanext.metropole.dcat import feeds


def _restricted(data_dict: dict[str, Any]) -> dict[str, Any]:
    query = " ".join(feeds.feed_filters())
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


dcat_catalog_show = _narrowed("dcat_catalog_show")
dcat_catalog_search = _narrowed("dcat_catalog_search")
dcat_datasets_list = _narrowed("dcat_datasets_list")


@tk.side_effect_free
@tk.chained_action
def dcat_dataset_show(original_action: Any, context: dict[str, Any],
                      data_dict: dict[str, Any]) -> Any:
    tk.check_access("dcat_dataset_show", context, data_dict)
    pkg = tk.get_action("package_show")(dict(context), {"id": data_dict.get("id")})
    if not feeds.in_feed(pkg):
        raise tk.ObjectNotFound(tk._("Dataset not found"))
    return original_action(context, data_dict)


# per ckanext-dcat plugin: the actions it provides
ACTIONS = {
    "dcat": {
        "dcat_catalog_show": dcat_catalog_show,
        "dcat_catalog_search": dcat_catalog_search,
        "dcat_dataset_show": dcat_dataset_show,
    },
    "dcat_json_interface": {"dcat_datasets_list": dcat_datasets_list},
}
