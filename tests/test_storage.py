"""Anonymous counts on SQLite and PostgreSQL: migrations from empty, exact under concurrency."""

import os
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa
from flask_migrate import downgrade, upgrade

from advocacy import counts
from advocacy.directory import Member
from advocacy.extensions import db

POSTGRES = os.environ.get(
    "ADVOCACY_TEST_POSTGRES_URI", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
SENATOR = Member(
    bioguide="C001056", name="John Cornyn", first_name="John", last_name="Cornyn",
    title="Senator", chamber="senate", state="TX", district=None, party="Republican",
    phone=None, contact_form=None, website=None, washington_address=(),
)  # fmt: skip


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
    day = date(2026, 11, 25)

    def bump(i):
        with migrated.app_context():
            counts.record(db.session, "sent" if i % 2 else "called", "sanctions", SENATOR, day)
            db.session.remove()

    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(bump, range(200)))
    with migrated.app_context():
        assert counts.total(db.session, "sent") == 100
        assert counts.total(db.session, "called", "sanctions") == 100
        assert counts.total(db.session, "called", "section-907") == 0


def test_unknown_action_is_refused(migrated):
    with migrated.app_context(), pytest.raises(ValueError):
        counts.record(db.session, "deleted", "sanctions", SENATOR, date(2026, 11, 25))
