"""The one clock: every module asks it what time and what day it is, and tests freeze it."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Protocol
from zoneinfo import ZoneInfo

# "Today" is the date in Washington, where the letters go and where a Congress begins (at
# noon on January 3); counts keep UTC days and hours, which they label so.
WASHINGTON = ZoneInfo("America/New_York")


class Clock(Protocol):
    def now(self) -> datetime:
        """This moment, an aware datetime in UTC."""
        ...

    def today(self) -> date:
        """Today's date in Washington (the date letters carry)."""
        ...


class SystemClock:
    """The machine's own clock."""

    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(WASHINGTON).date()


class FrozenClock:
    """A clock that stands still until moved: tests and demos see the same time on every run."""

    def __init__(self, at: datetime) -> None:
        self.at = at if at.tzinfo else at.replace(tzinfo=UTC)

    def now(self) -> datetime:
        return self.at.astimezone(UTC)

    def today(self) -> date:
        return self.now().astimezone(WASHINGTON).date()

    def advance(self, delta: timedelta) -> None:
        self.at += delta


def from_setting(value: object) -> Clock:
    """The clock a NOW setting asks for: none means the system's; an ISO date or date-time
    freezes it there (a date alone at noon UTC)."""
    if value in (None, ""):
        return SystemClock()
    text = str(value)
    at = datetime.fromisoformat(text if "T" in text or " " in text else f"{text}T12:00:00")
    return FrozenClock(at)
