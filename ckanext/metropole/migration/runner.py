"""Shared body of the plugins' alembic ``env.py`` files.

Each plugin keeps its own version table (``<plugin>_alembic_version``), as
CKAN expects from ``ckan db upgrade -p <plugin>``.
"""
from __future__ import annotations

import os

from alembic import context
from sqlalchemy import engine_from_config, pool


def run(env_file: str) -> None:
    plugin = os.path.basename(os.path.dirname(env_file))
    version_table = f"{plugin}_alembic_version"
    config = context.config
    if context.is_offline_mode():
        context.configure(
            url=config.get_main_option("sqlalchemy.url"),
            literal_binds=True,
            version_table=version_table,
        )
        with context.begin_transaction():
            context.run_migrations()
        return
    engine = engine_from_config(
        config.get_section(config.config_ini_section) or {},
        prefix="sqlalchemy.",
        poolclass=pool.NullPool,
    )
    with engine.connect() as connection:
        context.configure(connection=connection, version_table=version_table)
        with context.begin_transaction():
            context.run_migrations()
