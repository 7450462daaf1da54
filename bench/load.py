"""The app under load, side by side with Flask's hello world on the same machine.

    .venv/bin/python bench/load.py [--seconds 6] [--rounds 3] [--storage memory|redis|both]

Starts gunicorn with the settings of scripts/run (advocacy/serving.py: one worker of 16 threads
with limits in memory, two of 8 with limits in Redis) twice: a Flask hello
world (bench/hello.py), and the app over SQLite and the data snapshot in ../shared/data. Then,
for every route, in interleaved rounds, wrk (2 threads, 50 connections) drives the hello world
and the route in turn, after a warm-up. It prints, per route, the median requests per second,
its ratio to the hello world of the same round, the worst p99 and the non-2xx answers, then the
workers' memory, as a Markdown table for the README. Rate limits are on (their budgets raised out
of the way) and so is CSRF: wrk sends a session cookie and its token. With --storage both, the
table is printed once with the limiter on memory storage and once on Redis (127.0.0.1:6379/15).

A benchmark, never a test: CI runs it for a second per route to see that it works.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import urlencode

import requests

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent
# Ratios to hello world the app should reach (issue 10), per route.
GOALS = {
    "GET /": 0.60,
    "GET /c/<slug>": 0.60,
    "GET /district/TX/37": 0.50,
    "POST /letter": 0.35,
    "POST /api/v1/letters": 0.45,
    "POST /api/v1/lookup (ZIP)": 0.70,
    "POST /c/<slug>/call/next": 0.40,
    "POST /count (sent)": 0.30,
}
UNLIMITED = "100000000 per minute"


@dataclass
class Route:
    name: str
    path: str
    method: str = "GET"
    body: str = ""
    headers: dict[str, str] = field(default_factory=dict)

    def lua(self) -> str:
        lines = [f'wrk.method = "{self.method}"']
        if self.body:
            lines.append(f"wrk.body = {json.dumps(self.body)}")
        lines += [
            f"wrk.headers[{json.dumps(k)}] = {json.dumps(v)}" for k, v in self.headers.items()
        ]
        return "\n".join(lines) + "\n"


@dataclass
class Run:
    rps: float
    p99_ms: float
    non_2xx: int


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wrk() -> str:
    found = shutil.which("wrk")
    if found:
        return found
    if os.geteuid() == 0:
        subprocess.run(["apt-get", "install", "-y", "-qq", "wrk"], check=True, capture_output=True)
        found = shutil.which("wrk")
    if not found:
        sys.exit("wrk is not installed: apt-get install wrk")
    return found


class Server:
    """gunicorn with the settings of scripts/run, on a free loopback port."""

    def __init__(self, target: str, env: dict[str, str], chdir: Path = ROOT) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        command = [str(VENV_BIN / "gunicorn"), "-c", "python:advocacy.serving",
                   "--chdir", str(chdir), target]  # fmt: skip
        env = {**env, "HOST": "127.0.0.1", "PORT": str(self.port)}
        self.process = subprocess.Popen(
            command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
        )
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                requests.get(self.url + "/", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.2)
        self.stop()
        raise SystemExit(f"{target} did not start: {self.process.stderr.read().decode()[-2000:]}")

    def workers_rss_mib(self) -> list[float]:
        children = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        found = []
        for pid in children.read_text().split():
            status = Path(f"/proc/{pid}/status").read_text()
            found.append(int(re.search(r"VmRSS:\s+(\d+)", status).group(1)) / 1024)
        return found

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        try:
            self.process.wait(10)
        except subprocess.TimeoutExpired:
            self.process.kill()


def _load(wrk: str, url: str, route: Route, seconds: float, workdir: Path) -> Run:
    script = workdir / "route.lua"
    script.write_text(route.lua())
    out = subprocess.run(
        [wrk, "-t2", "-c50", f"-d{max(1, round(seconds))}s", "--latency", "--timeout", "10s",
         "-s", str(script),
         url + route.path],
        capture_output=True, text=True, check=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    value, unit = re.search(r"99%\s+([\d.]+)(us|ms|s)", out).groups()
    p99 = float(value) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    errors = re.search(r"Socket errors:.*?timeout (\d+)", out)
    return Run(
        rps, p99, (int(bad.group(1)) if bad else 0) + (int(errors.group(1)) if errors else 0)
    )


def _prepare(workdir: Path, shared: Path, storage: str) -> dict[str, str]:
    """The app's settings for gunicorn, its data synced and its database built."""
    from advocacy import sync

    data = workdir / "data"
    if not (data / "current").exists():
        sync.sync(data, str(shared / "congress-legislators"), str(shared / "zccd" / "zccd.csv"),
                  now=datetime.now(UTC))  # fmt: skip
    env = {
        **os.environ,
        "ADVOCACY_SECRET_KEY": "bench-secret-key-0123456789abcdef",
        "ADVOCACY_SQLALCHEMY_DATABASE_URI": f"sqlite:///{workdir / 'bench.sqlite3'}",
        "ADVOCACY_DATA_DIR": str(data),
        "ADVOCACY_RATELIMIT_STORAGE_URI": storage,
        **{
            f"ADVOCACY_{k}_RATE_LIMIT": UNLIMITED
            for k in ("LOOKUP", "WRITE", "COUNT", "RENDER", "CALL_START", "CALL", "NEW_SOURCE")
        },
    }
    return env


def _campaign(env: dict[str, str]) -> tuple[str, str]:
    """A live campaign with a goal, and a call-mode visit of it (Texas, district 37)."""
    saved = dict(os.environ)
    os.environ.update(env)
    try:
        from flask_migrate import upgrade

        from advocacy import accounts, calls, campaigns, create_app, services
        from advocacy.extensions import db
        from advocacy.models import Campaign

        app = create_app()
        with app.app_context():
            upgrade()
            now = services.now()
            if campaigns.public(db.session, "bench") is None:
                owner = accounts.create(db.session, f"bench-{time.time_ns()}@example.org",
                                        "x" * 12, method="pbkdf2:sha256:1", now=now)  # fmt: skip
                fields = {"slug": "bench", "title": "Bench", "status": "live", "goal": 1000,
                          "show_progress": True, "asks": ["sanctions", "prisoners"],
                          "description": "Write to your members **today**."}  # fmt: skip
                campaigns.save(db.session, Campaign(organizer_id=owner.id), fields, [], now)
            release = services.lookup().release().id
            visit = calls.start_visit(app.config["SECRET_KEY"], "bench", "TX", "37",
                                      release=release, now=now)  # fmt: skip
            db.engine.dispose()
        return "bench", visit
    finally:
        os.environ.clear()
        os.environ.update(saved)


def _routes(app_url: str, slug: str, visit: str) -> list[Route]:
    page = requests.get(app_url + "/", timeout=10)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page.text).group(1)
    cookie = "; ".join(f"{c.name}={c.value}" for c in page.cookies)
    form = {"Content-Type": "application/x-www-form-urlencoded", "Cookie": cookie}
    as_json = {"Content-Type": "application/json"}
    person = {"name": "Ana Petrosyan", "city": "Austin", "zip": "78701"}
    letter = {"ask": "sanctions", **person, "state": "TX", "district": "37", "member": "D000399",
              "csrf_token": token}  # fmt: skip
    call = {"first_name": "Ana", "city": "Austin", "zip": "78701", "visit": visit,
            "member": "D000399", "outcome": "skip", "csrf_token": token}  # fmt: skip
    return [
        Route("GET /", "/"),
        Route("GET /c/<slug>", f"/c/{slug}"),
        Route("GET /district/TX/37", "/district/TX/37"),
        Route("POST /letter", "/letter", "POST", urlencode(letter), form),
        Route(
            "POST /api/v1/letters",
            "/api/v1/letters",
            "POST",
            json.dumps({"ask": "sanctions", "state": "TX", "district": 37, "constituent": person}),
            as_json,
        ),  # fmt: skip
        Route("POST /api/v1/lookup (ZIP)", "/api/v1/lookup", "POST", '{"zip": "80203"}', as_json),
        Route("POST /c/<slug>/call/next", f"/c/{slug}/call/next", "POST", urlencode(call), form),
        Route(
            "POST /count (sent)",
            f"/count?c={slug}",
            "POST",
            json.dumps({"action": "sent", "ask": "sanctions", "member": "D000399"}),
            {**as_json, "Cookie": cookie, "X-CSRFToken": token},
        ),  # fmt: skip
    ]


def bench(storage: str, args: argparse.Namespace, workdir: Path) -> int:
    """Run every route against the hello world; the number of non-2xx answers."""
    wrk = _wrk()
    env = _prepare(workdir, args.shared, storage)
    if storage.startswith("redis"):
        import redis

        redis.Redis.from_url(storage).flushdb()
    slug, visit = _campaign(env)
    hello = Server("hello:app", env, chdir=ROOT / "bench")
    app = Server("wsgi:app", env)
    try:
        routes = _routes(app.url, slug, visit)
        reference = Route("hello world", "/")
        for route in routes:  # warm up: templates compiled, the data loaded in both workers
            _load(wrk, app.url, route, args.warmup, workdir) if args.warmup else None
        runs: dict[str, list[tuple[Run, Run]]] = {r.name: [] for r in routes}
        for _ in range(args.rounds):
            for route in routes:
                base = _load(wrk, hello.url, reference, args.seconds, workdir)
                runs[route.name].append((base, _load(wrk, app.url, route, args.seconds, workdir)))
        rss = app.workers_rss_mib()
    finally:
        app.stop()
        hello.stop()
    shape = "2 workers x 8 threads" if storage.startswith("redis") else "1 worker x 16 threads"
    print(
        f"\nLimiter storage: {storage}; {args.rounds} rounds of {args.seconds:g} s per route "
        f"(wrk, 2 threads, 50 connections); gunicorn as scripts/run runs it, {shape}.\n"
    )
    print("| route | req/s (median) | ratio to hello world | goal | p99 (worst) | non-2xx |")
    print("|---|---|---|---|---|---|")
    hello_rps = statistics.median(b.rps for rs in runs.values() for b, _ in rs)
    print(f"| hello world | {hello_rps:,.0f} | 1.00 | | "
          f"{max(b.p99_ms for rs in runs.values() for b, _ in rs):.0f} ms | 0 |")  # fmt: skip
    for name, pairs in runs.items():
        ratio = statistics.median(r.rps / b.rps for b, r in pairs)
        goal = GOALS.get(name, 0)
        mark = "met" if ratio >= goal else "not yet"
        print(f"| `{name}` | {statistics.median(r.rps for _, r in pairs):,.0f} | {ratio:.2f} | "
              f"{goal:.2f} ({mark}) | {max(r.p99_ms for _, r in pairs):.0f} ms | "
              f"{sum(r.non_2xx for _, r in pairs)} |")  # fmt: skip
    print(f"\nWorker RSS after the load: {', '.join(f'{m:.0f} MiB' for m in rss)}.")
    return sum(r.non_2xx for pairs in runs.values() for _, r in pairs)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seconds", type=float, default=6)
    parser.add_argument("--warmup", type=float, default=2)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--storage", choices=("memory", "redis", "both"), default="both")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument(
        "--strict", action="store_true", help="exit 1 if any answer was not a 2xx (CI's smoke run)"
    )
    args = parser.parse_args()
    storages = {"memory": ["memory://"], "redis": ["redis://127.0.0.1:6379/15"]}.get(
        args.storage, ["memory://", "redis://127.0.0.1:6379/15"]
    )
    with tempfile.TemporaryDirectory(prefix="advocacy-bench-") as tmp:
        failed = sum(bench(storage, args, Path(tmp)) for storage in storages)
    if args.strict and failed:
        sys.exit(f"{failed} answers were not 2xx")


if __name__ == "__main__":
    main()
