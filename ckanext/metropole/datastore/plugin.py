"""The ``metropole_datastore`` plugin (needs ``datastore`` and ``xloader``).

Enable it with them::

    ckan.plugins = ... metropole datastore xloader datatables_view metropole_datastore
"""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk

from ckanext.xloader.interfaces import IXloader

from ckanext.metropole.datastore import export, guard, helpers, limits, loads, precheck, settings, views


@tk.blanket.config_declarations
class MetropoleDatastorePlugin(p.SingletonPlugin):
    p.implements(p.IConfigurer)
    p.implements(p.IConfigurable)
    p.implements(p.IAuthFunctions)
    p.implements(p.IBlueprint)
    p.implements(p.IActions)
    p.implements(p.ITemplateHelpers)
    p.implements(IXloader, inherit=True)

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # IConfigurable

    def configure(self, config: Any) -> None:
        settings.check_plugins()
        settings.check_limits()
        settings.read_api_token(config)

    # IAuthFunctions

    def get_auth_functions(self) -> dict[str, Any]:
        return guard.auth_functions()

    # IBlueprint

    def get_blueprint(self) -> list[Any]:
        return [views.blueprint, limits.blueprint, export.blueprint]

    # IActions

    def get_actions(self) -> dict[str, Any]:
        found: dict[str, Any] = {"xloader_hook": loads.xloader_hook, **limits.actions()}
        found["datastore_search"] = guard.listing_checked(found["datastore_search"])
        return found

    # ITemplateHelpers

    def get_helpers(self) -> dict[str, Any]:
        return helpers.helpers()

    # IXloader

    def datastore_before_update(self, resource_id: str, existing_fields: Any,
                                new_headers: list[dict[str, Any]]) -> None:
        precheck.before_load(resource_id, new_headers)
