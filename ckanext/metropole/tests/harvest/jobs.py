"""Running a harvest job the way the gather and fetch consumers do."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.harvest import queue
from ckanext.harvest.model import HarvestJob, HarvestObject


def run_job(source_id: str) -> dict[str, Any]:
    """Create a job, gather, fetch and import it, then close it; the job report."""
    context = {"ignore_auth": True, "user": ""}
    job_dict = tk.get_action("harvest_job_create")(
        context, {"source_id": source_id, "run": False})
    job = HarvestJob.get(job_dict["id"])
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(job.source.type)
    ids = queue.gather_stage(harvester, job) or []
    for obj_id in ids:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
    tk.get_action("harvest_jobs_run")(context, {"source_id": source_id})
    model.Session.remove()
    return tk.get_action("harvest_job_report")(context, {"id": job_dict["id"]}) | {
        "job": tk.get_action("harvest_job_show")(context, {"id": job_dict["id"]})}


def gather_errors(report: dict[str, Any]) -> list[str]:
    return [e["message"] for e in report["gather_errors"]]


def harvested(state: str = "active") -> dict[str, dict[str, Any]]:
    """Harvested datasets by their identifier at the source."""
    from ckanext.metropole.logic import external

    out = {}
    q = model.Session.query(model.Package).filter(model.Package.type == "dataset")
    for pkg in q:
        if pkg.state == state and pkg.extras.get(external.MARKER):
            out[pkg.extras[external.IDENTIFIER]] = tk.get_action("package_show")(
                {"ignore_auth": True}, {"id": pkg.id})
    return out
