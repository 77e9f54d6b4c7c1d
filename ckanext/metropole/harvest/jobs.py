"""Running one harvest job now, in this process, as the gather and fetch
consumers would (the demo's first harvest, the tests, the benchmark)."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model
from ckan.types import Context


def run_now(source_id: str, user: str = "") -> dict[str, Any]:
    """Gather, fetch and import a new job of the source; its report."""
    from ckanext.harvest import queue
    from ckanext.harvest.model import HarvestJob, HarvestObject

    context: Context = {"ignore_auth": True, "user": user}
    job_dict = tk.get_action("harvest_job_create")(
        context.copy(), {"source_id": source_id, "run": False})
    job = HarvestJob.get(job_dict["id"])
    assert job is not None, job_dict  # created above, in this transaction
    job.status = "Running"
    job.save()
    harvester = queue.get_harvester(job.source.type)
    for obj_id in queue.gather_stage(harvester, job) or []:
        queue.fetch_and_import_stages(harvester, HarvestObject.get(obj_id))
    tk.get_action("harvest_jobs_run")(context.copy(), {"source_id": source_id})
    model.Session.remove()
    return tk.get_action("harvest_job_report")(context.copy(), {"id": job_dict["id"]}) | {
        "job": tk.get_action("harvest_job_show")(context.copy(), {"id": job_dict["id"]})}
