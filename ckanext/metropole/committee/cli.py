"""``ckan metropole committee …`` and ``ckan metropole report`` (attached in cli.py)."""
from __future__ import annotations

import csv
import datetime
import io
import json
import sys

import click

from ckanext.metropole.logic.values import error_text


def _date(value: str | None) -> datetime.date | None:
    if not value:
        return None
    try:
        return datetime.date.fromisoformat(value.strip())
    except ValueError:
        raise click.BadParameter(f"{value!r} is not a date (YYYY-MM-DD)")


@click.group()
def committee() -> None:
    """Members of the Comité Métropolitain de la Donnée, weekly digest."""


@committee.command("add")
@click.argument("user")
@click.option("--college", required=True,
              type=click.Choice(["recherche", "associations", "entreprises",
                                 "collectivites"]))
@click.option("--role", default="member", show_default=True,
              type=click.Choice(["member", "president"]))
@click.option("--start", "mandate_start", help="Start of mandate (YYYY-MM-DD, default today).")
@click.option("--end", "mandate_end", help="End of mandate (YYYY-MM-DD).")
def add(user: str, college: str, role: str, mandate_start: str | None,
        mandate_end: str | None) -> None:
    """Seat USER on the committee."""
    import ckan.plugins.toolkit as tk

    from ckanext.metropole.committee import members as committee_members

    try:
        member = committee_members.add(user, college, role, _date(mandate_start),
                                       _date(mandate_end))
    except tk.ValidationError as e:
        raise click.ClickException(error_text(e))
    click.echo(f"{member['user_name']}: {member['college']}, {member['role']}, "
               f"from {member['mandate_start']}")


@committee.command("remove")
@click.argument("user")
def remove(user: str) -> None:
    """End USER's membership (kept in the committee's history)."""
    import ckan.plugins.toolkit as tk

    from ckanext.metropole.committee import members as committee_members

    try:
        committee_members.remove(user)
    except tk.ValidationError as e:
        raise click.ClickException(error_text(e))
    click.echo(f"{user} removed from the committee")


@committee.command("list")
@click.option("--all", "include_past", is_flag=True, help="Past members too.")
def list_(include_past: bool) -> None:
    """Members: user, college, role, mandate."""
    from ckanext.metropole.committee import members as committee_members

    for m in committee_members.members(include_past=include_past):
        end = m["removed_at"][:10] if m["removed_at"] else (m["mandate_end"] or "")
        click.echo(f"{m['user_name']}\t{m['college']}\t{m['role']}\t"
                   f"{m['mandate_start']}..{end}")


@committee.command("import")
@click.argument("file", type=click.File("r", encoding="utf-8-sig"))
def import_(file: io.TextIOBase) -> None:
    """Seat the members listed in FILE (CSV: user,college,role,mandate_start,mandate_end).

    All or nothing: the first bad row stops the import and nothing is saved.
    """
    import ckan.plugins.toolkit as tk
    from ckan import model

    from ckanext.metropole.committee import members as committee_members

    reader = csv.DictReader(file)
    missing = {"user", "college"} - set(reader.fieldnames or [])
    if missing:
        raise click.ClickException(f"{file.name}: missing columns {', '.join(sorted(missing))}")
    count = 0
    for line, row in enumerate(reader, start=2):
        try:
            committee_members.add(
                (row.get("user") or "").strip(), (row.get("college") or "").strip(),
                (row.get("role") or "member").strip(), _date(row.get("mandate_start")),
                _date(row.get("mandate_end")), commit=False)
        except (tk.ValidationError, click.BadParameter) as e:
            model.Session.rollback()
            raise click.ClickException(
                f"{file.name}, line {line}: {error_text(e)} — nothing was imported")
        count += 1
    model.Session.commit()
    click.echo(f"{count} members imported")


@committee.command("digest")
def digest() -> None:
    """Email the weekly digest of pending reviews to the committee."""
    from ckanext.metropole.committee import notifications

    click.echo(f"{notifications.digest()} digest emails sent")


@click.command()
@click.option("--year", type=int, required=True)
@click.option("--format", "fmt", type=click.Choice(["html", "csv", "json"]),
              default="html", show_default=True)
def report(year: int, fmt: str) -> None:
    """The committee's annual evaluation report, on standard output."""
    import ckan.plugins.toolkit as tk

    from ckanext.metropole.committee import report as report_mod
    from ckanext.metropole import spreadsheet

    data = json.loads(json.dumps(report_mod.build(year), default=str))
    if fmt == "json":
        click.echo(json.dumps(data, ensure_ascii=False, indent=2))
    elif fmt == "csv":
        spreadsheet.Writer(sys.stdout).writerows(report_mod.rows(data))
    else:
        # CKAN's CLI keeps its Flask app in the click context (templates
        # need a request context)
        flask_app = click.get_current_context().meta["flask_app"]
        with flask_app.test_request_context():
            click.echo(tk.render("metropole/committee/report_document.html",
                                 {"report": data, "year": year}))
