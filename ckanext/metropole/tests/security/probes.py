"""What the matrix asks: generated from the running portal, not listed by hand.

- **Actions** (``/api/3/action/<name>``): every action the portal's plugins
  register or chain (their ``IActions``, and the CKAN actions whose auth they
  chain through ``IAuthFunctions``), plus every side-effect-free action of
  the registry that deals with datasets, resources, tags, activities,
  organizations, users, the DataStore or the feeds (:data:`CONTENT`). Their
  parameters come from their docstrings (``:param id: the id or name of the
  dataset`` → each dataset's id), with a few variants per action
  (:data:`VARIANTS`: ``fl``, facets, review states…).
- **Pages** (every GET rule of the application's URL map, bound to the
  world: ``/dataset/<id>/resource/<resource_id>`` → each dataset's
  resource), minus the rules in :data:`SKIPPED_PAGES` (with the reason).
- **Content negotiation** (an RDF ``Accept`` header on CKAN's own URLs) and
  **search oracles** (``q=<field>:<prefix>*``: a match betrays a field even
  when the reply does not show it).

A probe about one dataset says so (``about``): a role entitled to every
sentinel of that dataset learns nothing from it and is not asked.
"""
from __future__ import annotations

import dataclasses
import functools
import inspect
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from ckanext.metropole.tests.security import rules
from ckanext.metropole.tests.security.world import FIELD_CODES, STATE_CODES, USERS, World

API = "/api/3/action/"


@dataclasses.dataclass(frozen=True)
class Probe:
    label: str  # what a failure names: "action package_show", "page /dataset/<id>"
    channel: str  # "api" or "page"
    method: str
    url: str
    params: tuple[tuple[str, Any], ...] = ()
    headers: tuple[tuple[str, str], ...] = ()
    body: str = ""  # JSON body of a POST
    about: str | None = None  # the state of the dataset the probe is about
    echo: str | None = None  # a sentinel the request itself carries
    oracle: tuple[str, str] | None = None  # (state, field) a search match betrays


# ----------------------------------------------------------------- actions

# side-effect-free actions of the registry that may carry dataset content
CONTENT = re.compile(
    r"^(package_|dataset_|resource_|tag_|datastore_|dcat_|metropole_|activity_|am_following_"
    r"dataset|current_package_list|recently_changed|dashboard_|user_activity|user_show"
    r"|organization_(show|activity_list|list_for_user)|group_(package_show|activity_list)"
    r"|member_list|xloader_status|task_status_show)")

PARAM_RE = re.compile(r":param (\w+):\s*(.*?)(?=\n\s*:|\Z)", re.S)
# what a parameter's description names -> the kit that fills it
TARGETS = (("resource", "resource"), ("activity", "activity"), ("tag", "tag"),
           ("user", "user"), ("organization", "org"), ("group", "org"),
           ("dataset", "dataset"), ("package", "dataset"))


def base_function(fn: Any) -> Any:
    """The function at the bottom of a chain of chained actions."""
    while isinstance(fn, functools.partial):
        fn = fn.args[0] if fn.args else fn.func
    return inspect.unwrap(fn)


def id_params(name: str, fn: Any) -> dict[str, str]:
    """The identifying parameters of an action and what they name, read from
    its docstring (``:param id: the id or name of the dataset``)."""
    doc = inspect.getdoc(base_function(fn)) or inspect.getdoc(fn) or ""
    out = {}
    for param, text in PARAM_RE.findall(doc):
        if param not in ("id", "package_id", "resource_id"):
            continue
        words = text.lower()
        if param == "resource_id":
            out[param] = "resource"
            continue
        if param == "package_id":
            out[param] = "dataset"
            continue
        found = [kit for word, kit in TARGETS if word in words]
        if found:
            out[param] = found[0]
    if not out and name.startswith(("activity_show", "activity_data_show", "activity_diff")):
        out["id"] = "activity"
    if not out and name in NAMED:
        out[NAMED[name][0]] = NAMED[name][1]
    return out


# actions whose docstring names no identifying parameter
NAMED: dict[str, tuple[str, str]] = {"dcat_dataset_show": ("id", "dataset")}
# replies that are a number or a boolean: no sentinel fits in them
NO_CONTENT = re.compile(r"_count$|^am_following_")


# modules that chain ckanext-harvest's actions only to check their input (the
# bad-input sweep's ground) or to refuse its e-mail helpers: no content of the
# portal's datasets goes through them
INPUT_GUARDS = ("ckanext.metropole.harvest.guard", "ckanext.metropole.harvest.helpers_as_actions")


def registry() -> dict[str, Any]:
    import ckan.logic as logic

    logic.get_action("package_show")  # fills the registry
    return dict(logic._actions)


def portal_actions() -> dict[str, str]:
    """Actions the portal registers or chains, by name -> the plugin that does."""
    import ckan.plugins as p

    out: dict[str, str] = {}
    for plugin in p.PluginImplementations(p.IActions):
        if type(plugin).__module__.startswith("ckanext.metropole"):
            out.update((name, plugin.name) for name, fn in plugin.get_actions().items()
                       if getattr(fn, "__module__", "") not in INPUT_GUARDS)
    actions = registry()
    for plugin in p.PluginImplementations(p.IAuthFunctions):
        if type(plugin).__module__.startswith("ckanext.metropole"):
            for name, fn in plugin.get_auth_functions().items():
                # an auth function without its action checks nothing here
                if name in actions and getattr(fn, "__module__", "") not in INPUT_GUARDS:
                    out.setdefault(name, f"{plugin.name} (auth)")
    return out


def side_effect_free(fn: Any) -> bool:
    return bool(getattr(fn, "side_effect_free", False))


def _q(prefix: str) -> str:
    return f"{prefix}*"


def _package_search(world: World) -> list[dict[str, Any]]:
    everything = {"q": "*:*", "rows": 1000, "include_private": "true", "include_drafts": "true",
                  "include_deleted": "true"}
    facets = json.dumps(["tags", "res_name", "res_description", "title", "name",
                         "screening_note", "notes", "organization", "res_url"])
    return [
        {},
        everything,
        dict(everything, fl="data_dict"),
        dict(everything, fl="validated_data_dict"),
        dict(everything, fl="*"),
        dict(everything, fl=["id", "name", "title", "notes", "screening_note", "tags",
                             "res_name", "res_url", "extras_screening_note", "text"]),
        dict(everything, **{"facet.field": facets, "facet.limit": -1, "facet.mincount": 1}),
        {"q": _q("zq"), "include_private": "true"},
    ]


def _review_list(world: World) -> list[dict[str, Any]]:
    from ckanext.metropole.committee.model import STATES

    return ([{}, {"state": "all"}, {"mine": "true"}, {"mine": "true", "state": "all"},
             {"late": "true"}, {"commune": "21231", "state": "all"},
             {"criterion": "transparence", "state": "all"}]
            + [{"state": s} for s in STATES])


def _activity_types(world: World) -> list[dict[str, Any]]:
    return [{"activity_types": "metropole review"}, {"include_hidden_activity": "true"}]


def _table_metadata(world: World) -> list[dict[str, Any]]:
    return [{"resource_id": "_table_metadata", "limit": 1000}]


def _sql(world: World) -> list[dict[str, Any]]:
    out = [{"sql": 'SELECT * FROM "_table_metadata"'}]
    out += [{"sql": f'SELECT * FROM "{d.resource_id}"'} for d in world.datasets.values()
            if d.upload]
    return out


# extra parameter sets per action (each alone, on top of the generated ones)
VARIANTS: dict[str, Callable[[World], list[dict[str, Any]]]] = {
    "package_search": _package_search,
    "metropole_review_list": _review_list,
    "metropole_report": lambda w: [{"year": w.year}],
    "metropole_committee_member_list": lambda w: [{"include_past": "true"}],
    "package_autocomplete": lambda w: [{"q": "zq"}],
    "tag_autocomplete": lambda w: [{"q": "zq"}, {"q": "zq", "vocabulary_id": ""}],
    "tag_search": lambda w: [{"query": "zq"}],
    "tag_list": lambda w: [{"all_fields": "true"}, {"query": "zq"}],
    "resource_search": lambda w: [{"query": "name:zq"}, {"query": "description:Le"}],
    "current_package_list_with_resources": lambda w: [{"limit": 1000}],
    "package_list": lambda w: [{"limit": 1000}],
    "recently_changed_packages_activity_list": _activity_types,
    "package_activity_list": _activity_types,
    "user_activity_list": _activity_types,
    "organization_activity_list": _activity_types,
    "dashboard_activity_list": _activity_types,
    "datastore_search": _table_metadata,
    "datastore_search_sql": _sql,
    "datastore_info": _table_metadata,
    "user_show": lambda w: [{"include_datasets": "true"}],
    "organization_show": lambda w: [{"include_datasets": "true"}],
    "dcat_catalog_search": lambda w: [{"q": "*:*"}],
    "dcat_catalog_show": lambda w: [{"format": "jsonld"}],
    "dcat_datasets_list": lambda w: [{"page": 1}],
}
# the generated sets take the identifying parameter; these also need another one
WITH_ID: dict[str, dict[str, Any]] = {
    "dcat_dataset_show": {"format": "ttl"},
    "activity_diff": {"object_type": "package"},
    "task_status_show": {"task_type": "xloader", "key": "xloader"},
}


def _kit(world: World, target: str, action: str = ""
         ) -> Iterator[tuple[str, str | None, str | None]]:
    """(value, about, echo) for a kind of identifier."""
    datasets = world.datasets.values()
    if target == "dataset":
        yield from ((d.id, d.state, None) for d in datasets)
    elif target == "resource":
        yield from ((d.resource_id, d.state, None) for d in datasets)
    elif target == "activity" and action == "activity_show":
        # every kind of activity of each dataset (its newest of each type)
        yield from ((a, d.state, None) for d in datasets for a in d.activities)
    elif target == "activity":
        yield from ((d.activities[0], d.state, None) for d in datasets)
    elif target == "tag":
        yield from ((d.sentinels["tag"], d.state, d.sentinels["tag"]) for d in datasets)
    elif target == "user":
        yield from ((name, None, None) for name in USERS.values())
    elif target == "org":
        yield from ((name, None, None) for name in world.orgs)


def _api_probe(name: str, params: dict[str, Any], about: str | None = None,
               echo: str | None = None, method: str = "GET") -> Probe:
    items: list[tuple[str, Any]] = []
    for key, value in params.items():
        if isinstance(value, list):
            items.extend((key, v) for v in value)
        else:
            items.append((key, value))
    if method == "POST":
        return Probe(f"action {name}", "api", "POST", API + name, body=json.dumps(params),
                     about=about, echo=echo)
    return Probe(f"action {name}", "api", "GET", API + name, params=tuple(items),
                 about=about, echo=echo)


def api_reads(world: World) -> list[Probe]:
    actions = registry()
    ours = portal_actions()
    names = sorted(n for n, fn in actions.items() if side_effect_free(fn)
                   and (CONTENT.match(n) and not NO_CONTENT.search(n) or n in ours))
    probes: list[Probe] = []
    for name in names:
        ids = id_params(name, actions[name])
        extra = WITH_ID.get(name, {})
        if ids:
            param, target = next(iter(ids.items()))
            for value, about, echo in _kit(world, target, name):
                probes.append(_api_probe(name, {param: value, **extra}, about, echo))
        else:
            probes.append(_api_probe(name, {}))
        for params in VARIANTS.get(name, lambda w: [])(world):
            if ids and name not in ("datastore_search", "datastore_info", "datastore_search_sql"):
                param, target = next(iter(ids.items()))
                for value, about, echo in _kit(world, target, name):
                    probes.append(_api_probe(name, {param: value, **params}, about, echo))
            else:
                probes.append(_api_probe(name, params))
    return probes


def search_oracles(world: World) -> list[Probe]:
    """``q=<prefix>*``: a dataset found by a field its reader may not read
    betrays the field. Asked for each field some role may not read of a
    dataset that role may see (who cannot see a dataset finds nothing of it
    anyway: its title would leak first). The prefix is not a whole sentinel:
    the request itself carries none."""
    probes = []
    for d in world.datasets.values():
        for field in d.sentinels:
            if field == "table":
                continue  # the table's name is the resource's id, searched by no one
            if not rules.readers(d.state, "title") - rules.readers(d.state, field):
                continue
            prefix = f"zq{STATE_CODES[d.state]}{FIELD_CODES[field]}"
            queries = [f"{prefix}*"]
            if field in ORACLE_FIELDS:
                queries.append(f"{ORACLE_FIELDS[field]}:{prefix}*")
            for q in queries:
                probes.append(Probe(
                    "action package_search (search by a hidden field)", "api", "GET",
                    API + "package_search",
                    # the count answers: no result is built (rows=0)
                    params=(("q", q), ("include_private", "true"), ("include_drafts", "true"),
                            ("include_deleted", "true"), ("fl", "id"), ("rows", "0")),
                    oracle=(d.state, field)))
    return probes


# fields the index keeps under their own name (a fielded query may reach them)
ORACLE_FIELDS = {"screening_note": "screening_note", "resource": "res_name"}


# ----------------------------------------------------------------- pages

# GET rules the matrix does not request, with the reason
SKIPPED_PAGES: dict[str, str] = {
    r"^static$|^webassets\.": "static files",
    r"^api\.": "the API: asked through its actions (api_reads)",
    r"redirect_locale$|^util\.|^home\.robots_txt$|^home\.about$|^metropole_pages\.": "no data",
    r"^user\.(logout|logged_out_page|login|register|request_reset|perform_reset|me|edit)$":
        "the session's own pages (a GET of logout would end it)",
    r"delete": "confirmation forms of deletions",
    r"^admin\.(config|reset_config|index)$": "site configuration (sysadmins)",
    r"^(group|organization)\.(new|edit|bulk_process|member_new|manage_members|admins"
    r"|member_dump)$|^group\.": "organization management forms; no groups on the portal",
    r"^activity\.group_|^activity\.organization_changes": "no groups; changes of organizations",
    r"^dataset\.(new|groups|resources)$|^(dataset_)?resource\.(new|edit|edit_view|views|view)$"
    r"|^dataset_resource\.": "editors' forms (dataset.edit and datastore.dictionary stand for "
    "them) and duplicate rules (resource.* serves the same URLs)",
    r"^harvest\.|harvest_object": "harvest sources and objects (none here)",
    r"^user\.read_organizations$|^organization\.(about|members)$"
    r"|^dashboard\.(groups|organizations)$": "memberships, no dataset content",
    r"^user\.(api_tokens|read_groups|followers)$|^(dataset|user)\.followers$"
    r"|^organization\.followers$": "follower and token lists (no dataset content)",
    r"^dcat\.": "ckanext-dcat's rules, served by the portal's views (metropole_dcat.*)",
    r"changes_multiple$": "a form of several activities (changes/<id> is asked)",
}
_SKIPPED = re.compile("|".join(f"(?:{k})" for k in SKIPPED_PAGES))
ARG = re.compile(r"<(?:[^:>]+:)?([^>]+)>")
# one format per document (the same graph serialised; tests/dcat checks the others)
FORMATS = {"dataset": ("ttl",), "catalog": ("ttl", "jsonld")}
RDF_ACCEPT = ("text/turtle",)


def _bind(rule: str, values: dict[str, str]) -> str:
    return ARG.sub(lambda m: values[m.group(1)], rule)


def page_rules(app: Any) -> list[tuple[str, str]]:
    """(rule, endpoint) of the GET rules the matrix asks."""
    out = []
    for rule in app.flask_app.url_map.iter_rules():
        if "GET" not in (rule.methods or ()) or _SKIPPED.search(rule.endpoint):
            continue
        out.append((rule.rule, rule.endpoint))
    return sorted(set(out))


def pages(world: World, app: Any) -> list[Probe]:
    probes: list[Probe] = []
    for rule, endpoint in page_rules(app):
        args = set(ARG.findall(rule))
        label = f"page {rule}"
        if not args:
            probes.append(Probe(label, "page", "GET", rule))
            for params in PAGE_VARIANTS.get(endpoint, ()):
                probes.append(Probe(label, "page", "GET", rule, params=tuple(params.items())))
            continue
        for values, about, echo in _page_values(world, rule, args):
            url = _bind(rule, values)
            probes.append(Probe(label, "page", "GET", url, about=about, echo=echo))
            for params in PAGE_VARIANTS.get(endpoint, ()):
                probes.append(Probe(label, "page", "GET", url, params=tuple(params.items()),
                                    about=about, echo=echo))
    for d in world.datasets.values():  # content negotiation on CKAN's dataset URL
        for accept in RDF_ACCEPT:
            probes.append(Probe("page /dataset/<id> (Accept: RDF)", "page", "GET",
                                f"/dataset/{d.id}", headers=(("Accept", accept),),
                                about=d.state))
    for url in ("/", "/catalog"):
        for accept in RDF_ACCEPT:
            probes.append(Probe(f"page {url} (Accept: RDF)", "page", "GET", url,
                                headers=(("Accept", accept),)))
    return probes


PAGE_VARIANTS: dict[str, tuple[dict[str, str], ...]] = {
    "dataset.search": ({"q": "zq*"}, {"q": "*:*", "ext_bbox": ""}),
    "organization.read": ({"q": "zq*"},),
    "metropole_committee.queue": ({"state": "all"},),
    "metropole_dcat.catalog": ({"q": "zq*"},),
}


# the users who did something to the datasets (the others' pages are empty)
ACTORS = ("editor", "admin", "member", "president", "secretary", "sysadmin")


# one branch per family of routes of the sweep: a table, read top to bottom
def _page_values(world: World, rule: str, args: set[str]  # noqa: C901
                 ) -> Iterator[tuple[dict[str, str], str | None, str | None]]:
    datasets = list(world.datasets.values())
    head = rule.strip("/").split("/")[0]
    if args == {"year"}:
        yield {"year": str(world.year)}, None, None
        return
    if head in ("dataset", "dataset_series") and rule.startswith("/dataset/changes/"):
        for d in datasets:
            yield {"id": d.activities[0]}, d.state, None
        return
    if head in ("dataset", "dataset_series"):
        for d in datasets:
            base = {"id": d.id, "_id": d.id, "resource_id": d.resource_id,
                    "filename": d.upload or "", "view_id": d.view_id or "",
                    "resource_view_id": d.view_id or ""}
            if rule.endswith("/download") or "filename" in args and not d.upload or \
                    args & {"view_id", "resource_view_id"} and not d.view_id:
                continue  # (download/<filename> is asked; the same view)
            if "activity_id" in args:
                yield dict(base, activity_id=d.activities[0]), d.state, None
            elif "_format" in args:
                for fmt in FORMATS["dataset"]:
                    yield dict(base, _format=fmt), d.state, None
            else:
                yield base, d.state, None
        return
    if head == "catalog.<_format>" or rule.startswith("/catalog."):
        for fmt in FORMATS["catalog"]:
            yield {"_format": fmt}, None, None
        return
    if head == "organization":
        for org in world.orgs:
            yield {"id": org, "_format": "ttl"}, None, None
        return
    if head == "user":
        for role in ACTORS:
            yield {"id": USERS[role]}, None, None
        return
    if head == "feeds":
        if rule.startswith("/feeds/tag/"):
            for d in datasets:
                yield {"id": d.sentinels["tag"]}, d.state, d.sentinels["tag"]
        elif rule.startswith("/feeds/organization/"):
            for org in world.orgs:
                yield {"id": org}, None, None
        return
    if head == "datastore":
        for d in datasets:
            if d.upload:
                yield {"resource_id": d.resource_id}, d.state, None
        return


# ----------------------------------------------------------------- writes

def write_params(name: str, world: World) -> list[tuple[dict[str, Any], str | None]]:
    """A request each write action would accept from whoever may make it."""
    from ckanext.metropole.tests.data import complete_dataset

    dijon = world.orgs["dijon"]["id"]
    per_dataset = {
        "metropole_review_propose": {"comment": "x"},
        "metropole_review_open": {},
        "metropole_opinion_record": {"value": "favorable", "comment": "x"},
        "metropole_avis_render": {"avis": "favorable", "motivation": "x"},
        "metropole_decision_record": {"decision": "publie", "justification": "x"},
        "metropole_review_override": {"justification": "x"},
    }
    datasets = list(world.datasets.values())
    if name in per_dataset:
        return [(dict(per_dataset[name], id=d.id), d.state) for d in datasets]
    if name == "package_update":
        return [(complete_dataset(d.owner_org, id=d.id, name=d.sentinels["name"],
                                  title="Réécrit", private=True, committee_override=None),
                 d.state) for d in datasets]
    if name in ("bulk_update_public", "bulk_update_private"):
        return [({"datasets": [d.id], "org_id": dijon}, d.state) for d in datasets
                if d.owner_org == dijon]
    if name == "package_owner_org_update":
        return [({"id": d.id, "organization_id": world.orgs["chenove"]["id"]}, d.state)
                for d in datasets]
    if name == "activity_create":
        return [({"subject_id": d.id, "object_id": d.id, "activity_type": "changed package",
                  "user_id": world.users["user"]["id"], "data": {"package": {"title": "x"}}},
                 d.state) for d in datasets[:1]]
    if name == "xloader_hook":
        return [({"metadata": {"resource_id": d.resource_id}, "status": "error",
                  "error": "x"}, d.state) for d in datasets]
    if name == "package_create":
        return [(complete_dataset(dijon, name="matrice-intrus", private=True,
                                  committee_override=None), None)]
    if name == "metropole_committee_member_add":
        return [({"user": USERS["user"], "college": "recherche"}, None)]
    if name == "metropole_committee_member_remove":
        return [({"user": USERS["member"]}, None)]
    raise LookupError(f"no request for the write action {name}: add one to write_params")


def writes(world: World) -> list[Probe]:
    actions = registry()
    probes = []
    for name in sorted(portal_actions()):
        if side_effect_free(actions[name]):
            continue
        for params, about in write_params(name, world):
            probes.append(_api_probe(name, params, about, method="POST"))
    return probes


def all_reads(world: World, app: Any) -> list[Probe]:
    return api_reads(world) + search_oracles(world) + pages(world, app)


__all__ = ["Probe", "all_reads", "writes", "portal_actions", "rules"]
