"""The directory: messy real data normalised into members a person can contact."""

from datetime import date

import pytest

from advocacy.directory import clean_url, washington_lines
from advocacy.recipients import Kind
from advocacy.release import ReleaseStore


@pytest.fixture(scope="module")
def directory(synced):
    return ReleaseStore(synced).current().directory


def test_counts_match_the_snapshot(directory):
    senate = [m for m in directory.members if m.chamber == "senate"]
    house = [m for m in directory.members if m.chamber == "house"]
    assert len(senate) == 100
    assert len(house) == 437
    assert all(len(directory.senators(s)) == 2 for s in {m.state for m in senate})


def test_titles_follow_the_seat(directory):
    assert directory.representative("TX", 37).title == "Representative"
    assert directory.representative("DC", 0).title == "Delegate"
    assert directory.representative("GU", 0).title == "Delegate"
    assert directory.representative("PR", 0).title == "Resident Commissioner"
    assert directory.senators("TX")[0].title == "Senator"
    assert directory.representative("TX", 37).salutation == "Representative Doggett"


def test_at_large_seats_are_district_zero(directory):
    wy = directory.representative("WY", 0)
    assert wy is not None and wy.seat == "Wyoming (at large)"
    assert directory.house_districts("WY") == [0]


def test_member_without_official_full_name_gets_first_and_last(directory):
    gallagher = directory.member("G000607")
    assert gallagher.name == "James Gallagher"
    # No phone, office or website in the data: nothing is invented.
    assert gallagher.phone is None and gallagher.website is None
    assert gallagher.offices == ()
    assert gallagher.postal == ("U.S. House of Representatives", "Washington, DC 20515")


def test_malformed_contact_form_url_is_repaired(directory):
    fine = next(m for m in directory.members if m.last_name == "Fine")
    assert (
        fine.contact_form == "https://fine.house.gov/address_authentication?form=/contact/email-me"
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("hhttps://fine.house.gov/x", "https://fine.house.gov/x"),
        ("http://www.house.gov/doggett", "http://www.house.gov/doggett"),
        ("javascript:alert(1)", None),
        ("not a url", None),
        (None, None),
        (42, None),
    ],
)
def test_clean_url(raw, clean):
    assert clean_url(raw) == clean


def test_appointed_senators_past_their_listed_end_are_kept_with_a_note(directory, words):
    ohio = directory.senators("OH")
    assert len(ohio) == 2
    husted = next(m for m in ohio if m.last_name == "Husted")
    assert husted.kind is Kind.SENATOR and husted.appointed
    note = words("term_note", husted, date(2026, 11, 25))
    assert "Appointed" in note and "no successor" in note
    assert words("term_note", husted, husted.term_end.replace(day=1)) == ""  # not ended yet
    assert len(directory.senators("FL")) == 2


def test_washington_address_is_split_into_postal_lines():
    assert washington_lines("272 Cannon House Office Building Washington DC 20515-0104") == (
        "272 Cannon House Office Building",
        "Washington, DC 20515-0104",
    )
    assert washington_lines(None) == ()


def test_phones_list_washington_then_district_offices(directory):
    doggett = directory.representative("TX", 37)
    assert doggett.phones[0].main and doggett.phones[0].phone == "202-225-4865"
    assert doggett.phones[0].zone == "America/New_York"
    assert any(
        o.city == "Austin" and o.phone and o.zone == "America/Chicago" for o in doggett.phones[1:]
    )


def test_committees_with_jurisdiction_come_from_membership(directory):
    risch = directory.member("R000584")  # chairs Senate Foreign Relations
    assert "Senate Committee on Foreign Relations" in risch.committees
    assert directory.representative("TX", 37).committees == ()


def test_vacant_seats_are_absent(directory):
    for state, district in (("CA", 14), ("FL", 20), ("GA", 13), ("TX", 23)):
        assert directory.representative(state, district) is None


def test_directory_is_stale_once_the_terms_it_lists_have_ended(directory):
    assert not directory.is_stale(date(2026, 11, 25))
    assert directory.is_stale(date(2027, 2, 1))


def test_store_without_data_says_so(tmp_path):
    assert ReleaseStore(tmp_path).current() is None


def test_members_and_a_campaigns_office_are_recipients_of_one_shape(directory):
    from advocacy.campaigns import target_recipient
    from advocacy.models import Target
    from advocacy.recipients import Channel

    doggett = directory.representative("TX", 37)
    assert (doggett.kind, doggett.chamber, doggett.in_congress) == (
        Kind.REPRESENTATIVE, "house", True,
    )  # fmt: skip
    assert doggett.full_name == "Representative Lloyd Doggett" and doggett.seat == "TX-37"
    assert doggett.postal[0] == "U.S. House of Representatives"
    assert doggett.contact_form is None and doggett.channels == {Channel.POST}  # a website only
    fine = next(m for m in directory.members if m.last_name == "Fine")
    assert fine.channels == {Channel.CONTACT_FORM, Channel.POST}
    assert directory.representative("PR", 0).kind is Kind.RESIDENT_COMMISSIONER
    assert directory.representative("DC", 0).kind is Kind.DELEGATE
    office = target_recipient(
        Target(id=3, title="Administrator, USAID", name="", phone="202-712-0000",
               url="https://www.usaid.gov/contact", email="info@example.org")
    )  # fmt: skip
    assert (office.kind, office.chamber, office.in_congress) == (Kind.OFFICE, None, False)
    assert office.id == "target-3" and office.full_name == "Administrator, USAID"
    assert office.salutation == "the Administrator, USAID" and office.seat == "Administrator, USAID"
    assert office.channels == {Channel.CONTACT_FORM, Channel.EMAIL}  # no postal address known
    assert office.phones[0].main and office.phones[0].zone == "America/New_York"
