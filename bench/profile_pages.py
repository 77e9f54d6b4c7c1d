"""Where one page's CPU goes: cProfile over a few requests, in process.

    .venv/bin/python bench/profile_pages.py [--ini build/bench-load/load.ini]
        [--repeat 5] [--top 25] [--sort cumulative|tottime] [--token T] URL...

Builds the portal's WSGI application from ``--ini`` (by default the one
``bench/load.py`` writes, on its 50,000 datasets), sends each URL once to warm
up, then ``--repeat`` times under cProfile, and prints the CPU of this
process per request (the database's own CPU is not in it) and the top
functions. ``{name}`` in a URL is replaced by a different public dataset's
name at each request, ``{commune}`` by a commune's organization name.
"""
from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import random
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("urls", nargs="+")
    parser.add_argument("--ini", default=str(ROOT / "build" / "bench-load" / "load.ini"))
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--sort", default="cumulative", choices=("cumulative", "tottime"))
    parser.add_argument("--token", default="", help="Authorization header")
    args = parser.parse_args()
    os.environ.setdefault("CKAN_INI", args.ini)

    from ckan.cli import load_config
    from ckan.config.middleware import make_app
    from werkzeug.test import Client

    app = make_app(load_config(args.ini))
    client = Client(app)
    headers = {"Authorization": args.token} if args.token else {}

    import sqlalchemy as sa
    from ckan import model

    with model.meta.engine.connect() as conn:
        names = [r[0] for r in conn.execute(sa.text(
            "SELECT name FROM package WHERE type = 'dataset' AND state = 'active' "
            "AND NOT private ORDER BY random() LIMIT 200"))]
        communes = [r[0] for r in conn.execute(sa.text(
            "SELECT g.name FROM \"group\" g WHERE g.is_organization AND g.state = 'active' "
            "AND EXISTS (SELECT 1 FROM package p WHERE p.owner_org = g.id)"))]
    rng = random.Random(7)

    def url(template: str) -> str:
        return template.format(name=rng.choice(names), commune=rng.choice(communes))

    for template in args.urls:
        response = client.get(url(template), headers=headers)
        if response.status_code != 200:
            print(f"{template}: HTTP {response.status_code}", file=sys.stderr)
            return 1
        profile = cProfile.Profile()
        cpu = time.process_time()
        for _ in range(args.repeat):
            target = url(template)
            profile.enable()
            client.get(target, headers=headers)
            profile.disable()
        cpu = (time.process_time() - cpu) / args.repeat
        print(f"== {template}: {cpu * 1000:.0f} ms CPU per request in the web process "
              f"(profiled, {args.repeat} requests)")
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats(args.sort).print_stats(args.top)
        print("\n".join(line for line in out.getvalue().splitlines()
                        if line.strip())[:20000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
