"""The browser tests' portal prepared by CKAN's own commands, in one process.

    python -m ckanext.metropole.tests.browser.prepare <ini> -- <command> [args] -- ...

Runs each ``ckan`` command of the list (``db init``, ``user add``, ``metropole
territory load``…) as ``ckan -c <ini> <command>`` would, in order, but
loads CKAN and its plugins once for all of them: each ``ckan`` process spends
seconds importing CKAN and loading every plugin before doing its work.
A failing command stops the list with its exit code.
"""
from __future__ import annotations

import sys

import click


def run(ini: str, commands: list[list[str]]) -> int:
    from ckan.cli import cli as ckan_cli

    group = ckan_cli.ckan
    # what `ckan -c <ini>` does before running a command: the application
    # (config, plugins) and the commands of the extensions
    root = click.Context(group, info_name="ckan")
    ckan_cli._add_ctx_object(root, ini)
    ckan_cli._add_external_commands(root)
    for args in commands:
        click.echo(f"$ ckan {' '.join(args)}")
        with root:
            try:
                name, command, rest = group.resolve_command(root, list(args))
                if command is None or name is None:
                    raise click.UsageError(f"no command: ckan {' '.join(args)}")
                with command.make_context(name, rest, parent=root) as ctx:
                    command.invoke(ctx)
            except click.exceptions.Exit as stop:
                if stop.exit_code:
                    return stop.exit_code
            except click.ClickException as error:
                error.show()
                return error.exit_code
            except click.Abort:
                return 1
    return 0


def main(argv: list[str]) -> int:
    ini, *rest = argv
    commands: list[list[str]] = []
    for arg in rest:
        if arg == "--":
            commands.append([])
        else:
            commands[-1].append(arg)
    return run(ini, [c for c in commands if c])


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
