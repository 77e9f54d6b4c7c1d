"""``ckan metropole schemas update`` against a catalogue served on 127.0.0.1."""
from __future__ import annotations

import http.server
import json
import os
import threading
from collections.abc import Iterator
from typing import Any

import pytest

from ckan.cli.cli import ckan as ckan_cli

from ckanext.metropole import schema_registry

PRENOMS = os.path.join(schema_registry.SHIPPED_DIR, "scdl__prenoms", "1.1.6", "schema.json")


@pytest.fixture
def site(tmp_path: Any) -> Iterator[dict[str, Any]]:
    """A schema catalogue: prénoms in a new version, subventions broken."""
    files: dict[str, bytes] = {}

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self) -> None:  # noqa: N802 - http.server's name
            body = files.get(self.path)
            self.send_response(200 if body is not None else 404)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    base = f"http://127.0.0.1:{server.server_port}"
    with open(PRENOMS, "rb") as f:
        prenoms = json.load(f)
    prenoms["fields"].append({"name": "COMMENTAIRE", "type": "string"})
    files["/schemas/scdl/prenoms/1.2.0/schema.json"] = json.dumps(prenoms).encode()
    files["/schemas/scdl/subventions/2.2.0/schema.json"] = \
        b'{"fields": [{"name": "a", "type": "nombre"}]}'
    files["/schemas.json"] = json.dumps({"schemas": [
        {"name": "scdl/prenoms", "title": "Prénoms des nouveaux-nés",
         "schema_type": "tableschema", "latest_version": "1.2.0",
         "schema_url": f"{base}/schemas/scdl/prenoms/latest/schema.json",
         "versions": [{"version_name": "1.2.0",
                       "schema_url": f"{base}/schemas/scdl/prenoms/1.2.0/schema.json"}]},
        {"name": "scdl/subventions", "title": "Subventions", "schema_type": "tableschema",
         "latest_version": "2.2.0",
         "versions": [{"version_name": "2.2.0",
                       "schema_url": f"{base}/schemas/scdl/subventions/2.2.0/schema.json"}]},
        {"name": "scdl/budget", "title": "Budget", "schema_type": "tableschema",
         "latest_version": "0.9.0",
         "versions": [{"version_name": "0.9.0",
                       "schema_url": "http://elsewhere.invalid/budget.json"}]},
    ]}).encode()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield {"base": base}
    finally:
        server.shutdown()
        thread.join()
        schema_registry.forget()


@pytest.mark.ckan_config("ckanext.metropole.validation.allow_loopback", "true")
def test_update_adds_the_new_version_and_keeps_the_old(cli: Any, site: dict[str, Any],
                                                      tmp_path: Any, ckan_config: Any,
                                                      monkeypatch: Any) -> None:
    monkeypatch.setitem(ckan_config, "ckanext.metropole.schemas.directory",
                        str(tmp_path / "schemas"))
    result = cli.invoke(ckan_cli, ["metropole", "schemas", "update",
                                   "--catalog-url", f"{site['base']}/schemas.json"])
    assert result.exit_code == 0, result.output
    assert "scdl/prenoms: 1.2.0 added (was 1.1.6)" in result.output
    assert "scdl/subventions 2.2.0: not updated" in result.output  # does not load
    assert "scdl/budget 0.9.0: not updated" in result.output  # not on the catalogue's site
    assert "scdl/deliberations: not in the catalogue, kept" in result.output
    schema_registry.forget()
    entry = schema_registry.entries()["scdl/prenoms"]
    assert (entry.latest, entry.versions) == ("1.2.0", ("1.1.6", "1.2.0"))
    latest = schema_registry.get("scdl/prenoms")
    assert latest.version == "1.2.0"
    assert latest.checked
    assert latest.path.startswith(str(tmp_path / "schemas"))
    assert schema_registry.get("scdl/prenoms", "1.1.6").path == PRENOMS
    subventions = schema_registry.entries()["scdl/subventions"]
    assert (subventions.latest, subventions.versions) == ("2.1.1", ("2.1.1",))
    assert not os.path.exists(tmp_path / "schemas" / "scdl__subventions")


def test_update_refuses_loopback_unless_allowed(cli: Any, site: dict[str, Any],
                                                tmp_path: Any, ckan_config: Any,
                                                monkeypatch: Any) -> None:
    monkeypatch.setitem(ckan_config, "ckanext.metropole.schemas.directory",
                        str(tmp_path / "schemas"))
    result = cli.invoke(ckan_cli, ["metropole", "schemas", "update",
                                   "--catalog-url", f"{site['base']}/schemas.json"])
    assert result.exit_code != 0
    assert "Nothing changed" in result.output
    assert not os.path.exists(tmp_path / "schemas" / schema_registry.LIST_NAME)
