"""From an address or a ZIP code to congressional districts (Census geocoder, ZIP table)."""

from __future__ import annotations

import contextlib
import csv
import hashlib
import hmac
import json
import logging
import re
import threading
import time
import unicodedata
from collections import defaultdict, deque
from collections.abc import Iterable, Mapping
from datetime import date
from pathlib import Path
from typing import Any, Protocol

import requests
from cachetools import TTLCache

from .failures import AddressNotFound, GeocoderFailed
from .geography import FIPS, STATES, District, island_area_for_zip, single_seat_state

_LAYER = re.compile(r"^(\d+)(?:st|nd|rd|th) Congressional Districts$")
_TRANSIENT = (requests.ConnectionError, requests.Timeout, requests.exceptions.ChunkedEncodingError)


class ZipNotFound(Exception):
    """The ZIP code is not in the ZIP table."""


class ZipTableInvalid(Exception):
    """A downloaded ZIP table has the wrong shape."""


class DistrictLookup(Protocol):
    """Finds the congressional districts of an address: the Census geocoder, or a fake."""

    def districts_for(self, address: str, congress: int) -> set[District]:
        """Every district the address matched (usually one), of `congress`'s map. Raises
        AddressNotFound when it matches none, GeocoderFailed when the service fails."""
        ...


def target_congress(today: date, override: int | str | None = None) -> int:
    """The Congress whose members are in office on `today` (each starts January 3 of odd years)."""
    if override is not None and override != "":
        return int(override)
    year = today.year if (today.month, today.day) >= (1, 3) else today.year - 1
    return (year - 1787) // 2


def parse_geographies(payload: Any, congress: int) -> set[District]:
    """Districts of the wanted Congress in a geocoder answer (address or coordinates search).

    Raises GeocoderFailed when the answer does not carry that Congress's layer: the
    geocoder silently answers with its default layers when the one asked for is missing.
    """
    try:
        result = payload["result"]
    except (KeyError, TypeError) as exc:
        raise GeocoderFailed("the geocoder's answer has no result") from exc
    if not isinstance(result, dict):
        raise GeocoderFailed("the geocoder's answer has no result")
    if "addressMatches" in result:
        matches = result["addressMatches"]
        if not isinstance(matches, list):
            raise GeocoderFailed("addressMatches is not a list")
        geographies = [m.get("geographies") for m in matches if isinstance(m, dict)]
    else:
        geographies = [result.get("geographies")]
        if geographies == [{}]:
            return set()  # a point in no district (water, abroad)
    found: set[District] = set()
    for geo in geographies:
        if not isinstance(geo, dict):
            raise GeocoderFailed("a match has no geographies")
        layer = _layer_for(geo, congress)
        for record in layer:
            if not isinstance(record, dict) or "GEOID" not in record:
                raise GeocoderFailed("the district layer holds an error instead of a record")
            if str(record.get("CDSESSN", "")) != str(congress):
                raise GeocoderFailed(f"a district record is not of the {congress}th Congress")
            district = _district(str(record["GEOID"]))
            if district:
                found.add(district)
    return found


def _layer_for(geographies: dict[str, Any], congress: int) -> list[Any]:
    for key, value in geographies.items():
        m = _LAYER.match(key)
        if m and int(m.group(1)) == congress:
            if not isinstance(value, list):
                raise GeocoderFailed("the district layer is not a list")
            return value
    raise GeocoderFailed(f"the answer lacks the {congress}th Congress's district layer")


def _district(geoid: str) -> District | None:
    state = FIPS.get(geoid[:2])
    code = geoid[2:]
    if state is None:
        return None
    if code in ("00", "98"):
        return District(state, 0)
    if code.isdigit() and 1 <= int(code) <= 60:
        return District(state, int(code))
    return None  # ZZ: water, no district


class CensusGeocoder:
    """The US Census Bureau geocoder, asked for one Congress's district layer."""

    def __init__(
        self,
        base_url: str,
        *,
        vintages: dict[str, str],
        benchmark: str = "Public_AR_Current",
        connect_timeout: float = 3.05,
        read_timeout: float = 4.0,
        deadline: float = 8.0,
        concurrency: int = 4,
        session: requests.Session | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.vintages = {str(k): v for k, v in vintages.items()}
        self.benchmark = benchmark
        self.connect_timeout = connect_timeout
        self.read_timeout = read_timeout
        self.deadline = deadline
        # Lookups at once: when the geocoder is slow, the worker's other threads stay free to
        # answer other pages, and a lookup past the cap fails at once rather than queueing.
        self._slots = threading.BoundedSemaphore(concurrency)
        self.session = session or requests.Session()

    def districts_for(self, address: str, congress: int) -> set[District]:
        """Every district the address matched (usually one). Raises AddressNotFound."""
        vintage = self.vintages.get(str(congress))
        if vintage is None:
            raise GeocoderFailed(f"no geocoder vintage is configured for Congress {congress}")
        params = {
            "address": address,
            "benchmark": self.benchmark,
            "vintage": vintage,
            "layers": f"{congress}th Congressional Districts",
            "format": "json",
        }
        if not self._slots.acquire(blocking=False):
            raise GeocoderFailed("too many lookups at once")
        try:
            payload = self._get(f"{self.base_url}/geographies/onelineaddress", params)
        finally:
            self._slots.release()
        return parse_geographies(payload, congress) or _no_match(address)

    def _get(self, url: str, params: dict[str, str]) -> Any:
        """GET with one retry on a transient failure, all within the deadline."""
        started = time.monotonic()
        for attempt in (1, 2):
            left = self.deadline - (time.monotonic() - started)
            try:
                status, body = self._fetch(url, params, left)
                if status != 200:
                    # 4xx: a bad vintage, layer or URL: our configuration, not the address.
                    raise GeocoderFailed(f"the geocoder answered HTTP {status}")
                try:
                    return json.loads(body)
                except ValueError:
                    raise _Transient("not JSON") from None
            except _Transient as exc:
                left = self.deadline - (time.monotonic() - started)
                if attempt == 2 or left < 1.0:
                    raise GeocoderFailed(f"the geocoder did not answer ({exc})") from None
        raise GeocoderFailed("unreachable")  # pragma: no cover

    def _fetch(self, url: str, params: dict[str, str], left: float) -> tuple[int, bytes]:
        """One request, its body read in full, in at most `left` seconds.

        Socket timeouts bound each read, not the whole answer (a server that drips a byte
        at a time never trips them), so a watchdog closes the response at the deadline.
        """
        box: dict[str, Any] = {}

        def run() -> None:
            try:
                resp = self.session.get(
                    url,
                    params=params,
                    timeout=(min(self.connect_timeout, left), min(self.read_timeout, left)),
                    stream=True,
                )
                box["resp"] = resp
                box["answer"] = (resp.status_code, resp.content)
            except Exception as exc:  # handed to the caller below
                box["error"] = exc

        worker = threading.Thread(target=run, name="census-geocoder", daemon=True)
        worker.start()
        worker.join(max(left, 0.0))
        if worker.is_alive():
            if "resp" in box:
                # shutdown(), unlike close(), ends a read blocked in another thread.
                with contextlib.suppress(ValueError, RuntimeError, OSError):
                    box["resp"].raw.shutdown()
            raise _Transient("timed out")
        error = box.get("error")
        # Never put str(error) in messages: it holds the URL, and so the address.
        if isinstance(error, _TRANSIENT):
            raise _Transient(error.__class__.__name__)
        if isinstance(error, requests.RequestException):
            raise GeocoderFailed(f"the geocoder failed ({error.__class__.__name__})")
        if error is not None:
            raise error
        status, body = box["answer"]
        if status >= 500:
            raise _Transient(f"HTTP {status}")
        return status, body


class _Transient(Exception):
    pass


def _no_match(address: str) -> set[District]:
    """What a geocoder that matched nothing answers: the seat of a single-seat place the
    address names (the Census ranges miss many island and rural addresses), else not found."""
    state = single_seat_state(address)
    if state:
        return {District(state, 0)}
    raise AddressNotFound()


# Addresses the in-process fake knows when the app runs with it (GEOCODER_BACKEND = "fake").
DEMO_ADDRESSES = {
    "1100 Congress Ave, Austin, TX 78701": [District("TX", 37)],
    "1600 Pennsylvania Ave NW, Washington, DC 20500": [District("DC", 0)],
    "2001 Capitol Ave, Cheyenne, WY 82001": [District("WY", 0)],
}


class FakeDistrictLookup:
    """An in-process geocoder for tests and demos (never for production: it keeps what it is
    asked). Known addresses answer their districts, whatever the Congress; anything else is
    answered as the Census client answers a no-match. Set `failing` to make it fail."""

    def __init__(self, known: Mapping[str, Iterable[District]] | None = None) -> None:
        self.known = {normalize_address(a): frozenset(d) for a, d in (known or {}).items()}
        self.calls: deque[tuple[str, int]] = deque(maxlen=100)  # the last ones asked, for tests
        self.failing = False

    def districts_for(self, address: str, congress: int) -> set[District]:
        self.calls.append((address, congress))
        if self.failing:
            raise GeocoderFailed("the fake geocoder is set to fail")
        found = self.known.get(normalize_address(address))
        return set(found) if found else _no_match(address)


class RedactQueries(logging.Filter):
    """Strip query strings from HTTP client log records: the geocoder's carries an address."""

    _QUERY = re.compile(r"\?[^\s\"]*")

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                self._QUERY.sub("?[redacted]", a) if isinstance(a, str) else a for a in record.args
            )
        if isinstance(record.msg, str):
            record.msg = self._QUERY.sub("?[redacted]", record.msg)
        return True


def redact_http_logs() -> None:
    """Install RedactQueries on urllib3's logger (once)."""
    log = logging.getLogger("urllib3.connectionpool")
    if not any(isinstance(f, RedactQueries) for f in log.filters):
        log.addFilter(RedactQueries())


class ZipTable:
    """ZIP (ZCTA) to districts, from the us-zipcodes-congress `zccd.csv` table."""

    def __init__(self, rows: dict[str, tuple[District, ...]]) -> None:
        self._rows = rows
        self._by_state: dict[str, set[int]] = defaultdict(set)
        self._by_prefix: dict[str, set[str]] = defaultdict(set)
        for zcta, found in rows.items():
            for d in found:
                self._by_state[d.state].add(d.number)
                self._by_prefix[zcta[:3]].add(d.state)

    def __len__(self) -> int:
        return len(self._rows)

    @classmethod
    def from_file(cls, path: Path) -> ZipTable:
        rows: dict[str, set[District]] = defaultdict(set)
        try:
            with path.open(newline="", encoding="utf-8-sig") as fh:
                reader = csv.DictReader(fh)
                wanted = {"state_abbr", "zcta", "cd"}
                if not reader.fieldnames or not wanted <= set(reader.fieldnames):
                    raise ZipTableInvalid(f"{path.name}: expected columns {sorted(wanted)}")
                for row in reader:
                    zcta, state, cd = row["zcta"].strip(), row["state_abbr"].strip(), row["cd"]
                    if len(zcta) == 5 and zcta.isdigit() and state in STATES and cd.isdigit():
                        rows[zcta].add(District(state, int(cd)))
        except (OSError, UnicodeDecodeError, csv.Error) as exc:
            raise ZipTableInvalid(f"{path.name}: {exc.__class__.__name__}") from exc
        if len(rows) < 30_000:
            raise ZipTableInvalid(f"{path.name} holds only {len(rows)} ZIP codes")
        return cls({z: tuple(sorted(d)) for z, d in rows.items()})

    def districts_for(self, zip_code: str) -> tuple[District, ...]:
        island = island_area_for_zip(zip_code)
        if island:
            return (District(island, 0),)
        found = self._rows.get(zip_code[:5])
        if found:
            return found
        # A ZIP with no ZCTA (a PO box, a single building like 20500) still names its
        # state by its first three digits; that answers for a state with a single seat.
        states = self._by_prefix.get(zip_code[:3], set())
        if len(states) == 1:
            (state,) = states
            if self._by_state[state] == {0}:
                return (District(state, 0),)
        raise ZipNotFound()

    def districts_in(self, state: str) -> set[int]:
        """The districts of a state that the table knows (vacant seats included)."""
        return set(self._by_state.get(state, ()))


def normalize_address(address: str) -> str:
    """One spelling per address, for the cache: case, spacing and punctuation folded."""
    text = unicodedata.normalize("NFKC", address).casefold()
    text = re.sub(r"[.,#]", " ", text)
    return " ".join(text.split())


class DistrictCache:
    """Remembers district answers under a keyed hash of the address, never the address."""

    def __init__(self, secret: bytes, ttl: float, size: int) -> None:
        self._secret = secret
        self._cache: TTLCache[str, frozenset[District]] = TTLCache(maxsize=size, ttl=ttl)
        self._lock = threading.Lock()  # cachetools caches are not thread-safe

    def key(self, address: str, congress: int) -> str:
        msg = f"{congress}\x00{normalize_address(address)}".encode()
        return hmac.new(self._secret, msg, hashlib.sha256).hexdigest()

    def get(self, address: str, congress: int) -> frozenset[District] | None:
        key = self.key(address, congress)
        with self._lock:
            return self._cache.get(key)

    def put(self, address: str, congress: int, found: set[District]) -> None:
        key = self.key(address, congress)
        with self._lock:
            self._cache[key] = frozenset(found)
