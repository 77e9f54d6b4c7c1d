"""The portal under load: 50,000 datasets, the production server, 20 clients.

    .venv/bin/python bench/load.py [--datasets 50000] [--clients 20] [--duration 60]
                                   [--reuse] [--workers N] [--port 5125]

1. Fills a dedicated portal (``metropole_bench_load`` and its DataStore
   ``metropole_bench_load_ds``; configuration ``build/bench-load/load.ini``,
   config/demo.ini with those databases) the way ``make demo`` does — ``ckan
   db init``, the plugins' migrations, ``ckan metropole demo seed`` (territory,
   committee, sample datasets with their reviews, harvested datasets) — then
   brings it to N datasets by the *bulk path*: each seeded dataset is a
   template copied in SQL, in CKAN's own tables (``package`` and its extras,
   ``resource``, ``package_tag``, the organization's ``member`` row) and the
   committee's (``metropole_review``), with new ids, names and titles; the
   copies of a commune's datasets are spread over the 23 communes. Then
   ``ckan search-index rebuild-fast`` indexes every dataset from those tables
   (CKAN's ``package_show`` and the portal's index hooks, as any rebuild).
   ``--reuse`` keeps a filled database.
2. Starts the production server as ``make demo`` does (gunicorn,
   deploy/gunicorn.conf.py).
3. Runs ``--clients`` concurrent clients for ``--duration`` seconds on the
   mix below (each client sends its next request when the previous answered),
   and prints p50/p95/p99 and errors per URL.
4. Runs the same mix again while one more client keeps sending a slow
   anonymous ``datastore_search_sql`` (a self-join of a 20,000-row table of a
   published dataset), and prints each URL's p95 against the first run.

Targets on 2 cores: ``/dataset`` and ``/dataset/<name>`` p95 <= 300 ms,
``package_search`` API p95 <= 150 ms, no error; with the slow client, no URL's
p95 worse by more than 25 %. The load average of the machine is printed next
to each run (the machine may be shared), with the CPU the portal's own
processes used per request and what that gives on free cores.
"""
from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import re
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
DB = "metropole_bench_load"
DS_DB = DB + "_ds"
PGPORT = os.environ.get("METROPOLE_PGPORT", "54329")
REDIS_PORT = os.environ.get("METROPOLE_REDIS_PORT", "63799")
WORK = ROOT / "build" / "bench-load"
INI = WORK / "load.ini"
STACK = str(ROOT / "scripts" / "stack.sh")
PYTHON_BIN = Path(sys.executable).parent
CKAN = [str(PYTHON_BIN / "ckan"), "-c", str(INI)]
SLOW_ROWS = 20_000
TARGETS = {"/dataset": 300.0, "/dataset/<name>": 300.0, "package_search API": 150.0}
DEGRADATION = 1.25

# words that the seeded titles, tags and descriptions hold (French and English)
WORDS = ["parking", "budget", "qualité de l'air", "arbres", "écoles", "déchets", "vélos",
         "énergie", "piscines", "marchés publics", "population", "revenus", "éclairage"]


def say(text: str) -> None:
    print(text, flush=True)


def load_average() -> str:
    return "load {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())


def db_url(name: str, user: str = "metropole") -> str:
    return f"postgresql://{user}:{user}@127.0.0.1:{PGPORT}/{name}"


# ------------------------------------------------------------------ the portal
def write_ini(port: int) -> None:
    text = (ROOT / "config" / "demo.ini").read_text(encoding="utf-8")
    replacements = [
        (r"127\.0\.0\.1:54329/metropole_datastore", f"127.0.0.1:{PGPORT}/{DS_DB}"),
        (r"127\.0\.0\.1:54329/metropole\b", f"127.0.0.1:{PGPORT}/{DB}"),
        (r"redis://127\.0\.0\.1:63799/0", f"redis://127.0.0.1:{REDIS_PORT}/6"),
        (r"(?m)^ckan\.harvest\.mq\.port = 63799$", f"ckan.harvest.mq.port = {REDIS_PORT}"),
        (r"(?m)^ckan\.harvest\.mq\.redis_db = 2$", "ckan.harvest.mq.redis_db = 7"),
        (r"(?m)^ckan\.site_url = .*$", f"ckan.site_url = http://127.0.0.1:{port}"),
        (r"(?m)^ckan\.site_id = .*$", "ckan.site_id = metropole-bench-load"),
        (r"%\(here\)s/\.\./\.local/demo-storage", str(WORK / "storage")),
        (r"%\(here\)s/\.\./\.local/xloader-token", str(WORK / "xloader-token")),
        # no mail is sent by the mix; a closed port fails fast if one were
        (r"(?m)^smtp\.server = .*$", "smtp.server = 127.0.0.1:9"),
        (r"(?m)^level = INFO$", "level = WARNING"),
    ]
    for pattern, value in replacements:
        text, count = re.subn(pattern, value, text)
        if not count:
            raise SystemExit(f"config/demo.ini: {pattern!r} not found")
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "storage").mkdir(exist_ok=True)
    INI.write_text(text, encoding="utf-8")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def ckan(*args: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    """A ``ckan`` command on the bench portal; its log goes to build/bench-load/ckan.log."""
    kwargs.setdefault("stdout", subprocess.DEVNULL)
    with open(WORK / "ckan.log", "a") as log:
        kwargs.setdefault("stderr", log)
        return subprocess.run(CKAN + list(args), check=True, text=True, cwd=ROOT, **kwargs)


def engine() -> Any:
    import sqlalchemy as sa

    return sa.create_engine(db_url(DB))


def seed() -> None:
    subprocess.run([STACK, "dropdb", DB], check=False, capture_output=True)
    subprocess.run([STACK, "dropdb", DS_DB], check=False, capture_output=True)
    subprocess.run([STACK, "createdb", DB], check=True, capture_output=True)
    subprocess.run([STACK, "datastore", DS_DB, DB, sys.executable], check=True,
                   capture_output=True)
    ckan("db", "init")
    for plugin in ("metropole_search", "metropole", "harvest"):
        ckan("db", "upgrade", "-p", plugin)
    port = free_port()
    fixture = subprocess.Popen(
        [sys.executable, "-m", "http.server", "--bind", "127.0.0.1", "--directory",
         str(ROOT / "ckanext/metropole/harvest/demo"), str(port)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        time.sleep(1)
        ckan("metropole", "demo", "seed", "--token-file", str(WORK / "admin-token"),
             "--harvest-url", f"http://127.0.0.1:{port}/catalogue.ttl")
    finally:
        fixture.terminate()
        fixture.wait()


def _columns(conn: Any, table: str) -> dict[str, str]:
    import sqlalchemy as sa

    rows = conn.execute(sa.text(
        "SELECT column_name, data_type FROM information_schema.columns "
        "WHERE table_schema = 'public' AND table_name = :t ORDER BY ordinal_position"),
        {"t": table})
    return {name: kind for name, kind in rows}


NEW_ID = "md5({col} || '-' || i)::uuid::text"


def _clone(conn: Any, table: str, key: str, where: str, overrides: dict[str, str],
           params: dict[str, Any]) -> int:
    """Copy the template rows of ``table`` (``key`` names the dataset) once per ``i``."""
    import sqlalchemy as sa

    columns = _columns(conn, table)
    if not columns:
        return 0
    names, values = [], []
    for name, kind in columns.items():
        if name == "id" and kind == "integer":
            continue  # serial
        names.append(f'"{name}"')
        if name in overrides:
            values.append(overrides[name])
        elif name in ("id", key):
            values.append(NEW_ID.format(col=f'x."{name}"'))
        else:
            values.append(f'x."{name}"')
    sql = (f'INSERT INTO "{table}" ({", ".join(names)}) SELECT {", ".join(values)} '
           f'FROM "{table}" x CROSS JOIN generate_series(1, :copies) i '
           f'WHERE x."{key}" = ANY(:templates) {where}')
    return conn.execute(sa.text(sql), params).rowcount


def bulk_copy(total: int) -> None:
    """Bring the seeded portal to ``total`` datasets (see the module's docstring)."""
    import sqlalchemy as sa

    with engine().begin() as conn:
        templates = [r[0] for r in conn.execute(sa.text(
            "SELECT id FROM package WHERE type = 'dataset' AND state = 'active' ORDER BY name"))]
        copies = max(0, (total - len(templates)) // len(templates))
        kind = ("(SELECT value FROM group_extra e WHERE e.group_id = g.id AND e.key = 'kind')"
                if "group_extra" in _tables(conn) else "g.extras->>'kind'")
        communes = [r[0] for r in conn.execute(sa.text(
            f"SELECT g.id FROM \"group\" g WHERE g.is_organization AND g.state = 'active' "
            f"AND {kind} = 'commune' ORDER BY g.name"))]
        params = {"templates": templates, "copies": copies, "communes": communes,
                  "ncommunes": len(communes)}
        owner = ("CASE WHEN x.owner_org IN (SELECT unnest(CAST(:communes AS text[]))) "
                 "THEN (CAST(:communes AS text[]))[1 + i % :ncommunes] ELSE x.owner_org END")
        counts = {"package": _clone(conn, "package", "id", "", {
            "name": "left(x.name, 90) || '-' || i",
            "title": "x.title || ' — ' || i",
            "owner_org": owner,
            "metadata_created": "x.metadata_created - i * interval '17 minutes'",
            "metadata_modified": "x.metadata_modified - i * interval '13 minutes'",
        }, params)}
        if "package_extra" in _tables(conn):
            counts["package_extra"] = _clone(conn, "package_extra", "package_id", "", {},
                                             params)
        counts["resource"] = _clone(conn, "resource", "package_id", "", {}, params)
        counts["package_tag"] = _clone(conn, "package_tag", "package_id", "", {}, params)
        counts["member"] = _clone(conn, "member", "table_id", "AND x.table_name = 'package'", {
            "group_id": "CASE WHEN x.capacity = 'organization' THEN (SELECT p.owner_org "
                        "FROM package p WHERE p.id = md5(x.table_id || '-' || i)::uuid::text) "
                        "ELSE x.group_id END"}, params)
        counts["metropole_review"] = _clone(conn, "metropole_review", "package_id", "", {},
                                            params)
    say("  bulk copy: " + ", ".join(f"{t} +{n}" for t, n in counts.items())
        + f" ({len(templates)} templates x {copies})")


def _tables(conn: Any) -> set[str]:
    import sqlalchemy as sa

    return {r[0] for r in conn.execute(sa.text(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'"))}


def fill(total: int) -> None:
    start = time.perf_counter()
    seed()
    say(f"  seeded (make demo's data) in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    bulk_copy(total)
    say(f"  copied in {time.perf_counter() - start:.0f} s")
    start = time.perf_counter()
    ckan("search-index", "rebuild-fast")
    say(f"  search-index rebuild-fast in {time.perf_counter() - start:.0f} s")
    import sqlalchemy as sa

    with engine().begin() as conn:
        conn.execute(sa.text("ANALYZE"))
    (WORK / "filled").write_text(str(total))


# ------------------------------------------------------------------ the server
class Server:
    def __init__(self, port: int, workers: int | None) -> None:
        env = dict(os.environ, CKAN_INI=str(INI), METROPOLE_BIND=f"127.0.0.1:{port}",
                   METROPOLE_ACCESS_LOG="")
        if workers:
            env["WEB_CONCURRENCY"] = str(workers)
        self.port = port
        # the server's log for as long as it runs: closed by stop()
        self.log = open(WORK / "server.log", "w")  # noqa: SIM115
        self.process = subprocess.Popen(
            [str(PYTHON_BIN / "gunicorn"), "-c", str(ROOT / "deploy" / "gunicorn.conf.py")],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT,
            start_new_session=True)
        deadline = time.time() + 120
        while time.time() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"gunicorn exited, see {self.log.name}")
            try:
                if request(port, "/api/3/action/status_show")[0] == 200:
                    return
            except OSError:
                pass
            time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer in 120 s, see {self.log.name}")

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


def request(port: int, path: str, headers: dict[str, str] | None = None,
            body: bytes | None = None, timeout: float = 120) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("POST" if body is not None else "GET", path, body=body,
                     headers=headers or {})
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def api(port: int, action: str, data: dict[str, Any], token: str = "") -> dict[str, Any]:
    headers = {"Content-Type": "application/json"}
    if token:
        headers["Authorization"] = token
    status, body = request(port, f"/api/3/action/{action}", headers,
                           json.dumps(data).encode())
    answer = json.loads(body)
    if status != 200:
        raise SystemExit(f"{action}: HTTP {status} {answer.get('error')}")
    return answer["result"]


# ------------------------------------------------------------------ the mix
def prepare(port: int) -> dict[str, Any]:
    """What the mix needs: names, communes, the secretary's token, the slow table."""
    import sqlalchemy as sa

    admin = (WORK / "admin-token").read_text().strip()
    with engine().begin() as conn:
        names = [r[0] for r in conn.execute(sa.text(
            "SELECT name FROM package WHERE type = 'dataset' AND state = 'active' "
            "AND NOT private"))]
        communes = [r[0] for r in conn.execute(sa.text(
            "SELECT g.name FROM \"group\" g WHERE g.is_organization AND g.state = 'active' "
            "AND EXISTS (SELECT 1 FROM package p WHERE p.owner_org = g.id)"))]
    token_file = WORK / "secretary-token"
    # a token of an earlier fill names a user id the database no longer has
    if not token_file.exists() or request(port, "/comite/examens", {
            "Authorization": token_file.read_text().strip()})[0] != 200:
        out = ckan("user", "token", "add", "secretariat-comite", "bench-load",
                   stdout=subprocess.PIPE).stdout
        token_file.write_text(out.strip().splitlines()[-1].strip())
    published = api(port, "package_search", {
        "fq": "metropole_published:true +num_resources:[1 TO *]", "rows": 1,
        "sort": "name asc"})["results"][0]
    resource_id = published["resources"][0]["id"]
    try:
        api(port, "datastore_info", {"id": resource_id})
    except SystemExit:
        records = [{"n": i, "label": f"ligne {i}"} for i in range(SLOW_ROWS)]
        api(port, "datastore_create", {
            "resource_id": resource_id, "force": True,
            "fields": [{"id": "n", "type": "int"}, {"id": "label", "type": "text"}],
            "records": records}, admin)
    facet_queries = [
        "/dataset?q={q}&theme=ENVI", "/dataset?q=&organization={org}",
        "/dataset?q={q}&license_id=etalab-2.0&res_format=CSV",
        "/dataset?producing_commune=21231&opening_status=ouvert"]
    return {"names": names, "communes": communes, "resource": resource_id,
            "secretary": token_file.read_text().strip(), "facets": facet_queries,
            "pages": feed_pages(port)}


def feed_pages(port: int) -> int:
    """The feed's last page, from the links of its first page."""
    status, body = request(port, "/catalog.ttl")
    if status != 200:
        raise SystemExit(f"/catalog.ttl: HTTP {status}")
    return max(int(n) for n in re.findall(rb"catalog\.ttl\?page=(\d+)", body))


MIX = [  # (label, weight)
    ("/", 8), ("/dataset", 14), ("/dataset?q=…", 14), ("/dataset?q=…&facets", 10),
    ("/dataset/<name>", 20), ("/organization/<commune>", 8), ("/catalog.ttl?page=N", 3),
    ("package_search API", 18), ("/comite/examens (secretary)", 5),
]


def next_request(label: str, rng: random.Random, data: dict[str, Any]) \
        -> tuple[str, dict[str, str]]:
    q = urllib.parse.quote(rng.choice(WORDS))
    if label == "/":
        return "/", {}
    if label == "/dataset":
        return "/dataset", {}
    if label == "/dataset?q=…":
        return f"/dataset?q={q}", {}
    if label == "/dataset?q=…&facets":
        path = rng.choice(data["facets"]).format(q=q, org=rng.choice(data["communes"]))
        return path, {}
    if label == "/dataset/<name>":
        return "/dataset/" + rng.choice(data["names"]), {}
    if label == "/organization/<commune>":
        return "/organization/" + rng.choice(data["communes"]), {}
    if label == "/catalog.ttl?page=N":
        return f"/catalog.ttl?page={rng.randint(1, data['pages'])}", {}
    if label == "package_search API":
        return f"/api/3/action/package_search?q={q}&rows=10", {}
    return "/comite/examens", {"Authorization": data["secretary"]}


class Results:
    def __init__(self) -> None:
        self.times: dict[str, list[float]] = {label: [] for label, _ in MIX}
        self.errors: dict[str, list[str]] = {label: [] for label, _ in MIX}
        self.lock = threading.Lock()

    def add(self, label: str, ms: float, error: str | None) -> None:
        with self.lock:
            self.times.setdefault(label, []).append(ms)
            if error:
                self.errors.setdefault(label, []).append(error)


def client(port: int, seed_: int, until: float, data: dict[str, Any], results: Results) -> None:
    rng = random.Random(seed_)
    labels = [label for label, weight in MIX for _ in range(weight)]
    while time.time() < until:
        label = rng.choice(labels)
        path, headers = next_request(label, rng, data)
        start = time.perf_counter()
        error = None
        try:
            status, _body = request(port, path, headers, timeout=60)
            if status != 200:
                error = f"HTTP {status} {path}"
        except OSError as e:
            error = f"{type(e).__name__} {path}"
        results.add(label, (time.perf_counter() - start) * 1000, error)


def slow_client(port: int, until: float, data: dict[str, Any], results: Results) -> None:
    table = data["resource"]
    sql = (f'SELECT count(*) AS n FROM "{table}" a, "{table}" b '
           f'WHERE a."n" + b."n" = -1')
    body = json.dumps({"sql": sql}).encode()
    while time.time() < until:
        start = time.perf_counter()
        error = None
        try:
            status, answer = request(port, "/api/3/action/datastore_search_sql",
                                     {"Content-Type": "application/json"}, body, timeout=120)
            if status != 200:
                error = f"HTTP {status}"
        except OSError as e:
            error = type(e).__name__
        results.add("slow datastore_search_sql", (time.perf_counter() - start) * 1000, error)


def run(port: int, clients: int, duration: float, data: dict[str, Any],
        slow: bool) -> tuple[Results, float]:
    results = Results()
    until = time.time() + duration
    threads = [threading.Thread(target=client, args=(port, 1000 + n, until, data, results))
               for n in range(clients)]
    if slow:
        threads.append(threading.Thread(target=slow_client, args=(port, until, data, results)))
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, duration


def pct(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


# ------------------------------------------------------- CPU the portal used
def _cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime + stime


def _children(parent: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            if ppid == parent:
                found.append(int(entry.name))
    return found


def portal_cpu(server: Server) -> dict[int, float]:
    """CPU seconds so far of the web workers and of the bench databases' backends.

    The machine may be shared: the CPU the portal itself used per request
    does not depend on what else runs, its latency does.
    """
    import sqlalchemy as sa

    with engine().begin() as conn:
        backends = [r[0] for r in conn.execute(sa.text(
            "SELECT pid FROM pg_stat_activity WHERE datname IN (:a, :b) "
            "AND pid <> pg_backend_pid()"), {"a": DB, "b": DS_DB})]
    return {pid: _cpu_seconds(pid) for pid in _children(server.process.pid) + backends}


def cpu_used(before: dict[int, float], after: dict[int, float]) -> float:
    # processes that ended during the run (a worker killed by the timeout) are not counted
    return sum(value - before.get(pid, 0.0) for pid, value in after.items())


def report_cpu(results: Results, duration: float, cpu: float, clients: int,
               cores: int) -> None:
    total = sum(len(v) for v in results.times.values())
    per_request = cpu / max(total, 1)
    say(f"  CPU of the portal (web workers + PostgreSQL backends): {cpu:.0f} s in "
        f"{duration:.0f} s, {per_request * 1000:.0f} ms per request")
    if per_request > 0:
        # with the cores to itself the server is CPU-bound: throughput = cores / CPU
        # per request, and a closed loop of N clients waits N / throughput (Little)
        throughput = cores / per_request
        say(f"  on {cores} free cores that is at most {throughput:.1f} requests/s, so "
            f"{clients} clients would wait {clients / throughput * 1000:.0f} ms per request "
            f"on average (measured here: {duration * clients / max(total, 1) * 1000:.0f} ms)")


def cpu_per_url(server: Server, port: int, data: dict[str, Any], repeat: int = 5) -> None:
    """One client, each kind of request in turn: the portal's CPU per request."""
    rng = random.Random(7)
    say(f"  {'URL':<30} {'CPU per request':>16} (one client, {repeat} requests each)")
    for label, _ in MIX:
        before = portal_cpu(server)
        for _ in range(repeat):
            path, headers = next_request(label, rng, data)
            request(port, path, headers, timeout=60)
        cpu = cpu_used(before, portal_cpu(server)) / repeat
        say(f"  {label:<30} {cpu * 1000:>14.0f}ms")


def report(results: Results, duration: float) -> dict[str, float]:
    total = sum(len(v) for v in results.times.values())
    say(f"  {total} requests in {duration:.0f} s: {total / duration:.1f} requests/s")
    say(f"  {'URL':<30} {'n':>6} {'p50':>8} {'p95':>8} {'p99':>8} {'errors':>7}")
    p95s = {}
    for label, times in results.times.items():
        if not times:
            continue
        p95s[label] = pct(times, 95)
        target = TARGETS.get(label)
        mark = "" if target is None else ("  ok" if p95s[label] <= target else
                                          f"  MISSED (target {target:.0f} ms)")
        say(f"  {label:<30} {len(times):>6} {statistics.median(times):>6.0f}ms "
            f"{p95s[label]:>6.0f}ms {pct(times, 99):>6.0f}ms "
            f"{len(results.errors.get(label, [])):>7}{mark}")
    errors = [e for errs in results.errors.values() for e in errs]
    if errors:
        say("  errors (first 5): " + "; ".join(errors[:5]))
    return p95s


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=50_000)
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=float, default=60)
    parser.add_argument("--workers", type=int, default=0,
                        help="web workers (default: deploy/gunicorn.conf.py's)")
    parser.add_argument("--port", type=int, default=0, help="server port (default: a free one)")
    parser.add_argument("--reuse", action="store_true",
                        help="keep the filled database of an earlier run")
    parser.add_argument("--no-slow", action="store_true", help="skip the slow-client run")
    parser.add_argument("--fill-only", action="store_true", help="fill the database and stop")
    args = parser.parse_args()
    port = args.port or free_port()
    write_ini(port)
    cores = len(os.sched_getaffinity(0))
    say(f"Portal under load: {args.datasets} datasets, {args.clients} clients x "
        f"{args.duration:.0f} s, {cores} cores ({load_average()})")
    filled = WORK / "filled"
    if not (args.reuse and filled.exists() and filled.read_text() == str(args.datasets)):
        fill(args.datasets)
    if args.fill_only:
        return 0
    server = Server(port, args.workers or None)
    ok = True
    try:
        data = prepare(port)
        say(f"  gunicorn on 127.0.0.1:{port}, {len(data['names'])} public datasets, "
            f"{data['pages']} feed pages")
        # every worker renders each kind of page once before the clock starts
        run(port, args.clients, 10, data, slow=False)
        say(f"Run 0: where the CPU goes ({load_average()})")
        cpu_per_url(server, port, data)
        say(f"Run 1: the mix ({load_average()})")
        before = portal_cpu(server)
        base, duration = run(port, args.clients, args.duration, data, slow=False)
        base_p95 = report(base, duration)
        report_cpu(base, duration, cpu_used(before, portal_cpu(server)), args.clients, cores)
        errors = sum(len(e) for e in base.errors.values())
        ok = errors == 0 and all(base_p95.get(k, 0) <= v for k, v in TARGETS.items())
        if not args.no_slow:
            say(f"Run 2: the mix and one slow anonymous datastore_search_sql client "
                f"({load_average()})")
            before = portal_cpu(server)
            slow, duration = run(port, args.clients, args.duration, data, slow=True)
            slow_p95 = report(slow, duration)
            report_cpu(slow, duration, cpu_used(before, portal_cpu(server)), args.clients,
                       cores)
            say("  p95 with the slow client / without:")
            for label, value in base_p95.items():
                ratio = slow_p95.get(label, float("nan")) / value
                ok = ok and ratio <= DEGRADATION
                say(f"  {label:<30} {ratio:>5.2f}"
                    + ("" if ratio <= DEGRADATION else f"  WORSE than {DEGRADATION:.2f}"))
        say(f"  ({load_average()})")
    finally:
        server.stop()
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
