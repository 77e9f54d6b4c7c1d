"""The ``metropole`` plugin: the open data portal of a métropole and its communes."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.metropole import config as metropole_config


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.cli
class MetropolePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        # Scheming reads its schema list from the config: give it ours unless
        # the site chose others.
        for key, value in metropole_config.scheming_defaults().items():
            if not config.get(key):
                config[key] = value
