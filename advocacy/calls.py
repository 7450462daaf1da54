"""Calls: when an office is open, in its own time zone (the start of call mode, issue 4)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

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


@dataclass(frozen=True)
class Hours:
    """Whether an office is open now, and its local time."""

    open: bool
    local: datetime
    zone: str

    @property
    def advice(self) -> str:
        if self.open:
            return "Open now."
        return "Closed now: leave a voicemail or call after 9 a.m. their time."


def zone_for(office: Office, state: str) -> str:
    return EASTERN if office.washington else STATE_ZONES.get(state, EASTERN)


def hours(office: Office, state: str, now: datetime) -> Hours:
    """Office hours (weekdays 9 to 5, local) at `now`, which must carry a time zone."""
    if now.tzinfo is None or now.utcoffset() is None:
        raise ValueError("now must be an aware datetime")
    zone = zone_for(office, state)
    local = now.astimezone(ZoneInfo(zone))
    weekday = local.weekday() < 5
    return Hours(open=weekday and OPENS <= local.time() < CLOSES, local=local, zone=zone)


def next_opening(office: Office, state: str, now: datetime) -> datetime:
    """When the office next opens (local time), for "call after …" hints."""
    local = hours(office, state, now).local
    day = local if local.time() < OPENS else local + timedelta(days=1)
    while day.weekday() >= 5:
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


def until(starts: datetime, zone: str, now: datetime) -> str:
    """ "3 days", "5 hours", "20 minutes": how long until the call-in starts."""
    seconds = (starts.replace(tzinfo=ZoneInfo(zone)) - now).total_seconds()
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= size:
            n = int(seconds // size)
            return f"{n} {unit}{'s' if n > 1 else ''}"
    return "a minute"
