"""Who may read what, at each state of a dataset: the one table of the matrix.

It is the table of README.md, section "Security and confidentiality"
(``test_the_readme_states_these_rules`` compares them cell by cell): change
both together. A cell lists who may receive the field through ANY channel
(API, pages, activity streams, search, feeds, exports, DataStore, files,
e-mails); everybody else must never receive it.

Letters: ``A`` everyone (anonymous included); ``P`` the producer: members of
the owning organization (here its editor and admin); ``E`` the dataset's
editors: editors and admins of the owning organization; ``C`` the committee:
its members, its president and the secretary; ``-`` the field does not exist
in that state. Sysadmins may read everything.
"""
from __future__ import annotations

# the README's column headings
LABELS = {"draft": "draft", "private": "private", "annonce": "announced",
          "propose": "proposé", "en_examen": "en examen", "avis_rendu": "avis rendu",
          "maintenu_ferme": "maintenu fermé", "renvoye": "renvoyé", "publie": "publié",
          "deleted": "deleted", "harvested": "harvested"}
STATES = ("draft", "private", "annonce", "propose", "en_examen", "avis_rendu",
          "maintenu_ferme", "renvoye", "publie", "deleted", "harvested")
ROLES = ("anonymous", "user", "member", "secretary", "president", "editor", "admin",
         "other_editor", "other_admin", "sysadmin")

# field group -> its fields in the world (world.FIELD_CODES)
GROUPS = {
    "title, name": ("title", "name"),
    "description, tags": ("notes", "tag"),
    "resources (name, description, URL)": ("resource",),
    "screening note": ("screening_note",),
    "proposal note, avis motivation, decision justification":
        ("proposal_note", "avis_motivation", "decision_justification"),
    "individual opinions": ("opinion",),
    "data dictionary (columns)": ("column", "table"),
    "rows and files": ("cell",),
}
FIELDS = tuple(f for fields in GROUPS.values() for f in fields)

# columns: STATES, in order
TABLE: dict[str, tuple[str, ...]] = {
    #                                  draft private annonce propose en_examen avis_rendu maintenu_ferme renvoye publie deleted harvested  # noqa: E501
    "title, name":                     ("P", "P",   "A",    "P C",  "P C",    "P C",     "P C",         "P C",  "A",   "P",    "A"),  # noqa: E501
    "description, tags":               ("P", "P",   "A",    "P C",  "P C",    "P C",     "P",           "P",    "A",   "P",    "A"),  # noqa: E501
    "resources (name, description, URL)": ("P", "P", "P",   "P C",  "P C",    "P C",     "P",           "P",    "A",   "P",    "A"),  # noqa: E501
    "screening note":                  ("E", "E",   "E",    "E",    "E",      "E",       "E",           "E",    "E",   "E",    "E"),  # noqa: E501
    "proposal note, avis motivation, decision justification":
                                       ("-", "-",   "-",    "P C",  "P C",    "P C",     "P C",         "P C",  "A",   "P",    "-"),  # noqa: E501
    "individual opinions":             ("-", "-",   "-",    "-",    "P C",    "P C",     "P C",         "P C",  "P C", "P",    "-"),  # noqa: E501
    "data dictionary (columns)":       ("P", "P",   "P",    "P C",  "P C",    "P C",     "P",           "P",    "A",   "P",    "-"),  # noqa: E501
    "rows and files":                  ("P", "P",   "P",    "P",    "P",      "P",       "P",           "P",    "A",   "P",    "-"),  # noqa: E501
}

AUDIENCES = {
    "A": set(ROLES),
    "P": {"editor", "admin"},
    "E": {"editor", "admin"},
    "C": {"member", "president", "secretary"},
    "-": set(),
}
# the harvested dataset belongs to a national producer: nobody of ROLES edits it
PRODUCERLESS = {"harvested"}


def readers(state: str, field: str) -> set[str]:
    """The roles that may receive ``field`` of the dataset in ``state``."""
    group = next(g for g, fields in GROUPS.items() if field in fields)
    cell = TABLE[group][STATES.index(state)]
    roles = {"sysadmin"}
    for letter in cell.split():
        audience = AUDIENCES[letter]
        if letter in ("P", "E") and state in PRODUCERLESS:
            audience = set()
        roles |= audience
    return roles


def entitled(role: str, state: str, field: str) -> bool:
    return role in readers(state, field)
