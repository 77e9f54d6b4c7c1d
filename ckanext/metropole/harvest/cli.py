"""``ckan metropole harvest-sources …``: the harvest sources file."""
from __future__ import annotations

import click

from ckanext.metropole.harvest import settings, sources


@click.group("harvest-sources", short_help="National producers' harvest sources")
def harvest_sources() -> None:
    """Harvest sources of national producers (ckanext/metropole/harvest/sources.yaml)."""


@harvest_sources.command("sync")
@click.option("--file", "path", default=None,
              help="Sources file (default: ckanext.metropole.harvest.sources_file, "
                   "or the file shipped with the extension).")
def sync(path: str | None) -> None:
    """Create or update the producers' organizations and harvest sources (idempotent)."""
    path = path or settings.sources_file()
    try:
        report = sources.sync(path)
    except sources.SourcesError as e:
        raise click.ClickException(str(e)) from None
    for kind, name, what in report:
        click.echo(f"{kind} {name}: {what}")
