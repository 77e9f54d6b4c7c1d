"""Feed pages kept in ``page_cache`` until the search index changes.

A page of ``/catalog.<fmt>`` or of a commune's catalogue builds and
serialises the RDF of up to 100 datasets (1.5 s of CPU at 50,000 datasets).
Its content depends only on the index (the feed is searched as an anonymous
reader, whoever asks: a private dataset is never in it), the request's path
and parameters (page, format, profiles, q, fq, modified_since), the
catalogue's description (a commune's title and place), the language and the
site's configuration — all of which make up the key. Only complete answers
(200) are kept; a bad parameter is answered again each time.
"""
from __future__ import annotations

import functools
from typing import Any, Callable, Optional

from flask import Response, request

from ckanext.dcat.utils import catalog_uri

from ckanext.metropole import page_cache


def cached(view: Callable[..., Response]) -> Callable[..., Response]:
    """Wrap ``_catalog_response(fmt, owner_org, catalog_dict, catalog_ref)``."""

    @functools.wraps(view)
    def wrapper(fmt: str, owner_org: Optional[str], catalog_dict: dict[str, Any],
                catalog_ref: str) -> Response:
        parts = [fmt, owner_org, catalog_dict, catalog_ref, catalog_uri(), request.path,
                 sorted(request.args.items(multi=True))]
        entry = page_cache.key("feed", parts)  # before the page is built
        found = page_cache.get(entry)
        if found is not None:
            return Response(found["body"], mimetype=found["mimetype"])
        response = view(fmt, owner_org, catalog_dict, catalog_ref)
        if response.status_code == 200:
            page_cache.put(entry, {"body": response.get_data(as_text=True),
                                   "mimetype": response.mimetype})
        return response

    return wrapper
