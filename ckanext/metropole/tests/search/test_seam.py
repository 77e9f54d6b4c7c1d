"""The seam: every holder of CKAN's make_connection answers from PostgreSQL.

If a future CKAN moves the seam, these tests fail loudly instead of letting
the site silently talk to a Solr that is not there.
"""
import importlib
import inspect

import pysolr
import pytest

import ckan.lib.search as search
from ckan.lib.search import common, index, query

from ckanext.metropole.search import seam
from ckanext.metropole.search.connection import PostgresSearchConnection

pytestmark = pytest.mark.usefixtures("with_plugins")


def test_every_holder_of_make_connection_is_ours():
    for name in seam.CONNECTION_HOLDERS:
        module = importlib.import_module(name)
        assert module.make_connection is seam.make_connection, name
    assert search.check_solr_schema_version is seam.check_solr_schema_version


def test_ckan_still_builds_its_connections_through_make_connection():
    # CKAN's indexing and query code call make_connection by name: if a
    # future version builds its client elsewhere, this backend must follow.
    for module in (index, query):
        assert "make_connection(" in inspect.getsource(module), module.__name__
    assert "def make_connection" in inspect.getsource(common)
    assert "check_solr_schema_version()" in inspect.getsource(
        importlib.import_module("ckan.config.environment"))


def test_connections_are_postgres_ones():
    assert isinstance(common.make_connection(), PostgresSearchConnection)
    assert isinstance(query.make_connection(decode_dates=False), PostgresSearchConnection)


def test_uninstall_gives_solr_back_and_install_is_idempotent():
    seam.uninstall()
    try:
        assert isinstance(common.make_connection(), pysolr.Solr)
        assert isinstance(index.make_connection(), pysolr.Solr)
    finally:
        seam.install()
        seam.install()
    assert isinstance(index.make_connection(), PostgresSearchConnection)
    assert set(seam.installed_modules()) == set(seam.CONNECTION_HOLDERS)


@pytest.mark.usefixtures("clean_db")
def test_schema_check_passes_without_solr():
    assert search.check_solr_schema_version() is True
    assert common.is_available() is True
