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
    sync.sync(tmp / "data", str(shared / "congress-legislators"), str(shared / "zccd" / "zccd.csv"))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "bench-secret-key-0123456789",
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp / 'b.sqlite3'}",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "DATA_DIR": str(tmp / "data"),
            "TODAY": "2026-11-25",
        }
    )
    with app.app_context():
        db.create_all()
        from advocacy import services
        from advocacy.directory import DirectoryStore
        from advocacy.letters import Constituent

        start = time.perf_counter()
        DirectoryStore(tmp / "data").get()
        print(f"{'directory + ZIP table load':<45} {(time.perf_counter() - start) * 1e3:10.1f} ms")
        lookup, book = services.lookup(), services.letters()
        rate("lookup by district (TX-37)", lambda: lookup.by_district("TX", 37))
        rate("lookup by ZIP (78704, split)", lambda: lookup.by_zip("78704"))
        rep = lookup.by_district("TX", 37)
        person = Constituent(name="Ana Petrosyan", city="Austin", zip="78701", note="My words.")
        rate(
            "letters: 5 asks x 3 members",
            lambda: [book.render(a, m, person) for a in book.asks for m in rep.members],
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
    from advocacy import calls
    from advocacy.models import Campaign, Organizer

    with app.app_context():
        owner = Organizer(email="bench@example.org", password_hash="x")
        db.session.add(owner)
        db.session.flush()
        db.session.add(
            Campaign(organizer_id=owner.id, slug="bench", title="Bench", status="live",
                     asks=["sanctions", "prisoners", "section-907"])
        )  # fmt: skip
        db.session.commit()
    person = {"first_name": "Ana", "city": "Austin", "zip": "78701"}
    rate("POST /c/<slug>/call (start, by district)", lambda: client.post(
        "/c/bench/call", data={**person, "zip": "82001"}))  # fmt: skip

    def office(outcome: str) -> None:
        visit = calls.start_visit(app.secret_key, "bench", "TX", "37")
        data = {**person, "visit": visit, "member": "D000399", "outcome": outcome}
        assert client.post("/c/bench/call/next", data=data).status_code == 200

    rate("POST /c/<slug>/call/next (skip: fetched ahead)", lambda: office("skip"))
    rate("POST /c/<slug>/call/next (outcome counted)", lambda: office("called"))


if __name__ == "__main__":
    main()
