"""Tags name what a dataset is about: those of unpublished datasets are not public.

CKAN's ``tag_list``, ``tag_search``, ``tag_autocomplete`` and ``tag_show``
read the tag tables directly, whatever the datasets that carry the tags: a
private dataset's tags (a project's code name, a person's name) reached
everyone. Here a reader sees the tags of published datasets
(:func:`ckanext.metropole.logic.publication.published_clause`) and of the
datasets of their organizations; sysadmins see every tag. ``tag_show``
answers "not found" for a tag nobody may see, and lists published datasets
only, without their editor-only fields.
"""
from __future__ import annotations

from typing import Any, Callable, Iterable

import ckan.plugins.toolkit as tk
import sqlalchemy as sa
from ckan import model

from ckanext.metropole.logic import params, publication, visibility
from ckanext.metropole.logic.users import acting_user

Action = Callable[[dict[str, Any], dict[str, Any]], Any]


def _readable_packages(user: model.User | None) -> Any:
    """Condition on ``package`` rows: the datasets whose tags ``user`` may see."""
    package = model.package_table
    published = publication.published_clause()
    if user is None:
        return published
    member = model.member_table
    organizations = (sa.select(member.c.group_id)
                     .where(member.c.table_name == "user", member.c.table_id == user.id,
                            member.c.state == "active"))
    return sa.or_(published, sa.and_(package.c.state == "active",
                                     package.c.owner_org.in_(organizations)))


def _vocabulary_id(data_dict: dict[str, Any]) -> str | None:
    ref = data_dict.get("vocabulary_id")
    if not ref:
        return None
    vocabulary = model.Vocabulary.get(str(ref))
    return vocabulary.id if vocabulary else ""


def visible_names(context: dict[str, Any], names: Iterable[str],
                  vocabulary_id: str | None = None) -> set[str]:
    """Those of ``names`` the user of ``context`` may see."""
    names = {n for n in names if isinstance(n, str)}
    user = acting_user(context)
    if not names:
        return set()
    if user is not None and user.sysadmin:
        return names
    tag, package_tag, package = model.tag_table, model.package_tag_table, model.package_table
    query = (sa.select(tag.c.name).distinct()
             .join(package_tag, package_tag.c.tag_id == tag.c.id)
             .join(package, package.c.id == package_tag.c.package_id)
             .where(tag.c.name.in_(names), package_tag.c.state == "active",
                    _readable_packages(user)))
    query = query.where(tag.c.vocabulary_id.is_(None) if vocabulary_id is None
                        else tag.c.vocabulary_id == vocabulary_id)
    return set(model.Session.execute(query).scalars())


def _name(item: Any) -> Any:
    return item.get("name") if isinstance(item, dict) else item


def _keep(context: dict[str, Any], data_dict: dict[str, Any], items: list[Any]) -> list[Any]:
    visible = visible_names(context, (_name(i) for i in items), _vocabulary_id(data_dict))
    return [item for item in items if _name(item) in visible]


@tk.chained_action
@tk.side_effect_free
def tag_list(original: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    return _keep(context, data_dict, original(context, data_dict) or [])


@tk.chained_action
@tk.side_effect_free
def tag_autocomplete(original: Action, context: dict[str, Any],
                     data_dict: dict[str, Any]) -> Any:
    return _keep(context, data_dict, original(context, data_dict) or [])


@tk.chained_action
@tk.side_effect_free
def tag_search(original: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    """(``count`` counts the visible tags of the page asked for.)"""
    result = original(context, data_dict)
    results = _keep(context, data_dict, result.get("results") or [])
    return dict(result, results=results, count=len(results))


@tk.chained_action
@tk.side_effect_free
def tag_show(original: Action, context: dict[str, Any], data_dict: dict[str, Any]) -> Any:
    params.require_text(data_dict, "id", "vocabulary_id")  # CKAN's lookup fails on others
    result = original(context, data_dict)
    vocabulary_id = result.get("vocabulary_id")
    if result.get("name") not in visible_names(context, [result.get("name")], vocabulary_id):
        raise tk.ObjectNotFound(tk._("Tag not found"))
    if isinstance(result.get("packages"), list):
        # CKAN's list holds every public dataset, straight from the index
        ids = [p.get("id") for p in result["packages"] if isinstance(p, dict)]
        published = set(model.Session.execute(
            sa.select(model.package_table.c.id)
            .where(model.package_table.c.id.in_(ids), publication.published_clause())
        ).scalars()) if ids else set()
        result["packages"] = [visibility.stored_without_editor_only(p)
                              for p in result["packages"]
                              if isinstance(p, dict) and p.get("id") in published]
    return result


def actions() -> dict[str, Action]:
    return {"tag_list": tag_list, "tag_autocomplete": tag_autocomplete,
            "tag_search": tag_search, "tag_show": tag_show}
