"""The site's minimum score for a proposal (ckanext.metropole.quality.min_score_to_propose)."""
from __future__ import annotations

import pytest

from ckan.exceptions import CkanConfigurationException
from ckan.tests import factories, helpers

from ckanext.metropole import config as metropole_config
from ckanext.metropole.tests.data import DIJON, complete_dataset

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


@pytest.fixture
def proposer(app):
    org = factories.Organization(name="dijon", insee_code=DIJON, kind="commune")
    user = factories.User()
    helpers.call_action("organization_member_create", id=org["id"], username=user["name"],
                        role="editor")
    # no contact point, no temporal coverage, no size: 405 - 20 - 20 - 5 = 360
    draft = helpers.call_action("package_create", **complete_dataset(
        org["id"], private=True, tag_string="sport"))
    return {"Authorization": factories.APIToken(user=user["name"])["token"]}, draft


def _propose(app, headers, draft, status):
    return app.post("/api/3/action/metropole_review_propose", json={"id": draft["id"]},
                    headers=headers, status=status).json


@pytest.mark.ckan_config("ckanext.metropole.quality.min_score_to_propose", "380")
def test_below_the_minimum_the_proposal_is_refused_with_what_to_add(app, proposer):
    headers, draft = proposer
    error = _propose(app, headers, draft, 409)["error"]
    messages = error["quality"]
    assert messages[0] == ("Qualité des métadonnées : le jeu de données obtient 360 points "
                           "sur 405 ; le portail en demande 380 avant une proposition")
    assert any("point de contact" in m for m in messages[1:])
    assert any("couverture temporelle" in m for m in messages[1:])


@pytest.mark.ckan_config("ckanext.metropole.quality.min_score_to_propose", "360")
def test_at_the_minimum_the_dataset_is_proposed(app, proposer):
    headers, draft = proposer
    assert _propose(app, headers, draft, 200)["result"]["state"] == "propose"


def test_no_minimum_by_default(app, proposer):
    headers, draft = proposer
    assert metropole_config.min_score_to_propose() is None
    assert _propose(app, headers, draft, 200)["success"] is True


@pytest.mark.parametrize("value", ["beaucoup", "406", "-1"])
def test_a_minimum_that_is_not_points_stops_the_start(value):
    with pytest.raises(CkanConfigurationException, match="min_score_to_propose"):
        metropole_config.check_look({metropole_config.MIN_SCORE_OPTION: value})
