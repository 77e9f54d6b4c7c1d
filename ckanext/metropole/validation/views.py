"""The validation report of a resource: on its page, to download, to re-run.

- ``/dataset/<id>/resource/<resource_id>/validation.json`` and ``.csv``: the
  full report (every error kept), for whoever may read the resource;
- ``POST /dataset/<id>/resource/<resource_id>/validation``: check again
  (the dataset's editors), e.g. after a failed download.
"""
from __future__ import annotations

import json
from typing import Any

from flask import Blueprint, Response

import ckan.plugins.toolkit as tk

from ckanext.metropole import csv_export
from ckanext.metropole.logic import conformity
from ckanext.metropole.logic.values import as_text
from ckanext.metropole.validation import messages

blueprint = Blueprint("metropole_validation", __name__)
EXAMPLES = 5  # errors shown per kind on the page
FIRST = 10  # errors listed first on the page


def _groups(errors: list[dict[str, Any]]) -> list[dict[str, Any]]:
    groups: dict[str, dict[str, Any]] = {}
    for error in errors:
        group = groups.setdefault(error["kind"], {"kind": error["kind"], "count": 0,
                                                  "label": messages.kind_label(error["kind"]),
                                                  "examples": []})
        group["count"] += 1
        if len(group["examples"]) < EXAMPLES:
            group["examples"].append(error)
    return sorted(groups.values(), key=lambda g: -g["count"])


def summary(res: dict[str, Any], pkg: dict[str, Any]) -> dict[str, Any] | None:
    """What the resource page shows (None: the resource has no schema to follow)."""
    found = conformity.subject(res, pkg)
    if found is None:
        return None
    row = conformity.rows_for([as_text(pkg.get("id"))]).get(as_text(res.get("id")))
    state = conformity.state(res, pkg, row)
    schema = found.schema()
    key = conformity.resource_key(res, found) if conformity.checkable(found) else ""
    report = row.report if row is not None and row.report else None
    errors = list((report or {}).get("errors") or [])
    failed = row is not None and row.attempt_error and row.attempt_key == key
    return {
        "state": state,
        "state_label": messages.state_label(state or ""),
        "schema": schema,
        "schema_label": schema.label if schema else found.schema_id,
        "report": report,
        "report_version": row.schema_version if row is not None and report else "",
        "checked_at": row.checked_at if row is not None and report else None,
        "stale": bool(report) and row is not None and row.resource_key != key,
        "error_count": row.error_count if row is not None and report else 0,
        "truncated": bool((report or {}).get("truncated")),
        "groups": _groups(errors),
        "first": errors[:FIRST],
        "failure": messages.failure_message(row.attempt_error) if row is not None and failed else "",
        "failed_at": row.attempt_at if row is not None and failed else None,
    }


def dataset_badge(pkg: dict[str, Any]) -> dict[str, str] | None:
    """The badge of a dataset: conforms / does not conform to schema X (version)."""
    states = conformity.resource_states(pkg)
    status = conformity.dataset_status(pkg, states)
    if status not in (conformity.CONFORME, conformity.NON_CONFORME):
        return None
    schemas = conformity.valid_schemas(pkg) if status == conformity.CONFORME else {}
    schema = next(iter(schemas.values()), None)
    if schema is None:
        res = next((r for r in pkg.get("resources") or []
                    if states.get(as_text(r.get("id"))) == conformity.INVALID), None)
        found = conformity.subject(res, pkg) if res else None
        schema = found.schema() if found else None
    label = schema.label if schema else ""
    text = tk._("Conforms to the schema {schema}") if status == conformity.CONFORME \
        else tk._("Does not conform to the schema {schema}")
    return {"status": status, "text": text.format(schema=label)}


def _readable(package_id: str, resource_id: str) -> tuple[dict[str, Any], dict[str, Any]]:
    try:
        pkg = tk.get_action("package_show")({}, {"id": package_id})
        res = tk.get_action("resource_show")({}, {"id": resource_id})
    except (tk.ObjectNotFound, tk.NotAuthorized):
        tk.abort(404, tk._("Resource not found"))
    if res.get("package_id") != pkg["id"]:
        tk.abort(404, tk._("Resource not found"))
    return pkg, res


def _report_of(pkg: dict[str, Any], res: dict[str, Any]) -> dict[str, Any]:
    row = conformity.rows_for([pkg["id"]]).get(res["id"])
    if row is None or not row.report:
        tk.abort(404, tk._("This file has no validation report yet."))
    return {"resource_id": res["id"], "dataset": pkg["name"],
            "schema": row.schema_id, "schema_version": row.schema_version,
            "checked_at": row.checked_at.isoformat() if row.checked_at else None,
            "valid": row.status == conformity.VALID, "rows": row.rows_checked,
            "error_count": row.error_count,
            "current": row.resource_key == _current_key(res, pkg),
            **{k: v for k, v in row.report.items()
               if k in ("truncated", "table", "errors")}}


def _current_key(res: dict[str, Any], pkg: dict[str, Any]) -> str:
    found = conformity.subject(res, pkg)
    return conformity.resource_key(res, found) if found else ""


@blueprint.route("/dataset/<id>/resource/<resource_id>/validation.json")
def report_json(id: str, resource_id: str) -> Response:
    pkg, res = _readable(id, resource_id)
    body = json.dumps(_report_of(pkg, res), ensure_ascii=False, indent=1)
    response = Response(body, mimetype="application/json")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="validation-{res["id"]}.json"'
    return response


@blueprint.route("/dataset/<id>/resource/<resource_id>/validation.csv")
def report_csv(id: str, resource_id: str) -> Response:
    pkg, res = _readable(id, resource_id)
    report = _report_of(pkg, res)
    fields = ("kind", "label", "row", "column", "field", "location", "value", "detail")
    rows = [dict(e, label=messages.kind_label(e["kind"])) for e in report["errors"]]
    response = Response(csv_export.csv_text(fields, rows), mimetype="text/csv")
    response.headers["Content-Disposition"] = \
        f'attachment; filename="validation-{res["id"]}.csv"'
    return response


@blueprint.route("/dataset/<id>/resource/<resource_id>/validation", methods=["POST"])
def rerun(id: str, resource_id: str) -> Any:
    from ckan import model

    from ckanext.metropole.validation import jobs

    pkg, res = _readable(id, resource_id)
    try:
        tk.check_access("package_update", {}, {"id": pkg["id"]})
    except tk.NotAuthorized:
        tk.abort(403, tk._("Only the dataset's editors may check its files again."))
    queued = jobs.schedule(pkg["id"], force=True)
    model.Session.commit()
    if res["id"] in queued:
        tk.h.flash_success(tk._("The file will be checked again in a moment."))
    else:
        tk.h.flash_error(tk._("This file has no schema to be checked against."))
    return tk.h.redirect_to("resource.read", id=pkg["name"], resource_id=res["id"])
