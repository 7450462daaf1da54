"""Benchmark of the citizen path without the network: district lookup, letters, pages.

    .venv/bin/python bench/citizen_path.py [../shared/data]

Syncs the data snapshot into a temporary folder, then times, in this process:
the directory load, a lookup by district, rendering every ask for three members,
and the results and letter pages through the Flask test client. Prints operations
per second and the process's peak memory.
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from advocacy import PROJECT_ROOT, create_app, sync  # noqa: E402
from advocacy.extensions import db  # noqa: E402


def rate(label: str, fn, seconds: float = 2.0) -> None:
    fn()
    n, start = 0, time.perf_counter()
    while time.perf_counter() - start < seconds:
        fn()
        n += 1
    elapsed = time.perf_counter() - start
    print(f"{label:<45} {n / elapsed:>10,.0f} /s   {elapsed / n * 1e3:8.3f} ms")


def main() -> None:
    shared = Path(sys.argv[1]) if len(sys.argv) > 1 else PROJECT_ROOT.parent / "shared" / "data"
    tmp = Path(tempfile.mkdtemp())
    now = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
    sync.sync(
        tmp / "data",
        str(shared / "congress-legislators"),
        str(shared / "zccd" / "zccd.csv"),
        now=now,
    )
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'b.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DATA_DIR": str(tmp / "data"),
            "NOW": now.isoformat(),
        }
    )
    with app.app_context():
        db.create_all()
        from advocacy import release, services
        from advocacy.letters import Constituent

        release.load.cache_clear()
        start = time.perf_counter()
        release.load((tmp / "data" / "current").resolve())
        print(f"{'directory + ZIP table load':<45} {(time.perf_counter() - start) * 1e3:10.1f} ms")
        lookup, book = services.lookup(), services.letters()
        rate("lookup by district (TX-37)", lambda: lookup.by_district("TX", 37))
        rate("lookup by ZIP (78704, split)", lambda: lookup.by_zip("78704"))
        rep = lookup.by_district("TX", 37)
        person = Constituent(name="Ana Petrosyan", city="Austin", zip="78701", note="My words.")
        rate(
            "letters: 5 asks x 3 members",
            lambda: [book.render(a, m, person, now.date()) for a in book.asks for m in rep.members],
        )
    client = app.test_client()
    rate("GET /district/TX/37 (results page)", lambda: client.get("/district/TX/37"))
    form = {
        "ask": "sanctions", "name": "Ana", "city": "Austin", "zip": "78701",
        "state": "TX", "district": "37", "member": "D000399",
    }  # fmt: skip
    rate("POST /letter (letter page)", lambda: client.post("/letter", data=form))
    call_mode(app, client)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"{'peak RSS':<45} {peak:10.1f} MiB")


def call_mode(app, client) -> None:
    """A volunteer's pages: the start, an office fetched ahead, an outcome counted."""
    from advocacy import accounts, calls, campaigns, services
    from advocacy.models import Campaign

    with app.app_context():
        now = services.now()
        owner = accounts.create(
            db.session, "bench@example.org", "x" * 10, method="pbkdf2:sha256:1", now=now
        )
        fields = {"slug": "bench", "title": "Bench", "status": "live",
                  "asks": ["sanctions", "prisoners", "section-907"]}  # fmt: skip
        campaigns.save(db.session, Campaign(organizer_id=owner.id), fields, [], now)
        release_id = services.lookup().release().id
    person = {"first_name": "Ana", "city": "Austin", "zip": "78701"}
    rate("POST /c/<slug>/call (start, by district)", lambda: client.post(
        "/c/bench/call", data={**person, "zip": "82001"}))  # fmt: skip

    def office(outcome: str) -> None:
        visit = calls.start_visit(app.secret_key, "bench", "TX", "37", release=release_id, now=now)
        data = {**person, "visit": visit, "member": "D000399", "outcome": outcome}
        assert client.post("/c/bench/call/next", data=data).status_code == 200

    rate("POST /c/<slug>/call/next (skip: fetched ahead)", lambda: office("skip"))
    rate("POST /c/<slug>/call/next (outcome counted)", lambda: office("called"))


if __name__ == "__main__":
    main()
