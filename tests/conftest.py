"""Fixtures: the app over loopback fakes of the geocoder and the data sources."""

from __future__ import annotations

import os
import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from advocacy import create_app, sync
from advocacy.extensions import db
from tests.fakes import LEGISLATORS_DATA, ZCCD, FakeCensus, file_server

TODAY = "2026-11-25"
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
    )
    return data_dir


def make_config(tmp_path: Path, census: FakeCensus, data_dir: Path, **overrides) -> dict:
    config = {
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
        "TODAY": TODAY,
    }
    config.update(overrides)
    return config


@pytest.fixture
def app_factory(tmp_path, census, synced):
    """Build an app with a config override; tables created."""

    def make(**overrides):
        app = create_app(make_config(tmp_path, census, synced, **overrides))
        with app.app_context():
            db.create_all()
        return app

    census.reset()
    return make


@pytest.fixture
def app(app_factory):
    return app_factory()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


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
