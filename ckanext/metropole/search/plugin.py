"""The ``metropole_search`` plugin: CKAN's search index in PostgreSQL."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p

from . import seam


class MetropoleSearchPlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer: CKAN runs update_config before its Solr schema check.
    def update_config(self, config: Any) -> None:
        seam.install()
