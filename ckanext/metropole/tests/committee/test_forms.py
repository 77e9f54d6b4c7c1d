"""Forms of the committee that cannot be misclicked, and the producer's path
to the committee (issue 18), through real requests: a browser session with
its cookie and CSRF token, or an API token.

- nothing preselected, radio groups in a fieldset with a legend;
- a confirmation page before the avis, the decision, a member's removal;
- flash messages saying what happened and what comes next;
- the review page shows what the committee examines, the history has no
  no-op transition and writes its dates in French;
- the "Propose to the committee" checklist, the dataset form of those who
  cannot publish directly, the gate's messages written for the producer;
- the warning before, and the message after, a change that unpublishes;
- kept closed: no longer announced in /calendrier nor the SCDL catalogue.
"""
from __future__ import annotations

import datetime
import email
import html
import re

import pytest

from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.tests.committee.conftest import PASSWORD, act, draft

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
CSRF_RE = re.compile(r'name="_csrf_token" value="([^"]+)"')
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août",
          "septembre", "octobre", "novembre", "décembre")


def _text(response) -> str:
    return html.unescape(response.body)


class Session:
    """A browser session (cookie kept), posting its page's CSRF token."""

    def __init__(self, app, name: str) -> None:
        self.client = app.test_client()
        page = self.client.get("/user/login")
        self.token = CSRF_RE.search(page.body).group(1)
        self.client.post("/user/login", data={"login": name, "password": PASSWORD,
                                               "_csrf_token": self.token})
        self.token = ""

    def get(self, url: str) -> str:
        response = self.client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        self.token = CSRF_RE.search(response.body).group(1)  # the session's, once logged in
        return _text(response)

    def post(self, url: str, **data) -> tuple[int, str]:
        response = self.client.post(url, data=dict(data, _csrf_token=self.token),
                                    follow_redirects=True)
        return response.status_code, _text(response)


def _french(day: datetime.date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _radios(page: str, name: str) -> list[str]:
    return re.findall(rf'<input[^>]*type="radio"[^>]*name="{name}"[^>]*>', page)


def test_avis_and_decision_are_confirmed_and_kept_closed_is_not_announced(app, people):
    planned = f"{datetime.date.today().year + 1}-06-30"
    pkg = draft(people, name="arbres", title="Arbres d'alignement",
                opening_status="planifie", planned_opening_date=planned)
    assert "Arbres d'alignement" in _text(app.get("/calendrier"))
    act(people, "editor", "metropole_review_propose", id=pkg["id"],
        comment="Demandé par les associations de quartier.")
    act(people, "secretary", "metropole_review_open", id=pkg["id"])

    president = Session(app, "presidente")
    page = president.get("/dataset/arbres/comite")
    radios = _radios(page, "avis")
    assert len(radios) == 3
    assert not any("checked" in r for r in radios)
    assert re.search(r"<fieldset[^>]*>\s*<legend><h3>Avis du comité</h3></legend>", page)
    # before the avis: the opinions received and the seats, a hint when none
    assert "0 avis individuel reçu des 3 membres en fonction (26 sièges)." in page
    assert "Aucun membre n'a encore donné son avis" in page
    # what is under review, on the review page itself
    summary = page[page.index("Ce que le comité examine"):]
    for shown in ("Transparence de l'action publique", "Licence Ouverte", "Aucune",
                  "Équipements", "Demandé par les associations de quartier."):
        assert shown in summary, shown

    url = "/dataset/arbres/comite/avis"
    status, body = president.post(url, motivation="Sans choix")
    assert "Aucune modification" in body
    assert "Avis" in body
    status, body = president.post(url, avis="favorable", motivation="Utile aux habitants.")
    assert status == 200
    assert "Rendre l'avis « Favorable » du comité sur « Arbres d'alignement » ?" in body
    assert "Confirmer : rendre l'avis" in body
    assert 'name="confirm" value="1"' in body
    assert act(people, "secretary", "metropole_review_show", id="arbres")["state"] == "en_examen"
    status, body = president.post(url, avis="favorable", motivation="Utile aux habitants.",
                                  confirm="1")
    assert ("L'avis du comité sur « Arbres d'alignement » est rendu (Favorable). Les "
            "administrateurs de l'organisation productrice prennent maintenant la "
            "décision.") in body
    assert act(people, "secretary", "metropole_review_show", id="arbres")["state"] == "avis_rendu"

    admin = Session(app, "admin-dijon")
    page = admin.get("/dataset/arbres/comite")
    assert not any("checked" in r for r in _radios(page, "decision"))
    url = "/dataset/arbres/comite/decision"
    status, body = admin.post(url, decision="maintenu_ferme")
    assert "Enregistrer la décision « Maintenu fermé » sur « Arbres d'alignement » ?" in body
    assert act(people, "secretary", "metropole_review_show", id="arbres")["state"] == "avis_rendu"
    status, body = admin.post(url, decision="maintenu_ferme", confirm="1")
    assert "« Arbres d'alignement » est maintenu fermé ; il reste privé" in body
    # the history: French dates, no "En examen → En examen"
    history = body[body.index("metropole-committee-events"):]
    assert _french(datetime.date.today()) in history
    assert "(En examen → En examen)" not in history
    assert "(Proposé → En examen)" in history

    # kept closed: no longer announced for opening
    assert helpers.call_action("package_show", id="arbres")["opening_status"] == "inventorie"
    assert "Arbres d'alignement" not in _text(app.get("/calendrier"))
    assert "arbres" not in app.get("/catalogue-scdl.csv").body


def test_removing_a_member_is_confirmed(app, people):
    model.User.get("presidente").fullname = "Hélène Marchand"
    model.Session.commit()
    secretary = Session(app, "secretaire")
    page = secretary.get("/comite/membres")
    # each button has its own accessible name
    assert 'Retirer<span class="visually-hidden"> Hélène Marchand</span>' in page
    other = model.User.get("membre2").fullname or "membre2"
    assert f'Retirer<span class="visually-hidden"> {other}</span>' in page
    status, body = secretary.post("/comite/membres", remove="presidente")
    assert status == 200
    assert "Retirer Hélène Marchand ?" in body
    assert "n'aura plus de présidence" in body
    assert "Confirmer : retirer Hélène Marchand" in body
    assert "presidente" in [m["user_name"] for m in
                            helpers.call_action("metropole_committee_member_list")]
    status, body = secretary.post("/comite/membres", remove="presidente", confirm="1")
    assert "Hélène Marchand ne siège plus au comité" in body
    assert "presidente" not in [m["user_name"] for m in
                                helpers.call_action("metropole_committee_member_list")]


def test_producer_proposes_from_the_dataset_page_and_the_form(app, people, mail_server):
    pkg = draft(people, name="bancs", title="Bancs publics", resources=[],
                screening_secret="")
    editor = Session(app, "editrice-dijon")
    page = editor.get("/dataset/bancs")
    panel = page[page.index('id="proposer-au-comite"'):]
    panel = panel[:panel.index("</section>")]
    assert "Proposer au comité" in panel
    assert re.search(r'class="metropole-checklist-item done">\s*<span[^>]*>✓</span>\s*'
                     r'<span class="visually-hidden">Fait :</span>\s*Au moins un critère', panel)
    assert "Manquant :</span>\n      Au moins un fichier" in panel
    assert "Fichiers : ajoutez au moins un fichier" in panel
    assert "Secret des affaires" in panel
    assert "2 éléments manquent avant la proposition." in panel
    assert 'name="comment"' not in panel  # no proposal form while items are missing
    # readers who may not propose see no panel
    assert "proposer-au-comite" not in _text(app.get(
        "/dataset/bancs", headers={"Authorization": factories.APIToken(user="membre")["token"]}))

    # the edit form: no "Public" choice that always fails, two ways to save
    form = editor.get("/dataset/edit/bancs")
    assert 'id="field-private"' not in form
    assert '<input type="hidden" name="private" value="True">' in form
    assert 'name="save" value="save">Enregistrer</button>' in form
    assert 'name="save" value="propose">Enregistrer et proposer au comité</button>' in form
    # the note to the committee, labelled and described, sent by that button only
    note = form[form.index('class="mb-3 control-medium metropole-committee-note'):]
    note = note[:note.index("</div>")]
    assert '<label class="form-label" for="field-committee-note">Note au comité (facultative)' in note
    assert 'aria-describedby="field-committee-note-help"' in note
    assert "si vous choisissez « Enregistrer et proposer au comité »" in note

    helpers.call_action("resource_create", context={"user": "editrice-dijon"},
                        package_id=pkg["id"], url="https://data.example.org/bancs.csv",
                        format="CSV", name="Bancs")
    fields = {k: v for k, v in pkg.items() if k in (
        "title", "name", "notes", "owner_org", "license_id", "theme", "frequency",
        "criteria", "screening_personal_data", "screening_third_party",
        "producing_commune", "spatial_coverage", "opening_status")}
    # what the form posts besides its fields (CKAN's stage marker)
    fields.update(private="True", screening_secret="", _ckan_phase="dataset_new_1",
                  pkg_name=pkg["id"])
    status, body = editor.post("/dataset/edit/bancs", save="propose", **fields)
    assert "Enregistré, mais pas encore proposé au comité" in body
    assert "Secret des affaires" in body
    assert act(people, "sysadmin", "metropole_review_show", id="bancs")["state"] is None

    # a crafted "public" save: the gate speaks to the producer, no raw key
    status, body = editor.post("/dataset/edit/bancs", save="save",
                               **dict(fields, private="False", screening_secret="no"))
    errors = body[body.index("error-explanation"):]
    errors = re.sub(r"<[^>]+>", "", errors[:errors.index("</div>")])  # what is read
    assert "proposez-le au comité depuis sa page (« Proposer au comité »)" in errors
    assert "committee_review" not in errors
    assert "Statut d'ouverture" not in errors
    assert errors.count("Publication :") == 1

    # a note the panel would refuse: the form again, the note kept, nothing saved
    for bad, why in (("x" * 5001, "trop long (5001 caractères, 5000 au plus)"),
                     ("Prête\x07 à ouvrir", "caractère")):
        status, body = editor.post("/dataset/edit/bancs", save="propose", committee_note=bad,
                                   **dict(fields, screening_secret="no", notes="Changé"))
        assert status == 200
        error = body[body.index('id="field-committee-note-error"'):]
        assert why in error[:error.index("</span>")], error[:300]
        assert "Note au comité" in body[body.index("error-explanation"):]
        assert 'aria-invalid="true"' in body
        assert bad[:50] in body  # the note is shown again
        assert act(people, "sysadmin", "metropole_review_show", id="bancs")["state"] is None
        assert helpers.call_action("package_show", id="bancs")["notes"] != "Changé"

    # another field refused: the form comes back with the note
    status, body = editor.post("/dataset/edit/bancs", save="propose",
                               committee_note="Note gardée Zq8",
                               **dict(fields, screening_secret="no", name="Nom invalide !"))
    assert "error-explanation" in body
    assert "Note gardée Zq8</textarea>" in body

    mail_server.clear_smtp_messages()
    status, body = editor.post("/dataset/edit/bancs", save="propose",
                               committee_note="Première ouverture :\nles bancs rénovés.",
                               **dict(fields, screening_secret="no"))
    assert "Enregistré et proposé au comité" in body
    shown = act(people, "secretary", "metropole_review_show", id="bancs")
    assert shown["state"] == "propose"
    assert [e["text"] for e in shown["events"] if e["kind"] == "proposed"] == [
        "Première ouverture :\nles bancs rénovés."]
    assert "les bancs rénovés." in _text(app.get("/dataset/bancs/comite", headers={
        "Authorization": factories.APIToken(user="membre")["token"]}))
    members = [m for m in mail_server.get_smtp_messages() if "membre@example.org" in m[2]]
    assert len(members) == 1
    payload = email.message_from_string(members[0][3]).get_payload(decode=True)
    assert isinstance(payload, bytes)
    assert "Première ouverture :\nles bancs rénovés." in payload.decode()  # the note
    assert "committee_note" not in helpers.call_action("package_show", id="bancs")
    assert "proposer-au-comite" not in editor.get("/dataset/bancs")  # under review now


def test_unpublication_is_announced_before_and_after(app, people):
    helpers.call_action("package_create", context={"user": "sysadmin"},
                        **_published(people))
    editor = Session(app, "editrice-dijon")
    form = editor.get("/dataset/edit/publie")
    warning = form[form.index('id="metropole-unpublish-warning"'):]
    assert "Ce jeu de données est publié." in warning
    assert "le retire de la publication : il redevient privé" in warning
    assert 'id="field-private"' in form  # a published dataset may still be made private
    assert form.count("metropole-unpublish-reminder") == 2  # licence, screening

    pkg = helpers.call_action("package_show", id="publie")
    fields = {k: pkg[k] for k in (
        "title", "name", "notes", "owner_org", "theme", "frequency", "criteria",
        "screening_personal_data", "screening_secret", "screening_third_party",
        "producing_commune", "spatial_coverage", "opening_status")}
    fields.update(_ckan_phase="dataset_new_1", pkg_name=pkg["id"])
    status, body = editor.post("/dataset/edit/publie", save="save", private="False",
                               license_id="odc-odbl",
                               license_justification="Partage à l'identique des ajouts.",
                               **fields)
    assert ("Vous avez modifié ce que le comité avait examiné (licence) : « Jeu publié » "
            "n'est plus public et un nouvel examen du comité est ouvert") in body
    assert helpers.call_action("package_show", id="publie")["private"] is True
    assert act(people, "secretary", "metropole_review_show", id="publie")["state"] == "en_examen"


def _published(people) -> dict:
    from ckanext.metropole.tests.data import complete_dataset

    return complete_dataset(people.dijon["id"], name="publie", title="Jeu publié")
