"""Address -> district: the Census geocoder's formats and quirks, over a loopback socket."""

import json
import time
from datetime import date

import pytest

from advocacy.districts import (
    AddressNotFound,
    CensusGeocoder,
    District,
    DistrictCache,
    GeocoderFailed,
    parse_geographies,
    single_seat_state,
    target_congress,
)
from tests.fakes import CENSUS_FIXTURES

VINTAGES = {"119": "ACS2025_Current", "120": "ACS2026_Current"}


def fixture(name):
    return json.loads((CENSUS_FIXTURES / name).read_text())


@pytest.mark.parametrize(
    ("today", "congress"),
    [
        (date(2026, 11, 25), 119),
        (date(2027, 1, 2), 119),
        (date(2027, 1, 3), 120),
        (date(2028, 6, 1), 120),
        (date(2029, 1, 3), 121),
        (date(2025, 1, 3), 119),
    ],
)
def test_target_congress_changes_on_january_3_of_odd_years(today, congress):
    assert target_congress(today) == congress


def test_target_congress_can_be_overridden():
    assert target_congress(date(2026, 11, 25), "120") == 120


@pytest.mark.parametrize(
    ("name", "congress", "expected"),
    [
        ("oneline_acs2025_119th_austin_tx37.json", 119, {District("TX", 37)}),
        ("oneline_acs2025_119th_dc_delegate.json", 119, {District("DC", 0)}),
        ("oneline_acs2025_119th_wy_at_large.json", 119, {District("WY", 0)}),
        ("coordinates_acs2025_119th_austin_tx37.json", 119, {District("TX", 37)}),
        ("coordinates_acs2026_120th_dc.json", 120, {District("DC", 0)}),
        ("oneline_current_current_default_layers_austin_120th.json", 120, {District("TX", 10)}),
        ("oneline_nomatch_guam.json", 119, set()),
    ],
)
def test_parse_recorded_answers(name, congress, expected):
    assert parse_geographies(fixture(name), congress) == expected


def test_an_answer_for_another_congress_is_a_failure_not_a_district():
    # Asked for the 119th map, the geocoder answered with its default 120th layers:
    # taking TX-10 here would name the wrong member for downtown Austin.
    payload = fixture("oneline_current_current_default_layers_austin_120th.json")
    with pytest.raises(GeocoderFailed, match="119th"):
        parse_geographies(payload, 119)


def test_a_record_with_another_cdsessn_is_refused():
    payload = fixture("oneline_acs2025_119th_austin_tx37.json")
    record = payload["result"]["addressMatches"][0]["geographies"]["119th Congressional Districts"][
        0
    ]
    record["CDSESSN"] = "120"
    with pytest.raises(GeocoderFailed):
        parse_geographies(payload, 119)


def test_a_layer_error_object_is_a_failure():
    payload = fixture("oneline_acs2025_119th_austin_tx37.json")
    payload["result"]["addressMatches"][0]["geographies"]["119th Congressional Districts"] = [
        {"status": "Layer query encountered an error: java.lang.RuntimeException: Failed to return"}
    ]
    with pytest.raises(GeocoderFailed):
        parse_geographies(payload, 119)


@pytest.mark.parametrize("bad", [None, [], {"result": None}, {"result": {"addressMatches": {}}}])
def test_malformed_answers_fail_cleanly(bad):
    with pytest.raises(GeocoderFailed):
        parse_geographies(bad, 119)


@pytest.mark.parametrize(
    ("address", "state"),
    [
        ("1 Marine Corps Dr, Hagatna, GU 96910", "GU"),
        ("123 Main St, Christiansted, VI 00820", "VI"),
        ("1 Main St, Pago Pago 96799", "AS"),
        ("200 W 24th St, Cheyenne, WY 82001", "WY"),
        ("12 Elm St, Burlington, Vermont", "VT"),
        ("Cheyenne, WY", "WY"),
        ("1100 Congress Ave, Austin, TX 78701", None),
        ("nowhere at all", None),
    ],
)
def test_single_seat_state_from_an_address(address, state):
    assert single_seat_state(address) == state


@pytest.fixture
def geocoder(census):
    census.reset()
    return CensusGeocoder(
        census.url, vintages=VINTAGES, connect_timeout=1, read_timeout=1, deadline=2.5
    )


def test_geocoder_asks_for_the_vintage_and_layer_of_the_target_congress(geocoder, census):
    assert geocoder.districts_for("1100 Congress Ave, Austin, TX 78701", 119) == {
        District("TX", 37)
    }
    params = census.requests[-1]
    assert params["vintage"] == "ACS2025_Current"
    assert params["layers"] == "119th Congressional Districts"
    assert params["benchmark"] == "Public_AR_Current"
    assert params["format"] == "json"
    # After January 3, 2027 the same address is in the 120th Congress's TX-10.
    assert geocoder.districts_for("1100 Congress Ave, Austin, TX 78701", 120) == {
        District("TX", 10)
    }
    assert census.requests[-1]["vintage"] == "ACS2026_Current"


def test_geocoder_without_a_vintage_for_the_congress_fails(census):
    geocoder = CensusGeocoder(census.url, vintages={"119": "ACS2025_Current"})
    with pytest.raises(GeocoderFailed, match="Congress 121"):
        geocoder.districts_for("1100 Congress Ave, Austin, TX", 121)


def test_several_matches_in_one_district_give_one_district(geocoder):
    assert geocoder.districts_for("100 Broadway, New York, NY 10005", 119) == {District("NY", 10)}


def test_matches_in_different_districts_are_all_returned(geocoder):
    found = geocoder.districts_for("1 Split Street, Austin, TX", 119)
    assert found == {District("TX", 21), District("TX", 35)}


def test_island_area_without_a_match_is_answered_from_the_state(geocoder):
    assert geocoder.districts_for("1 Marine Corps Dr, Hagatna, GU 96910", 119) == {
        District("GU", 0)
    }


def test_puerto_rico_delegate_code_98_is_the_only_seat(geocoder):
    assert geocoder.districts_for("1 Calle Fortaleza, San Juan, PR 00901", 119) == {
        District("PR", 0)
    }


@pytest.mark.parametrize("address", ["1 Nowhere Rd, Springfield, IL", "1 Lake Shore, Water, MI"])
def test_no_district_is_address_not_found(geocoder, address):
    with pytest.raises(AddressNotFound):
        geocoder.districts_for(address, 119)


def test_one_retry_after_a_transient_failure(geocoder, census):
    assert geocoder.districts_for("1 Flaky Rd, Cheyenne, WY", 119) == {District("WY", 0)}
    assert len(census.requests) == 2


@pytest.mark.parametrize(
    ("address", "calls"), [("1 Broken Rd, Austin, TX", 2), ("1 Garbage Rd, Austin, TX", 2)]
)
def test_persistent_failure_is_reported_after_one_retry(geocoder, census, address, calls):
    with pytest.raises(GeocoderFailed) as info:
        geocoder.districts_for(address, 119)
    assert len(census.requests) == calls
    assert "Broken" not in str(info.value) and "Garbage" not in str(info.value)


def test_a_slow_geocoder_is_bounded_by_the_deadline(geocoder):
    started = time.monotonic()
    with pytest.raises(GeocoderFailed):
        geocoder.districts_for("1 Slow Rd, Austin, TX", 119)
    assert time.monotonic() - started < 3.5


def test_a_4xx_answer_is_a_failure_the_operator_sees(geocoder, census):
    # A 400 means a bad vintage, layer or URL: our configuration, not the person's address.
    with pytest.raises(GeocoderFailed, match="HTTP 400"):
        geocoder.districts_for("1 Bad Param Rd, Austin, TX", 119)
    assert len(census.requests) == 1  # not retried


def test_geocoder_passes_timeouts_to_every_request():
    calls = []

    class Session:
        def get(self, url, **kwargs):
            calls.append(kwargs)
            raise __import__("requests").ConnectionError("boom")

    geocoder = CensusGeocoder("http://example.invalid", vintages=VINTAGES, session=Session())
    with pytest.raises(GeocoderFailed):
        geocoder.districts_for("1 Main St, Austin, TX", 119)
    assert calls and all("timeout" in c for c in calls)


def test_cache_keys_never_contain_the_address():
    cache = DistrictCache(b"secret", ttl=60, size=10)
    key = cache.key("1100 Congress Ave, Austin, TX 78701", 119)
    assert "congress" not in key.lower() and "1100" not in key
    assert key == cache.key("  1100 CONGRESS AVE,  austin, tx 78701 ", 119)
    assert key != cache.key("1100 Congress Ave, Austin, TX 78701", 120)
    assert key != DistrictCache(b"other", ttl=60, size=10).key(
        "1100 Congress Ave, Austin, TX 78701", 119
    )
    cache.put("1100 Congress Ave, Austin, TX 78701", 119, {District("TX", 37)})
    assert cache.get("1100 congress ave austin tx 78701", 119) == {District("TX", 37)}


def test_a_geocoder_that_drips_bytes_is_cut_off_at_the_deadline(geocoder):
    started = time.monotonic()
    with pytest.raises(GeocoderFailed, match="timed out"):
        geocoder.districts_for("1 Drip Rd, Austin, TX", 119)
    assert time.monotonic() - started < geocoder.deadline + 0.5


@pytest.mark.parametrize(
    "address",
    [
        "96920 Main St, Springfield, IL",  # a house number that looks like a Guam ZIP
        "1 Main St, Delaware",  # a city named like a state, and no state
        "00820 Oak Rd, Columbus, OH 43004",
    ],
)
def test_no_match_fallback_does_not_guess_from_the_wrong_token(address):
    assert single_seat_state(address) is None


@pytest.mark.parametrize(
    ("address", "state"),
    [("5 King St, Christiansted, Virgin Islands", "VI"), ("Beach Rd, Saipan, CNMI", "MP")],
)
def test_territories_by_their_common_names(address, state):
    assert single_seat_state(address) == state
