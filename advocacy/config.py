"""Settings: safe defaults, overridden by ADVOCACY_* environment variables, checked at start-up."""

from __future__ import annotations

from collections.abc import Mapping
from ipaddress import ip_network
from pathlib import Path
from typing import Any

from flask import Config
from limits import parse_many

from . import clock

# The checkout: templates/, static/ and letters/ sit beside the package.
PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEV_SECRET_KEY = "dev-only-not-secret"


class Defaults:
    """Development defaults. Every key can be set as ADVOCACY_<KEY> in the environment."""

    SECRET_KEY = DEV_SECRET_KEY
    # Where `flask directory sync` keeps its data (relative to the instance folder).
    DATA_DIR = "data"
    SQLALCHEMY_DATABASE_URI = "sqlite:///advocacy.sqlite3"

    # Sources of the synced data: a base URL or a local folder, and a URL or a file.
    DIRECTORY_SOURCE = "https://unitedstates.github.io/congress-legislators/"
    ZIP_SOURCE = "https://raw.githubusercontent.com/OpenSourceActivismTech/us-zipcodes-congress/master/zccd.csv"
    # The ZIP table describes the districts of this Congress.
    ZIP_TABLE_CONGRESS = 119
    SYNC_TIMEOUT_SECONDS = 60
    # A whole sync gives up after this long (a source that drips a byte a second never ends).
    SYNC_DEADLINE_SECONDS = 900

    # Where addresses are geocoded: "census" (the US Census Bureau) or "fake" (an in-process
    # stand-in that knows a few addresses, for demos and tests; refused in production).
    GEOCODER_BACKEND = "census"
    # US Census Bureau geocoder.
    CENSUS_URL = "https://geocoding.geo.census.gov/geocoder"
    CENSUS_BENCHMARK = "Public_AR_Current"
    # Which geocoder vintage holds each Congress's districts (see docs/census-geocoder notes).
    CENSUS_VINTAGES = {"119": "ACS2025_Current", "120": "ACS2026_Current"}
    CENSUS_CONNECT_TIMEOUT = 3.05
    CENSUS_READ_TIMEOUT = 4.0
    # Hard bound on one lookup, retry included.
    CENSUS_DEADLINE_SECONDS = 8.0
    # Geocoder calls at once per worker: when the geocoder is slow, the other pages keep
    # threads to answer with, and the callers past this get a clear 503 at once.
    GEOCODER_CONCURRENCY = 4
    # How long a district answer stays cached, and how many answers are kept.
    DISTRICT_CACHE_SECONDS = 24 * 3600
    DISTRICT_CACHE_SIZE = 50_000
    # The Congress whose members are targeted; None means "by today's date".
    CONGRESS = None
    # A fixed moment (ISO date or date-time) the app's clock stands at, for tests and demos;
    # None means the system clock.
    NOW = None
    # How organizer passwords are hashed (werkzeug's generate_password_hash).
    PASSWORD_HASH_METHOD = "scrypt"

    # How long a request may wait on the database before it answers 503: to connect, for a
    # statement (or SQLite's write lock), for a connection from the pool.
    DATABASE_CONNECT_TIMEOUT = 3
    DATABASE_TIMEOUT_SECONDS = 5

    # Rate limits (flask-limiter strings). Storage is explicit: memory:// or redis://host:port.
    RATELIMIT_STORAGE_URI = "memory://"
    # When Redis is down, limits go on in each worker's memory (logged) rather than failing
    # requests; a hung Redis is given a second.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}
    RATELIMIT_HEADERS_ENABLED = True
    # The budgets below are per client address. Each is sized so that a phone bank or a
    # letter-writing evening of 50 people on one Wi-Fi never reaches it, and a script does.
    LOOKUP_RATE_LIMIT = "20 per minute;300 per day"
    # "Sent" marks (and "called" marks outside call mode).
    WRITE_RATE_LIMIT = "60 per minute;300 per hour"
    # Letters counted as written: past it a letter is still written, just not counted.
    COUNT_RATE_LIMIT = "60 per minute;300 per hour"
    RENDER_RATE_LIMIT = "120 per minute"
    # Call mode, per address and campaign: call lists started (each counts at most one
    # outcome per office, whatever is posted), and outcomes.
    CALL_START_RATE_LIMIT = "60 per minute;150 per hour"
    CALL_RATE_LIMIT = "90 per minute;2000 per hour"
    # New sources (ref=) a client may bring into a campaign's counts; past it, "other".
    NEW_SOURCE_RATE_LIMIT = "3 per day"
    # Sign-in attempts, per IP and (separately) per account.
    LOGIN_RATE_LIMIT = "10 per minute;50 per day"

    # Number of proxies in front of the app that set X-Forwarded-For/-Proto (0: none).
    PROXY_COUNT = 0
    # The addresses (or networks) of those proxies: X-Forwarded-* from anyone else is ignored.
    TRUSTED_PROXIES = ["127.0.0.1", "::1"]
    # Behind HTTPS: send Strict-Transport-Security and mark the session cookie Secure.
    HSTS = False

    # Room for a 20,000-character letter in any script, percent-encoded.
    MAX_CONTENT_LENGTH = 512 * 1024
    # An organizer's session ends on signing out, on a new password, when the browser closes,
    # and at the latest this long after signing in.
    ORGANIZER_SESSION_HOURS = 7 * 24
    # Mail to organizers (the link that finishes a sign-up). With no MAIL_SERVER, each
    # message is written to the log instead, and pages say so.
    MAIL_SERVER: str | None = None
    MAIL_PORT = 25
    MAIL_USE_TLS = False  # STARTTLS
    MAIL_USERNAME: str | None = None
    MAIL_PASSWORD: str | None = None
    MAIL_SENDER = "Advocacy <noreply@localhost>"
    MAIL_TIMEOUT_SECONDS = 10
    # Messages sent at once per worker; past it, "try again in a few minutes".
    MAIL_CONCURRENCY = 2
    # How long a sign-up link works.
    SIGNUP_LINK_HOURS = 24
    # New campaigns an organizer account may create in a day.
    CAMPAIGNS_PER_DAY = 10
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    WTF_CSRF_TIME_LIMIT = None


def load(config: Config) -> None:
    """The settings: the defaults, then instance/config.py, then ADVOCACY_* variables."""
    config.from_object(Defaults)
    config.from_pyfile("config.py", silent=True)
    config.from_prefixed_env("ADVOCACY")


def engine_options(config: Mapping[str, Any]) -> dict[str, Any]:
    """The database engine's timeouts, for the database the URI names: a database that is
    down or hung costs a request a few seconds and a 503, never a thread for good."""
    uri = str(config.get("SQLALCHEMY_DATABASE_URI") or "")
    wait = float(config["DATABASE_TIMEOUT_SECONDS"])
    if uri.startswith("sqlite"):
        return {"connect_args": {"timeout": wait}}  # how long a writer waits for the lock
    options: dict[str, Any] = {"pool_timeout": wait}
    if uri.startswith("postgresql"):
        statement_ms = int(wait * 1000)
        options["connect_args"] = {
            "connect_timeout": int(config["DATABASE_CONNECT_TIMEOUT"]),
            "options": f"-c statement_timeout={statement_ms} -c lock_timeout={statement_ms}",
            # A server gone from the network: unanswered packets end the connection.
            "keepalives": 1, "keepalives_idle": 5, "keepalives_interval": 2,
            "keepalives_count": 2, "tcp_user_timeout": statement_ms,
        }  # fmt: skip
    return options


def validate(config: Mapping[str, Any]) -> None:
    """Refuse to start on settings that are unsafe or cannot work."""
    if not (config.get("DEBUG") or config.get("TESTING")):
        key = config.get("SECRET_KEY") or ""
        if key == DEV_SECRET_KEY or len(str(key)) < 16:
            raise RuntimeError(
                "Set a real secret key: ADVOCACY_SECRET_KEY=<at least 16 random characters> "
                "(for example: python -c 'import secrets; print(secrets.token_hex(32))')."
            )
    limits = ("LOOKUP", "WRITE", "COUNT", "RENDER", "LOGIN", "CALL_START", "CALL", "NEW_SOURCE")
    for name in (f"{kind}_RATE_LIMIT" for kind in limits):
        try:
            parse_many(str(config[name]))
        except ValueError as exc:
            raise RuntimeError(f"{name} is not a rate limit: {config[name]!r}") from exc
    backend = config.get("GEOCODER_BACKEND")
    if backend not in ("census", "fake"):
        raise RuntimeError(f'GEOCODER_BACKEND must be "census" or "fake", not {backend!r}')
    if not (config.get("DEBUG") or config.get("TESTING")):
        if backend == "fake":
            raise RuntimeError("GEOCODER_BACKEND=fake is for tests and demos: it keeps addresses")
        if config.get("NOW"):
            raise RuntimeError("NOW freezes the clock: it is for tests and demos")
    try:
        clock.from_setting(config.get("NOW"))
    except ValueError as exc:
        raise RuntimeError(f"NOW must be an ISO date or date-time, not {config['NOW']!r}") from exc
    if config.get("MAIL_SERVER") and not config.get("TRUSTED_HOSTS"):
        if not (config.get("DEBUG") or config.get("TESTING")):
            raise RuntimeError(
                "Set TRUSTED_HOSTS with MAIL_SERVER: links in mail are built from the request's "
                'host name, which anyone can forge without it (e.g. ["act.example.org"]).'
            )
    try:
        [ip_network(proxy, strict=False) for proxy in config["TRUSTED_PROXIES"]]
    except (TypeError, ValueError) as exc:
        raise RuntimeError(
            f"TRUSTED_PROXIES must list addresses or networks, not {config['TRUSTED_PROXIES']!r}"
        ) from exc
    congress = config.get("CONGRESS")
    if congress is not None and not str(congress).isdigit():
        raise RuntimeError(f"CONGRESS must be a number such as 119, not {congress!r}")
