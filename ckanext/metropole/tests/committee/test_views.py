"""The committee's pages with the ``app`` fixture: queue, review page, membership, report."""
from __future__ import annotations

import csv
import html
import io
import re

import pytest

from ckan.tests import factories, helpers

from ckanext.metropole.tests.committee.conftest import PASSWORD, act, draft

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')


def _token_headers(name: str) -> dict[str, str]:
    return {"Authorization": factories.APIToken(user=name)["token"]}


def _login(app, name: str):
    """A browser session (cookie kept by one client): CSRF protection applies."""
    app = app.test_client()
    page = app.get("/user/login")
    token = CSRF_RE.search(page.body).group(1)
    app.post("/user/login", data={"login": name, "password": PASSWORD,
                                  "_csrf_token": token})
    return app


def _text(response) -> str:
    return html.unescape(response.body)


def test_queue_for_the_committee_with_filters(app, people):
    first = draft(people, title="Arbres d'alignement")
    second = draft(people, title="Bancs publics", criteria=["valorisation"])
    for pkg in (first, second):
        act(people, "editor", "metropole_review_propose", id=pkg["id"])
    member = _token_headers("membre")
    body = _text(app.get("/comite/examens", headers=member))
    assert "File d'examen du comité de la donnée" in body
    assert "Arbres d'alignement" in body
    assert "Bancs publics" in body
    filtered = _text(app.get("/comite/examens?criterion=valorisation", headers=member))
    assert "Bancs publics" in filtered
    assert "Arbres d'alignement" not in filtered
    assert "Rien à examiner." in _text(app.get("/comite/examens?late=1", headers=member))
    assert app.get("/comite/examens").status_code == 403
    assert app.get("/comite/examens", headers=_token_headers("visiteur")).status_code == 403
    mine = _text(app.get("/comite/mes-propositions",
                         headers=_token_headers("editrice-dijon")))
    assert "Mes propositions" in mine
    assert "Bancs publics" in mine


def test_queue_and_review_page_show_the_quality_score_and_the_hvd_status(app, people):
    from ckanext.metropole import quality

    # an HVD (Addresses) meeting the conditions (a proposal must): a CSV and
    # the producer's API
    hvd = draft(people, name="adresses", title="Adresses", hvd_category=["c_c3de25e4"],
                resources=[{"url": "https://data.example.org/bal.csv", "format": "csv",
                            "name": "bal.csv"},
                           {"url": "https://api.example.org/bal", "format": "json",
                            "name": "API BAL", "access_kind": "api",
                            "api_documentation": "https://api.example.org/bal/doc",
                            "api_conditions": "Libre"}])
    plain = draft(people, name="bancs", title="Bancs publics")
    for pkg in (hvd, plain):
        act(people, "editor", "metropole_review_propose", id=pkg["id"])
    points = {p["name"]: quality.points(helpers.call_action("package_show", id=p["id"]))
              for p in (hvd, plain)}
    rating = {"excellent": "Excellent", "good": "Bon", "sufficient": "Suffisant",
              "bad": "Insuffisant"}
    member = _token_headers("membre")
    rows = {title: row for title, row in re.findall(
        r'<a href="/dataset/[^"]+/comite">([^<]+)</a>(.*?)</tr>',
        _text(app.get("/comite/examens", headers=member)), re.S)}
    assert f"{points['adresses']} / 405 — {rating[quality.rating(points['adresses'])]}" \
        in rows["Adresses"]
    assert "Remplissant les trois conditions" in rows["Adresses"]
    assert f"{points['bancs']} / 405" in rows["Bancs publics"]
    assert 'metropole-committee-hvd">non</td>' in rows["Bancs publics"]

    page = " ".join(_text(app.get("/dataset/adresses/comite", headers=member)).split())
    assert f"{points['adresses']} points sur 405 — " \
        f"{rating[quality.rating(points['adresses'])]}" in page
    assert "Géospatiales › Adresses — Remplissant les trois conditions" in page


def test_review_page_forms_carry_csrf_and_work_in_a_browser_session(app, people):
    pkg = draft(people, name="arbres")
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    browser = _login(app, "membre")
    page = _text(browser.get("/dataset/arbres/comite"))

    assert "Avis du comité de la donnée" in page
    assert "Enregistrer mon avis" in page
    assert "Rendre l'avis" not in page  # the president's form only
    token = CSRF_RE.search(page).group(1)
    url = "/dataset/arbres/comite/avis-individuel"
    refused = browser.post(url, data={"value": "favorable", "comment": "Sans jeton"})
    assert refused.status_code == 400  # no CSRF token, nothing saved
    assert act(people, "secretary", "metropole_review_show", id="arbres")["opinions"] == []
    saved = browser.post(url, data={"value": "reserves", "_csrf_token": token,
                                "comment": "**Préciser** la source"},
                     follow_redirects=True)
    body = _text(saved)
    assert "Votre avis sur « Équipements sportifs » est enregistré." in body
    assert "<strong>Préciser</strong> la source" in body  # markdown, safely rendered
    opinions = act(people, "secretary", "metropole_review_show", id="arbres")["opinions"]
    assert [o["value"] for o in opinions] == ["reserves"]
    bad = browser.post(url, data={"value": "favorable", "_csrf_token": token,
                              "comment": "<script>alert(1)</script>"},
                   follow_redirects=True)
    assert "Aucune modification" in _text(bad)
    assert "<script>alert(1)" not in bad.body


def test_dataset_page_has_the_committee_tab_and_the_public_trail(app, people):
    pkg = draft(people, name="bancs")
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "member", "metropole_opinion_record", id=pkg["id"], value="defavorable",
        comment="Avis personnel confidentiel")
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="favorable",
        motivation="Jeu utile [voir](javascript:alert(1))")
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie")
    assert "Avis du comité" in _text(app.get("/dataset/bancs"))
    public = app.get("/dataset/bancs/comite")
    body = _text(public)
    assert "Avis du comité : Favorable" in body
    assert "Décision : Publié" in body
    assert "a rendu l'avis du comité" in body
    assert "Avis personnel confidentiel" not in body  # individual opinions stay inside
    assert "javascript:alert" not in public.body
    assert "metropole-committee-form" not in body  # no form for anonymous visitors


def test_committee_member_reads_a_private_dataset_under_review(app, people):
    pkg = draft(people, name="prive")
    assert app.get("/dataset/prive", headers=_token_headers("membre")).status_code == 404
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    assert app.get("/dataset/prive", headers=_token_headers("membre")).status_code == 200
    assert app.get("/dataset/prive", headers=_token_headers("visiteur")).status_code == 404
    assert app.get("/dataset/edit/prive",
                   headers=_token_headers("membre")).status_code == 403


def test_membership_page(app, people):
    secretary = _token_headers("secretaire")
    body = _text(app.get("/comite/membres", headers=secretary))
    assert "Membres du comité de la donnée" in body
    assert "Associations, personnalités qualifiées & société civile : 1 / 8" in body
    # a member reads it without its forms (test_identities: who sees what)
    member = _text(app.get("/comite/membres", headers=_token_headers("membre")))
    assert "metropole-committee-form" not in member
    newcomer = factories.User(name="nouvelle")
    added = app.post("/comite/membres", headers=secretary, follow_redirects=True,
                     data={"user": newcomer["name"], "college": "collectivites",
                           "role": "president"})
    assert "ne peut pas revenir au collège des collectivités" in _text(added)
    app.post("/comite/membres", headers=secretary,
             data={"user": newcomer["name"], "college": "collectivites"})
    names = [m["user_name"] for m in helpers.call_action("metropole_committee_member_list")]
    assert "nouvelle" in names
    confirm = _text(app.post("/comite/membres", headers=secretary,
                             data={"remove": "nouvelle"}))
    assert "Retirer" in confirm
    assert "?" in confirm
    app.post("/comite/membres", headers=secretary, data={"remove": "nouvelle",
                                                         "confirm": "1"})
    names = [m["user_name"] for m in helpers.call_action("metropole_committee_member_list")]
    assert "nouvelle" not in names


def test_annual_report_in_three_formats(app, people):
    import datetime

    year = datetime.date.today().year
    draft(people, opening_status="planifie", planned_opening_date=f"{year}-09-30")
    # a high-value dataset (Addresses) meeting the three conditions: a CSV and
    # the producer's API
    pkg = draft(people, hvd_category=["c_c3de25e4"], resources=[
        {"url": "https://data.example.org/bal.csv", "format": "csv", "name": "bal.csv",
         "size": 2048},
        {"url": "https://api.example.org/bal", "format": "json", "name": "API BAL",
         "access_kind": "api", "api_documentation": "https://api.example.org/bal/doc",
         "api_conditions": "Libre, 50 appels par seconde"}])
    act(people, "editor", "metropole_review_propose", id=pkg["id"])
    act(people, "secretary", "metropole_review_open", id=pkg["id"])
    act(people, "member", "metropole_opinion_record", id=pkg["id"], value="favorable")
    act(people, "president", "metropole_avis_render", id=pkg["id"], avis="defavorable",
        motivation="Risque de réidentification")
    act(people, "admin", "metropole_decision_record", id=pkg["id"], decision="publie",
        justification="Données agrégées à la commune")
    body = _text(app.get(f"/comite/rapport/{year}"))
    assert f"Rapport annuel du comité de la donnée — {year}" in body
    assert "Transparence de l'action publique" in body
    data = app.get(f"/comite/rapport/{year}.json").json
    assert data["reviewed"] == 1
    assert data["published_against_unfavorable"] == 1
    assert data["by"]["avis"] == {"defavorable": 1}
    assert data["by"]["criterion"] == {"interet_general": 1, "transparence": 1}
    attendance = {m["user_name"]: m["opinions"] for m in data["composition"]}
    assert attendance == {"membre": 1, "membre2": 0, "presidente": 0}
    assert data["opening"] == {"opened": 1, "planned": 1, "planned_and_opened": 0}
    # the other parts' figures (read-only blocks): HVDs, communes, quality
    assert data["hvd"]["total"] == {"datasets": 1, "complete": 1, "published": 1}
    assert [(c["label"], c["datasets"]) for c in data["hvd"]["by_category"]
            if c["datasets"]] == [("Géospatiales", 1)]
    assert [(c["label"], c["complete"]) for c in data["hvd"]["by_commune"]] == [("Dijon", 1)]
    communes = {row["commune"]: row for row in data["communes"]["communes"]}
    assert (communes["Dijon"]["published"], communes["Dijon"]["planned"]) == (1, 1)
    assert data["communes"]["totals"]["published"] == 1
    assert data["quality"]["count"] == 1
    assert sum(data["quality"]["ratings"].values()) == 1
    for title in ("Données de forte valeur", "Les communes et leurs données",
                  "Qualité des métadonnées"):
        assert f">{title}</h2>" in body, title
    assert "1 données de forte valeur, 1 remplissant les trois conditions, 1 publiées" in body
    assert "<th scope=\"row\">Géospatiales</th><td>1</td><td>1</td><td>1</td>" in body
    rows = list(csv.reader(io.StringIO(app.get(f"/comite/rapport/{year}.csv").body)))
    assert ["summary", "published_against_unfavorable", "1"] in rows
    assert ["hvd", "complete", "1"] in rows
    assert ["quality", "count", "1"] in rows
    assert ["commune", "Dijon (published)", "1"] in rows
    assert app.get(f"/comite/rapport/{year - 1}.json").json["reviewed"] == 0


def test_dataset_form_offers_the_override_to_sysadmins_only(app, people):
    form = _text(app.get("/dataset/new", headers=_token_headers("sysadmin")))
    assert 'name="committee_override"' in form
    assert "Dérogation à l'examen du comité (administrateurs du site)" in form
    editor = _text(app.get("/dataset/new", headers=_token_headers("editrice-dijon")))
    assert 'name="committee_override"' not in editor
