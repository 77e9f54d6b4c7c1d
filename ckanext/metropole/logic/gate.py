"""The publication gate: may this dataset be public?

This is the only place that decides it. Every path that can make a dataset
public calls :func:`check_publication`: the dataset-level validator of the
scheming schema (package_create, package_update, package_patch, the forms,
harvest imports) and the chained ``bulk_update_public``. New conditions (the
committee review) are added here, nowhere else.
"""
from __future__ import annotations

from typing import Any

import ckan.plugins.toolkit as tk

from ckan import model

from ckanext.metropole import quality, territory, vocab
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic import external, resource_urls
from ckanext.metropole.logic.values import as_list, as_text
from ckanext.metropole.logic.conformity import publication_errors as schema_errors
from ckanext.metropole.logic.conformity import with_stored_resources

# the key of the errors about resource addresses (not a field of the form)
RESOURCE_URL = "resource_url"
SCREENING_FIELDS = ("screening_personal_data", "screening_secret", "screening_third_party")


def _screening_errors(pkg: dict[str, Any]) -> dict[str, list[str]]:
    questions = {
        "screening_personal_data": tk._("Personal data"),
        "screening_secret": tk._("Trade or industrial secret"),
        "screening_third_party": tk._("Third-party intellectual property"),
    }
    errors: dict[str, list[str]] = {}
    for field in SCREENING_FIELDS:
        if not as_text(pkg.get(field)):
            errors[field] = [tk._("{question}: the confidentiality screening must be "
                                  "answered before the dataset is published")
                             .format(question=questions[field])]
    if as_text(pkg.get("screening_personal_data")) == "personal":
        errors["screening_personal_data"] = [tk._(
            "Personal data: the dataset contains personal data and cannot be "
            "published; anonymise or aggregate it first")]
    if as_text(pkg.get("screening_secret")) == "yes":
        errors["screening_secret"] = [tk._(
            "Trade or industrial secret: the dataset is covered by a secret "
            "protected by law and cannot be published")]
    if as_text(pkg.get("screening_third_party")) == "yes":
        errors["screening_third_party"] = [tk._(
            "Third-party intellectual property: third parties hold rights on the "
            "dataset; it cannot be published under an open licence")]
    return errors


def _committee_errors(pkg: dict[str, Any]) -> dict[str, list[str]]:
    """A dataset of the métropole or a commune goes public through the committee.

    Passes when a sysadmin override comes with the change (the actions put
    it in ``committee_override``, then record it), or when the latest review
    of the dataset ended with a *publié* decision and either

    - the dataset is already public: editing a published dataset does not
      unpublish it; if what the committee examined changes, the save
      re-opens a review and makes it private
      (``committee_reviews.reopen_if_changed``), or
    - what the committee examined (the review's snapshot, see
      ``committee_state.WATCHED_FIELDS``) is still what goes public: a
      dataset made private, edited, then made public again, or moved into a
      commune, needs a new review.

    A dataset of another organization moved into a commune has no *publié*
    decision: it needs the committee exactly like a new one.
    """
    if as_text(pkg.get("committee_override")) or not committee_state.subject(pkg):
        return {}
    stored = model.Package.get(as_text(pkg.get("id"))) if as_text(pkg.get("id")) else None
    latest = committee_state.latest_review(stored.id) if stored is not None else None
    if latest is None or latest["state"] != committee_state.CLEARED:
        return {"committee_review": [tk._(
            "Committee review: a dataset of the métropole or a commune becomes "
            "public only through a \"published\" decision after the committee's "
            "review (propose it for review), or a documented sysadmin override")]}
    if stored.state == "active" and not stored.private:
        return {}
    if latest.get("snapshot") is None:
        # a "legacy" row: public before the committee, which examined nothing
        return {"committee_review": [tk._(
            "Committee review: this dataset was public before the committee existed "
            "and the committee never examined it; propose it for review to publish "
            "it again, or a sysadmin documents an override")]}
    changed = committee_state.changes(latest["snapshot"], pkg)
    if changed:
        return {"committee_review": [tk._(
            "Committee review: changed since the committee's \"published\" decision: "
            "{fields}; propose it for a new review, or a sysadmin documents an "
            "override").format(fields=committee_state.field_labels(changed))]}
    return {}


def check_publication(pkg: dict[str, Any], committee: bool = True,
                      already_public: bool = False) -> dict[str, list[str]]:
    """Field errors that forbid making ``pkg`` public (empty: it may be public).

    ``pkg`` is a package dict with custom fields at the top level, as
    ``package_show`` returns it or as the schema validator rebuilds it.
    ``committee=False`` leaves out the committee condition (a proposal for
    review checks everything else). ``already_public``: the save of a dataset
    that is public already; the validity of its files against their schema,
    which a background check may change after the publication, then does not
    hold the save back (the pages show the files as not conforming).
    """
    if external.is_external(pkg):
        # Another producer's data, harvested (logic/external.py): its
        # publication is the source's decision, not the portal's.
        return {}
    errors: dict[str, list[str]] = {}
    licence = as_text(pkg.get("license_id"))
    # Licence Ouverte 1.0 stays only on datasets that already had it; the
    # licence validator refuses it anywhere else.
    if licence not in vocab.ALLOWED_LICENCES + (vocab.LICENCE_LEGACY,):
        errors["license_id"] = [tk._(
            "Licence: only Licence Ouverte 2.0 or ODbL 1.0 may be used to publish")]
    elif licence == vocab.LICENCE_ODBL and not as_text(pkg.get("license_justification")):
        errors["license_justification"] = [tk._(
            "ODbL justification: explain why reuse must be restricted before "
            "publishing under ODbL")]
    if not as_list(pkg.get("criteria")):
        errors["criteria"] = [tk._(
            "Priority criteria: choose at least one before the dataset is published")]
    errors.update(_screening_errors(pkg))
    # files invalid against the declared schema (logic/conformity.py)
    if not already_public:
        errors.update(schema_errors(pkg))
    code = as_text(pkg.get("producing_commune"))
    if not code or territory.current().place(code) is None:
        errors["producing_commune"] = [tk._(
            "Producing commune: a commune of the territory or the métropole is "
            "required before the dataset is published")]
    if as_text(pkg.get("opening_status")) != vocab.OPENING_OPEN:
        errors["opening_status"] = [tk._(
            'Opening status: only datasets whose status is "open" can be public')]
    # every file of the dataset, those the save does not list included (CKAN
    # 2.12 validates only the resources a save changes)
    refused = resource_urls.errors(with_stored_resources(pkg).get("resources") or [])
    if refused:
        errors[RESOURCE_URL] = refused
    if committee:
        errors.update(_committee_errors(pkg))
    return errors


def check_proposal(pkg: dict[str, Any]) -> dict[str, list[str]]:
    """What stops a proposal to the committee: the gate but for the review,
    and the site's minimum metadata quality score (if it set one)."""
    errors = check_publication(pkg, committee=False)
    errors.update(quality.check_minimum(pkg))
    return errors
