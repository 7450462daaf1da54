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
from itsdangerous import BadData

from .geography import EASTERN
from .recipients import Office
from .signing import serializer

OPENS, CLOSES = time(9, 0), time(17, 0)
WASHINGTON = Office("Washington, DC", "", "", EASTERN, main=True)  # every member's DC office


@dataclass(frozen=True)
class Hours:
    """Whether an office is open now, its local time, and when it opens next."""

    open: bool
    local: datetime
    zone: str
    reopens: datetime
    holiday: str = ""  # the federal holiday it is closed for today

    @property
    def reopens_after_tomorrow(self) -> bool:
        """It opens later than tomorrow (after a weekend or a holiday): say the day."""
        return (self.reopens.date() - self.local.date()).days > 1


@functools.cache
def _federal_holidays(year: int) -> holidays.HolidayBase:
    return holidays.country_holidays("US", years=year)


def holiday(day: date) -> str:
    """The federal holiday (as observed) on `day`, or "": congressional offices close then."""
    return _federal_holidays(day.year).get(day, "").replace(" (observed)", "")


def _working_day(day: date) -> bool:
    return day.weekday() < 5 and not holiday(day)


def hours(office: Office, now: datetime) -> Hours:
    """Office hours (9 to 5 in the office's zone, weekdays but federal holidays) at `now`."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    local = now.astimezone(ZoneInfo(office.zone))
    is_open = _working_day(local.date()) and OPENS <= local.time() < CLOSES
    return Hours(
        open=is_open,
        local=local,
        zone=office.zone,
        reopens=_next_opening(local),
        holiday=holiday(local.date()),
    )


def _next_opening(local: datetime) -> datetime:
    day = local if local.time() < OPENS else local + timedelta(days=1)
    while not _working_day(day.date()):
        day += timedelta(days=1)
    return day.replace(hour=OPENS.hour, minute=0, second=0, microsecond=0)


def window(starts: datetime | None, ends: datetime | None, zone: str, now: datetime) -> str | None:
    """Where `now` stands against a call-in window given in local times: upcoming, live, over."""
    if starts is None or ends is None:
        return None
    tz = ZoneInfo(zone)
    if now < starts.replace(tzinfo=tz):
        return "upcoming"
    return "live" if now < ends.replace(tzinfo=tz) else "over"


@dataclass(frozen=True)
class Closure:
    """Why no Washington office is open at any moment of a call-in window: the days it falls
    on, each a federal holiday's name or "" for a weekend day, in order and once each; no
    days when the window is outside 9 a.m. to 5 p.m. Eastern time."""

    days: tuple[str, ...]


def closed_window(starts: datetime, ends: datetime, zone: str) -> Closure | None:
    """Why no Washington office is open during a call-in window given in local times, or None
    when one is open for a while."""
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
            named.append(holiday(day))
        day += timedelta(days=1)
    return Closure(tuple(dict.fromkeys(named)))


def until(starts: datetime, zone: str, now: datetime) -> tuple[tuple[int, str], ...]:
    """How long until a call-in starts, in its two largest units, as ((2, "day"), (3, "hour"))
    (a whole unit left out would make Friday sound like tomorrow); () under a minute."""
    minutes = int((starts.replace(tzinfo=ZoneInfo(zone)) - now).total_seconds() // 60)
    days, hours, minutes = minutes // 1440, minutes % 1440 // 60, minutes % 60
    parts = [(days, "day"), (hours, "hour")] if days else [(hours, "hour"), (minutes, "minute")]
    return tuple((n, unit) for n, unit in parts if n > 0)


VISIT_DAYS = 7  # as long as a phone keeps an outcome queued offline


class VisitInvalid(Exception):
    """A visit token that is forged, altered, from another campaign or too old."""


@dataclass(frozen=True)
class Visit:
    """One volunteer's pass through a campaign's offices: where they looked up (state and
    district, "" when unknown), whether they call only the offices the campaign names, the
    data release it began on (so that every instance lists the same offices) and when it
    began. Signed into the page, so nobody can change which offices it counts."""

    id: str
    campaign: str
    state: str
    district: str
    only_targets: bool
    started: datetime
    release: str = ""  # the data release's id; "" for a visit begun before visits kept it

    def once(self, secret: str | bytes, office_id: str) -> str:
        """The key that lets this visit count one outcome for an office: keyed by the app's
        secret, so the stored keys can't be traced back to a visit or an office."""
        message = f"{self.id}:{office_id}".encode()
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


_VISIT_SALT = "advocacy.call-visit"


def start_visit(
    secret: str,
    campaign: str,
    state: str,
    district: str,
    *,
    release: str,
    now: datetime,
    only_targets: bool = False,
) -> str:
    """A new visit's token, for the page's hidden field. The release rides in the visit's id
    ("<random>.<release>"), so the token keeps the five fields that instances running the
    code before it can read during a rolling deploy."""
    fields = [f"{secrets.token_urlsafe(12)}.{release}", campaign, state, district, only_targets]
    return serializer(secret, _VISIT_SALT, now).dumps(fields)


def load_visit(secret: str, token: object, campaign: str, now: datetime) -> Visit:
    """The visit a token stands for, if it is genuine, for this campaign, and recent."""
    if not isinstance(token, str) or len(token) > 300:
        raise VisitInvalid()
    try:
        fields, started = serializer(secret, _VISIT_SALT, now).loads(
            token, max_age=VISIT_DAYS * 86400, return_timestamp=True
        )
        visit_id, slug, state, district, only_targets = fields
        release = visit_id.partition(".")[2]  # "" in a visit begun before it was kept
    except (BadData, TypeError, ValueError, AttributeError):
        raise VisitInvalid() from None
    if slug != campaign:
        raise VisitInvalid()
    started = started.astimezone(UTC)
    return Visit(visit_id, slug, state, district, bool(only_targets), started, release)
