"""With ckanext-dcat enabled, in any order, its endpoints serve the portal's feeds."""
from __future__ import annotations

import pytest
from rdflib.namespace import RDF

from ckanext.metropole import config as metropole_config
from ckanext.metropole.dcat.terms import DCAT, DCT, FOAF
from ckanext.metropole.tests.dcat.graphs import get, one

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.mark.ckan_config("ckan.plugins", "metropole_search dcat metropole "
                                         "scheming_datasets scheming_organizations")
def test_dcat_listed_first_still_serves_published_datasets_only(app, seeded):
    g = get(app, "/catalog.ttl")
    found = {str(one(g, d, DCT.identifier)) for d in g.subjects(RDF.type, DCAT.Dataset)}
    assert found == {p["id"] for p in seeded["published"].values()}
    catalog = next(g.subjects(RDF.type, DCAT.Catalog))
    assert str(one(g, one(g, catalog, DCT.publisher), FOAF.name)) == "Dijon Métropole"
    assert app.get("/dataset/draft-private.ttl").status_code == 404
    assert app.get("/catalog.ttl?page=0").status_code == 400


@pytest.mark.parametrize(("chosen", "used"), [
    ("", "euro_dcat_ap_3 metropole_dcat_ap"),
    ("euro_dcat_ap_3", "euro_dcat_ap_3 metropole_dcat_ap"),
    ("euro_dcat_ap_2", "euro_dcat_ap_2 metropole_dcat_ap_2"),
    ("euro_dcat_ap_3 my_profile", "euro_dcat_ap_3 my_profile"),
])
def test_profiles_default_to_the_portal_s(chosen, used):
    config = {"ckanext.dcat.rdf.profiles": chosen}
    metropole_config.set_dcat_defaults(config)
    assert config["ckanext.dcat.rdf.profiles"] == used
