"""Office hours for call mode: Washington keeps Eastern time, district offices their state's."""

from datetime import UTC, datetime

import pytest

from advocacy.calls import STATE_ZONES, hours, next_opening
from advocacy.directory import STATES, Office

WASHINGTON = Office("Washington, DC", "", "202-224-6441", washington=True)
CHEYENNE = Office("Cheyenne", "", "307-772-2477")


def at(text):
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_state_and_territory_has_a_zone():
    assert set(STATE_ZONES) == set(STATES)


@pytest.mark.parametrize(
    ("now", "washington_open", "cheyenne_open"),
    [
        ("2026-11-25T14:30:00", True, False),  # 9:30 in DC, 7:30 in Cheyenne
        ("2026-11-25T16:30:00", True, True),  # 11:30 and 9:30
        ("2026-11-25T22:30:00", False, True),  # 17:30 and 15:30
        ("2026-11-28T16:30:00", False, False),  # a Saturday
    ],
)
def test_offices_keep_their_own_hours(now, washington_open, cheyenne_open):
    assert hours(WASHINGTON, "WY", at(now)).open is washington_open
    assert hours(CHEYENNE, "WY", at(now)).open is cheyenne_open


def test_local_time_and_advice_when_closed():
    found = hours(CHEYENNE, "WY", at("2026-11-25T14:30:00"))
    assert found.local.strftime("%H:%M") == "07:30" and found.zone == "America/Denver"
    assert found.advice == "Closed now: leave a voicemail or call after 9 a.m. their time."


def test_daylight_saving_time_is_followed():
    summer = hours(WASHINGTON, "TX", at("2026-07-01T13:30:00"))  # 9:30 EDT
    winter = hours(WASHINGTON, "TX", at("2026-01-07T13:30:00"))  # 8:30 EST
    assert summer.open and not winter.open


def test_next_opening_skips_the_weekend():
    friday_evening = at("2026-11-27T23:00:00")  # 18:00 in DC on a Friday
    assert next_opening(WASHINGTON, "WY", friday_evening).isoformat() == "2026-11-30T09:00:00-05:00"


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        hours(WASHINGTON, "WY", datetime(2026, 11, 25, 12, 0))
