"""The portal's look is configured by ``ckanext.metropole.*`` (rendered in French)."""
from __future__ import annotations

import html

import pytest

import ckan.plugins.toolkit as tk
from ckan.exceptions import CkanConfigurationException

from ckanext.metropole import config as metropole_config

pytestmark = pytest.mark.usefixtures("with_plugins", "clean_db", "clean_index")


def test_defaults_show_open_dijon_and_no_gravatar(app):
    page = html.unescape(app.get("/").body)
    assert "<title>Bienvenue - Open Dijon, métropole data</title>" in page
    assert "--metropole-primary: #8c1d32" in page
    assert 'src="/metropole/logo.svg"' in page
    assert "Accessibilité : partiellement conforme" in page
    assert tk.config["ckan.gravatar_default"] == "disabled"


@pytest.mark.ckan_config("ckanext.metropole.portal_title", "Rouen data, la métropole ouverte")
@pytest.mark.ckan_config("ckanext.metropole.logo", "")
@pytest.mark.ckan_config("ckanext.metropole.colour.primary", "#1a4d2e")
@pytest.mark.ckan_config("ckanext.metropole.colour.accent", "#0b3d91")
@pytest.mark.ckan_config("ckanext.metropole.footer_text", "Métropole Rouen Normandie <b>")
def test_title_logo_colours_and_footer_are_configurable(app):
    body = app.get("/dataset/").body
    page = html.unescape(body)
    assert "Rouen data, la métropole ouverte</title>" in page
    assert "Open Dijon" not in page
    assert "metropole-brand" in page
    assert "/metropole/logo.svg" not in page
    assert "--metropole-primary: #1a4d2e; --metropole-accent: #0b3d91;" in page
    assert "Métropole Rouen Normandie &lt;b&gt;" in body  # plain text, escaped


@pytest.mark.ckan_config("ckanext.metropole.accessibility.compliance", "full")
@pytest.mark.ckan_config("ckanext.metropole.accessibility.audit_date", "12 mars 2027")
@pytest.mark.ckan_config("ckanext.metropole.accessibility.contact", "a11y@metropole.localhost")
def test_accessibility_declaration_follows_the_audit(app):
    page = html.unescape(app.get("/accessibilite").body)
    assert "est totalement conforme avec le référentiel général" in page
    assert "Le dernier audit d'accessibilité a été réalisé le 12 mars 2027." in page
    assert 'href="mailto:a11y@metropole.localhost"' in page
    assert "Accessibilité : totalement conforme" in page


def test_accessibility_declaration_is_partial_until_an_audit(app):
    page = html.unescape(app.get("/accessibilite").body)
    assert "est partiellement conforme avec le référentiel général" in page
    assert "Aucun audit d'accessibilité n'a encore été réalisé" in page
    assert "Défenseur des droits" in page


@pytest.mark.parametrize(("key", "value"), [
    ("ckanext.metropole.colour.primary", "red;}</style><script>"),
    ("ckanext.metropole.colour.accent", "#12345"),
    ("ckanext.metropole.accessibility.compliance", "mostly"),
])
def test_bad_look_options_stop_the_start_with_the_option_named(key, value):
    with pytest.raises(CkanConfigurationException, match=key.replace(".", r"\.")):
        metropole_config.check_look({key: value})


def test_colours_fall_back_to_the_defaults():
    assert metropole_config.colour("primary") == "#8c1d32"
    assert metropole_config.colour("accent") == "#1d5a8c"


def test_english_pages_use_the_english_strings(app):
    page = html.unescape(app.get("/en/accessibilite").body)
    assert "Accessibility statement" in page
    assert "is partially compliant with the French accessibility framework" in page
    assert 'hreflang="fr"' in page
