"""Builds the app's services from its config, and hands them to views and commands.

Each outside service has an interface (a Protocol), a real implementation and an in-process
fake, chosen here from the config: the geocoder (GEOCODER_BACKEND = census | fake) and the
mail to organizers (MAIL_SERVER, or the log when none is set)."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

from flask import Flask, current_app

from . import clock
from .config import PROJECT_ROOT
from .districts import (
    DEMO_ADDRESSES,
    CensusGeocoder,
    DistrictCache,
    DistrictLookup,
    FakeDistrictLookup,
    redact_http_logs,
)
from .letters import LetterBook
from .lookup import Lookup
from .mail import LogMailer, Mailer, SMTPMailer
from .release import ReleaseStore


def data_dir(app: Flask) -> Path:
    return Path(app.instance_path) / app.config["DATA_DIR"]


def _geocoder(app: Flask) -> DistrictLookup:
    if app.config["GEOCODER_BACKEND"] == "fake":
        return FakeDistrictLookup(DEMO_ADDRESSES)
    return CensusGeocoder(
        app.config["CENSUS_URL"],
        vintages=app.config["CENSUS_VINTAGES"],
        benchmark=app.config["CENSUS_BENCHMARK"],
        connect_timeout=float(app.config["CENSUS_CONNECT_TIMEOUT"]),
        read_timeout=float(app.config["CENSUS_READ_TIMEOUT"]),
        deadline=float(app.config["CENSUS_DEADLINE_SECONDS"]),
        concurrency=int(app.config["GEOCODER_CONCURRENCY"]),
    )


def init_app(app: Flask) -> None:
    redact_http_logs()
    the_clock = clock.from_setting(app.config.get("NOW"))
    cache = DistrictCache(
        str(app.config["SECRET_KEY"]).encode(),
        ttl=float(app.config["DISTRICT_CACHE_SECONDS"]),
        size=int(app.config["DISTRICT_CACHE_SIZE"]),
    )
    app.extensions["advocacy.clock"] = the_clock
    app.extensions["advocacy.lookup"] = Lookup(
        ReleaseStore(data_dir(app)),
        _geocoder(app),
        cache,
        the_clock,
        congress=app.config["CONGRESS"],
        zip_congress=int(app.config["ZIP_TABLE_CONGRESS"]),
    )
    app.extensions["advocacy.letters"] = LetterBook(PROJECT_ROOT / "letters")
    app.extensions["advocacy.mailer"] = _mailer(app)


def _mailer(app: Flask) -> Mailer:
    c = app.config
    if not c.get("MAIL_SERVER"):
        return LogMailer()
    return SMTPMailer(
        c["MAIL_SERVER"], int(c["MAIL_PORT"]), sender=c["MAIL_SENDER"],
        username=c.get("MAIL_USERNAME"), password=c.get("MAIL_PASSWORD"),
        use_tls=bool(c["MAIL_USE_TLS"]), timeout=float(c["MAIL_TIMEOUT_SECONDS"]),
        concurrency=int(c["MAIL_CONCURRENCY"]),
    )  # fmt: skip


def mailer() -> Mailer:
    return current_app.extensions["advocacy.mailer"]


def lookup() -> Lookup:
    return current_app.extensions["advocacy.lookup"]


def letters() -> LetterBook:
    return current_app.extensions["advocacy.letters"]


def now() -> datetime:
    """This moment, by the app's one clock."""
    return current_app.extensions["advocacy.clock"].now()


def today() -> date:
    return current_app.extensions["advocacy.clock"].today()
