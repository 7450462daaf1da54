"""Anonymous counts on SQLite and PostgreSQL: migrations from empty, exact under concurrency."""

import os
import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from flask_migrate import downgrade, upgrade

from advocacy import counts
from advocacy.extensions import db
from advocacy.models import ActionCount, CountedOnce
from advocacy.recipients import Kind, Recipient

POSTGRES = os.environ.get(
    "ADVOCACY_TEST_POSTGRES_URI", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SENATOR = Recipient(
    id="C001056", kind=Kind.SENATOR, name="John Cornyn", title="Senator",
    salutation="Senator Cornyn", last_name="Cornyn", state="TX", party="Republican",
)  # fmt: skip


def at(day: int, hour: int = 15) -> datetime:
    return datetime(2026, 11, day, hour, tzinfo=UTC)


@pytest.fixture(params=["sqlite", "postgresql"])
def migrated(request, app_factory, tmp_path):
    """An app whose database was built by the migrations, from empty."""
    uri = f"sqlite:///{tmp_path / 'm.sqlite3'}" if request.param == "sqlite" else POSTGRES
    app = app_factory(SQLALCHEMY_DATABASE_URI=uri)
    with app.app_context():
        db.drop_all()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        upgrade()
    yield app
    with app.app_context():
        downgrade(revision="base")
        assert "action_count" not in sa.inspect(db.engine).get_table_names()
        db.session.execute(sa.text("DROP TABLE IF EXISTS alembic_version"))
        db.session.commit()
        db.engine.dispose()


def test_migrations_build_the_schema(migrated):
    with migrated.app_context():
        tables = sa.inspect(db.engine).get_table_names()
        assert "action_count" in tables and "alembic_version" in tables


def test_counts_are_exact_under_concurrency(migrated):
    day = at(25)

    def bump(i):
        with migrated.app_context():
            counts.record(
                db.session, "sent" if i % 2 else "called", "sanctions", SENATOR, day,
                campaign_id=1 + i % 3, ref="newsletter" if i % 5 else "",
            )  # fmt: skip
            db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(bump, range(600)))
    with migrated.app_context():
        assert counts.total(db.session, "sent") == 300
        assert counts.total(db.session, "called", "sanctions") == 300
        assert counts.total(db.session, "called", "section-907") == 0
        assert sum(counts.total(db.session, a, campaign_id=1) for a in counts.ACTIONS) == 200


def test_unknown_action_is_refused(migrated):
    with migrated.app_context(), pytest.raises(ValueError):
        counts.record(db.session, "deleted", "sanctions", SENATOR, at(25))


def test_downgrading_the_campaign_migration_keeps_every_total(migrated):
    day = at(25)
    with migrated.app_context():
        for campaign_id, ref in ((0, ""), (1, "flyer"), (2, ""), (2, "newsletter")):
            counts.record(
                db.session, "sent", "sanctions", SENATOR, day, campaign_id=campaign_id, ref=ref
            )
        downgrade(revision="e9ef0e3ea4ad")
        total = db.session.execute(sa.text("SELECT action, count FROM action_count")).all()
        db.session.remove()  # end the read transaction before the schema changes again
        assert [tuple(row) for row in total] == [("sent", 4)]
        upgrade()


def test_an_outcome_keyed_once_counts_once_under_concurrency(migrated):
    day = at(25)

    def bump(i):
        with migrated.app_context():
            try:
                return counts.record(
                    db.session, "called", "sanctions", SENATOR, day, once=f"visit-{i % 10}"
                )
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        results = list(pool.map(bump, range(200)))
    assert results.count(True) == 10
    with migrated.app_context():
        assert counts.total(db.session, "called") == 10


def test_corrected_outcomes_move_their_count_under_concurrency(migrated):
    """Outcomes for the same visit and office, each different from the last (taps corrected
    after the back button), at different hours: each key counts one outcome, the last."""

    def tap(i):
        with migrated.app_context():
            try:
                counts.record(
                    db.session, counts.CALLS[i % 3], "sanctions", SENATOR, at(25, i % 5),
                    once=f"visit-{i % 10}",
                )  # fmt: skip
            finally:
                db.session.remove()

    with ThreadPoolExecutor(max_workers=16) as pool:
        list(pool.map(tap, range(300)))
    with migrated.app_context():
        kept = Counter(db.session.scalars(sa.select(CountedOnce.action)))
        assert sum(kept.values()) == 10
        assert {a: counts.total(db.session, a) for a in counts.CALLS} == {
            a: kept[a] for a in counts.CALLS
        }
        assert db.session.scalar(sa.select(sa.func.min(ActionCount.count))) == 1  # no empty rows


def test_a_correction_waiting_for_another_one_is_not_lost(migrated, monkeypatch):
    """Two corrections of one key at once: the second waits for the first, then moves the
    count again; the last outcome given is the one counted."""
    day = at(25)
    take_off = counts._take_off
    first_holds = threading.Event()

    def slow_take_off(session, count_id):
        take_off(session, count_id)
        if not first_holds.is_set():
            first_holds.set()
            time.sleep(0.5)  # still in its transaction: the key is locked

    def correct(action):
        with migrated.app_context():
            try:
                return counts.record(db.session, action, "sanctions", SENATOR, day, once="k")
            finally:
                db.session.remove()

    assert correct("busy")
    monkeypatch.setattr(counts, "_take_off", slow_take_off)
    with ThreadPoolExecutor(max_workers=2) as pool:
        first = pool.submit(correct, "called")
        assert first_holds.wait(5)
        second = pool.submit(correct, "voicemail")
        assert first.result() and second.result()
    with migrated.app_context():
        assert db.session.scalar(sa.select(CountedOnce.action)) == "voicemail"
        assert {a: counts.total(db.session, a) for a in counts.CALLS} == {
            "called": 0, "voicemail": 1, "busy": 0,
        }  # fmt: skip


def test_old_once_keys_are_pruned(migrated, monkeypatch):
    monkeypatch.setattr(counts, "PRUNE_CHANCE", 1.0)
    with migrated.app_context():
        counts.record(db.session, "busy", "sanctions", SENATOR, at(1), once="old")
        counts.record(db.session, "busy", "sanctions", SENATOR, at(20), once="recent")
        counts.record(db.session, "busy", "sanctions", SENATOR, at(25), once="new")
        kept = set(db.session.scalars(sa.select(CountedOnce.key)))
    assert kept == {"recent", "new"}


def test_the_migrations_match_the_models(migrated):
    with migrated.app_context():
        with db.engine.connect() as connection:
            context = MigrationContext.configure(connection)
            assert compare_metadata(context, db.metadata) == []
