"""The ``metropole`` plugin: the open data portal of a métropole and its communes."""
from __future__ import annotations

from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.lib.plugins import DefaultTranslation
from ckan.types import Context

from ckanext.metropole import config as metropole_config
from ckanext.metropole import csrf, facets, inputs, pages, views
from ckanext.metropole.catalogue import views as catalogue_views
from ckanext.metropole.committee import actions as committee_actions
from ckanext.metropole.committee import auth as committee_auth
from ckanext.metropole.committee import hooks as committee_hooks
from ckanext.metropole.committee import notifications
from ckanext.metropole.committee import views as committee_views
from ckanext.metropole.communes import actions as communes_actions
from ckanext.metropole.communes import views as communes_views
from ckanext.metropole.dcat import api as dcat_api
from ckanext.metropole.dcat import views as dcat_views
from ckanext.metropole.harvest import guard as harvest_guard
from ckanext.metropole.harvest import helpers_as_actions
from ckanext.metropole.hvd import actions as hvd_actions
from ckanext.metropole.hvd import views as hvd_views
from ckanext.metropole.logic import (
    action,
    activities,
    conformity,
    data_access,
    publication,
    users,
    visibility,
)
from ckanext.metropole.quality import actions as quality_actions
from ckanext.metropole.validation import jobs as validation_jobs
from ckanext.metropole.validation import views as validation_views


def actions() -> dict[str, Any]:
    """Every part's actions; ckanext-dcat's API and ckanext-activity's actions
    chained only when those plugins run."""
    found = dict(action.actions())
    found.update(committee_actions.actions())
    found.update({"metropole_quality_show": quality_actions.metropole_quality_show,
                  "metropole_quality_summary": quality_actions.metropole_quality_summary})
    found.update((name, getattr(communes_actions, name)) for name in communes_actions.__all__)
    found.update((name, getattr(hvd_actions, name)) for name in hvd_actions.__all__)
    loaded = {plugin.name for plugin in p.PluginImplementations(p.IActions)}
    for plugin, chained in dcat_api.ACTIONS.items():
        if plugin in loaded:
            found.update(chained)
    if "activity" in loaded:
        found.update(activities.actions())
    if "harvest" in loaded:
        found.update(harvest_guard.actions())
        found.update(helpers_as_actions.actions())
    return found


def auth_functions() -> dict[str, Any]:
    """Every part's auth functions; ckanext-activity's when it runs."""
    found = dict(committee_auth.auth_functions())
    found.update(users.auth_functions())
    found.update(communes_actions.auth_functions())
    found.update(hvd_actions.AUTH)
    found.update({"metropole_quality_show": quality_actions.auth_quality_show,
                  "metropole_quality_summary": quality_actions.auth_quality_summary})
    if activities.enabled():
        found.update(activities.auth_functions())
    found.update(harvest_guard.auth_functions())
    return found


@tk.blanket.config_declarations
@tk.blanket.helpers
@tk.blanket.cli
@tk.blanket.validators
@tk.blanket.actions(actions)
@tk.blanket.auth_functions(auth_functions)
class MetropolePlugin(p.SingletonPlugin, DefaultTranslation):
    p.implements(p.IConfigurer)
    p.implements(p.ITranslation)
    p.implements(p.IFacets, inherit=True)
    p.implements(p.IPackageController, inherit=True)
    p.implements(p.IMiddleware, inherit=True)
    p.implements(p.IBlueprint)
    p.implements(p.ISignal)

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")
        tk.add_public_directory(config, "public")
        tk.add_resource("assets", "metropole")
        # Scheming reads its schema list from the config, CKAN its licence
        # list: give them ours unless the site chose others.
        for key, value in metropole_config.scheming_defaults().items():
            if not config.get(key):
                config[key] = value
        metropole_config.set_privacy_defaults(config)
        metropole_config.check_look(config)
        metropole_config.set_dcat_defaults(config)

    # IBlueprint

    def get_blueprint(self) -> list[Any]:
        return [dcat_views.metropole_dcat, catalogue_views.catalogue,
                committee_views.committee, pages.pages, inputs.blueprint,
                validation_views.blueprint, communes_views.blueprint,
                hvd_views.blueprint]

    # ISignal

    def get_signal_subscriptions(self) -> Any:
        return notifications.subscriptions()

    # IMiddleware

    def make_middleware(self, app: Any, config: Any) -> Any:
        dcat_views.take_over(app)
        csrf.register(app)
        return views.register(app)

    # IFacets

    def dataset_facets(self, facets_dict: Any, package_type: str) -> Any:
        return facets.dataset_facets(facets_dict)

    def organization_facets(self, facets_dict: Any, organization_type: str,
                            package_type: Any) -> Any:
        return facets.dataset_facets(facets_dict, with_organization=False)

    # IPackageController

    def before_dataset_index(self, pkg_dict: dict[str, Any]) -> dict[str, Any]:
        activities.follow_dataset(pkg_dict)
        return facets.index_fields(conformity.index_field(
            publication.index_field(visibility.for_index(pkg_dict))))

    def after_dataset_create(self, context: Context,
                             pkg_dict: dict[str, Any]) -> None:
        committee_hooks.after_dataset_saved(context, pkg_dict, created=True)
        validation_jobs.after_dataset_saved(pkg_dict)

    def after_dataset_update(self, context: Context,
                             pkg_dict: dict[str, Any]) -> None:
        committee_hooks.after_dataset_saved(context, pkg_dict)
        validation_jobs.after_dataset_saved(pkg_dict)

    def after_dataset_delete(self, context: Context,
                             pkg_dict: dict[str, Any]) -> None:
        # a deleted dataset leaves the index: no index pass relabels its trail
        activities.follow_dataset(pkg_dict)

    def after_dataset_show(self, context: Context,
                           pkg_dict: dict[str, Any]) -> dict[str, Any]:
        return data_access.for_reader(context, visibility.for_reader(context, pkg_dict))

    def after_dataset_search(self, search_results: dict[str, Any],
                             search_params: dict[str, Any]) -> dict[str, Any]:
        visibility.for_search(search_results.get("results", []))
        return facets.label_facets(search_results)
