"""The ``metropole_dcat_rdf`` harvester: ckanext-dcat's DCAT RDF harvester,
fetching through our safe fetch layer, with the territory filter.

Enable it with ckanext-harvest::

    ckan.plugins = ... metropole metropole_dcat_rdf harvest

(before ``harvest``: its job report template extends ckanext-harvest's)

Harvest sources of type ``metropole_dcat_rdf`` (``ckan metropole
harvest-sources sync`` creates them) go through it; the stock
``dcat_rdf_harvester`` is not needed (and fetches without our limits).
"""
from __future__ import annotations

import logging
from typing import Any

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.dcat.harvesters.rdf import DCATRDFHarvester
from ckanext.dcat.interfaces import IDCATRDFHarvester
from ckanext.harvest.model import HarvestGatherError

from ckanext.metropole import compat
from ckanext.metropole.dcat import read
from ckanext.metropole.harvest import documents, fetch, harvester, labels, settings
from ckanext.metropole.harvest.messages import N_, site_text

NAME = "metropole_dcat_rdf"
log = logging.getLogger(__name__)


@tk.blanket.config_declarations
class MetropoleDCATRDFHarvester(DCATRDFHarvester):
    p.implements(IDCATRDFHarvester, inherit=True)
    p.implements(p.IConfigurer)
    p.implements(p.ITemplateHelpers)

    _runs: dict[str, harvester.Run] = {}

    # IConfigurer

    def update_config(self, config: Any) -> None:
        tk.add_template_directory(config, "templates")

    # ITemplateHelpers

    def get_helpers(self) -> dict[str, Any]:
        return {"metropole_harvest_job_counts": harvester.job_counts,
                "metropole_harvest_job_status": labels.job_status}

    # IHarvester

    def info(self) -> dict[str, str]:
        # shown on the harvest source form (a request: the user's language)
        return {"name": NAME, "title": tk._("DCAT RDF (territory of the métropole)"),
                "description": tk._("DCAT catalogues of national producers, kept to the "
                                    "datasets about the territory, fetched safely")}

    def validate_config(self, source_config: str) -> str:
        source_config = super().validate_config(source_config)
        harvester.validate_config(source_config)
        return source_config

    def gather_stage(self, harvest_job: Any) -> list[str]:
        config = harvester.source_config(harvest_job.source.config)
        source = model.Package.get(harvest_job.source.id)
        run = self._runs[harvest_job.id] = harvester.Run(
            source_name=source.name if source is not None else harvest_job.source.id,
            keep_all=config.get("keep_all") is True,
            allow_empty=config.get("allow_empty") is True,
            rdf_format=config.get("rdf_format"))
        try:
            ids = super().gather_stage(harvest_job)
        except Exception as e:  # rdflib raises more than RDFParserException
            model.Session.rollback()
            # the exception's name only: its text may quote the document
            self._save_gather_error(site_text(N_("Error reading the catalogue: {error}"),
                                              error=type(e).__name__), harvest_job)
            log.exception("Harvest job %s: the gather stage failed", harvest_job.id)
            run.failed, ids = True, []
        finally:
            self._runs.pop(harvest_job.id, None)
        if run.failed or not ids and _has_gather_errors(harvest_job):
            # nothing imported, nothing withdrawn: the datasets stay as they were
            harvester.discard_job_objects(harvest_job)
            return []
        harvester.record_skipped(harvest_job, run.skipped)
        return ids

    def _get_content_and_type(self, url: str, harvest_job: Any, page: int = 1,
                              content_type: str | None = None) -> tuple[Any, Any]:
        run = self._runs[harvest_job.id]
        run.pages += 1
        if run.pages > settings.max_pages():
            run.failed = True
            self._save_gather_error(site_text(
                N_("More than {count} pages: the harvest stopped, nothing was changed"),
                count=settings.max_pages()), harvest_job)
            return None, None
        try:
            page_ = fetch.fetch(url, settings.limits())
            fmt = documents.rdf_format(run.rdf_format, page_.content_type, page_.content)
            text = documents.check(page_.content, fmt)
        except fetch.FetchError as e:
            run.failed = True
            # stored as text and shown as stored by the job report page
            self._save_gather_error(e.in_site_language(), harvest_job)
            return None, None
        run.seen_urls.update((url, page_.url))
        return text, fmt

    def _read_datasets_from_db(self, guid: str) -> list[Any]:
        """Datasets with this guid, active first, then withdrawn ones: a dataset
        the source lists again comes back instead of being created twice
        (ckanext-dcat looks for active ones only on CKAN 2.11, for any on 2.12)."""
        if not compat.extras_in_column():
            query = (model.Session.query(model.Package.id, model.Package.state)
                     .join(model.PackageExtra)
                     .filter(model.PackageExtra.key == "guid",
                             model.PackageExtra.value == guid))
        else:
            query = model.Session.query(model.Package.id, model.Package.state).filter(
                model.Package.extras["guid"] == f'"{guid}"')
        rows = query.filter(model.Package.state.in_(("active", "deleted"))).all()
        return sorted(rows, key=lambda row: row[1] != "active")

    def _get_existing_dataset(self, guid: str) -> dict[str, Any] | None:
        rows = self._read_datasets_from_db(guid)
        if not rows:
            return None
        # a withdrawn dataset is readable by the harvester only
        return tk.get_action("package_show")({"ignore_auth": True}, {"id": rows[0][0]})

    def _mark_datasets_for_deletion(self, guids_in_source: list[str],
                                    harvest_job: Any) -> list[str]:
        run = self._runs.get(harvest_job.id)
        if run is not None and run.failed:
            return []
        return super()._mark_datasets_for_deletion(guids_in_source, harvest_job)

    # IDCATRDFHarvester

    def after_parsing(self, rdf_parser: Any, harvest_job: Any) -> tuple[Any, list[str]]:
        if rdf_parser is None:
            return rdf_parser, []
        # DCAT-AP 3 geometry nodes (another métropole portal's feed) made
        # readable by ckanext-dcat's parser, for the stock dcat_rdf jobs too
        read.geometry_literals(rdf_parser.g)
        run = self._runs.get(harvest_job.id)
        if run is None:
            return rdf_parser, []
        return harvester.filtered(rdf_parser, run)

    def before_create(self, harvest_object: Any, dataset_dict: dict[str, Any],
                      temp_dict: dict[str, Any]) -> None:
        if _ours(harvest_object) and dataset_dict:
            harvester.prepare(dataset_dict, None)

    def before_update(self, harvest_object: Any, dataset_dict: dict[str, Any],
                      temp_dict: dict[str, Any]) -> None:
        if not _ours(harvest_object) or not dataset_dict:
            return
        existing = model.Package.get(dataset_dict["id"])
        stored = {"state": existing.state,
                  "extras": [{"key": k, "value": v} for k, v in existing.extras.items()]} \
            if existing is not None else None
        if existing is not None and existing.state == "deleted":
            dataset_dict["state"] = "active"  # listed again by the source
        if not harvester.prepare(dataset_dict, stored):
            # unchanged at the source: no new revision ("not modified")
            harvest_object.package_id = dataset_dict["id"]
            harvest_object.add()
            dataset_dict.clear()


def _ours(harvest_object: Any) -> bool:
    return harvest_object.source is not None and harvest_object.source.type == NAME


def _has_gather_errors(job: Any) -> bool:
    return model.Session.query(HarvestGatherError).filter_by(harvest_job_id=job.id).count() > 0
