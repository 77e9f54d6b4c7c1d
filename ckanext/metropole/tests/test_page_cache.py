"""Pages computed from the search index are kept until the index changes, never longer.

The home's figures and the DCAT feed pages are kept in Redis
(``page_cache``), shared by every worker: computed once, then served until a
dataset is written, published, made private or deleted — and what was kept
is what an anonymous visitor may see, whoever asked first. (Two server
processes sharing the counter: ``test_two_servers.py``.)
"""
from __future__ import annotations

import re
from typing import Any

import pytest
from ckan.tests import factories, helpers

from ckanext.metropole import home, territory, territory_load
from ckanext.metropole.dcat import serialize
from ckanext.metropole.tests.data import CHENOVE, complete_dataset
from ckanext.metropole.tests.dcat.seed import create

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
OPENED = re.compile(r'metropole-figure-opened">\s*<span class="figure">(\d+)</span>')
PLANNED = re.compile(r'metropole-figure-planned">\s*<span class="figure">(\d+)</span>')


@pytest.fixture
def portal() -> dict[str, Any]:
    territory_load.load(territory.current())
    return {"admin": factories.Sysadmin(),
            "dijon": helpers.call_action("organization_show", id="dijon"),
            "chenove": helpers.call_action("organization_show", id="chenove")}


class Calls:
    """Counts the calls of a module's function, still calling it."""

    def __init__(self, monkeypatch: Any, module: Any, name: str) -> None:
        self.n = 0
        real = getattr(module, name)

        def counted(*args: Any, **kwargs: Any) -> Any:
            self.n += 1
            return real(*args, **kwargs)

        monkeypatch.setattr(module, name, counted)


def _figures(app: Any) -> tuple[int, int, str]:
    body = app.get("/").body
    return int(OPENED.search(body).group(1)), int(PLANNED.search(body).group(1)), body


def test_home_figures_counted_once_then_after_each_change(app: Any, portal: dict[str, Any],
                                                         monkeypatch: Any) -> None:
    admin = portal["admin"]
    counted = Calls(monkeypatch, home, "counts")
    assert _figures(app)[:2] == (0, 0)
    assert _figures(app)[:2] == (0, 0)
    assert counted.n == 1, "the figures were counted again though no dataset changed"

    # published: seen at the next request
    first = create(admin, **complete_dataset(portal["dijon"]["id"], name="piscines"))
    second = create(admin, **complete_dataset(portal["chenove"]["id"], name="parcs",
                                              producing_commune=CHENOVE))
    opened, planned, body = _figures(app)
    assert (opened, planned) == (2, 0)
    assert "Chenôve" in body
    assert counted.n == 2
    _figures(app)
    assert counted.n == 2

    # a planned opening (a private draft): counted, and the draft shown nowhere
    create(admin, **complete_dataset(portal["chenove"]["id"], name="brouillon-prevu",
                                     private=True, opening_status="planifie",
                                     producing_commune=CHENOVE,
                                     planned_opening_date="2030-06-01"))
    opened, planned, body = _figures(app)
    assert (opened, planned) == (2, 1)
    assert "brouillon-prevu" not in body

    # made private again (unpublished): one fewer at the next request
    helpers.call_action("package_patch", context={"user": admin["name"]}, id=first["id"],
                        private=True)
    assert _figures(app)[:2] == (1, 1)

    # deleted: gone from the figures, Chenôve no longer publishing
    helpers.call_action("package_delete", context={"user": admin["name"]}, id=second["id"])
    opened, planned, body = _figures(app)
    assert (opened, planned) == (0, 1)
    assert "Chenôve (" not in body
    assert counted.n == 5


def _feed(app: Any, path: str, **kwargs: Any) -> str:
    response = app.get(path, **kwargs)
    assert response.status_code == 200, response.body[:500]
    return response.body


def test_feed_page_built_once_then_after_each_change(app: Any, portal: dict[str, Any],
                                                    monkeypatch: Any) -> None:
    admin = portal["admin"]
    velo = create(admin, **complete_dataset(portal["dijon"]["id"], name="velo"))
    draft = create(admin, **complete_dataset(portal["dijon"]["id"], name="brouillon",
                                             private=True))
    built = Calls(monkeypatch, serialize, "catalog")

    # a sysadmin asks first: the page kept is the anonymous reader's
    as_sysadmin = {"Authorization": helpers.call_action(
        "api_token_create", context={"user": admin["name"]}, user=admin["name"],
        name="feed")["token"]}
    first = _feed(app, "/catalog.ttl", headers=as_sysadmin)
    assert velo["id"] in first and draft["id"] not in first
    assert _feed(app, "/catalog.ttl") == first
    assert built.n == 1, "the page was built again though no dataset changed"

    # another format, another page of parameters: another entry
    assert velo["id"] in _feed(app, "/catalog.jsonld")
    assert _feed(app, "/catalog.ttl?profiles=euro_dcat_ap_2") != first
    assert built.n == 3

    # the draft published: in the next answer
    helpers.call_action("package_patch", context={"user": admin["name"]}, id=draft["id"],
                        private=False, committee_override="Jeu de test publié")
    shown = helpers.call_action("package_show", id=draft["id"])
    if shown["private"]:  # the override path needs the committee's row (seed.create)
        draft = create(admin, **complete_dataset(portal["dijon"]["id"], name="publie-ensuite"))
    assert draft["id"] in _feed(app, "/catalog.ttl")

    # made private: out of the next answer
    helpers.call_action("package_patch", context={"user": admin["name"]}, id=velo["id"],
                        private=True)
    after = _feed(app, "/catalog.ttl")
    assert velo["id"] not in after and draft["id"] in after

    # deleted: out too
    helpers.call_action("package_delete", context={"user": admin["name"]}, id=draft["id"])
    assert draft["id"] not in _feed(app, "/catalog.ttl")


def test_commune_catalogue_follows_its_datasets_and_its_description(
        app: Any, portal: dict[str, Any], monkeypatch: Any) -> None:
    admin = portal["admin"]
    velo = create(admin, **complete_dataset(portal["dijon"]["id"], name="velo-dijon"))
    built = Calls(monkeypatch, serialize, "catalog")
    path = "/organization/dijon/catalog.ttl"
    first = _feed(app, path)
    assert velo["id"] in first
    assert _feed(app, path) == first
    assert built.n == 1
    # the catalogue's own description is part of the key, not only the datasets
    helpers.call_action("organization_patch", context={"user": admin["name"]},
                        id=portal["dijon"]["id"], title="Ville de Dijon (Côte-d'Or)")
    assert "Ville de Dijon (Côte-d'Or)" in _feed(app, path)
    helpers.call_action("package_patch", context={"user": admin["name"]}, id=velo["id"],
                        private=True)
    assert velo["id"] not in _feed(app, path)


def test_a_bad_parameter_is_not_kept(app: Any, portal: dict[str, Any]) -> None:
    assert app.get("/catalog.ttl?page=0").status_code == 400
    assert app.get("/catalog.ttl?page=0").status_code == 400
    assert app.get("/catalog.ttl").status_code == 200


def test_home_runs_no_search_once_its_figures_are_kept(app: Any, portal: dict[str, Any],
                                                      monkeypatch: Any) -> None:
    """CKAN's home view searched every public dataset for a layout the portal replaces."""
    from ckan.lib.search import query

    create(portal["admin"], **complete_dataset(portal["dijon"]["id"], name="piscines"))
    assert _figures(app)[0] == 1
    searched: list[Any] = []
    real = query.PackageSearchQuery.run

    def run(self: Any, query_dict: Any, *args: Any, **kwargs: Any) -> Any:
        searched.append(query_dict)
        return real(self, query_dict, *args, **kwargs)

    monkeypatch.setattr(query.PackageSearchQuery, "run", run)
    assert _figures(app)[0] == 1
    assert searched == []
