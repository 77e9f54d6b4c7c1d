"""The deployment files of deploy/ work as written.

- the nginx site passes ``nginx -t`` (Debian's nginx, installed by
  scripts/deploy.sh), accepts uploads as large as ``ckan.max_resource_size``
  and waits longer than gunicorn's request timeout;
- every systemd unit's ``ExecStart`` names a program the installation has
  and, for ``ckan``, a command that CKAN's command line resolves with the
  plugins of a production site loaded (the harvest consumers and ``harvester
  run``, the committee's digest, ``tracking update``);
- gunicorn's settings size the workers for the machine and read the
  environment the units set (the server itself runs in test_two_servers.py).

The unit files name the paths of CKAN's documented layout
(``/usr/lib/ckan/default`` for the virtualenv, ``/etc/ckan/default`` for the
configuration); here they are mapped to this checkout's venv and deploy/.
"""
from __future__ import annotations

import configparser
import os
import re
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import click
import pytest

import ckan.plugins as p
from ckan.cli import cli as ckan_cli_module

ROOT = Path(__file__).resolve().parents[3]
DEPLOY = ROOT / "deploy"
SITE = DEPLOY / "nginx" / "ckan-metropole.conf"
UNITS = sorted((DEPLOY / "systemd").glob("*.service"))
NGINX = os.environ.get("METROPOLE_NGINX", "/usr/sbin/nginx")
VENV_BIN = Path(sys.executable).parent
PRODUCTION_BIN = "/usr/lib/ckan/default/bin/"
PRODUCTION_CONF = "/etc/ckan/default/"

def _demo_option(name: str) -> str:
    demo = configparser.ConfigParser(interpolation=None)
    demo.read(ROOT / "config" / "demo.ini", encoding="utf-8")
    return demo["app:main"][name]


# the plugins of the demo (a complete site), and CKAN's page view tracking
SITE_PLUGINS = _demo_option("ckan.plugins") + " tracking"


# ------------------------------------------------------------------- nginx
def _nginx_test(site_text: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """``nginx -t`` on a main configuration including ``site_text``.

    The certificate is a throw-away one (openssl comes with PostgreSQL's
    ssl-cert dependency); logs and run files go to ``tmp_path``.
    """
    openssl = shutil.which("openssl")
    if openssl is None:
        pytest.skip("openssl is missing (it comes with Debian's postgresql-15 through ssl-cert)")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    if not cert.exists():
        subprocess.run([openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                        "-subj", "/CN=data.example.org", "-keyout", str(key), "-out", str(cert)],
                       check=True, capture_output=True)
    site_text = re.sub(r"ssl_certificate\s+\S+;", f"ssl_certificate {cert};", site_text)
    site_text = re.sub(r"ssl_certificate_key\s+\S+;", f"ssl_certificate_key {key};", site_text)
    site_text = re.sub(r"(access_log|error_log)\s+/var/log/nginx/", rf"\1 {tmp_path}/", site_text)
    site = tmp_path / "site.conf"
    site.write_text(site_text, encoding="utf-8")
    main = tmp_path / "nginx.conf"
    main.write_text(f"""
pid {tmp_path}/nginx.pid;
error_log {tmp_path}/error.log;
events {{ worker_connections 64; }}
http {{
    include /etc/nginx/mime.types;
    client_body_temp_path {tmp_path}/body;
    proxy_temp_path {tmp_path}/proxy;
    include {site};
}}
""", encoding="utf-8")
    return subprocess.run([NGINX, "-t", "-p", str(tmp_path), "-c", str(main),
                           "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=30)


@pytest.fixture
def nginx() -> str:
    if not os.access(NGINX, os.X_OK):
        pytest.skip(f"no nginx at {NGINX}: scripts/deploy.sh deps installs Debian's "
                    "(as root; make test runs it)")
    return NGINX


def test_nginx_site_passes_nginx_t(nginx: str, tmp_path: Path) -> None:
    result = _nginx_test(SITE.read_text(encoding="utf-8"), tmp_path)
    assert result.returncode == 0, result.stderr
    assert "syntax is ok" in result.stderr
    assert "test is successful" in result.stderr


def test_nginx_t_refuses_a_broken_site(nginx: str, tmp_path: Path) -> None:
    """The check above can fail: one directive misspelled and nginx says so."""
    broken = SITE.read_text(encoding="utf-8").replace("proxy_read_timeout", "proxy_red_timeout")
    result = _nginx_test(broken, tmp_path)
    assert result.returncode != 0
    assert 'unknown directive "proxy_red_timeout"' in result.stderr


def _directive(name: str) -> str:
    found = re.findall(rf"^\s*{name}\s+([^;]+);", SITE.read_text(encoding="utf-8"), re.M)
    assert len(found) == 1, f"{name}: {found}"
    return found[0].strip()


def _seconds(value: str) -> int:
    return int(value[:-1]) if value.endswith("s") else int(value)


def test_nginx_uploads_and_timeouts_match_ckan_and_gunicorn() -> None:
    max_mb = int(_demo_option("ckan.max_resource_size"))
    assert _directive("client_max_body_size") == f"{max_mb}m"
    timeout = _gunicorn_settings({})["timeout"]
    assert _seconds(_directive("proxy_read_timeout")) > timeout
    assert _seconds(_directive("proxy_send_timeout")) > timeout
    upstream = re.search(r"upstream ckan_metropole \{[^}]*server (\S+)",
                         SITE.read_text(encoding="utf-8"))
    web = _unit(DEPLOY / "systemd" / "ckan-web.service")
    assert upstream
    assert f"METROPOLE_BIND={upstream.group(1)}" in web["Environment"]


# ------------------------------------------------------------------- systemd
def _unit(path: Path) -> dict[str, list[str]]:
    """The [Service] settings of a unit (a setting may repeat: Environment)."""
    settings: dict[str, list[str]] = {}
    section = ""
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        if line.startswith("["):
            section = line
        elif section == "[Service]":
            key, _, value = line.partition("=")
            settings.setdefault(key, []).append(value)
    return settings


def _local(argument: str) -> str:
    """A production path of the units, in this checkout."""
    if argument.startswith(PRODUCTION_BIN):
        return str(VENV_BIN / argument[len(PRODUCTION_BIN):])
    if argument == PRODUCTION_CONF + "gunicorn.conf.py":
        return str(DEPLOY / "gunicorn.conf.py")
    return argument


def _resolve(args: list[str]) -> click.Command:
    """The ``ckan`` command that ``args`` (after ``-c FILE``) name, options parsed."""
    commands = dict(ckan_cli_module.ckan.commands)
    for command in ckan_cli_module._get_commands_from_entry_point():
        commands[str(command.name)] = command
    for command in ckan_cli_module._get_commands_from_plugins(
            p.PluginImplementations(p.IClick)):
        commands[str(command.name)] = command
    if not args or args[0] not in commands:
        raise click.UsageError(f"No such command {args[:1]}")
    command, rest = commands[args[0]], args[1:]
    while isinstance(command, click.Group):
        if not rest:
            raise click.UsageError(f"{command.name}: a subcommand is needed")
        sub = command.get_command(click.Context(command), rest[0])
        if sub is None:
            raise click.UsageError(f"{command.name}: no such command {rest[0]}")
        command, rest = sub, rest[1:]
    command.make_context(command.name or "", list(rest))  # its options and arguments
    return command


@pytest.mark.ckan_config("ckan.plugins", SITE_PLUGINS)
@pytest.mark.usefixtures("with_plugins")
@pytest.mark.parametrize("unit", UNITS, ids=[u.name for u in UNITS])
def test_unit_exec_start_resolves(unit: Path) -> None:
    settings = _unit(unit)
    assert len(settings.get("ExecStart", [])) == 1, unit.name
    argv = [_local(a) for a in shlex.split(settings["ExecStart"][0])]
    assert os.access(argv[0], os.X_OK), f"{unit.name}: {argv[0]} is not installed"
    environment = dict(e.split("=", 1) for e in settings.get("Environment", []))
    assert environment.get("CKAN_INI") == PRODUCTION_CONF + "ckan.ini", unit.name
    program = Path(argv[0]).name
    if program == "gunicorn":
        assert argv[1:] == ["-c", str(DEPLOY / "gunicorn.conf.py")]
        return
    assert program == "ckan", argv
    assert argv[1:3] == ["-c", PRODUCTION_CONF + "ckan.ini"], argv
    _resolve(argv[3:])


@pytest.mark.ckan_config("ckan.plugins", SITE_PLUGINS)
@pytest.mark.usefixtures("with_plugins")
def test_a_misspelled_command_does_not_resolve() -> None:
    with pytest.raises(click.UsageError):
        _resolve(["harvester", "gather-consumers"])
    with pytest.raises(click.UsageError):
        _resolve(["metropole", "committee", "digest", "--weekly"])


def test_every_timer_starts_a_unit() -> None:
    timers = sorted((DEPLOY / "systemd").glob("*.timer"))
    assert {t.stem for t in timers} == {"ckan-harvest-run", "ckan-committee-digest",
                                        "ckan-tracking-update"}
    for timer in timers:
        service = timer.with_suffix(".service")
        assert service.exists(), timer.name
        assert _unit(service)["Type"] == ["oneshot"]
        assert re.search(r"^OnCalendar=\S", timer.read_text(encoding="utf-8"), re.M)


# ------------------------------------------------------------------- gunicorn
def _gunicorn_settings(env: dict[str, str]) -> dict[str, Any]:
    saved = {k: os.environ.get(k) for k in
             ("WEB_CONCURRENCY", "METROPOLE_WEB_TIMEOUT", "METROPOLE_BIND")}
    try:
        for key in saved:
            os.environ.pop(key, None)
        os.environ.update(env)
        return runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def test_gunicorn_settings_follow_the_machine_and_the_environment() -> None:
    default = _gunicorn_settings({})
    cores = len(os.sched_getaffinity(0))
    assert default["workers"] == min(2 * cores + 1, 9)
    assert default["worker_class"] == "sync"
    assert default["preload_app"] is True
    assert default["timeout"] == 30
    assert default["bind"] == ["127.0.0.1:5000"]
    assert default["wsgi_app"] == "ckanext.metropole.wsgi:application"
    chosen = _gunicorn_settings({"WEB_CONCURRENCY": "3", "METROPOLE_WEB_TIMEOUT": "12",
                                 "METROPOLE_BIND": "unix:/run/ckan/web.sock"})
    assert (chosen["workers"], chosen["timeout"], chosen["bind"]) == (
        3, 12, ["unix:/run/ckan/web.sock"])
    with pytest.raises(SystemExit, match="WEB_CONCURRENCY='four'"):
        _gunicorn_settings({"WEB_CONCURRENCY": "four"})
