"""Office hours for call mode: Washington keeps Eastern time, district offices their state's."""

from datetime import UTC, date, datetime

import pytest

from advocacy.calls import closed_window, holiday, hours, until
from advocacy.geography import EASTERN, STATE_ZONES, STATES
from advocacy.recipients import Office

WASHINGTON = Office("Washington, DC", "", "202-224-6441", EASTERN, main=True)
CHEYENNE = Office("Cheyenne", "", "307-772-2477", STATE_ZONES["WY"])


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
    assert hours(WASHINGTON, at(now)).open is washington_open
    assert hours(CHEYENNE, at(now)).open is cheyenne_open


def test_local_time_and_advice_when_closed(words):
    found = hours(CHEYENNE, at("2026-11-25T14:30:00"))
    assert found.local.strftime("%H:%M") == "07:30" and found.zone == "America/Denver"
    assert (
        words("advice", found) == "Closed now: leave a voicemail or call after 9 a.m. their time."
    )


def test_daylight_saving_time_is_followed():
    summer = hours(WASHINGTON, at("2026-07-01T13:30:00"))  # 9:30 EDT
    winter = hours(WASHINGTON, at("2026-01-07T13:30:00"))  # 8:30 EST
    assert summer.open and not winter.open


def test_after_friday_evening_the_advice_names_monday(words):
    friday_evening = hours(WASHINGTON, at("2026-11-27T23:00:00"))  # 18:00 in DC
    assert friday_evening.reopens.isoformat() == "2026-11-30T09:00:00-05:00"
    assert words("advice", friday_evening).endswith("call after 9 a.m. their time on Monday.")


def test_offices_are_closed_on_federal_holidays(words):
    thanksgiving = hours(WASHINGTON, at("2026-11-26T16:00:00"))  # 11:00 in DC, Thursday
    assert not thanksgiving.open and thanksgiving.holiday == "Thanksgiving Day"
    assert words("advice", thanksgiving) == (
        "Closed for Thanksgiving Day: leave a voicemail or call after 9 a.m. their time."
    )  # the next day, Friday, is a working day
    # July 4, 2026 is a Saturday: the holiday is observed on Friday the 3rd.
    assert holiday(date(2026, 7, 3)) == "Independence Day"
    observed = hours(CHEYENNE, at("2026-07-03T17:00:00"))  # 11:00 in Cheyenne
    assert not observed.open and observed.reopens.date() == date(2026, 7, 6)
    assert words("advice", observed).endswith("on Monday.")
    assert hours(CHEYENNE, at("2026-07-02T17:00:00")).open  # the Thursday before


def test_a_naive_time_is_refused():
    with pytest.raises(ValueError):
        hours(WASHINGTON, datetime(2026, 11, 25, 12, 0))


@pytest.mark.parametrize(
    ("starts", "ends", "zone", "reason"),
    [
        (
            "2026-11-26T10:00",
            "2026-11-26T16:00",
            "America/New_York",
            "it falls on Thanksgiving Day",
        ),
        ("2026-11-28T09:00", "2026-11-29T17:00", "America/Denver", "it falls on a weekend"),
        ("2026-12-01T18:00", "2026-12-01T20:00", "America/New_York", "outside 9 a.m. to 5 p.m."),
        ("2026-12-01T06:00", "2026-12-01T08:00", "America/Los_Angeles", None),  # 9 to 11 Eastern
        ("2026-11-27T09:00", "2026-11-27T12:00", "America/New_York", None),  # Friday after
        ("2026-12-01T08:59", "2026-12-01T09:10", "America/New_York", None),  # 11 minutes
    ],
)
def test_a_call_in_window_when_offices_are_closed_is_named(words, starts, ends, zone, reason):
    found = closed_window(datetime.fromisoformat(starts), datetime.fromisoformat(ends), zone)
    assert found == reason if reason is None else reason in words("closure", found)


@pytest.mark.parametrize(
    ("starts", "said"),
    [
        ("2026-12-04T09:00", "1 day and 23 hours"),  # Friday, seen on Wednesday at 10
        ("2026-12-05T10:00", "3 days"),
        ("2026-12-02T11:59", "1 hour and 59 minutes"),
        ("2026-12-02T12:00", "2 hours"),
        ("2026-12-02T10:20", "20 minutes"),
        ("2026-12-02T10:00", "a minute"),
    ],
)
def test_how_long_until_a_call_in_starts(words, starts, said):
    wednesday = datetime(2026, 12, 2, 15, tzinfo=UTC)  # 10 a.m. in New York
    assert (
        words("span", until(datetime.fromisoformat(starts), "America/New_York", wednesday)) == said
    )
