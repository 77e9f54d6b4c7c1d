"""Labels of ckanext-harvest's codes in the page's language (its templates
show them as stored: ``New``, ``Running``, ``Finished``)."""
from __future__ import annotations

import ckan.plugins.toolkit as tk


def job_status(status: str) -> str:
    return {"New": tk._("Waiting"), "Running": tk._("Running"),
            "Finished": tk._("Finished")}.get(status, status)
