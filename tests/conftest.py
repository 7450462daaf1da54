"""Fixtures: the app over loopback fakes of the geocoder and the data sources."""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from flask import Flask
from werkzeug.serving import make_server

from advocacy import accounts, calls, campaigns, create_app, services, sync
from advocacy.extensions import db
from advocacy.models import ActionCount, Campaign
from tests.fakes import LEGISLATORS_DATA, ZCCD, FakeCensus, MailBox, file_server

# The moment the app's clock stands at in tests: a Wednesday at 10:30 a.m. in Washington,
# when offices are open (tests that need another moment move the clock).
NOW = datetime(2026, 11, 25, 15, 30, tzinfo=UTC)
# The day the served data files say they were last modified (the "as of" users see),
# fixed so tests don't depend on when ../shared was copied onto this machine.
DATA_AS_OF = datetime(2026, 6, 15, 12, tzinfo=UTC)


@pytest.fixture(scope="session")
def data_site(tmp_path_factory) -> Path:
    """A folder laid out like the public sources: the directory files and zccd.csv."""
    if not LEGISLATORS_DATA.is_dir():
        pytest.fail(f"{LEGISLATORS_DATA} is missing: tests need ../shared beside the checkout")
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(LEGISLATORS_DATA, site / "congress-legislators")
    shutil.copyfile(ZCCD, site / "zccd.csv")
    stamp = DATA_AS_OF.timestamp()
    for path in site.rglob("*"):
        os.utime(path, (stamp, stamp))
    return site


@pytest.fixture(scope="session")
def data_server(data_site):
    """The directory and ZIP sources, served over HTTP on loopback."""
    server = file_server(data_site)
    yield server
    server.stop()


@pytest.fixture(scope="session")
def mailbox():
    """A real SMTP server on loopback: the app's mail to organizers lands here."""
    box = MailBox().start()
    yield box
    box.stop()


@pytest.fixture(scope="session")
def census():
    fake = FakeCensus().start()
    yield fake
    fake.stop()


@pytest.fixture(scope="session")
def synced(tmp_path_factory, data_server) -> Path:
    """A data folder synced once, over HTTP, from the loopback sources."""
    data_dir = tmp_path_factory.mktemp("data")
    sync.sync(
        data_dir,
        f"{data_server.url}/congress-legislators/",
        f"{data_server.url}/zccd.csv",
        now=NOW,
    )
    return data_dir


def make_config(
    tmp_path: Path, census: FakeCensus, data_dir: Path, mailbox: MailBox, **overrides
) -> dict:
    config = {
        "MAIL_SERVER": "127.0.0.1",
        "MAIL_PORT": mailbox.port,
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'test.sqlite3'}",
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "DATA_DIR": str(data_dir),
        "CENSUS_URL": census.url,
        "CENSUS_CONNECT_TIMEOUT": 1.0,
        "CENSUS_READ_TIMEOUT": 1.0,
        "CENSUS_DEADLINE_SECONDS": 2.5,
        "NOW": NOW.isoformat(),
        "PASSWORD_HASH_METHOD": "pbkdf2:sha256:1",  # fast: tests sign up often
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_factory(tmp_path, census, synced, mailbox):
    """Build an app with a config override; tables created."""

    def make(**overrides):
        app = create_app(make_config(tmp_path, census, synced, mailbox, **overrides))
        with app.app_context():
            db.create_all()
        return app

    census.reset()
    return make


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def clock(app):
    """The app's clock, frozen at NOW: a test moves it with clock.at = … or clock.advance()."""
    return app.extensions["advocacy.clock"]


@pytest.fixture(scope="session")
def words(tmp_path_factory):
    """words(macro, *args): a sentence that templates/_words.txt makes of domain values."""
    from flask import get_template_attribute

    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "x" * 20,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "NOW": NOW.isoformat(),
            "DATA_DIR": str(tmp_path_factory.mktemp("no-data")),
        }
    )

    def say(macro: str, *args) -> str:
        with app.app_context():
            return str(get_template_attribute("_words.txt", macro)(*args)).strip()

    return say


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


# -- builders: what a test needs, made through the app's own operations ----------------------

PASSWORD = "correct horse battery staple"


def make_organizer(app: Flask, email: str = "organizer@example.org") -> int:
    """An organizer account (password PASSWORD); its id."""
    with app.app_context():
        method = app.config["PASSWORD_HASH_METHOD"]
        return accounts.create(db.session, email, PASSWORD, method=method, now=services.now()).id


def make_campaign(
    app: Flask,
    organizer_id: int,
    slug: str,
    *,
    title: str = "Call-in for Artsakh",
    asks: tuple[str, ...] = ("sanctions",),
    status: str = "live",
    targets: tuple[dict[str, str], ...] = (),
    **fields: Any,
) -> str:
    """A campaign saved as the organizer's form saves it; its slug."""
    with app.app_context():
        given = {"slug": slug, "title": title, "asks": list(asks), "status": status, **fields}
        campaigns.save(
            db.session, Campaign(organizer_id=organizer_id), given, list(targets), services.now()
        )
    return slug


def make_visit(app: Flask, slug: str, state: str = "WY", district: str = "0") -> str:
    """A call-mode visit's signed token, as the start page makes it."""
    with app.app_context():
        release = services.lookup().release().id
        return calls.start_visit(
            app.secret_key, slug, state, district, release=release, now=services.now()
        )


def campaign_counts(app: Flask, slug: str, ref: str | None = None) -> set[tuple[Any, ...]]:
    """(action, chamber, state, district, ref, count) of every count of a campaign (of one
    ref, if given)."""
    query = (
        sa.select(ActionCount.action, ActionCount.chamber, ActionCount.state,
                  ActionCount.district, ActionCount.ref, ActionCount.count)
        .join(Campaign, Campaign.id == ActionCount.campaign_id)
        .where(Campaign.slug == slug)
    )  # fmt: skip
    if ref is not None:
        query = query.where(ActionCount.ref == ref)
    with app.app_context():
        return {tuple(row) for row in db.session.execute(query)}


@pytest.fixture
def organizer(app) -> int:
    return make_organizer(app)


# -- the browser tests' site: the app on a loopback port ----------------------------------------


@dataclass
class Site:
    url: str
    app: Flask
    mailbox: MailBox

    def count(self, action: str, ask: str, chamber: str, state: str, district: int) -> int:
        """The anonymous count for one action, ask and seat (today), 0 if none."""
        query = sa.select(ActionCount.count).where(
            ActionCount.action == action,
            ActionCount.ask == ask,
            ActionCount.chamber == chamber,
            ActionCount.state == state,
            ActionCount.district == district,
        )
        with self.app.app_context():
            return db.session.scalar(query) or 0


@pytest.fixture(scope="module")
def site(tmp_path_factory, census, synced, mailbox) -> Iterator[Site]:
    """The app, CSRF on (a real browser posts the token), served on a free loopback port in a
    background thread; one per browser test module."""
    config = make_config(
        tmp_path_factory.mktemp("site"), census, synced, mailbox, WTF_CSRF_ENABLED=True
    )
    app = create_app(config)
    with app.app_context():
        db.create_all()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield Site(f"http://127.0.0.1:{server.server_port}", app, mailbox)
    server.shutdown()
    server.server_close()
    thread.join()
    with app.app_context():
        db.engine.dispose()


@pytest.fixture(scope="module")
def browser():
    """Debian's Chromium, driven by Playwright (never a downloaded browser)."""
    from playwright.sync_api import sync_playwright

    from tests.test_browser import CHROMIUM, CHROMIUM_ARGS

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} not found: run `apt-get install -y chromium`")
    with sync_playwright() as p:
        launched = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield launched
        launched.close()


@pytest.fixture
def new_context(browser, site):
    """new_context(**options) -> (context, watch) against the module's `site`; closed after."""
    from tests.test_browser import Watch

    contexts = []

    def make(**options):
        context = browser.new_context(base_url=site.url, **options)
        context.set_default_timeout(10_000)
        watch = Watch()
        watch.attach(context)
        contexts.append(context)
        return context, watch

    yield make
    for context in contexts:
        context.close()
