"""Test set-up shared by the whole suite.

Plugins: CKAN's ``with_plugins`` unloads and reloads every plugin around each
test, about a second each time with scheming, dcat, harvest, the DataStore and
ours (YAML declarations, entry points, template directories). Ours reloads only
when the configuration a test starts with differs from the one the loaded
plugins were set up with (a ``ckan_config`` mark, another ``ckan.plugins``), and
restores exactly the configuration that loading produced otherwise.

Application: CKAN's ``app`` builds a new application for every test, and
``make_app`` reloads every plugin again (a second or more per test, most of it
in ``inspect.stack()`` calls of the plugins' ``update_config``). Ours reuses
the last application when the test starts with the same configuration and the
same plugin instances, with the configuration and the site's settings
(``app_globals``) that building it produced; each request still gets a fresh
test client (no cookie survives a test). When it must build one, the plugins
``with_plugins`` has just loaded from this configuration are not loaded a
second time, and no reload updates the environment for a site without plugins
between unloading and loading them (``_load_all``).

CKAN's ``reset_db`` drops every table the first time it runs in a session
(plugin tables included) and only re-creates CKAN's own: re-apply the
plugins' alembic migrations after each reset, so ``clean_db``,
``non_clean_db`` and ``reset_db`` all leave a complete database.
"""
import copy
import itertools
import os
from collections import Counter
from typing import Any

import pytest

import ckan.plugins as plugins
from ckan.common import config
from ckan.plugins import core as plugins_core
from ckan.tests import helpers as test_helpers

_loaded: dict[str, Any] = {}
_built: dict[str, Any] = {}
_heads: dict[str, str | None] = {}
# How often the plugins were loaded and an application built: each costs about
# a second; the terminal summary prints both, and with
# METROPOLE_TEST_RELOADS=<file> the test that caused each one.
_rebuilds: Counter[str] = Counter()


def _rebuilt(what: str, request: Any) -> None:
    _rebuilds[what] += 1
    where = os.environ.get("METROPOLE_TEST_RELOADS")
    if where:
        with open(where, "a") as log:
            log.write(f"{what} {request.node.nodeid}\n")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    if _rebuilds:
        terminalreporter.write_line(
            f"[metropole] plugins loaded {_rebuilds['plugins']} times, "
            f"application built {_rebuilds['app']} times")


def _revisions(plugin: str) -> tuple[str | None, str | None]:
    """The plugin's revision in the database and its head revision."""
    import sqlalchemy as sa
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    from ckan import model

    from ckanext.metropole import migration

    if plugin not in _heads:
        script = ScriptDirectory.from_config(Config(migration.alembic_ini(plugin)))
        _heads[plugin] = script.get_current_head()
    with model.ensure_engine().connect() as conn:
        if not sa.inspect(conn).has_table(f"{plugin}_alembic_version"):
            return None, _heads[plugin]
        current = conn.execute(
            sa.text(f"SELECT version_num FROM {plugin}_alembic_version")
        ).scalar()
    return current, _heads[plugin]


def apply_plugin_migrations() -> None:
    """Upgrade the plugins to their head revision (skipped when already there:
    alembic's start-up costs a fifth of a second per test)."""
    from ckanext.metropole import migration

    for plugin in migration.PLUGINS:
        current, head = _revisions(plugin)
        if current != head:
            migration.upgrade(plugin)


@pytest.fixture(scope="session", autouse=True)
def cheap_password_hashes() -> Any:
    """Users' passwords hashed with 1,000 PBKDF2 rounds instead of passlib's
    default (25,000) in this process: the tests create thousands of
    users (ten per committee test), and hashing was a tenth of the suite's
    CPU. The hash stays a real ``$pbkdf2-sha512$`` one that CKAN verifies the
    same way (logins through the form and the API still check it); a portal
    served in its own process (the browser tests') keeps CKAN's default."""
    from passlib.hash import pbkdf2_sha512

    from ckan.model import user

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(user, "pbkdf2_sha512", pbkdf2_sha512.using(rounds=1000))
        yield


@pytest.fixture(scope="session")
def reset_db():
    from ckan.tests import factories

    def reset() -> None:
        factories.fake.unique.clear()
        test_helpers.reset_db()
        apply_plugin_migrations()

    return reset


def _config_key() -> str:
    return repr(sorted((str(k), repr(v)) for k, v in config.items()))


@pytest.fixture
def with_plugins(ckan_config, request):
    key = _config_key()
    if (
        _loaded.get("key") == key
        and _loaded.get("plugins") == list(plugins_core._PLUGINS)
    ):
        config.clear()
        config.update(copy.deepcopy(_loaded["after"]))
    else:
        _loaded.clear()
        _rebuilt("plugins", request)
        _load_all()
        _loaded.update(
            key=key,
            after=copy.deepcopy(dict(config)),
            after_key=_config_key(),
            plugins=list(plugins_core._PLUGINS),
            services=_plugins_key(),
        )
    return


_ckan_load_all = plugins_core.load_all


def _load_all(*args: Any, **kwargs: Any) -> None:
    """CKAN's ``load_all`` without the environment update it runs between
    unloading every plugin and loading them again: that update, for a site
    with no plugin, is undone by the one that follows the loading (a third
    of a reload's cost)."""
    update = plugins_core.plugins_update
    plugins_core.plugins_update = lambda: None
    try:
        plugins_core.unload_all()
    finally:
        plugins_core.plugins_update = update
    _ckan_load_all(*args, **kwargs)


def _load_for_app(*args: Any, **kwargs: Any) -> None:
    """``load_all`` as ``make_app`` calls it: nothing to do when
    ``with_plugins`` has just loaded these plugins and the configuration is
    still what that loading produced (loading them again from it gives the
    same configuration: ``METROPOLE_TEST_CHECK_RELOADS=1`` loads anyway and
    checks it)."""
    unchanged = (_loaded.get("after_key") == _config_key()
                 and _loaded.get("services") == _plugins_key())
    if unchanged and not os.environ.get("METROPOLE_TEST_CHECK_RELOADS"):
        return
    _load_all(*args, **kwargs)
    if unchanged:
        assert _config_key() == _loaded["after_key"], "loading the plugins again changed the configuration"


def _plugins_key() -> list[tuple[str, int]]:
    return [(name, id(plugin)) for name, plugin in plugins_core._PLUGINS_SERVICE.items()]


@pytest.fixture
def app(make_app, request):
    """CKAN's ``app``, reused while the configuration and plugins are the same
    (see above)."""
    from ckan.lib import app_globals

    key = _config_key()
    if _built.get("key") == key and _built.get("plugins") == _plugins_key():
        config.clear()
        config.update(copy.deepcopy(_built["after"]))
        app_globals.reset()
        return test_helpers.CKANTestApp(_built["wsgi"])
    _built.clear()
    _rebuilt("app", request)
    with pytest.MonkeyPatch.context() as patch:
        # ckan.config.environment.load_environment calls ckan.plugins.load_all
        patch.setattr(plugins, "load_all", _load_for_app)
        built = make_app()
    _built.update(key=key, plugins=_plugins_key(), wsgi=built.app,
                  after=copy.deepcopy(dict(config)))
    return built


def _config_marks(item: Any) -> tuple[tuple[str, str], ...]:
    return tuple(sorted((str(m.args[0]), repr(m.args[1:]))
                        for m in item.iter_markers("ckan_config")))


def pytest_collection_modifyitems(items: list[Any]) -> None:
    """Within each run of tests of one module (or one class), the tests with
    the same ``ckan_config`` marks run one after the other (in their order,
    the groups in the order they first appear): each change of configuration
    costs a reload of the plugins and a new application. No test leaves its
    run, so module- and class-scoped worlds stay whole."""
    ordered: list[Any] = []
    for _, run in itertools.groupby(items, key=lambda item: (item.path,
                                                              getattr(item, "cls", None))):
        tests = list(run)
        groups: dict[tuple[tuple[str, str], ...], int] = {}
        for item in tests:
            groups.setdefault(_config_marks(item), len(groups))
        ordered += sorted(tests, key=lambda item: groups[_config_marks(item)])  # stable
    items[:] = ordered
