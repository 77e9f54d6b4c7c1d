"""Pages of the Comité Métropolitain de la Donnée (blueprint ``metropole_committee``).

Every page calls the actions (which check their own auth functions); forms
post back with CKAN's CSRF token and redirect, with a flash message saying
what happened or, field by field, why nothing was changed.
"""
from __future__ import annotations

import datetime
import io
import json
from typing import Any

from flask import Blueprint, Response, request

import ckan.plugins.toolkit as tk
from ckan.types import Context

from ckanext.metropole import spreadsheet
from ckanext.metropole.committee import checklist, settings
from ckanext.metropole.committee import members as committee_members
from ckanext.metropole.committee import report as report_mod
from ckanext.metropole.committee import reviews as committee_reviews
from ckanext.metropole.committee import tasks as committee_tasks
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
# steps that cannot be undone: a confirmation page first (no script needed)
CONFIRMED = {"avis": "avis", "decision": "decision"}


def _context() -> Context:
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


def my_tasks() -> str:
    """"Mes tâches": what the logged-in user has to do next, role by role."""
    user = acting_user(_context())
    figures = committee_tasks.for_request()
    if user is None or figures is None:
        return tk.abort(403, tk._("Log in to see your tasks"))
    return tk.render("metropole/committee/tasks.html", {
        "figures": figures, "lists": committee_tasks.lists(user, figures)})


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
        "user_member": committee_members.current_member(acting_user(_context())),
        "attendance": _attendance(file) if can["avis"] else None,
        "summary": checklist.summary(pkg, file),
        "proposal": checklist.proposal(pkg, can["proposer"]) if not file["published"] else None})


def _attendance(file: dict[str, Any]) -> dict[str, int]:
    """What the president sees before rendering the avis: opinions received,
    members sitting, seats of the committee."""
    return {"received": sum((file.get("tally") or {}).values()),
            "members": committee_members.count_current(),
            "seats": sum(settings.seats().values())}


def _flash_done(step: str, pkg: dict[str, Any], data: dict[str, Any]) -> None:
    """What happened and what comes next, in the words of the person acting."""
    title = pkg.get("title") or pkg.get("name")
    file = tk.get_action("metropole_review_show")(_context(), {"id": pkg["id"]})
    review = file.get("review") or {}
    deadline = tk.h.metropole_long_date(review.get("deadline"))
    if step == "proposer":
        if review.get("state") == "en_examen":
            text = tk._("\"{title}\" is proposed to the committee and its review is open: "
                        "the members give their opinion until {deadline}. You will follow "
                        "its progress on this page.")
        else:
            text = tk._("\"{title}\" is proposed to the committee. Its secretary opens "
                        "the review; the members then have until {deadline} to give their "
                        "opinion. You will follow its progress on this page.")
    elif step == "ouvrir":
        text = tk._("Review of \"{title}\" opened: the members give their opinion until "
                    "{deadline}, then the president renders the committee's opinion.")
    elif step == "avis-individuel":
        text = tk._("Your opinion on \"{title}\" is recorded. You may change it until the "
                    "president renders the committee's opinion.")
    elif step == "avis":
        text = tk._("The committee's opinion on \"{title}\" is rendered ({avis}). The "
                    "administrators of the producing organization now take the decision.")
    elif step == "decision":
        text = {
            "publie": tk._("Decision recorded: \"{title}\" is published and public now."),
            "maintenu_ferme": tk._("Decision recorded: \"{title}\" is kept closed; it "
                                   "stays private and is not announced for opening."),
            "renvoye": tk._("Decision recorded: \"{title}\" is returned to its producer, "
                            "who may correct it and propose it again."),
        }.get(data.get("decision", ""), tk._("Decision recorded."))
    else:  # derogation
        text = tk._("\"{title}\" is published without the committee; the justification "
                    "is recorded in its history.")
    tk.h.flash_success(text.format(
        title=title, deadline=deadline,
        avis=committee_reviews.avis_label(review.get("avis"))))


def _confirm_page(pkg: dict[str, Any], step: str, data: dict[str, Any]) -> str:
    """The page asking to confirm the avis or the decision (no script needed)."""
    if step == "avis":
        question = tk._("Render the committee's opinion \"{avis}\" on \"{title}\"?").format(
            avis=committee_reviews.avis_label(data.get("avis")), title=pkg["title"])
        details = [(tk._("Motivation"), data.get("motivation", ""))]
        consequence = tk._("The opinion cannot be changed once rendered; the "
                           "administrators of the producing organization then decide.")
        button = tk._("Confirm: render the opinion")
    else:
        question = tk._("Record the decision \"{decision}\" on \"{title}\"?").format(
            decision=committee_reviews.state_label(data.get("decision")),
            title=pkg["title"])
        details = [(tk._("Justification"), data.get("justification", ""))]
        consequence = {
            "publie": tk._("The dataset becomes public at once."),
            "maintenu_ferme": tk._("The dataset stays private and is no longer announced "
                                   "for opening."),
            "renvoye": tk._("The dataset goes back to its producer, who may propose it "
                            "again."),
        }.get(data.get("decision", ""), "")
        consequence += " " + tk._("A decision cannot be changed once recorded.")
        button = tk._("Confirm: record the decision")
    return tk.render("metropole/committee/confirm.html", {
        "question": question, "details": [d for d in details if d[1]],
        "consequence": consequence, "button": button,
        "action": tk.h.url_for("metropole_committee.dataset_step", id=pkg["name"],
                               step=step),
        "fields": data, "back": tk.h.url_for("metropole_committee.dataset", id=pkg["name"]),
        "pkg": pkg})


def dataset_step(id: str, step: str) -> Any:
    if step not in STEPS:
        return tk.abort(404)
    action, fields = STEPS[step]
    data = {"id": id}
    data.update({f: request.form[f] for f in fields if request.form.get(f) is not None})
    try:
        pkg = tk.get_action("package_show")(_context(), {"id": id})
        tk.check_access(action, _context(), {"id": pkg["id"]})
        choice = CONFIRMED.get(step)
        if choice and request.form.get("confirm") != "1":
            if not data.get(choice):
                # nothing is preselected: say which choice is missing
                tk.get_action(action)(_context(), data)
            if step == "avis":
                committee_reviews.check_text("motivation", tk._("Motivation"),
                                             data.get("motivation"), required=True)
            else:
                committee_reviews.check_text("justification", tk._("Justification"),
                                             data.get("justification"), required=False)
            return _confirm_page(pkg, step, {k: v for k, v in data.items() if k != "id"})
        tk.get_action(action)(_context(), data)
        _flash_done(step, pkg, data)
    except tk.NotAuthorized:
        return tk.abort(403, tk._("You may not do this"))
    except tk.ObjectNotFound:
        return tk.abort(404, tk._("Dataset not found"))
    except tk.ValidationError as e:
        tk.h.flash_error(tk._("Nothing was changed: {details}").format(
            details=error_text(e, fields=False)))
    return tk.h.redirect_to("metropole_committee.dataset", id=id)


def members() -> Any:
    """The committee's composition, for everyone (the annual report and
    ``metropole_committee_member_list`` already make it public); its forms and
    its past members for those who manage it (the secretary, sysadmins)."""
    manage = committee_members.can_manage(acting_user(_context()))
    if request.method == "POST" and not manage:
        return tk.abort(403, tk._("Only sysadmins and the committee's secretary "
                                  "manage membership"))
    if request.method == "POST":
        form = request.form
        try:
            if form.get("remove"):
                member = committee_members.current_member(form["remove"])
                name = (committee_members.display_name(form["remove"])
                        or form["remove"])
                if form.get("confirm") != "1" and member is not None:
                    return _confirm_removal(form["remove"], name, member)
                tk.get_action("metropole_committee_member_remove")(
                    _context(), {"user": form["remove"]})
                tk.h.flash_success(tk._(
                    "{name} no longer sits on the committee; their opinions stay in "
                    "the history.").format(name=name))
            else:
                data = {k: form[k] for k in ("user", "college", "role", "mandate_start",
                                             "mandate_end") if form.get(k)}
                added = tk.get_action("metropole_committee_member_add")(_context(), data)
                tk.h.flash_success(tk._(
                    "{name} now sits on the committee ({college}, {role}); they can give "
                    "their opinion on the reviews in progress.").format(
                        name=added.get("fullname") or added["user_name"],
                        college=added["college_label"], role=added["role_label"]))
        except tk.ValidationError as e:
            tk.h.flash_error(tk._("Nothing was changed: {details}").format(
                details=error_text(e, fields=False)))
        return tk.h.redirect_to("metropole_committee.members")
    everyone = tk.get_action("metropole_committee_member_list")(
        _context(), {"include_past": manage})
    seats = {c: {"label": committee_members.college_label(c),
                 "seats": n, "taken": committee_members.seats_taken(c)}
             for c, n in report_mod.seats().items()}
    current = [m for m in everyone if m["current"]]
    return tk.render("metropole/committee/members.html", {
        "current": current, "past": [m for m in everyone if not m["current"]],
        "president": next((m for m in current if m["role"] == "president"), None),
        "colleges": COLLEGES, "seats": seats, "manage": manage,
        "year": datetime.date.today().year})


def _confirm_removal(user: str, name: str, member: dict[str, Any]) -> str:
    consequence = tk._("{name} will no longer give opinions; the opinions already given "
                       "stay in the history.").format(name=name)
    if member["role"] == "president":
        consequence += " " + tk._("The committee will have no president until another "
                                  "is appointed: no opinion can be rendered meanwhile.")
    return tk.render("metropole/committee/confirm.html", {
        "question": tk._("Remove {name}?").format(name=name),
        "details": [(tk._("College"), committee_members.college_label(member["college"])),
                    (tk._("Role"), committee_members.role_label(member["role"]))],
        "consequence": consequence, "button": tk._("Confirm: remove {name}").format(name=name),
        "action": tk.h.url_for("metropole_committee.members"),
        "fields": {"remove": user}, "back": tk.h.url_for("metropole_committee.members"),
        "pkg": None})


def _year_errors(error: tk.ValidationError) -> str:
    messages = error.error_dict.get("year")
    return " ".join(str(m) for m in messages) if isinstance(messages, list) else ""


def annual_report(year: int, fmt: str = "html") -> Any:
    try:
        data = tk.get_action("metropole_report")(_context(), {"year": year})
    except tk.ValidationError as error:  # a year out of range: 0, 10000…
        return tk.abort(404, tk._("No report for the year {year}: {message}").format(
            year=year, message=_year_errors(error)))
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
committee.add_url_rule("/mes-taches", view_func=my_tasks, endpoint="tasks")
committee.add_url_rule("/comite/membres", view_func=members, methods=["GET", "POST"])
committee.add_url_rule("/comite/rapport/<int:year>", view_func=annual_report)
committee.add_url_rule("/comite/rapport/<int:year>.csv", view_func=annual_report,
                       defaults={"fmt": "csv"}, endpoint="annual_report_csv")
committee.add_url_rule("/comite/rapport/<int:year>.json", view_func=annual_report,
                       defaults={"fmt": "json"}, endpoint="annual_report_json")
committee.add_url_rule("/dataset/<id>/comite", view_func=dataset)
committee.add_url_rule("/dataset/<id>/comite/<step>", view_func=dataset_step,
                       methods=["POST"])

