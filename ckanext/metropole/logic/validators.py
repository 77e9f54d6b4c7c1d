"""Validators of the dataset and organization schemas (tk.blanket.validators).

Every message names the field it is about, so an API client reading only the
message still knows what to fix.
"""
from __future__ import annotations

import datetime
import json
import re
from typing import Any

import ckan.plugins.toolkit as tk
from ckan import authz
from ckan.lib.navl.dictization_functions import missing

from ckanext.metropole import territory, vocab
from ckanext.metropole.committee import state as committee_state
from ckanext.metropole.logic import external, fields, gate, organizations
from ckanext.metropole.logic.fields import metropole_single_line, metropole_text, metropole_url
from ckanext.metropole.logic.values import as_list, as_text, flat_dataset, set_extra

Invalid = tk.Invalid

__all__ = [
    "metropole_choice",
    "metropole_choices",
    "metropole_communes",
    "metropole_conforms_to",
    "metropole_dataset",
    "metropole_default_producing_commune",
    "metropole_fte",
    "metropole_keep_stored",
    "metropole_licence",
    "metropole_name_from_title",
    "metropole_org_insee_code",
    "metropole_org_kind",
    "metropole_place_code",
    "metropole_resource_format",
    "metropole_schema_version",
    "metropole_single_line",
    "metropole_siren",
    "metropole_siret",
    "metropole_text",
    "metropole_url",
]


def _empty(value: Any) -> bool:
    return value is missing or value is None or value == ""


# ---------------------------------------------------------------- organization

def metropole_siren(value: Any, context: dict[str, Any]) -> Any:
    if _empty(value):
        return value
    value = re.sub(r"\s", "", str(value))
    problem = territory.siren_problem(value)
    if problem == "must be 9 digits":
        raise Invalid(tk._("SIREN: must be exactly 9 digits"))
    if problem:
        raise Invalid(tk._("SIREN: {siren} is not a valid SIREN number (Luhn check "
                           "failed)").format(siren=value))
    return value


def metropole_siret(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """SIRET of the organization's head office: its SIREN and a 5-digit NIC.

    The SCDL catalogue names producers by SIRET; the territory files only
    know SIRENs, so the organization's page holds it.
    """
    value = re.sub(r"\s", "", as_text(data.get(key)))
    if not value:
        return
    data[key] = value
    siren = re.sub(r"\s", "", as_text(data.get(("siren",))))
    if not re.fullmatch(r"\d{14}", value):
        errors[key].append(tk._("SIRET: must be exactly 14 digits"))
    elif not territory.luhn_ok(value):
        errors[key].append(tk._("SIRET: {siret} is not a valid SIRET number (Luhn check "
                                "failed)").format(siret=value))
    elif siren and not value.startswith(siren):
        errors[key].append(tk._("SIRET: must start with the SIREN ({siren})").format(
            siren=siren))


def metropole_org_insee_code(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """INSEE code of a commune organization: a commune of the territory.

    Former communes (merged away) keep their old code, which is no longer in
    the territory file.
    """
    value = as_text(data.get(key))
    kind = as_text(data.get(("kind",)))
    if not value:
        if kind in ("commune", "ancienne_commune"):
            errors[key].append(tk._("INSEE code: required for a commune"))
        return
    if not territory.INSEE_RE.match(value):
        errors[key].append(tk._("INSEE code: must be 5 characters, e.g. 21231"))
    elif kind == "commune" and territory.current().commune(value) is None:
        errors[key].append(tk._("INSEE code: {code} is not a commune of the territory "
                                "({name})").format(code=value,
                                                   name=territory.current().metropole.name))
    data[key] = value


def metropole_org_kind(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Only a sysadmin changes an organization's kind.

    The kind decides whether the organization's datasets go through the
    committee (``committee_state.SUBJECT_KINDS``): a commune's admin who
    made it a *producteur* would publish without it. A call that does not
    send the kind keeps it. An organization joining the committee may not
    hold public datasets the committee has not cleared.
    """
    group = context.get("group")
    if group is None:
        return  # a new organization
    stored = as_text((group.extras or {}).get("kind"))
    value = as_text(data.get(key))
    if value == stored:
        return
    if not authz.is_sysadmin(context.get("user")):
        if _empty(data.get(key)):
            data[key] = stored
            return
        errors[key].append(tk._(
            "Kind: only a sysadmin changes the kind of an organization (it decides "
            "whether its datasets go through the committee)"))
        return
    if value in committee_state.SUBJECT_KINDS and stored not in committee_state.SUBJECT_KINDS:
        names = committee_state.uncleared_public(group.id)
        if names:
            errors[key].append(tk._(
                "Kind: public datasets of this organization have not been through the "
                "committee ({names}); make them private first, then propose them for "
                "review").format(names=", ".join(names[:20])
                                 + (", …" if len(names) > 20 else "")))


def metropole_keep_stored(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Keep a value the forms do not show (geometry set by the territory loader).

    group_update replaces every extra, so a form save would otherwise drop it.
    """
    if not _empty(data.get(key)):
        return
    group = context.get("group")
    if group is not None and key[0] in group.extras:
        data[key] = group.extras[key[0]]


# ---------------------------------------------------------------- dataset

def metropole_name_from_title(key: tuple, data: dict, errors: dict,
                              context: dict) -> None:
    """An empty address is made from the title.

    The form fills the address from the title as the user types; without a
    title both were empty and the only error named the address ("Adresse :
    Valeur manquante"), a field the user had not touched. Now the title is
    named. An API call giving only a name keeps working (the title then
    defaults to the name, as in CKAN).
    """
    if not _empty(data.get(key)):
        return
    title_key = key[:-1] + ("title",)
    title = as_text(data.get(title_key))
    if title:
        from ckan.lib.munge import munge_title_to_name

        data[key] = munge_title_to_name(title)
        return
    # Neither: the error goes to the title, the field the user fills.
    errors.setdefault(title_key, []).append(tk._("Missing value"))
    raise tk.StopOnError


def metropole_licence(key: tuple, data: dict, errors: dict, context: dict) -> None:
    if external.is_external(flat_dataset(data)):
        return  # the source's licence, kept as harvested (logic/external.py)
    value = as_text(data.get(key)) or vocab.LICENCE_ETALAB
    data[key] = value
    if value in vocab.ALLOWED_LICENCES:
        return
    package = context.get("package")
    if value == vocab.LICENCE_LEGACY and package is not None \
            and package.license_id == vocab.LICENCE_LEGACY:
        return  # legacy dataset already under Licence Ouverte 1.0
    errors[key].append(tk._(
        "Licence: {licence} is not allowed; public bodies publish under Licence "
        "Ouverte 2.0 (etalab-2.0) or ODbL 1.0 (odc-odbl)").format(licence=value))


def metropole_conforms_to(value: Any, context: dict[str, Any]) -> Any:
    text = as_text(value)
    if not text:
        return value
    if text in vocab.scdl_schemas():
        return text
    if "://" in text:
        problem = fields.web_address_problem(tk._("Conforms to"), text)
        if problem:
            raise Invalid(problem)
        return text
    raise Invalid(tk._("Conforms to: give a SCDL schema of the list or a schema URL "
                       "(http:// or https://)"))


def metropole_place_code(value: Any, context: dict[str, Any]) -> Any:
    text = as_text(value)
    if not text:
        return value
    if territory.current().place(text) is None:
        raise Invalid(tk._("Producing commune: {code} is neither a commune of the "
                           "territory nor the métropole").format(code=text))
    return text


def metropole_communes(value: Any, context: dict[str, Any]) -> Any:
    if _empty(value):
        return value
    codes = as_list(value)
    outside = [c for c in codes if territory.current().commune(c) is None]
    if outside:
        raise Invalid(tk._("Covered communes: {codes} not in the territory").format(
            codes=", ".join(outside)))
    return json.dumps(codes)


def metropole_default_producing_commune(key: tuple, data: dict, errors: dict,
                                        context: dict) -> None:
    """Default: the commune (or métropole) of the owner organization."""
    if as_text(data.get(key)):
        return
    extras = organizations.extras(data.get(("owner_org",)), ("kind", "siren", "insee_code"))
    if extras is None:
        return
    if extras.get("kind") == "metropole":
        data[key] = extras.get("siren") or territory.current().metropole.code
    elif extras.get("kind") == "commune" and extras.get("insee_code"):
        data[key] = extras["insee_code"]


def metropole_resource_format(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Format from the EU file-type list; the media type follows from it."""
    value = as_text(data.get(key))
    if not value:
        return
    code = vocab.file_type_code(value)
    if code is None and external.is_external(flat_dataset(data)):
        return  # a harvested dataset keeps the source's format
    if code is None:
        errors[key].append(tk._("Format: {format} is not in the EU file-type list "
                                "(e.g. CSV, JSON, GEOJSON, XLSX, PDF)").format(format=value))
        return
    data[key] = code
    data[key[:-1] + ("mimetype",)] = vocab.file_types()[code]["media_type"]


def _date(value: Any) -> datetime.date | None:
    text = as_text(value)
    if not text:
        return None
    try:
        return datetime.date.fromisoformat(text[:10])
    except ValueError:
        return None


def _spatial(pkg: dict[str, Any]) -> tuple[list[str], str]:
    codes = as_list(pkg.get("spatial_communes")) \
        if as_text(pkg.get("spatial_coverage")) == "communes" else []
    w, s, e, n = territory.current().bbox(codes)
    geometry = {"type": "Polygon",
                "coordinates": [[[w, s], [e, s], [e, n], [w, n], [w, s]]]}
    return codes, json.dumps(geometry)


def metropole_dataset(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """Checks across fields, the stored coverage geometry, then the gate."""
    pkg = flat_dataset(data)

    def add(field: str, message: str) -> None:
        errors.setdefault((field,), []).append(message)

    marker_error = external.marker_error(pkg, context)
    if marker_error:
        add(external.MARKER, marker_error)
    start, end = _date(pkg.get("temporal_start")), _date(pkg.get("temporal_end"))
    if start and end and end < start:
        add("temporal_end", tk._("Temporal coverage: the end date must not be "
                                 "before the start date"))
    status = as_text(pkg.get("opening_status"))
    if status == vocab.OPENING_PLANNED and not _date(pkg.get("planned_opening_date")):
        add("planned_opening_date", tk._("Planned opening date: required when the "
                                         "opening status is \"planned\""))
    if status == "non_ouvrable" and not as_text(pkg.get("closed_reason")):
        add("closed_reason", tk._("Reason: required when the dataset cannot be "
                                  "opened"))
    if as_text(pkg.get("spatial_coverage")) == "communes" \
            and not as_list(pkg.get("spatial_communes")):
        add("spatial_communes", tk._("Covered communes: choose at least one commune, "
                                     "or cover the whole territory"))
    if not any(errors.get((f,)) for f in ("spatial_communes", "spatial_coverage")):
        _codes, geometry = _spatial(pkg)
        set_extra(data, "spatial", geometry)

    private = pkg.get("private")
    if private is missing or private is None:
        package = context.get("package")
        private = package.private if package is not None else False
    if not private and pkg.get("state") != "deleted":
        # Only the actions put an override in the context, after checking
        # that a sysadmin (or trusted code) sent it.
        pkg["committee_override"] = context.get("metropole_override", "")
        package = context.get("package")
        already_public = package is not None and not package.private \
            and package.state == "active"
        for field, messages in gate.check_publication(
                pkg, already_public=already_public).items():
            for message in messages:
                if message not in errors.get((field,), []):
                    add(field, message)


# ---------------------------------------------------------------- choices

def _field_label(field: dict[str, Any]) -> str:
    # scheming_language_text needs a request; validators also run from the CLI
    label = field.get("label", field["field_name"])
    if isinstance(label, dict):
        return label.get(vocab.lang()) or label.get("fr") or field["field_name"]
    return str(label)


def _choice_values(field: dict[str, Any]) -> set[str]:
    from ckanext.scheming.helpers import scheming_field_choices

    return {str(c["value"]) for c in scheming_field_choices(field) or []}


def _scheming_validator(fn: Any) -> Any:
    from ckanext.scheming.validation import scheming_validator

    return scheming_validator(fn)


@_scheming_validator
def metropole_choice(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """One value of the field's choices; the error names the field."""
    def validator(value: Any, context: dict[str, Any]) -> Any:
        text = as_text(value)
        if not text:
            return value
        if text not in _choice_values(field):
            raise Invalid(tk._("{field}: {value} is not one of the proposed values")
                          .format(field=_field_label(field), value=text))
        return text
    return validator


@_scheming_validator
def metropole_choices(field: dict[str, Any], schema: dict[str, Any]) -> Any:
    """Several values of the field's choices, stored as a JSON list."""
    def validator(value: Any, context: dict[str, Any]) -> Any:
        if _empty(value):
            return value
        values = as_list(value)
        allowed = _choice_values(field)
        bad = [v for v in values if v not in allowed]
        if bad:
            raise Invalid(tk._("{field}: {value} is not one of the proposed values")
                          .format(field=_field_label(field), value=", ".join(bad)))
        # keep the order of the list, drop repeats
        return json.dumps([v for v in dict.fromkeys(values)])
    return validator


# ---------------------------------------------------------------- schema validation

def metropole_schema_version(key: tuple, data: dict, errors: dict, context: dict) -> None:
    """A version the portal holds of the declared schema (empty: the latest).

    On a resource, the resource's own schema, else its dataset's."""
    from ckanext.metropole import schema_registry

    version = as_text(data.get(key))
    if not version:
        return
    schema_id = as_text(data.get(key[:-1] + ("conforms_to",)))
    if not schema_id and len(key) == 3:
        schema_id = as_text(data.get(("conforms_to",)))
    entry = schema_registry.entries().get(schema_id)
    if entry is None:
        errors[key].append(tk._("Schema version: choose a SCDL schema first"))
        return
    version = version.lstrip("vV") if version.lstrip("vV") in entry.versions else version
    if version not in entry.versions:
        errors[key].append(tk._("Schema version: {version} is not a version of {schema} "
                                "the portal holds ({versions})").format(
            version=version, schema=entry.title, versions=", ".join(entry.versions)))
        return
    data[key] = version


def metropole_fte(value: Any, context: dict[str, Any]) -> Any:
    """A number of agents in full-time equivalents (``52``, ``49,5``)."""
    if _empty(value):
        return value
    text = re.sub(r"\s", "", str(value)).replace(",", ".")
    try:
        number = float(text)
    except ValueError:
        number = -1.0
    if not text or number < 0 or number != number or number > 1_000_000:
        raise Invalid(tk._("Agents (FTE): {value} is not a number of agents").format(
            value=str(value)[:40]))
    return f"{number:g}"
