"""Harvest job errors in the site's language.

ckanext-harvest stores a job's errors as text when the job runs, and its job
report page (and API, and status emails) show that text as stored. The
errors are recorded by the gather consumer, a CLI command or
:func:`ckanext.metropole.harvest.jobs.run_now` — never in a visitor's request,
so there is no user language to follow, and ``toolkit._`` outside a request
returns the English text. They are therefore written in the site's default
language (``ckan.locale_default``, French on the portal), read from the
extension's own catalogue, whatever process records them.
"""
from __future__ import annotations

import functools
import gettext
import os
from typing import Any

from babel.support import Translations

import ckan.plugins.toolkit as tk

I18N_DIR = os.path.join(os.path.dirname(os.path.dirname(__file__)), "i18n")
DOMAIN = "ckanext-metropole"


def N_(msgid: str) -> str:  # the name Babel extracts by default
    """Mark a message for extraction; :func:`site_text` translates it later."""
    return msgid


@functools.lru_cache(maxsize=8)
def _catalogue(locale: str) -> gettext.NullTranslations:
    # no catalogue for the locale (English): the messages as written
    return Translations.load(I18N_DIR, [locale], DOMAIN)


def site_text(msgid: str, **params: Any) -> str:
    """``msgid`` in the site's default language, its ``{placeholders}`` filled."""
    locale = str(tk.config.get("ckan.locale_default") or "en")
    return _catalogue(locale).gettext(msgid).format(**params)
