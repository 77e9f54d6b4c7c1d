"""``ckan metropole committee …`` and ``ckan metropole report`` with CKAN's ``cli`` fixture."""
from __future__ import annotations

import datetime
import json

import pytest

from ckan.cli.cli import ckan as ckan_cli
from ckan.tests import factories, helpers

from ckanext.metropole.tests.committee.conftest import act, draft

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def _members():
    return sorted(m["user_name"] for m in
                  helpers.call_action("metropole_committee_member_list"))


def test_add_list_remove(cli):
    factories.User(name="chercheuse")
    result = cli.invoke(ckan_cli, ["metropole", "committee", "add", "chercheuse",
                                   "--college", "recherche", "--start", "2026-01-15"])
    assert result.exit_code == 0, result.output
    listed = cli.invoke(ckan_cli, ["metropole", "committee", "list"])
    assert "chercheuse\trecherche\tmember\t2026-01-15.." in listed.output
    refused = cli.invoke(ckan_cli, ["metropole", "committee", "add", "chercheuse",
                                    "--college", "entreprises"])
    assert refused.exit_code != 0
    assert "already sits" in refused.output
    assert cli.invoke(ckan_cli, ["metropole", "committee", "remove",
                                 "chercheuse"]).exit_code == 0
    assert _members() == []
    history = cli.invoke(ckan_cli, ["metropole", "committee", "list", "--all"])
    assert "chercheuse" in history.output


def test_import_is_all_or_nothing(cli, tmp_path):
    for name in ("ana", "bruno", "chloe"):
        factories.User(name=name)
    good = tmp_path / "comite.csv"
    good.write_text("user,college,role,mandate_start,mandate_end\n"
                    "ana,associations,president,2026-01-01,2028-12-31\n"
                    "bruno,entreprises,member,2026-01-01,\n", encoding="utf-8")
    bad = tmp_path / "mauvais.csv"
    bad.write_text("user,college,role\nchloe,recherche,member\n"
                   "bruno,collectivites,president\n", encoding="utf-8")
    result = cli.invoke(ckan_cli, ["metropole", "committee", "import", str(bad)])
    assert result.exit_code != 0
    assert "line 3" in result.output
    assert "nothing was imported" in result.output
    assert _members() == []
    result = cli.invoke(ckan_cli, ["metropole", "committee", "import", str(good)])
    assert result.exit_code == 0, result.output
    assert "2 members imported" in result.output
    assert _members() == ["ana", "bruno"]


def test_digest(cli, people, mail_server):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    mail_server.clear_smtp_messages()
    result = cli.invoke(ckan_cli, ["metropole", "committee", "digest"])
    assert result.exit_code == 0, result.output
    assert "4 digest emails sent" in result.output
    assert len(mail_server.get_smtp_messages()) == 4


@pytest.mark.parametrize("fmt", ["json", "csv", "html"])
def test_report_formats(cli, people, fmt):
    pkg = draft(people)
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    year = datetime.date.today().year
    result = cli.invoke(ckan_cli, ["metropole", "report", "--year", str(year),
                                   "--format", fmt])
    assert result.exit_code == 0, result.output
    if fmt == "json":
        assert json.loads(result.output)["reviewed"] == 1
    elif fmt == "csv":
        assert "summary,reviewed,1" in result.output
    else:
        assert f"Rapport annuel du comité de la donnée — {year}" in result.output
