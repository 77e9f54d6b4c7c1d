"""Running a harvest job the way the gather and fetch consumers do."""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk
from ckan import model

from ckanext.metropole.harvest import jobs


def run_job(source_id: str) -> dict[str, Any]:
    """Create a job, gather, fetch and import it, then close it; the job report."""
    return jobs.run_now(source_id)


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
