"""``ckan metropole …`` commands (registered by tk.blanket.cli)."""
from __future__ import annotations

import click

from ckanext.metropole.committee import cli as committee_cli
from ckanext.metropole.harvest import cli as harvest_cli

__all__ = ["metropole"]


@click.group(short_help="ckanext-metropole commands")
def metropole() -> None:
    """Commands of the métropole open data portal."""


@metropole.group()
def demo() -> None:
    """Demo portal data."""


@demo.command("seed")
@click.option("--token-file", default=".local/demo-token", show_default=True,
              help="Where to write an API token of the demo sysadmin (mode 600).")
@click.option("--harvest-url", default="http://127.0.0.1:5010/catalogue.ttl",
              show_default=True, help="Fixture DCAT catalogue of the demo harvest source.")
def demo_seed(token_file: str, harvest_url: str) -> None:
    """Create the demo sysadmin, its API token and sample datasets (idempotent)."""
    from ckanext.metropole import demo as demo_data

    admin, created = demo_data.ensure_admin()
    if created:
        click.echo(f"Sysadmin created: {admin['name']} / {demo_data.ADMIN_PASSWORD}")
    else:
        click.echo(f"Sysadmin: {admin['name']} / {demo_data.ADMIN_PASSWORD} (existing)")
    if demo_data.ensure_token(token_file):
        click.echo(f"API token of {admin['name']} written to {token_file}")
    changes = demo_data.load_territory()
    touched = sum(c.action != "unchanged" for c in changes)
    click.echo(f"Territory: {len(changes)} organizations, {touched} created or updated")
    click.echo(f"Communes: agents and partnership of {demo_data.ensure_communes()} filled in")
    from ckanext.metropole.committee import demo as demo_committee

    added = demo_committee.ensure_committee(admin["name"])
    click.echo(f"Committee: {len(demo_committee.MEMBERS)} members, {added} added "
               f"(password {demo_committee.PASSWORD})")
    new = demo_data.ensure_datasets()
    click.echo(f"Sample datasets: {len(new)} created, "
               f"{len(demo_data.SAMPLE_DATASETS) - len(new)} already there")
    reviews = demo_committee.ensure_reviews(admin["name"])
    click.echo(f"Datasets under review: {len(reviews)} created, "
               f"{len(demo_committee.REVIEWS) - len(reviews)} already there")
    from ckanext.metropole.harvest import demo as harvest_demo

    if harvest_demo.enabled():
        click.echo(harvest_demo.seed(harvest_url))


@metropole.group()
def schemas() -> None:
    """The SCDL schemas files are checked against."""


@schemas.command("update")
@click.option("--catalog-url", default="",
              help="The catalogue to read (default: ckanext.metropole.schemas.catalog_url).")
def schemas_update(catalog_url: str) -> None:
    """Fetch the newer versions of the portal's schemas from schema.data.gouv.fr."""
    from ckanext.metropole.validation import update

    try:
        lines = update.update(catalog_url)
    except update.UpdateFailed as e:
        raise click.ClickException(f"Nothing changed: {e}")
    for line in lines:
        click.echo(line)


@metropole.group()
def territory() -> None:
    """The métropole's territory and the organizations of its communes."""


@territory.command("load")
@click.option("--dry-run", is_flag=True, help="Print what would change, change nothing.")
def territory_load(dry_run: bool) -> None:
    """Create or update the métropole's and communes' organizations (idempotent)."""
    from ckanext.metropole import territory as territory_mod
    from ckanext.metropole import territory_load as loader

    try:
        terr = territory_mod.current()
    except territory_mod.TerritoryError as e:
        raise click.ClickException(str(e))
    changes = loader.load(terr, dry_run=dry_run)
    for change in changes:
        if change.action != "unchanged":
            click.echo(str(change))
    counts = {a: sum(c.action == a for c in changes)
              for a in ("create", "update", "retire", "unchanged")}
    prefix = "Dry run, nothing saved: " if dry_run else ""
    click.echo(f"{prefix}{terr.metropole.name} ({len(terr.communes)} communes): "
               + ", ".join(f"{n} {a}" for a, n in counts.items()))


metropole.add_command(committee_cli.committee)
metropole.add_command(committee_cli.report)
metropole.add_command(harvest_cli.harvest_sources)
