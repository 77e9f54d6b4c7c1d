"""Bad files end as a clear load error; nothing of them stays queryable."""
from __future__ import annotations

import http.server
import threading
from typing import Any, Iterator

import markupsafe
import pytest
from ckan.tests import factories, helpers

import ckan.plugins.toolkit as tk
from ckanext.metropole.tests.data import DIJON, complete_dataset
from ckanext.metropole.tests.datastore.conftest import (datastore_marks, load_status,
                                                        run_jobs, upload)

pytestmark = [pytest.mark.usefixtures("with_plugins", "site")]

GOOD = b"Commune;Population\nDijon;156920\n"
MB = 1024 * 1024
BAD_FILES = {
    "empty": (b"", "vide.csv", "empty"),
    "binary": (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8, "image.csv",
               "could not be read as a table"),
    "more values": ("Commune;Population\nDijon;156920\nChenôve;14050;7,37;x\n".encode(),
                    "colonnes.csv", "Line 3 has 4 values but the header has 2 columns"),
    "fewer values": ("Commune;Population;Surface\nDijon;156920;40,41\nChenôve\n".encode(),
                     "colonnes.csv", "Line 3 has 1 values but the header has 3 columns"),
    "formula": ("Commune;Remarque\nDijon;ok\nChenôve;=CMD()\n".encode(), "formule.csv",
                'Line 3, column "Remarque"'),
}


@pytest.fixture
def dataset() -> dict[str, Any]:
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    return helpers.call_action("package_create", **complete_dataset(org["id"], resources=[]))


def assert_not_queryable(resource_id: str) -> None:
    assert helpers.call_action("resource_show", id=resource_id)["datastore_active"] is False
    with pytest.raises(tk.ObjectNotFound):
        helpers.call_action("datastore_search", resource_id=resource_id)


@datastore_marks
@pytest.mark.ckan_config("ckan.locale_default", "en")
@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_is_a_clear_error(app: Any, dataset: dict[str, Any], case: str) -> None:
    data, filename, words = BAD_FILES[case]
    res = upload(dataset["id"], data, filename)
    status = load_status(res["id"])
    assert status["status"] == "error"
    message = status["error"]["message"]
    assert words.lower() in message.lower()
    assert "Traceback" not in message
    assert_not_queryable(res["id"])
    assert_shown_to_editors(app, res, message)


def assert_shown_to_editors(app: Any, res: dict[str, Any], message: str) -> None:
    url = f"/dataset/{res['package_id']}/resource/{res['id']}"
    sysadmin = factories.SysadminWithToken()
    page = app.get(url, headers={"Authorization": sysadmin["token"]}).get_data(as_text=True)
    assert "metropole-load-error" in page
    assert str(markupsafe.escape(message)) in page
    anonymous = app.get(url).get_data(as_text=True)
    assert "metropole-load-error" not in anonymous


class TooBig(http.server.BaseHTTPRequestHandler):
    """Announces a 200 MB CSV (and streams zeros until the client hangs up)."""

    def do_GET(self) -> None:  # noqa: N802 (http.server's naming)
        self.send_response(200)
        self.send_header("Content-Type", "text/csv")
        self.send_header("Content-Length", str(200 * MB))
        self.end_headers()
        try:
            for _ in range(200):
                self.wfile.write(b"0" * MB)
        except (BrokenPipeError, ConnectionResetError):
            pass

    def log_message(self, *args: Any) -> None:
        pass


@pytest.fixture
def big_file_url() -> Iterator[str]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), TooBig)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}/releves.csv"
    server.shutdown()
    thread.join()


@datastore_marks
@pytest.mark.ckan_config("ckan.locale_default", "en")
def test_file_over_the_size_limit_is_refused(app: Any, dataset: dict[str, Any],
                                             big_file_url: str) -> None:
    # the file is served on 127.0.0.1, an address a public dataset may not
    # link to (data.gouv.fr would refuse it: logic/resource_urls.py)
    helpers.call_action("package_patch", id=dataset["id"], private=True)
    res = helpers.call_action("resource_create", package_id=dataset["id"],
                              url=big_file_url, format="CSV", name="Relevés")
    run_jobs()
    status = load_status(res["id"])
    assert status["status"] == "error"
    message = status["error"]["message"]
    assert f"{200 * MB} bytes > max {50 * MB} bytes" in message
    assert_not_queryable(res["id"])
    assert_shown_to_editors(app, helpers.call_action("resource_show", id=res["id"]), message)


@datastore_marks
def test_a_good_file_replaces_a_refused_one(dataset: dict[str, Any]) -> None:
    res = upload(dataset["id"], BAD_FILES["formula"][0], "formule.csv")
    assert load_status(res["id"])["status"] == "error"
    from io import BytesIO

    from ckan.tests.pytest_ckan.fixtures import FakeFileStorage

    helpers.call_action("resource_patch", id=res["id"],
                        upload=FakeFileStorage(BytesIO(GOOD), "communes.csv"))
    run_jobs()
    assert load_status(res["id"])["status"] == "complete"
    found = helpers.call_action("datastore_search", resource_id=res["id"])
    assert found["records"][0]["Population"] == 156920


@datastore_marks
def test_errors_speak_the_site_language(app: Any, dataset: dict[str, Any]) -> None:
    res = upload(dataset["id"], BAD_FILES["formula"][0], "formule.csv")
    message = load_status(res["id"])["error"]["message"]
    assert message.startswith("Ligne 3, colonne « Remarque » : la valeur « =CMD() » "
                              "commence comme une formule de tableur")
    assert_shown_to_editors(app, res, message)
