"""package_search on PostgreSQL, as CKAN's actions, UI and extensions use it."""
from typing import Any

import pytest
import sqlalchemy as sa

import ckan.model as model
import ckan.plugins.toolkit as tk
from ckan.lib import search
from ckan.lib.search import common as search_common
from ckan.tests import factories, helpers

# The backend alone, with CKAN's default schema: these tests are about search,
# not about the métropole's publication rules.
pytestmark = [
    pytest.mark.ckan_config("ckan.plugins", "metropole_search"),
    pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index"),
]


def search_names(**params):
    result = helpers.call_action("package_search", **params)
    return [d["name"] for d in result["results"]]


@pytest.fixture
def org():
    return factories.Organization(name="dijon-metropole", title="Dijon Métropole")


@pytest.fixture
def catalogue(org):
    other = factories.Organization(name="chenove", title="Chenôve")
    datasets = [
        factories.Dataset(
            name="ecoles", title="Écoles maternelles", owner_org=org["id"],
            notes="Liste des établissements scolaires publics",
            tags=[{"name": "éducation"}],
            resources=[{"url": "http://x.invalid/e.csv", "format": "CSV"}]),
        factories.Dataset(
            name="budget", title="Budget primitif", owner_org=org["id"],
            notes="Budget voté, une ligne par école et par fonction",
            tags=[{"name": "finances"}],
            resources=[{"url": "http://x.invalid/b.json", "format": "JSON"}]),
        factories.Dataset(
            name="velos", title="Stationnements vélos", owner_org=other["id"],
            notes="Arceaux à vélos sur l'espace public",
            tags=[{"name": "mobilité"}, {"name": "éducation"}],
            extras=[{"key": "frequence", "value": "hebdomadaire"}],
            resources=[{"url": "http://x.invalid/v.csv", "format": "CSV"},
                       {"url": "http://x.invalid/v.geojson", "format": "GeoJSON"}]),
        factories.Dataset(
            name="parcs", title="Parks and gardens", owner_org=other["id"],
            notes="Opening hours of the schools' gardens",
            tags=[{"name": "nature"}]),
    ]
    return {d["name"]: d for d in datasets}


class TestFreeText:
    def test_french_stemming_and_accent_folding(self, catalogue):
        assert search_names(q="école")[0] == "ecoles"
        assert set(search_names(q="écoles")) == {"ecoles", "budget"}
        assert set(search_names(q="ecole")) == {"ecoles", "budget"}
        assert search_names(q="ECOLES MATERNELLES") == ["ecoles"]

    def test_english_stemming(self, catalogue):
        assert search_names(q="garden") == ["parcs"]
        assert search_names(q="school") == ["parcs"]

    def test_title_matches_rank_first(self, catalogue):
        # "école" is in the title of one and the notes of the other
        assert search_names(q="école") == ["ecoles", "budget"]

    def test_minimum_should_match_follows_ckan_mm(self, catalogue):
        # two words: both required
        assert search_names(q="budget inconnu") == []
        # three words: all but one required
        assert search_names(q="budget primitif inconnu") == ["budget"]

    def test_phrases_and_operators(self, catalogue):
        assert search_names(q='"budget voté"') == ["budget"]
        assert search_names(q='"voté budget"') == []
        assert set(search_names(q="écoles -budget")) == {"ecoles"}
        assert set(search_names(q="title:budget OR title:vélos")) == {"budget", "velos"}
        assert search_names(q="title:école AND tags:éducation") == ["ecoles"]
        assert set(search_names(q="tags:éducation NOT name:velos")) == {"ecoles"}

    def test_empty_and_match_all(self, catalogue):
        assert len(search_names(q="")) == 4
        assert len(search_names(q="*:*")) == 4
        assert helpers.call_action("package_search", q="*:*")["count"] == 4

    def test_prefix_wildcard(self, catalogue):
        assert search_names(q="title:station*") == ["velos"]


class TestFilters:
    def test_fq_forms_sent_by_ckan(self, catalogue):
        assert set(search_names(fq='+tags:"éducation"')) == {"ecoles", "velos"}
        assert set(search_names(fq="-tags:éducation")) == {"budget", "parcs"}
        assert set(search_names(fq="res_format:(CSV OR JSON)")) == {"ecoles", "budget", "velos"}
        assert search_names(fq_list=["organization:chenove", "res_format:GeoJSON"]) == ["velos"]
        assert len(search_names(fq="+dataset_type:dataset")) == 4
        assert search_names(fq="extras_frequence:hebdomadaire") == ["velos"]
        assert set(search_names(fq="num_resources:[2 TO *]")) == {"velos"}

    def test_date_ranges_with_now(self, catalogue):
        assert len(search_names(fq="metadata_modified:[NOW-1DAY TO NOW]")) == 4
        assert search_names(fq="metadata_modified:[* TO NOW-1DAY]") == []
        assert len(search_names(fq="metadata_created:[2000-01-01T00:00:00Z TO *]")) == 4

    def test_unknown_syntax_is_a_409_not_a_wrong_answer(self, app, catalogue):
        response = app.get("/api/3/action/package_search",
                           query_string={"fq": 'tags:"unclosed'}, status=409)
        assert response.json["error"]["__type"] == "Search Error"
        assert "Unbalanced quotes" in response.json["error"]["message"]
        page = app.get("/dataset/", query_string={"q": "title:(budget"})
        assert page.status_code == 200  # the search page shows its error message


class TestFacets:
    def test_counts_limit_mincount_and_sort(self, catalogue):
        result = helpers.call_action(
            "package_search", **{"facet.field": '["tags", "res_format", "organization"]'})
        assert result["facets"]["tags"] == {
            "éducation": 2, "finances": 1, "mobilité": 1, "nature": 1}
        assert result["facets"]["res_format"] == {"CSV": 2, "JSON": 1, "GeoJSON": 1}
        assert result["facets"]["organization"] == {"dijon-metropole": 2, "chenove": 2}
        titles = {i["name"]: i["display_name"]
                  for i in result["search_facets"]["organization"]["items"]}
        assert titles == {"dijon-metropole": "Dijon Métropole", "chenove": "Chenôve"}
        limited = helpers.call_action(
            "package_search", **{"facet.field": '["tags"]', "facet.limit": 1})
        assert limited["facets"]["tags"] == {"éducation": 2}

    def test_facet_sort_and_mincount(self, catalogue):
        conn = search_common.make_connection()
        for q in ("*:*", "title:(budget OR écoles OR vélos OR parks)"):
            result = conn.search(q=q, fq=['+site_id:"metropole-test"'], rows=0, facet="true",
                                 **{"facet.field": ["tags"], "facet.sort": "index",
                                    "facet.mincount": 1, "facet.limit": -1})
            assert result.facets["facet_fields"]["tags"] == [
                "finances", 1, "mobilité", 1, "nature", 1, "éducation", 2]
            result = conn.search(q=q, fq=['+site_id:"metropole-test"'], rows=0, facet="true",
                                 **{"facet.field": ["tags"], "facet.mincount": 2})
            assert result.facets["facet_fields"]["tags"] == ["éducation", 2]

    def test_facets_follow_the_query(self, catalogue):
        result = helpers.call_action(
            "package_search", q="vélos", **{"facet.field": '["tags"]'})
        assert result["facets"]["tags"] == {"mobilité": 1, "éducation": 1}


class TestPagingAndSorting:
    def test_sort_rows_and_start(self, catalogue):
        # accents and case do not push "Écoles" after "Stationnements"
        names = search_names(sort="title_string asc")
        assert names == ["budget", "ecoles", "parcs", "velos"]
        assert search_names(sort="name desc", rows=2) == ["velos", "parcs"]
        assert search_names(sort="name desc", rows=2, start=2) == ["ecoles", "budget"]
        assert search_names(sort="name desc", rows=2, start=10) == []
        assert search_names(sort="metadata_modified desc")[0] == "parcs"

    def test_bad_sort_is_rejected(self, catalogue):
        with pytest.raises((tk.ValidationError, search.SearchError)):
            helpers.call_action("package_search", sort="name sideways")

    def test_rows_are_bounded_and_start_not_negative(self, catalogue):
        result = helpers.call_action("package_search", rows=100000)
        assert len(result["results"]) == 4
        with pytest.raises(tk.ValidationError):
            helpers.call_action("package_search", start=-1)

    def test_field_list(self, catalogue):
        result = helpers.call_action("package_search", fl="name,title", sort="name asc")
        assert result["results"][0] == {"name": "budget", "title": "Budget primitif"}


class TestVisibility:
    def test_private_datasets_of_another_organization_are_never_returned(self, org):
        member = factories.User()
        mine = factories.Organization(users=[{"name": member["name"], "capacity": "editor"}])
        factories.Dataset(name="secret-other", owner_org=org["id"], private=True)
        factories.Dataset(name="secret-mine", owner_org=mine["id"], private=True)
        factories.Dataset(name="public-one", owner_org=org["id"])
        context = {"user": member["name"], "ignore_auth": False}
        result = helpers.call_action("package_search", context=context,
                                     include_private=True)
        assert {d["name"] for d in result["results"]} == {"secret-mine", "public-one"}
        anonymous = helpers.call_action("package_search", context={"user": "",
                                        "ignore_auth": False}, include_private=True)
        assert [d["name"] for d in anonymous["results"]] == ["public-one"]

    def test_drafts_only_for_their_producers(self):
        # CKAN labels a draft of an organization "member-<org>": its members
        # (the producer) find it with include_drafts, nobody else does.
        creator = factories.User()
        other = factories.User()
        producer = factories.Organization(users=[{"name": creator["name"],
                                                  "capacity": "editor"}])
        factories.Dataset(name="brouillon", owner_org=producer["id"], state="draft",
                          user=creator)
        for user, drafts, expected in ((creator, True, ["brouillon"]),
                                       (creator, False, []), (other, True, [])):
            result = helpers.call_action(
                "package_search", context={"user": user["name"], "ignore_auth": False},
                include_drafts=drafts)
            assert [d["name"] for d in result["results"]] == expected

    def test_deleted_dataset_disappears(self, catalogue):
        helpers.call_action("package_delete", id="budget")
        assert "budget" not in search_names(q="*:*")
        assert search.query_for(model.Package).get_all_entity_ids().count(
            catalogue["budget"]["id"]) == 0

    @pytest.mark.ckan_config("ckan.search.remove_deleted_packages", False)
    def test_include_deleted_when_the_index_keeps_them(self, catalogue):
        helpers.call_action("package_delete", id="budget")
        assert "budget" not in search_names(q="*:*")
        sysadmin = factories.Sysadmin()
        result = helpers.call_action("package_search", include_deleted=True,
                                     context={"user": sysadmin["name"]})
        assert "budget" in [d["name"] for d in result["results"]]

    def test_update_is_reindexed(self, catalogue):
        helpers.call_action("package_patch", id="parcs", title="Jardins publics")
        assert search_names(q="jardin") == ["parcs"]


class TestIndexMaintenance:
    def test_rebuild_after_truncated_table_restores_results(self, catalogue):
        before = helpers.call_action("package_search", q="école",
                                     **{"facet.field": '["tags"]'})
        model.Session.execute(sa.text("TRUNCATE metropole_search_document"))
        model.Session.commit()
        assert search_names(q="école") == []
        search.rebuild()
        after = helpers.call_action("package_search", q="école",
                                    **{"facet.field": '["tags"]'})
        assert [d["name"] for d in after["results"]] == [d["name"] for d in before["results"]]
        assert after["facets"] == before["facets"]

    def test_show_clear_and_check(self, catalogue):
        shown = search.show("ecoles")
        assert shown["name"] == "ecoles"
        assert "validated_data_dict" in shown
        search.clear("ecoles")
        assert "ecoles" not in search_names(q="*:*")
        search.clear_all()
        assert search_names(q="*:*") == []

    def test_cli_search_index_commands(self, cli, catalogue, ckan_config):
        from ckan.cli.cli import ckan as ckan_command

        result = cli.invoke(ckan_command, ["search-index", "clear"])
        assert result.exit_code == 0, result.output
        assert search_names(q="*:*") == []
        result = cli.invoke(ckan_command, ["search-index", "rebuild"])
        assert result.exit_code == 0, result.output
        assert len(search_names(q="*:*")) == 4
        result = cli.invoke(ckan_command, ["search-index", "check"])
        assert "Packages not indexed = 0 out of 4" in result.output
        result = cli.invoke(ckan_command, ["search-index", "show", "velos"])
        assert "velos" in result.output

    def test_cli_rebuild_fast_in_worker_processes(self, cli, catalogue):
        # rebuild-fast forks one process per core, each indexing a share of
        # the datasets through its own database connection.
        from ckan.cli.cli import ckan as ckan_command

        search.clear_all()
        result = cli.invoke(ckan_command, ["search-index", "rebuild-fast"])
        assert result.exit_code == 0, result.output
        assert sorted(search_names(q="*:*")) == sorted(catalogue)
        assert search_names(q="ecole")[0] == "ecoles"


class TestHostileInput:
    @pytest.mark.parametrize("q", [
        "');DROP TABLE package;--", '"', "((((", "title:", "a" * 10000,
        " ".join(["mot"] * 3000), "{!lucene}x", "_val_:1",
    ])
    def test_clear_errors_or_bounded_results(self, app, catalogue, q):
        response = app.get("/api/3/action/package_search", query_string={"q": q})
        assert response.status_code in (200, 409), response.body
        if response.status_code == 409:
            assert response.json["error"]["message"].startswith("Search error")
        assert model.Session.query(model.Package).count() == 4
        if response.status_code == 200:
            assert response.json["result"]["count"] <= 4


class TestUserInterface:
    def test_dataset_page_shows_facets_counts_and_results(self, app, catalogue):
        page = app.get("/dataset/", query_string={"q": "ecoles"}).body
        assert "Écoles maternelles" in page
        assert "Budget primitif" in page
        assert "Stationnements vélos" not in page
        page = app.get("/dataset/", query_string={"tags": "éducation"}).body
        assert "Stationnements vélos" in page
        assert "Budget primitif" not in page

    def test_paging_and_sorting_in_the_page(self, app, catalogue, ckan_config, monkeypatch):
        monkeypatch.setitem(ckan_config, "ckan.datasets_per_page", 2)
        first = app.get("/dataset/", query_string={"sort": "title_string asc"}).body
        second = app.get("/dataset/", query_string={"sort": "title_string asc",
                                                    "page": 2}).body
        assert "Budget primitif" in first
        assert "Écoles maternelles" in first
        assert "Parks and gardens" in second
        assert "Stationnements vélos" in second
        assert "Budget primitif" not in second

    def test_organization_page_and_home(self, app, catalogue):
        page = app.get("/organization/chenove").body
        assert "Stationnements vélos" in page
        assert "Écoles maternelles" not in page
        assert app.get("/").status_code == 200
        listing = app.get("/organization/").body
        assert "Chenôve" in listing

    def test_autocomplete(self, app, catalogue):
        response = app.get("/api/2/util/dataset/autocomplete",
                           query_string={"incomplete": "budg"})
        results = response.json["ResultSet"]["Result"]
        assert [r["name"] for r in results] == ["budget"]
        response = app.get("/api/2/util/dataset/autocomplete",
                           query_string={"incomplete": "ecole"})
        assert [r["name"] for r in response.json["ResultSet"]["Result"]] == ["ecoles"]


class TestPreAggregatedCounts:
    """Listings read totals and facets from pre-aggregated counts: they must
    equal what counting the matching rows gives, for every kind of user."""

    FACETS = '["tags", "res_format", "organization", "license_id"]'

    def _both(self, context, **params):
        listing = helpers.call_action("package_search", context=dict(context),
                                      **{"facet.field": self.FACETS}, **params)
        # name:* matches every dataset but is no visibility filter: counted live
        live = helpers.call_action("package_search", context=dict(context),
                                   fq="name:*", **{"facet.field": self.FACETS}, **params)
        return listing, live

    def test_listing_counts_equal_live_counts(self, catalogue, org):
        member = factories.User()
        private_org = factories.Organization(
            users=[{"name": member["name"], "capacity": "member"}])
        factories.Dataset(name="interne", owner_org=private_org["id"], private=True,
                          tags=[{"name": "éducation"}, {"name": "interne"}])
        helpers.call_action("package_patch", id="budget",
                            tags=[{"name": "finances"}, {"name": "éducation"}])
        helpers.call_action("package_delete", id="parcs")
        helpers.call_action("package_patch", id="velos", private=True)
        sysadmin = factories.Sysadmin()
        readers: list[tuple[Any, bool]] = [(member, True), ("", False), (sysadmin, True)]
        for user, private in readers:
            name = user["name"] if user else ""
            listing, live = self._both({"user": name, "ignore_auth": False},
                                       include_private=private)
            assert listing["count"] == live["count"]
            assert listing["facets"] == live["facets"]
            assert [d["name"] for d in listing["results"]] == \
                [d["name"] for d in live["results"]]
        listing, _ = self._both({"user": member["name"], "ignore_auth": False},
                                include_private=True)
        assert listing["facets"]["tags"]["interne"] == 1
        assert "parcs" not in [d["name"] for d in listing["results"]]

    def test_listing_without_a_dataset_type_equals_live_counts(self, catalogue, org):
        # ckanext-harvest adds -dataset_type:harvest to every search
        factories.Dataset(name="fiche-budget", type="fiche", owner_org=org["id"],
                          tags=[{"name": "finances"}])
        facets = {"facet.field": self.FACETS}
        listing = helpers.call_action("package_search", fq="-dataset_type:fiche", **facets)
        live = helpers.call_action("package_search", fq="name:* -dataset_type:fiche",
                                   **facets)
        assert listing["count"] == live["count"] == 4
        assert listing["facets"] == live["facets"]
        assert listing["facets"]["tags"]["finances"] == 1
        assert [d["name"] for d in listing["results"]] == [d["name"] for d in live["results"]]
        everything = helpers.call_action("package_search", fq="dataset_type:*", **facets)
        assert everything["count"] == 5
        assert everything["facets"]["tags"]["finances"] == 2

    def test_clear_and_truncate_reset_the_counts(self, catalogue):
        search.clear("ecoles")
        result = helpers.call_action("package_search", **{"facet.field": '["tags"]'})
        assert result["count"] == 3
        assert result["facets"]["tags"]["éducation"] == 1
        model.Session.execute(sa.text("TRUNCATE metropole_search_document"))
        model.Session.commit()
        result = helpers.call_action("package_search", **{"facet.field": '["tags"]'})
        assert result["count"] == 0
        assert result["facets"]["tags"] == {}
        search.rebuild()
        result = helpers.call_action("package_search", **{"facet.field": '["tags"]'})
        assert result["count"] == 4
        assert result["facets"]["tags"]["éducation"] == 2
