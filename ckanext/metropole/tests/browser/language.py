"""Is a page all in its language? English left on French pages, French on English ones.

What a page says is read from its DOM (``TEXTS``): every text node (hidden
ones too: a closed modal, a tooltip's source, a visually hidden label are
read by someone) and the attributes that name or describe things
(``aria-label``, ``title``, ``placeholder``, ``alt``, button values), leaving
out code (``code``, ``pre``, ``kbd``, ``samp``), scripts and styles, and what
is marked as being in another language (``lang`` on an element: an English
term kept on purpose says so with ``lang="en"``).

A French page fails on a text that is:

- an English message of CKAN, of the shipped extensions (ckanext-harvest,
  ckanext-dcat) or of the portal (their ``.pot``/``.po`` msgids) whose French
  translation differs from it: ``Submit``, ``Toggle navigation``; messages
  with placeholders match as patterns (``{actor} created the dataset
  {dataset}``, ``{number} Members``);
- or a sentence with English grammar words (``the``, ``and``, ``your``…),
  what no catalogue knows (DataTables' own texts, a template's literal).

An English page fails on a French translation of those catalogues shown as
is and on French words (``le``, ``des``, ``avis``…: ``Avis of the committee``).
The data shown (titles, descriptions, table cells, names of communes and
people) is in its own language on purpose: the test passes those texts in
``content`` and they are taken out first (a shortened one too: ``Institut
national de…``). A French name kept on an English page says so with
``lang="fr"`` (the *Défenseur des droits*).
"""
from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import polib

import ckan

import ckanext.harvest

from ckanext.metropole.tests.browser.portal import ROOT

CKAN_I18N = Path(ckan.__file__).parent / "i18n"
OURS = ROOT / "ckanext" / "metropole" / "i18n"

# Collected in the page: [text, where] pairs (where: "text" or the attribute).
TEXTS = """() => {
  const SKIP = new Set(['SCRIPT', 'STYLE', 'NOSCRIPT', 'TEMPLATE', 'CODE', 'PRE', 'KBD',
                        'SAMP', 'svg', 'SVG', 'TEXTAREA']);
  const page = (document.documentElement.lang || '').slice(0, 2);
  const out = [];
  function other(el) {
    const marked = el.closest('[lang]');
    return marked && marked.getAttribute('lang').slice(0, 2) !== page;
  }
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_ELEMENT | NodeFilter.SHOW_TEXT);
  let node = walker.currentNode;
  while (node) {
    if (node.nodeType === 1) {
      if (SKIP.has(node.tagName) || other(node)) {
        node = walker.nextSibling() || (function () {
          while (walker.parentNode()) { const n = walker.nextSibling(); if (n) return n; }
          return null; })();
        continue;
      }
      for (const attr of ['aria-label', 'title', 'placeholder', 'alt', 'aria-description',
                          'data-bs-original-title']) {
        const v = node.getAttribute(attr);
        if (v && v.trim()) out.push([v, attr]);
      }
      if (node.tagName === 'INPUT' && ['submit', 'button', 'reset'].includes(node.type) && node.value)
        out.push([node.value, 'value']);
    } else if (node.nodeValue.trim()) {
      out.push([node.nodeValue, 'text']);
    }
    node = walker.nextNode();
  }
  out.push([document.title, 'title']);
  return out;
}"""

ENGLISH_WORDS = {
    "the", "and", "you", "your", "with", "this", "these", "those", "here", "there", "which",
    "from", "into", "of", "to", "by", "is", "are", "was", "were", "has", "have", "will",
    "can", "cannot", "not", "been", "their", "its", "it", "or", "for", "at", "be", "we",
    "any", "all", "more", "show", "showing", "entries", "search", "results", "about",
    "please", "click", "items", "members", "member", "created", "updated", "deleted",
    "changed", "added", "removed", "view", "edit", "add", "new", "delete", "save",
    "submit", "cancel", "follow", "unfollow", "followers", "toggle", "navigation",
    "settings", "profile", "username", "email", "password", "login", "logout", "register",
    "dashboard", "datasets", "dataset", "organizations", "organization", "groups",
    "resources", "resource", "license", "tags", "activity", "stream",
    "preview", "download", "explore", "further", "example", "query",
}
FRENCH_WORDS = {
    "le", "la", "les", "des", "du", "de", "et", "une", "pour", "avec", "dans", "sur",
    "aux", "au", "ce", "cette", "ces", "est", "sont", "vos", "votre", "nous", "vous", "pas",
    "ne", "qui", "que", "où", "à", "été", "jeu", "jeux", "données", "comité", "avis",
    "rechercher", "résultats", "enregistrer", "modifier", "supprimer", "télécharger",
    "fermer", "afficher", "masquer", "organisation", "ressource", "ressources",
}
# Terms an English page keeps in French (proper names, legal terms of the portal).
KEPT_IN_ENGLISH = {
    "commune", "communes", "métropole", "licence", "ouverte", "etalab", "insee", "siren",
    "siret", "scdl", "rgaa", "cnil", "cada", "rgpd", "dijon", "open",
}
# Texts equal in both languages, or names, that English/French messages share.
NEUTRAL = re.compile(r"^[\W\d_]*$|^(ok|api|csv|json|xml|rdf|url|dcat|html|ckan|id|e-mail)$"
                     # brands (CKAN 2.12's share links)
                     r"|^(facebook|x|linkedin|mastodon|bluesky)$"
                     # addresses (a link's text, a slug's preview): no language
                     r"|^(https?://|mailto:)\S+$|^[\w.-]+(:\d+|\.[a-z]{2,})/\S*$", re.I)
PLACEHOLDER = re.compile(r"\{[^{}]*\}|%\([^)]*\)[sd]|%[sd]")


def _norm(text: str) -> str:
    return re.sub(r"\s+", " ", unicodedata.normalize("NFC", text)).strip().strip(":").strip()


def _words(text: str) -> list[str]:
    return [w for w in re.split(r"[^\w'’-]+", text.lower()) if w]


@dataclass
class Catalogue:
    """English messages with their French, and the patterns of the placeholders."""

    english: dict[str, str] = field(default_factory=dict)  # msgid -> French shown
    french: dict[str, str] = field(default_factory=dict)  # msgstr -> msgid
    english_patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)
    french_patterns: list[tuple[re.Pattern[str], str]] = field(default_factory=list)


def _pattern(message: str) -> re.Pattern[str] | None:
    parts = PLACEHOLDER.split(_norm(message))
    literal = " ".join(p for p in parts).strip()
    # too little text around the placeholders to say anything
    if len(parts) < 2 or len(_words(literal)) < 2:
        return None
    return re.compile("^" + "(.+?)".join(re.escape(p) for p in parts) + "$")


def _entries(path: Path) -> Iterable[polib.POEntry]:
    return [e for e in polib.pofile(str(path)) if not e.obsolete and e.msgid]


# one branch per catalogue and per entry kind of the .po/.pot readers
@lru_cache(maxsize=1)
def catalogue() -> Catalogue:  # noqa: C901
    """CKAN's French merged with the portal's, as CKAN merges them at run time
    (the portal's catalogue is read after CKAN's and wins)."""
    harvest = Path(ckanext.harvest.__file__).parent / "i18n" / "ckanext-harvest.pot"
    dcat_pot = Path(ckanext.harvest.__file__).parents[1] / "dcat" / "i18n" / "ckanext-dcat.pot"
    ckan_fr = CKAN_I18N / "fr" / "LC_MESSAGES" / "ckan.po"
    ours = OURS / "fr" / "LC_MESSAGES" / "ckanext-metropole.po"
    french: dict[str, str] = {}
    plurals: dict[str, list[str]] = {}
    msgids: dict[str, str | None] = {}  # msgid -> its plural msgid
    for path in (CKAN_I18N / "ckan.pot", harvest, dcat_pot, ckan_fr, ours):
        if not path.exists():
            continue
        for entry in _entries(path):
            msgids.setdefault(entry.msgid, entry.msgid_plural or None)
            if path in (ckan_fr, ours) and "fuzzy" not in entry.flags:
                if entry.msgstr:
                    french[entry.msgid] = entry.msgstr
                elif entry.msgstr_plural and all(entry.msgstr_plural.values()):
                    plurals[entry.msgid] = [entry.msgstr_plural[k]
                                            for k in sorted(entry.msgstr_plural)]
    cat = Catalogue()
    french_vocabulary: set[str] = set()
    for msgstr in list(french.values()) + [v for vs in plurals.values() for v in vs]:
        french_vocabulary.update(_words(PLACEHOLDER.sub(" ", msgstr)))
    for msgid, plural in msgids.items():
        translated = msgid in french or msgid in plurals
        shown = french.get(msgid) or (plurals.get(msgid) or [msgid])[0]
        for english in filter(None, (msgid, plural)):
            if NEUTRAL.match(_norm(english)):
                continue
            if translated and _norm(shown) == _norm(english):
                continue  # the same in French ("Description", "Format")
            if not translated and set(_words(PLACEHOLDER.sub(" ", english))) <= french_vocabulary:
                continue  # untranslated, but French words already ("Type", "Organisation")
            if PLACEHOLDER.search(english):
                compiled = _pattern(english)
                if compiled:
                    cat.english_patterns.append((compiled, english))
            else:
                cat.english[_norm(english)] = shown
    for msgid, msgstr in list(french.items()) + [(k, v) for k, vs in plurals.items()
                                                  for v in vs]:
        if _norm(msgstr) == _norm(msgid) or NEUTRAL.match(_norm(msgstr)):
            continue
        if PLACEHOLDER.search(msgstr):
            compiled = _pattern(msgstr)
            if compiled:
                cat.french_patterns.append((compiled, msgid))
        elif _norm(msgstr) not in cat.english and _norm(msgstr).lower() not in KEPT_IN_ENGLISH:
            cat.french[_norm(msgstr)] = msgid
    return cat


def texts(page: Any) -> list[tuple[str, str]]:
    """What the page (or frame) says, as [text, where] pairs."""
    return [(t, where) for t, where in page.evaluate(TEXTS)]


def _without(text: str, content: Iterable[str]) -> str:
    for known in content:
        if known and known in text:
            text = text.replace(known, " ")
    # a shortened title ("Institut national de la statistique…")
    short = re.match(r"^(.{12,}?)\s*(\.\.\.|…)$", text.strip())
    if short and any(k.startswith(short[1]) for k in content):
        return ""
    return text


def leftovers(said: list[tuple[str, str]], lang: str,
              content: Iterable[str] = ()) -> list[str]:
    """Texts of ``said`` that are not in ``lang`` ("fr" or "en"), each with why."""
    cat = catalogue()
    known = sorted({_norm(c) for c in content if c and len(_norm(c)) > 2}, key=len, reverse=True)
    found: list[str] = []
    for raw, where in said:
        if NEUTRAL.match(_norm(raw)):
            continue
        text = _norm(_without(_norm(raw), known))
        if not text or NEUTRAL.match(text):
            continue
        words = set(_words(text))
        if lang == "fr":
            if text in cat.english:
                found.append(f"{where}: {raw.strip()!r} is CKAN's English message "
                             f"(French: {cat.english[text]!r})")
                continue
            match = next((msgid for pattern, msgid in cat.english_patterns
                          if pattern.match(text)), None)
            if match:
                found.append(f"{where}: {raw.strip()!r} is the English message {match!r}")
                continue
            english = sorted(words & ENGLISH_WORDS)
            if len(english) >= (1 if len(words) > 2 else 2) and not words & FRENCH_WORDS:
                found.append(f"{where}: {raw.strip()!r} reads as English ({', '.join(english)})")
        else:
            if text in cat.french:
                found.append(f"{where}: {raw.strip()!r} is the French of {cat.french[text]!r}")
                continue
            match = next((msgid for pattern, msgid in cat.french_patterns
                          if pattern.match(text)), None)
            if match:
                found.append(f"{where}: {raw.strip()!r} is the French of {match!r}")
                continue
            french = sorted(words & FRENCH_WORDS)
            if french:
                found.append(f"{where}: {raw.strip()!r} has French words ({', '.join(french)})")
    return sorted(set(found))
