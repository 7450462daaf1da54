"""One contract for every DistrictLookup: the Census client (over a real socket, against the
loopback fake of the Census geocoder) and the in-process fake answer the same cases alike, so
that tests and demos on the fake learn nothing the real service would not do."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pytest

from advocacy.districts import CensusGeocoder, DistrictLookup, FakeDistrictLookup
from advocacy.failures import AddressNotFound, GeocoderFailed
from advocacy.geography import District

AUSTIN = "1100 Congress Ave, Austin, TX 78701"
WHITE_HOUSE = "1600 Pennsylvania Ave NW, Washington, DC 20500"
BROADWAY = "100 Broadway, New York, NY 10005"  # two matches (E and W), one district
SPLIT = "1 Split Street, Austin, TX 78704"  # two matches in two districts
CHEYENNE = "2001 Capitol Ave, Cheyenne, WY 82001"
GUAM = "1 Marine Corps Dr, Hagatna, GU 96910"  # the Census ranges miss the island areas
NOWHERE = "1 Nowhere Lane, Springfield, IL 62701"


@dataclass
class Subject:
    lookup: DistrictLookup
    break_it: Callable[[], None]  # makes the service fail from now on


def _census(census) -> Subject:
    client = CensusGeocoder(
        census.url,
        vintages={"119": "ACS2025_Current", "120": "ACS2026_Current"},
        connect_timeout=1.0,
        read_timeout=1.0,
        deadline=2.5,
    )

    def break_it() -> None:  # a closed port: the connection is refused
        client.base_url = "http://127.0.0.1:9/geocoder"

    return Subject(client, break_it)


def _fake(census) -> Subject:
    fake = FakeDistrictLookup(
        {
            AUSTIN: [District("TX", 37)],
            WHITE_HOUSE: [District("DC", 0)],
            BROADWAY: [District("NY", 10)],
            SPLIT: [District("TX", 21), District("TX", 35)],
        }
    )

    def break_it() -> None:
        fake.failing = True

    return Subject(fake, break_it)


@pytest.fixture(params=[_census, _fake], ids=["census", "fake"])
def subject(request, census) -> Subject:
    census.reset()
    return request.param(census)


@pytest.mark.parametrize(
    ("address", "districts"),
    [
        (AUSTIN, {District("TX", 37)}),
        (WHITE_HOUSE, {District("DC", 0)}),
        (BROADWAY, {District("NY", 10)}),
        (SPLIT, {District("TX", 21), District("TX", 35)}),
        (CHEYENNE, {District("WY", 0)}),
        (GUAM, {District("GU", 0)}),
    ],
    ids=["one-district", "delegate", "two-matches-one-district", "split", "at-large", "island"],
)
def test_an_address_answers_every_district_it_matches(subject, address, districts):
    assert subject.lookup.districts_for(address, 119) == districts


def test_an_address_it_cannot_match_is_not_found(subject):
    with pytest.raises(AddressNotFound):
        subject.lookup.districts_for(NOWHERE, 119)


def test_a_service_that_fails_says_so_without_the_address(subject):
    subject.break_it()
    with pytest.raises(GeocoderFailed) as failed:
        subject.lookup.districts_for(AUSTIN, 119)
    assert "1100" not in str(failed.value)
    assert failed.value.status == 503 and failed.value.code == "geocoder_unavailable"


def test_the_app_runs_on_the_fake_when_configured(app_factory, census):
    """GEOCODER_BACKEND=fake: no request reaches the Census service."""
    census.reset()
    app = app_factory(GEOCODER_BACKEND="fake")
    response = app.test_client().post("/api/v1/lookup", json={"address": AUSTIN})
    assert response.status_code == 200
    assert response.get_json()["districts"] == [{"state": "TX", "district": 37}]
    assert census.requests == []
    lookup = app.extensions["advocacy.lookup"].geocoder
    assert isinstance(lookup, FakeDistrictLookup) and list(lookup.calls) == [(AUSTIN, 119)]
