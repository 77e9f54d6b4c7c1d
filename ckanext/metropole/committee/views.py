"""Pages of the Comité Métropolitain de la Donnée (blueprint ``metropole_committee``).

Every page calls the actions (which check their own auth functions); forms
post back with CKAN's CSRF token and redirect, with a flash message saying
what happened or, field by field, why nothing was changed.
"""
from __future__ import annotations

import io
import json
from typing import Any

import ckan.plugins.toolkit as tk
from flask import Blueprint, Response, request

from ckanext.metropole import spreadsheet
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import report as report_mod
from ckanext.metropole.committee.model import AVIS, COLLEGES, DECISIONS, STATES
from ckanext.metropole.logic.users import acting_user
from ckanext.metropole.logic.values import error_text

committee = Blueprint("metropole_committee", __name__)

# step of the review page form → (action, fields taken from the form)
STEPS: dict[str, tuple[str, tuple[str, ...]]] = {
    "proposer": ("metropole_review_propose", ("comment",)),
    "ouvrir": ("metropole_review_open", ()),
    "avis-individuel": ("metropole_opinion_record", ("value", "comment")),
    "avis": ("metropole_avis_render", ("avis", "motivation", "version")),
    "decision": ("metropole_decision_record", ("decision", "justification", "version")),
    "derogation": ("metropole_review_override", ("justification",)),
}


def _context() -> dict[str, Any]:
    return {"user": tk.g.user, "auth_user_obj": tk.g.userobj}


def _can(action: str, data: dict[str, Any]) -> bool:
    try:
        tk.check_access(action, _context(), data)
        return True
    except (tk.NotAuthorized, tk.ObjectNotFound):
        return False


def queue() -> str:
    filters = {k: request.args.get(k) for k in ("state", "commune", "criterion")
               if request.args.get(k)}
    late = request.args.get("late") in ("1", "true", "on")
    try:
        result = tk.get_action("metropole_review_list")(
            _context(), dict(filters, late=late, limit=200))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("The review queue is for the committee and its secretary"))
    except tk.ValidationError as e:
        return tk.abort(400, error_text(e, fields=False))
    return tk.render("metropole/committee/queue.html", {
        "result": result, "filters": filters, "late": late, "states": STATES,
        "mine": False})


def mine() -> str:
    if acting_user(_context()) is None:
        return tk.abort(403, tk._("Log in to see your proposals"))
    result = tk.get_action("metropole_review_list")(_context(), {"mine": True, "limit": 200})
    return tk.render("metropole/committee/queue.html", {
        "result": result, "filters": {}, "late": False, "states": STATES, "mine": True})


def dataset(id: str) -> str:
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
        file = tk.get_action("metropole_review_show")(_context(), {"id": id})
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not read this dataset"))
    ref = {"id": pkg["id"]}
    can = {step: _can(action, ref) for step, (action, _fields) in STEPS.items()}
    return tk.render("metropole/committee/dataset.html", {
        "pkg_dict": pkg, "pkg": pkg, "file": file, "can": can, "avis_values": AVIS,
        "decisions": DECISIONS, "dataset_type": pkg.get("type", "dataset"),
        "user_member": committee_members.current_member(acting_user(_context()))})


def dataset_step(id: str, step: str) -> Any:
    if step not in STEPS:
        return tk.abort(404)
    action, fields = STEPS[step]
    data = {"id": id}
    data.update({f: request.form[f] for f in fields if request.form.get(f) is not None})
    try:
        tk.get_action(action)(_context(), data)
        tk.h.flash_success(tk._("Saved."))
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not do this"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as e:
        tk.h.flash_error(tk._("Nothing was changed: {details}").format(
            details=error_text(e, fields=False)))
    return tk.h.redirect_to("metropole_committee.dataset", id=id)


def members() -> Any:
    if not committee_members.can_manage(acting_user(_context())):
        return tk.abort(403, tk._("Only sysadmins and the committee's secretary "
                                  "manage membership"))
    if request.method == "POST":
        form = request.form
        try:
            if form.get("remove"):
                tk.get_action("metropole_committee_member_remove")(
                    _context(), {"user": form["remove"]})
            else:
                data = {k: form[k] for k in ("user", "college", "role", "mandate_start",
                                             "mandate_end") if form.get(k)}
                tk.get_action("metropole_committee_member_add")(_context(), data)
            tk.h.flash_success(tk._("Saved."))
        except tk.ValidationError as e:
            tk.h.flash_error(tk._("Nothing was changed: {details}").format(
                details=error_text(e, fields=False)))
        return tk.h.redirect_to("metropole_committee.members")
    everyone = tk.get_action("metropole_committee_member_list")(
        _context(), {"include_past": True})
    seats = {c: {"label": committee_members.college_label(c),
                 "seats": n, "taken": committee_members.seats_taken(c)}
             for c, n in report_mod.seats().items()}
    return tk.render("metropole/committee/members.html", {
        "current": [m for m in everyone if m["current"]],
        "past": [m for m in everyone if not m["current"]],
        "colleges": COLLEGES, "seats": seats})


def annual_report(year: int, fmt: str = "html") -> Any:
    try:
        data = tk.get_action("metropole_report")(_context(), {"year": year})
    except tk.ValidationError as error:  # a year out of range: 0, 10000…
        return tk.abort(404, tk._("No report for the year {year}: {message}").format(
            year=year, message=" ".join(error.error_dict.get("year") or [])))
    if fmt == "json":
        return Response(json.dumps(data, ensure_ascii=False, indent=2),
                        mimetype="application/json")
    if fmt == "csv":
        out = io.StringIO()
        spreadsheet.Writer(out).writerows(report_mod.rows(data))
        return Response(out.getvalue(), mimetype="text/csv", headers={
            "Content-Disposition": f"attachment; filename=rapport-comite-{year}.csv"})
    return tk.render("metropole/committee/report.html", {"report": data, "year": year})


committee.add_url_rule("/comite/examens", view_func=queue)
committee.add_url_rule("/comite/mes-propositions", view_func=mine)
committee.add_url_rule("/comite/membres", view_func=members, methods=["GET", "POST"])
committee.add_url_rule("/comite/rapport/<int:year>", view_func=annual_report)
committee.add_url_rule("/comite/rapport/<int:year>.csv", view_func=annual_report,
                       defaults={"fmt": "csv"}, endpoint="annual_report_csv")
committee.add_url_rule("/comite/rapport/<int:year>.json", view_func=annual_report,
                       defaults={"fmt": "json"}, endpoint="annual_report_json")
committee.add_url_rule("/dataset/<id>/comite", view_func=dataset)
committee.add_url_rule("/dataset/<id>/comite/<step>", view_func=dataset_step,
                       methods=["POST"])

