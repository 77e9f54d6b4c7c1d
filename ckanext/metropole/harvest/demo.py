"""The demo's harvest source: a fixture catalogue served on 127.0.0.1.

``make demo`` serves ``demo/catalogue.ttl`` on 127.0.0.1 (``scripts/demo.sh``)
and ``ckan metropole demo seed`` calls :func:`seed`: the INSEE organization,
a ``metropole_dcat_rdf`` source pointing at the fixture, and a first
harvest, so that a visitor finds harvested datasets at once. Later jobs
("Reharvest" in /harvest) go through the Redis queues to the gather and fetch
consumers that ``make demo`` starts.
"""
from __future__ import annotations

import ckan.plugins as p
import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.metropole.harvest import harvester, jobs, sources

SOURCE = "demo-insee"
DEFAULT_URL = "http://127.0.0.1:5010/catalogue.ttl"


def enabled() -> bool:
    return p.plugin_loaded("harvest") and p.plugin_loaded(sources.SOURCE_TYPE)


def seed(url: str = DEFAULT_URL) -> str:
    """Create the demo source (once) and harvest it; a line for the console."""
    site = tk.get_action("get_site_user")({"ignore_auth": True}, {})["name"]
    context: Context = {"user": site, "ignore_auth": True}
    _what, org_id = sources._sync_producer(sources.Producer(
        name="insee", title="INSEE",
        description="Institut national de la statistique et des études économiques "
                    "(source de démonstration, servie en local)."))
    try:
        source = tk.get_action("harvest_source_show")(context.copy(), {"id": SOURCE})
    except tk.ObjectNotFound:
        source = tk.get_action("harvest_source_create")(context.copy(), {
            "name": SOURCE, "title": "INSEE — catalogue DCAT (démo)", "url": url,
            "source_type": sources.SOURCE_TYPE, "owner_org": org_id,
            "frequency": "MANUAL", "config": '{"rdf_format": "turtle"}'})
    report = jobs.run_now(source["id"], site)
    stats = report["job"]["stats"]
    counts = harvester.job_counts(report["job"]["id"])
    assert counts is not None  # a metropole_dcat_rdf source, created above
    errors = [e["message"] for e in report["gather_errors"]]
    line = (f"Harvest {SOURCE} ({url}): {counts['kept']} kept, {counts['skipped']} skipped; "
            f"{stats.get('added', 0)} added, {stats.get('updated', 0)} updated, "
            f"{stats.get('not modified', 0)} not modified, {stats.get('deleted', 0)} deleted")
    return line + ("; errors: " + " | ".join(errors) if errors else "")
