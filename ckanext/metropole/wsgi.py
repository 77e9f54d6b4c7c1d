"""WSGI entry point of the portal, for a production server (gunicorn, uWSGI).

    CKAN_INI=/etc/ckan/default/ckan.ini gunicorn -c deploy/gunicorn.conf.py

The CKAN configuration file is named by ``CKAN_INI``, the variable the
``ckan`` command reads too. CKAN ships no importable WSGI module (its
documentation has each site write a ``wsgi.py``); this one is installed with
the extension, so the server's configuration names a module, not a file.
"""
from __future__ import annotations

import os
from typing import Any


def _config_path() -> str:
    path = os.environ.get("CKAN_INI", "")
    if not path:
        raise RuntimeError("CKAN_INI is not set: name the CKAN configuration file "
                           "(CKAN_INI=/etc/ckan/default/ckan.ini)")
    if not os.path.isfile(path):
        raise RuntimeError(f"CKAN_INI={path}: no such file")
    return os.path.abspath(path)


def make_application() -> Any:
    from ckan.cli import load_config
    from ckan.config.middleware import make_app

    # load_config also applies the [loggers] sections of the file, as `ckan run` does
    return make_app(load_config(_config_path()))


application = make_application()
