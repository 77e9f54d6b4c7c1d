"""Each alembic directory of the plugin is one line of revisions.

Two branches that each add a ``0002`` revision merge without a textual
conflict, and every database set-up then fails with "multiple heads": the
revisions must form a single chain, checked here without a database.
"""
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory

MIGRATIONS = Path(__file__).resolve().parents[1] / "migration"


@pytest.mark.parametrize("directory", sorted(p.name for p in MIGRATIONS.iterdir()
                                             if (p / "versions").is_dir()))
def test_revisions_form_one_chain(directory: str) -> None:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS / directory))
    script = ScriptDirectory.from_config(config)
    heads = script.get_heads()
    assert len(heads) == 1, f"{directory}: several heads {heads}"
    chain = list(script.walk_revisions())
    assert len(chain) == len(list((MIGRATIONS / directory / "versions").glob("[0-9]*.py")))
    for revision in chain:  # the file name starts with its revision id
        assert Path(revision.path).stem == revision.revision, revision.path
