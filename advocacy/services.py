"""Builds the app's services from its config, and hands them to views and commands."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

from flask import Flask, current_app

from . import PROJECT_ROOT
from .directory import DirectoryStore
from .districts import CensusGeocoder, DistrictCache, redact_http_logs
from .letters import LetterBook
from .lookup import Lookup


def _today(app: Flask) -> Callable[[], date]:
    pinned = app.config.get("TODAY")  # a fixed date, for tests and demos
    if pinned:
        fixed = date.fromisoformat(str(pinned))
        return lambda: fixed
    return date.today


def data_dir(app: Flask) -> Path:
    return Path(app.instance_path) / app.config["DATA_DIR"]


def init_app(app: Flask) -> None:
    redact_http_logs()
    today = _today(app)
    store = DirectoryStore(data_dir(app), today=today)
    geocoder = CensusGeocoder(
        app.config["CENSUS_URL"],
        vintages=app.config["CENSUS_VINTAGES"],
        benchmark=app.config["CENSUS_BENCHMARK"],
        connect_timeout=float(app.config["CENSUS_CONNECT_TIMEOUT"]),
        read_timeout=float(app.config["CENSUS_READ_TIMEOUT"]),
        deadline=float(app.config["CENSUS_DEADLINE_SECONDS"]),
    )
    cache = DistrictCache(
        str(app.config["SECRET_KEY"]).encode(),
        ttl=float(app.config["DISTRICT_CACHE_SECONDS"]),
        size=int(app.config["DISTRICT_CACHE_SIZE"]),
    )
    app.extensions["advocacy.today"] = today
    app.extensions["advocacy.lookup"] = Lookup(
        store,
        geocoder,
        cache,
        congress=app.config["CONGRESS"],
        zip_congress=int(app.config["ZIP_TABLE_CONGRESS"]),
        today=today,
    )
    app.extensions["advocacy.letters"] = LetterBook(PROJECT_ROOT / "letters")


def lookup() -> Lookup:
    return current_app.extensions["advocacy.lookup"]


def letters() -> LetterBook:
    return current_app.extensions["advocacy.letters"]


def today() -> date:
    return current_app.extensions["advocacy.today"]()
