"""Resource addresses data.gouv.fr refuses, refused at proposal and publication.

The cases are those udata 17.18's ``uris.validate`` refuses and accepts with
data.gouv.fr's settings (resolution off), as run for the research of issue 20.
"""
from __future__ import annotations

import pytest

import ckan.plugins.toolkit as tk
from ckan.tests import factories, helpers

from ckanext.metropole.logic import gate, resource_urls
from ckanext.metropole.tests.data import DIJON, OVERRIDE, complete_dataset

REFUSED = [
    ("https://data.example.invalid/bal.csv", "invalid is not a top-level domain"),
    ("https://portail.example/a.csv", "example is not a top-level domain"),
    ("https://x.metropole.local/a.csv", "local is not a top-level domain"),
    ("https://x.dijon.test/a.csv", "test is not a top-level domain"),
    ("https://data.dijon.FR/a.csv", "FR must be written in lower case"),
    ("http://intranet/a.csv", "not a valid URL"),
    ("data.dijon.fr/a.csv", "not a valid URL"),
    ("//data.dijon.fr/a.csv", "not a valid URL"),
    ("file:///srv/a.csv", "not a valid URL"),
    ("https://data.dijon.fr/a b.csv", "not a valid URL"),
    ("sftp://data.dijon.fr/a.csv", "the scheme sftp is not accepted"),
    ("http://localhost:5000/a.csv", "local address"),
    ("http://127.0.0.1/a.csv", "local address"),
    ("http://[::1]/a.csv", "local address"),
    ("http://10.1.2.3/a.csv", "private address"),
    ("http://192.168.1.10/a.csv", "private address"),
    ("http://169.254.169.254/latest", "private address"),
    ("http://100.64.0.1/a.csv", "private address"),
    ("http://[fd00::1]/a.csv", "private address"),
    ("http://[::ffff:7f00:1]/a.csv", "local address"),
    ("http://224.0.0.1/a.csv", "multicast address"),
    ("http://255.255.255.0/a.csv", "mask address"),
]
ACCEPTED = [
    "https://data.example.org/a.csv",
    "https://données.dijon.fr/a.csv",
    "https://data.dijon.bzh/a.csv",
    "ftp://ftp.dijon.fr/a.csv",
    "https://user:pw@data.dijon.fr/a.csv",
    "https://8.8.8.8/a.csv",
    "https://data.dijon.fr/a%20b.csv",
    "  https://data.dijon.fr/a.csv  ",
    "https://data.dijon.fr:8443/api?x=1",
]


@pytest.mark.parametrize(("url", "words"), REFUSED)
def test_refused_like_data_gouv_fr(url, words):
    reason = resource_urls.problem(url)
    assert reason is not None, (url, reason)
    assert words in reason, (url, reason)


@pytest.mark.parametrize("url", ACCEPTED)
def test_accepted_like_data_gouv_fr(url):
    assert resource_urls.problem(url) is None


def test_errors_name_each_refused_resource_and_skip_uploads():
    messages = resource_urls.errors([
        {"name": "Liste des écoles", "url": "https://data.example.invalid/ecoles.csv"},
        {"name": "Budget", "url": "budget.csv", "url_type": "upload"},
        {"name": "Arbres", "url": "https://data.dijon.fr/arbres.csv"},
        {"url": "http://10.0.0.5/points.csv"},
        {"name": "Vide", "url": ""},
        {"name": "Retirée", "url": "http://localhost/x", "state": "deleted"},
    ])
    assert len(messages) == 3
    assert messages[0].startswith('Resource "Liste des écoles": data.gouv.fr would refuse')
    assert "https://data.example.invalid/ecoles.csv" in messages[0]
    assert messages[1].startswith('Resource "points.csv"')
    assert messages[2].startswith('Resource "Vide": no address')


@pytest.fixture
def org():
    return factories.Organization(name="dijon", insee_code=DIJON, kind="commune")


BAD = [{"name": "Liste des écoles", "url": "https://data.example.invalid/ecoles.csv",
        "format": "csv"}]


@pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")
class TestOnPublication:
    def test_publishing_is_refused_naming_the_resource(self, org):
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_create", **complete_dataset(org["id"], resources=BAD))
        assert list(err.value.error_dict) == [gate.RESOURCE_URL]
        assert "Liste des écoles" in err.value.error_dict[gate.RESOURCE_URL][0]

    def test_a_private_draft_keeps_any_link(self, org):
        draft = helpers.call_action("package_create", **complete_dataset(
            org["id"], private=True, resources=BAD))
        assert draft["resources"][0]["url"] == BAD[0]["url"]
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("package_patch", id=draft["id"], private=False,
                                committee_override=OVERRIDE)
        assert gate.RESOURCE_URL in err.value.error_dict

    def test_a_bad_link_added_to_a_published_dataset_is_refused(self, org):
        pkg = helpers.call_action("package_create", **complete_dataset(org["id"]))
        with pytest.raises(tk.ValidationError) as err:
            helpers.call_action("resource_create", package_id=pkg["id"], name="Points",
                                url="http://192.168.0.7/points.csv", format="csv")
        assert 'Resource "Points"' in str(err.value.error_dict)
        assert len(helpers.call_action("package_show", id=pkg["id"])["resources"]) == 1

    def test_proposal_is_refused_through_the_api(self, app, org):
        user = factories.User()
        helpers.call_action("organization_member_create", id=org["id"],
                            username=user["name"], role="editor")
        draft = helpers.call_action("package_create", **complete_dataset(
            org["id"], private=True, resources=BAD))
        token = factories.APIToken(user=user["name"])["token"]
        response = app.post("/api/3/action/metropole_review_propose",
                            json={"id": draft["id"]}, headers={"Authorization": token},
                            status=409)
        error = response.json["error"]
        assert error["__type"] == "Validation Error"
        assert "Liste des écoles" in error[gate.RESOURCE_URL][0]
