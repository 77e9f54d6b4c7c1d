"""The demo's harvest source (`ckan metropole demo seed` with the harvest plugins)."""
from __future__ import annotations

import pathlib

from ckanext.metropole.harvest import demo
from ckanext.metropole.tests.harvest.jobs import harvested
from ckanext.metropole.tests.harvest.server import Reply

CATALOGUE = pathlib.Path(demo.__file__).parent / "demo" / "catalogue.ttl"


def test_demo_source_is_harvested_once_and_again(server, clean_db, clean_index, app):
    server.routes["/catalogue.ttl"] = Reply(CATALOGUE.read_bytes(),
                                            content_type="application/octet-stream")
    line = demo.seed(server.url("/catalogue.ttl"))
    assert "3 kept, 1 skipped; 3 added" in line, line
    assert "errors" not in line, line
    assert set(harvested()) == {"populations-legales-2023", "filosofi-chenove",
                                "filosofi-carroyage-21"}
    page = app.get(f"/dataset/{harvested()['populations-legales-2023']['name']}").body
    assert "Jeu de données moissonné" in page
    assert "INSEE" in page
    again = demo.seed(server.url("/catalogue.ttl"))
    assert "3 kept, 1 skipped; 0 added, 0 updated, 3 not modified" in again, again
