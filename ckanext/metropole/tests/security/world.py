"""The portal the authorization matrix probes: people of every role, one
dataset in every state, each carrying its own sentinel strings.

A sentinel is ``zq`` + a 4-letter state code + a 4-letter field code + a
random part drawn once per run: lower-case letters and digits only, so it
survives every channel unchanged (tag, URL name, DataStore column, CSV cell,
JSON, HTML, Turtle), and no sentinel is a substring of another. One is not
made up: the DataStore table's name, the resource's id (``table``), which a
reply must not carry unless the request did. The seeding
goes through the actions as the real people would (call_action with their
names), the uploaded CSV through xloader's real job (tests/datastore's way)
for the states of :data:`XLOADED`, through ``datastore_create`` for the others.
"""
from __future__ import annotations

import dataclasses
import datetime
import secrets
from typing import Any

import sqlalchemy as sa
from ckan import model
from ckan.tests import factories, helpers

from ckanext.metropole.tests.data import CHENOVE, DIJON, complete_dataset
from ckanext.metropole.tests.security import rules

PASSWORD = "Matrice-Securite-2026"

# role -> (user name, full name); the anonymous role has no user
USERS = {
    "user": "visiteur",
    "member": "membre",
    "secretary": "secretaire",
    "president": "presidente",
    "editor": "editrice-dijon",
    "admin": "admin-dijon",
    "other_editor": "editeur-chenove",
    "other_admin": "admin-chenove",
    "sysadmin": "sysadmin",
}
STATE_CODES = {"draft": "drft", "private": "priv", "annonce": "anno", "propose": "prop",
               "en_examen": "exam", "avis_rendu": "avis", "maintenu_ferme": "ferm",
               "renvoye": "renv", "publie": "publ", "deleted": "dele", "harvested": "harv"}
FIELD_CODES = {"title": "titl", "name": "name", "notes": "note", "tag": "tagg",
               "resource": "resc", "screening_note": "scrn", "proposal_note": "prpn",
               "opinion": "opin", "avis_motivation": "avsm",
               "decision_justification": "decj", "column": "colm", "cell": "cell",
               "table": "tabl"}
assert set(STATE_CODES) == set(rules.STATES) and set(FIELD_CODES) == set(rules.FIELDS)


@dataclasses.dataclass
class Dataset:
    state: str
    id: str
    resource_id: str
    upload: str | None  # file name of the uploaded CSV (None: remote resource)
    owner_org: str
    sentinels: dict[str, str]  # field -> sentinel, only those this dataset carries
    # the newest activity of each type (newest first), the table view of the resource
    activities: list[str] = dataclasses.field(default_factory=list)
    view_id: str | None = None


@dataclasses.dataclass
class World:
    users: dict[str, dict[str, Any]]  # role -> user dict
    orgs: dict[str, dict[str, Any]]
    datasets: dict[str, Dataset]  # state -> dataset
    mails: list[tuple[list[str], str]]  # (recipients, message) sent while seeding
    year: int

    def sentinel_index(self) -> dict[str, tuple[str, str]]:
        """sentinel -> (state, field)"""
        return {s: (d.state, f) for d in self.datasets.values() for f, s in d.sentinels.items()}


def sentinels_for(state: str, run: str) -> dict[str, str]:
    return {field: f"zq{STATE_CODES[state]}{code}{run}" for field, code in FIELD_CODES.items()}


def _call(who: str, action: str, **data: Any) -> Any:
    return helpers.call_action(action, context={"user": USERS[who], "ignore_auth": False},
                               **data)


def _csv(s: dict[str, str]) -> bytes:
    # a French CSV the portal's loader accepts: ';', a text column and a number
    return f"commune;{s['column']};montant\nDijon;{s['cell']};12\nChenôve;autre;3\n".encode()


# the states whose file xloader's real job loads into the DataStore; the
# others' tables are pushed through ``datastore_create`` (the DataStore's own
# API, as a site without xloader would): who may read a table does not depend
# on how it was loaded (the guard reads xloader's status only to hide a load
# that has not finished), and each job costs seconds
XLOADED = ("en_examen", "publie")


def seed(upload: Any) -> World:
    """Create the world; ``upload(package_id, bytes, filename, through_xloader)``
    stores a CSV file and loads it into the DataStore (through xloader's job,
    tests/datastore/conftest.py, or ``datastore_create``) and returns the
    resource."""
    from ckanext.metropole.tests.datastore.conftest import load_status

    run = secrets.token_hex(3)
    users = {"sysadmin": factories.Sysadmin(name="sysadmin", password=PASSWORD,
                                            email="sysadmin@example.org")}
    for role, name in USERS.items():
        if role != "sysadmin":
            users[role] = factories.User(name=name, password=PASSWORD,
                                         email=f"{name}@example.org",
                                         fullname=f"{name} (matrice)")
    orgs = {
        "dijon": factories.Organization(
            name="dijon", insee_code=DIJON, kind="commune",
            users=[{"name": USERS["editor"], "capacity": "editor"},
                   {"name": USERS["admin"], "capacity": "admin"}]),
        "chenove": factories.Organization(
            name="chenove", insee_code=CHENOVE, kind="commune",
            users=[{"name": USERS["other_editor"], "capacity": "editor"},
                   {"name": USERS["other_admin"], "capacity": "admin"}]),
        "insee": factories.Organization(name="insee", title="INSEE",
                                        kind="producteur_national"),
    }
    for who, college, role in (("member", "recherche", "member"),
                               ("president", "associations", "president")):
        helpers.call_action("metropole_committee_member_add", user=USERS[who],
                            college=college, role=role)

    datasets: dict[str, Dataset] = {}
    for state in rules.STATES:
        s = sentinels_for(state, run)
        carried = dict(s)
        harvested = state == "harvested"
        fields: dict[str, Any] = dict(
            name=s["name"], title=f"{s['title']} Équipements", notes=f"Notes : {s['notes']}",
            tags=[{"name": s["tag"]}, {"name": "matrice"}], screening_note=s["screening_note"],
            private=not harvested, opening_status="inventorie", resources=[])
        if state == "annonce":
            fields.update(opening_status="planifie",
                          planned_opening_date=f"{datetime.date.today().year + 1}-06-01")
        if state == "draft":
            fields["state"] = "draft"
        if harvested:
            # collected from a national platform (only the harvester, a
            # sysadmin, sets the marker): public, outside the committee
            fields.update(opening_status="ouvert", committee_override=None,
                          resources=[{"url": "https://insee.example.invalid/pop.csv",
                                      "format": "csv", "name": f"{s['resource']} distante"}],
                          extras=[{"key": "metropole_harvest_source", "value": "insee-dcat"}])
            pkg = helpers.call_action("package_create", context={"user": USERS["sysadmin"]},
                                      **complete_dataset(orgs["insee"]["id"], **fields))
            resource_id, upload_name = pkg["resources"][0]["id"], None
            for field in ("column", "cell", "table"):
                del carried[field]
        else:
            pkg = _call("editor", "package_create", **complete_dataset(orgs["dijon"]["id"],
                                                                       **fields))
            upload_name = f"fichier-{STATE_CODES[state]}.csv"
            through_xloader = state in XLOADED
            resource = upload(pkg["id"], _csv(s), upload_name, through_xloader,
                              name=f"{s['resource']} fichier",
                              description="Le fichier déposé par la commune.")
            if through_xloader:
                assert load_status(resource["id"])["status"] == "complete", state
            assert resource["datastore_active"], state
            resource_id = resource["id"]
            # the DataStore table's name: a list of tables must not name it
            carried["table"] = resource_id
        _advance(state, pkg["id"], s, carried)
        datasets[state] = Dataset(state, pkg["id"], resource_id, upload_name,
                                  pkg["owner_org"], carried)

    _check_states(datasets)
    return World(users=users, orgs=orgs, datasets=datasets, mails=[],
                 year=datetime.date.today().year)


# state -> how far along the committee's path it went, and the decision
PATHS: dict[str, tuple[int, str | None]] = {
    "propose": (1, None), "en_examen": (2, None), "avis_rendu": (3, None),
    "maintenu_ferme": (4, "maintenu_ferme"), "renvoye": (4, "renvoye"),
    "publie": (4, "publie"), "deleted": (2, None),
}
# the committee's text written at each step
TEXTS = ("proposal_note", "opinion", "avis_motivation", "decision_justification")


def _advance(state: str, package_id: str, s: dict[str, str], carried: dict[str, str]) -> None:
    """Take the dataset along the committee's path; forget the texts it never got."""
    steps, decision = PATHS.get(state, (0, None))
    for field in TEXTS[steps:]:
        carried.pop(field, None)
    if steps >= 1:
        _call("editor", "metropole_review_propose", id=package_id, comment=s["proposal_note"])
    if steps >= 2:
        _call("secretary", "metropole_review_open", id=package_id)
        _call("member", "metropole_opinion_record", id=package_id, value="reserves",
              comment=s["opinion"])
        _call("president", "metropole_opinion_record", id=package_id, value="favorable")
    if steps >= 3:
        _call("president", "metropole_avis_render", id=package_id, avis="defavorable",
              motivation=s["avis_motivation"])
    if steps >= 4:
        _call("admin", "metropole_decision_record", id=package_id, decision=decision,
              justification=s["decision_justification"])
    if state == "deleted":
        _call("editor", "package_delete", id=package_id)


def _check_states(datasets: dict[str, Dataset]) -> None:
    """Each dataset is really in its state (the matrix is only as good as this)."""
    from ckanext.metropole.committee import state as committee_state
    from ckanext.metropole.logic import publication

    for state, d in datasets.items():
        pkg = helpers.call_action("package_show", id=d.id)
        latest = committee_state.latest_review(d.id)
        review_state = latest["state"] if latest else None
        expected = {
            "draft": ("draft", True, None), "private": ("active", True, None),
            "annonce": ("active", True, None),
            "propose": ("active", True, "propose"), "en_examen": ("active", True, "en_examen"),
            "avis_rendu": ("active", True, "avis_rendu"),
            "maintenu_ferme": ("active", True, "maintenu_ferme"),
            "renvoye": ("active", True, "renvoye"), "publie": ("active", False, "publie"),
            "deleted": ("deleted", True, "en_examen"), "harvested": ("active", False, None),
        }[state]
        assert (pkg["state"], pkg["private"], review_state) == expected, (state, pkg["state"],
                                                                          pkg["private"],
                                                                          review_state)
        assert publication.is_published(pkg) is (state in ("publie", "harvested")), state


def newest_activities(package_id: str) -> list[str]:
    """The newest activity of each type of the dataset; first the newest one
    that holds the whole dataset (new or changed package)."""
    from ckanext.activity.model import Activity

    rows = model.Session.execute(
        sa.select(Activity.id, Activity.activity_type).where(Activity.object_id == package_id)
        .order_by(Activity.timestamp.desc())).all()
    seen: dict[str, str] = {}
    for activity_id, kind in rows:
        seen.setdefault(kind, activity_id)
    whole = [seen[k] for k in ("changed package", "new package", "deleted package") if k in seen]
    return whole[:1] + [a for a in seen.values() if a not in whole[:1]]


def view_id(resource_id: str) -> str | None:
    views = helpers.call_action("resource_view_list", id=resource_id)
    return views[0]["id"] if views else None
