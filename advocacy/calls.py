"""Calls: when an office is open, in its own time zone; a volunteer's visit through a
campaign's offices, signed so that each office's outcome is counted once."""

from __future__ import annotations

import functools
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import holidays
from itsdangerous import BadData, URLSafeTimedSerializer

from .directory import Member, Office

# Washington offices keep Eastern business hours; district and state offices keep their
# state's. A state split between zones is given the zone most of its people live in.
EASTERN = "America/New_York"
STATE_ZONES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": EASTERN, "DE": EASTERN, "DC": EASTERN, "FL": EASTERN, "GA": EASTERN,
    "HI": "Pacific/Honolulu", "ID": "America/Boise", "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago", "KS": "America/Chicago",
    "KY": EASTERN, "LA": "America/Chicago", "ME": EASTERN, "MD": EASTERN, "MA": EASTERN,
    "MI": "America/Detroit", "MN": "America/Chicago", "MS": "America/Chicago",
    "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
    "NV": "America/Los_Angeles", "NH": EASTERN, "NJ": EASTERN, "NM": "America/Denver",
    "NY": EASTERN, "NC": EASTERN, "ND": "America/Chicago", "OH": EASTERN,
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": EASTERN, "RI": EASTERN,
    "SC": EASTERN, "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
    "UT": "America/Denver", "VT": EASTERN, "VA": EASTERN, "WA": "America/Los_Angeles",
    "WV": EASTERN, "WI": "America/Chicago", "WY": "America/Denver",
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan", "AS": "Pacific/Pago_Pago",
}  # fmt: skip
OPENS, CLOSES = time(9, 0), time(17, 0)
WASHINGTON = Office("Washington, DC", "", "", washington=True)  # every member's DC office


@dataclass(frozen=True)
class Hours:
    """Whether an office is open now, its local time, and when it opens next."""

    open: bool
    local: datetime
    zone: str
    reopens: datetime
    holiday: str = ""

    @property
    def when(self) -> str:
        """ " on Monday" when the office opens later than tomorrow, else ""."""
        if (self.reopens.date() - self.local.date()).days > 1:
            return f" on {self.reopens:%A}"
        return ""

    @property
    def advice(self) -> str:
        if self.open:
            return "Open now."
        closed = f"Closed for {self.holiday}" if self.holiday else "Closed now"
        return f"{closed}: leave a voicemail or call after 9 a.m. their time{self.when}."


def zone_for(office: Office, state: str) -> str:
    return EASTERN if office.washington else STATE_ZONES.get(state, EASTERN)


@functools.cache
def _federal_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", years=year)


def holiday(day: date) -> str:
    """The federal holiday (as observed) on `day`, or "": congressional offices close then."""
    return _federal_holidays(day.year).get(day, "").replace(" (observed)", "")


def _working_day(day: date) -> bool:
    return day.weekday() < 5 and not holiday(day)


def hours(office: Office, state: str, now: datetime) -> Hours:
    """Office hours (9 to 5 local, weekdays but federal holidays) at `now`, an aware datetime."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    zone = zone_for(office, state)
    local = now.astimezone(ZoneInfo(zone))
    is_open = _working_day(local.date()) and OPENS <= local.time() < CLOSES
    return Hours(
        open=is_open,
        local=local,
        zone=zone,
        reopens=_next_opening(local),
        holiday=holiday(local.date()),
    )


def _next_opening(local: datetime) -> datetime:
    day = local if local.time() < OPENS else local + timedelta(days=1)
    while not _working_day(day.date()):
        day += timedelta(days=1)
    return day.replace(hour=OPENS.hour, minute=0, second=0, microsecond=0)


def zone_for_member(member: Member, state: str) -> str:
    """The time zone of a member's district offices (their state's)."""
    return STATE_ZONES.get(member.state or state, EASTERN)


def window(starts: datetime | None, ends: datetime | None, zone: str, now: datetime) -> str | None:
    """Where `now` stands against a call-in window given in local times: upcoming, live, over."""
    if starts is None or ends is None:
        return None
    tz = ZoneInfo(zone)
    if now < starts.replace(tzinfo=tz):
        return "upcoming"
    return "live" if now < ends.replace(tzinfo=tz) else "over"


def closed_window(starts: datetime, ends: datetime, zone: str) -> str | None:
    """Why no Washington office is open at any moment of a call-in window given in local
    times (a federal holiday, a weekend, the hours), or None when one is open for a while."""
    tz, eastern = ZoneInfo(zone), ZoneInfo(EASTERN)
    start = starts.replace(tzinfo=tz).astimezone(eastern)
    end = min(ends, starts + timedelta(days=14)).replace(tzinfo=tz).astimezone(eastern)
    named = []
    day = start.date()
    while day <= end.date():
        if _working_day(day):
            opens = datetime.combine(day, OPENS, eastern)
            closes = datetime.combine(day, CLOSES, eastern)
            if max(start, opens) < min(end, closes):
                return None
        else:
            named.append(holiday(day) or "a weekend")
        day += timedelta(days=1)
    if named:
        return f"it falls on {' and '.join(dict.fromkeys(named))}"
    return "it is outside 9 a.m. to 5 p.m. Eastern time"


def until(starts: datetime, zone: str, now: datetime) -> str:
    """ "2 days and 3 hours", "5 hours", "20 minutes": how long until the call-in starts, in
    its two largest units (a whole unit left out would make Friday sound like tomorrow)."""
    minutes = int((starts.replace(tzinfo=ZoneInfo(zone)) - now).total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    said = [f"{n} {unit}{'s' if n > 1 else ''}" for n, unit in parts if n > 0]
    return " and ".join(said) or "a minute"


VISIT_DAYS = 7  # as long as a phone keeps an outcome queued offline


class VisitInvalid(Exception):
    """A visit token that is forged, altered, from another campaign or too old."""


@dataclass(frozen=True)
class Visit:
    """One volunteer's pass through a campaign's offices: where they looked up (state and
    district, "" when unknown), whether they call only the offices the campaign names, and
    when they started. Signed into the page, so nobody can change which offices it counts."""

    id: str
    campaign: str
    state: str
    district: str
    only_targets: bool
    started: datetime

    def once(self, secret: str | bytes, bioguide: str) -> str:
        """The key that lets this visit count one outcome for an office: keyed by the app's
        secret, so the stored keys can't be traced back to a visit or an office."""
        message = f"{self.id}:{bioguide}".encode()
        key = secret if isinstance(secret, bytes) else str(secret).encode()
        return hmac.new(key, message, hashlib.sha256).hexdigest()[:40]

    def called_at(self, at_ms: object, now: datetime) -> datetime:
        """When an outcome happened, from the page's clock (milliseconds since the epoch) for
        one sent late from the offline queue; kept between the visit's start and `now`."""
        if isinstance(at_ms, bool) or not isinstance(at_ms, int | float) or at_ms != at_ms:
            return now
        try:
            at = datetime.fromtimestamp(at_ms / 1000, UTC)
        except (OverflowError, OSError, ValueError):
            return now
        return min(max(at, self.started), now)


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="advocacy.call-visit")


def start_visit(
    secret: str, campaign: str, state: str, district: str, *, only_targets: bool = False
) -> str:
    """A new visit's token, for the page's hidden field."""
    fields = [secrets.token_urlsafe(12), campaign, state, district, only_targets]
    return _serializer(secret).dumps(fields)


def load_visit(secret: str, token: object, campaign: str) -> Visit:
    """The visit a token stands for, if it is genuine, for this campaign, and recent."""
    if not isinstance(token, str) or len(token) > 300:
        raise VisitInvalid()
    try:
        fields, started = _serializer(secret).loads(
            token, max_age=VISIT_DAYS * 86400, return_timestamp=True
        )
        visit_id, slug, state, district, only_targets = fields
    except (BadData, TypeError, ValueError):
        raise VisitInvalid() from None
    if slug != campaign:
        raise VisitInvalid()
    return Visit(visit_id, slug, state, district, bool(only_targets), started.astimezone(UTC))
