"""The citizen pages, through the Flask client, against the loopback geocoder."""

import html
import re

import pytest
import sqlalchemy as sa

from advocacy.extensions import db
from advocacy.models import ActionCount

AUSTIN = "1100 Congress Ave, Austin, TX 78701"
WHITE_HOUSE = "1600 Pennsylvania Ave NW, Washington, DC 20500"
CHEYENNE = "200 W 24th St, Cheyenne, WY 82001"


def text(response):
    page = re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))
    return re.sub(r"\s+", " ", html.unescape(page))


def field_value(response, name):
    page = response.get_data(as_text=True)
    m = re.search(rf'<input[^>]*name="{name}"[^>]*value="([^"]*)"', page) or re.search(
        rf'<input[^>]*value="([^"]*)"[^>]*name="{name}"', page
    )
    return html.unescape(m.group(1)) if m else None


def test_home_offers_address_zip_and_manual_paths(client):
    page = text(client.get("/"))
    assert "Find your members by address" in page
    assert "Or use your ZIP code" in page
    assert "Or choose your state and district" in page


def test_home_without_data_tells_what_to_run(app_factory, tmp_path):
    client = app_factory(DATA_DIR=str(tmp_path / "empty")).test_client()
    response = client.get("/")
    assert response.status_code == 503
    assert "flask --app wsgi directory sync" in text(response)
    response = client.post("/lookup", data={"address": AUSTIN})
    assert response.status_code == 503
    assert "flask --app wsgi directory sync" in text(response)


def test_austin_is_tx37_lloyd_doggett_not_tx10(client):
    response = client.post("/lookup", data={"address": AUSTIN})
    assert response.status_code == 200
    page = text(response)
    assert "TX-37" in page and "Lloyd Doggett" in page
    assert "John Cornyn" in page and "Ted Cruz" in page
    assert "TX-10" not in page and "Michael T. McCaul" not in page
    assert "Member data as of June 15, 2026" in page
    assert "119th Congress" in page
    assert 'href="tel:+12022254865"' in response.get_data(as_text=True)


def test_results_prefill_city_and_zip_from_the_address(client):
    response = client.post("/lookup", data={"address": AUSTIN})
    assert field_value(response, "city") == "Austin"
    assert field_value(response, "zip") == "78701"


def test_the_white_house_is_represented_by_dcs_delegate(client):
    page = text(client.post("/lookup", data={"address": WHITE_HOUSE}))
    assert "Delegate Eleanor Holmes Norton" in page
    assert "District of Columbia has no senators" in page
    assert "Senator" not in page.replace("senators", "")


def test_cheyenne_is_wyoming_at_large_with_two_senators(client):
    page = text(client.post("/lookup", data={"address": CHEYENNE}))
    assert "Wyoming, at-large district" in page
    assert page.count("Senator ") >= 2
    assert "John Barrasso" in page and "Cynthia M. Lummis" in page
    assert "Harriet M. Hageman" in page


def test_a_repeated_address_costs_no_second_upstream_call(client, census):
    client.post("/lookup", data={"address": AUSTIN})
    client.post("/lookup", data={"address": "1100 congress ave,  austin, tx 78701"})
    assert len(census.requests) == 1


def test_zip_alone_uses_the_zip_table(client, census):
    page = text(client.post("/lookup", data={"zip": "78701"}))
    assert "Lloyd Doggett" in page and "TX-37" in page
    assert census.requests == []


def test_split_zip_shows_every_candidate_and_asks_for_the_street(client):
    page = text(client.post("/lookup", data={"zip": "78704"}))
    assert "split between 2 districts" in page
    assert "TX-35" in page and "TX-37" in page
    assert "Lloyd Doggett" in page and "Greg Casar" in page
    assert "Enter your street address" in page
    assert "Write to" not in page  # no letter until the district is known


def test_an_address_typed_as_a_zip_goes_to_the_zip_table(client, census):
    page = text(client.post("/lookup", data={"address": "82001"}))
    assert "Harriet M. Hageman" in page
    assert census.requests == []


def test_manual_path_lists_districts_with_members_and_vacancies(client):
    page = text(client.get("/district?state=TX"))
    assert "District 37: Representative Lloyd Doggett" in page
    assert "District 23: this seat is vacant" in page
    page = text(client.get("/district/TX/23"))
    assert "TX-23 is vacant" in page
    assert "John Cornyn" in page and "Ted Cruz" in page


def test_manual_path_names_the_delegates_and_resident_commissioner(client):
    assert "Resident Commissioner Pablo José Hernández" in text(client.get("/district/PR/0"))
    assert "Delegate" in text(client.get("/district?state=GU"))


@pytest.mark.parametrize("url", ["/district/TX/99", "/district/XX/1", "/district/tx/-1"])
def test_manual_path_unknown_seat_is_404(client, url):
    assert client.get(url).status_code == 404


def test_manual_path_unknown_state_is_a_clear_message(client):
    response = client.get("/district?state=ZZ")
    assert response.status_code == 422
    assert "Choose a state or territory" in text(response)


def test_vacant_seat_found_by_address_still_shows_senators(client):
    page = text(client.post("/lookup", data={"address": "1 Vacant Rd, Uvalde, TX 78801"}))
    assert "TX-23 is vacant" in page
    assert "John Cornyn" in page


@pytest.mark.parametrize(
    ("address", "message"),
    [
        ("", "Enter your street address"),
        ("   ", "Enter your street address"),
        ("x" * 10_000, "under 200 characters"),
        ("1 Nowhere Rd, Springfield, IL", "couldn't find that address"),
        ("\x00\x01\x02", "Enter your street address"),
        ("12", "full street address"),
    ],
    ids=["empty", "blank", "10k", "not-found", "control-chars", "too-short"],
)
def test_bad_addresses_get_a_clear_message_and_keep_the_typing(client, address, message):
    response = client.post("/lookup", data={"address": address})
    assert response.status_code == 422
    assert message in text(response)
    kept = field_value(response, "address")
    if address.strip() and address.isprintable():
        assert kept == address


def test_geocoder_outage_offers_the_fallbacks_and_keeps_the_address(client):
    address = "1 Broken Rd, Austin, TX 78701"
    response = client.post("/lookup", data={"address": address})
    assert response.status_code == 503
    page = text(response)
    assert "not answering right now" in page
    assert "ZIP code" in page and "choose your state" in page
    assert field_value(response, "address") == address


@pytest.mark.parametrize("zip_code", ["", "abc", "1234", "123456", "00000"])
def test_bad_zip_codes_get_a_clear_message(client, zip_code):
    response = client.post("/lookup", data={"zip": zip_code})
    assert response.status_code == 422
    assert "ZIP code" in text(response)


def test_zip_fallback_is_refused_when_the_table_describes_another_congress(app_factory):
    client = app_factory(ZIP_TABLE_CONGRESS=118).test_client()
    response = client.post("/lookup", data={"zip": "78701"})
    assert response.status_code == 422
    assert "Enter your street address instead" in text(response)


def test_after_january_3_2027_old_data_is_never_joined_to_the_new_map(app_factory, census):
    # The directory still lists the 119th Congress; the 120th sits. Naming members from the
    # 120th map would name the wrong person (downtown Austin is TX-10 there, TX-37 before).
    client = app_factory(NOW="2027-02-01T15:00:00+00:00").test_client()
    for data in ({"address": AUSTIN}, {"zip": "78701"}):
        response = client.post("/lookup", data=data)
        assert response.status_code == 503
        page = text(response)
        assert "describes the 119th Congress, but the 120th Congress is now in office" in page
        assert "flask --app wsgi directory sync" in page
    assert census.requests == []
    api = client.post("/api/v1/lookup", json={"address": AUSTIN})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "data_outdated"
    # The manual path still works from the directory's own map, with a warning.
    page = text(client.get("/district/TX/37"))
    assert "Lloyd Doggett" in page and "may be out of date" in page
    assert "119th Congress" in page
    assert "District 14: this seat is vacant" in text(client.get("/district?state=CA"))


LETTER = {
    "ask": "section-907",
    "name": "Ana Petrosyan",
    "city": "Austin",
    "zip": "78701",
    "email": "ana@example.org",
    "note": "My grandmother was born in Stepanakert.",
    "street": "12 Elm St",
    "state": "TX",
    "district": "37",
}


def letter_body(response):
    page = response.get_data(as_text=True)
    m = re.search(r"<textarea[^>]*name=\"body\"[^>]*>(.*?)</textarea>", page, re.S)
    # A browser drops the newline that follows <textarea>.
    return html.unescape(m.group(1)).removeprefix("\r\n") if m else None


def test_letter_page_puts_the_persons_words_first_and_cites_sources(client):
    response = client.post("/letter", data={**LETTER, "member": "D000399"})
    assert response.status_code == 200
    body = letter_body(response)
    assert body.startswith(
        "Dear Representative Doggett,\n\nMy grandmother was born in Stepanakert."
    )
    assert "Ana Petrosyan\nAustin, TX 78701\nana@example.org" in body
    assert "Sources:\n[1] https://" in body
    page = text(response)
    assert "Your letter to Representative Lloyd Doggett" in page
    assert "I'm a constituent from Austin, ZIP code 78701" in page
    assert "I don't need a reply" in page


def test_letter_page_links_contact_form_mailto_and_phones(client):
    html = client.post("/letter", data={**LETTER, "member": "C001056"}).get_data(as_text=True)
    assert "Official contact form" in html or "official contact form" in html
    assert 'href="mailto:?subject=' in html
    assert 'href="tel:+12022242934"' in html  # Cornyn's Washington office
    assert "district office" in html


def test_senator_on_foreign_relations_gets_the_committee_paragraph(client):
    data = {**LETTER, "state": "WY", "district": "0", "city": "Cheyenne", "zip": "82001"}
    body = letter_body(client.post("/letter", data={**data, "member": "B001261"}))
    assert "As a member of the Senate Committee on Foreign Relations" in body


def test_letter_form_errors_keep_everything_typed(client):
    data = {**LETTER, "name": "", "zip": "ABCDE", "member": "D000399"}
    response = client.post("/letter", data=data)
    assert response.status_code == 422
    page = text(response)
    assert "Enter your name" in page
    assert "5-digit ZIP code" in page
    assert field_value(response, "city") == "Austin"
    assert "My grandmother was born in Stepanakert." in response.get_data(as_text=True)


def test_letter_for_someone_who_is_not_your_member_is_refused(client):
    response = client.post("/letter", data={**LETTER, "member": "B001261"})  # a Wyoming senator
    assert response.status_code == 422
    assert "Choose whom to write to" in text(response)


@pytest.mark.parametrize(
    "changes",
    [{"state": "", "district": ""}, {"district": "abc"}, {"state": "ZZ"}, {"ask": "nope"}],
)
def test_tampered_letter_forms_never_500(client, changes):
    response = client.post("/letter", data={**LETTER, "member": "D000399", **changes})
    assert response.status_code == 422


def count_rows():
    return db.session.scalars(sa.select(ActionCount)).all()


def test_marking_sent_counts_once_and_keeps_the_edited_letter(app, client):
    edited = "Dear Representative Doggett,\n\nMy own words only."
    data = {**LETTER, "shown": "D000399", "subject": "My subject", "body": edited, "action": "sent"}
    response = client.post("/letter", data=data)
    assert "Thank you for writing" in text(response)
    assert letter_body(response) == edited
    client.post("/letter", data={**data, "counted": "sent"})  # a reload of the same page
    with app.app_context():
        rows = count_rows()
        assert [(r.action, r.ask, r.chamber, r.state, r.district, r.count) for r in rows] == [
            ("sent", "section-907", "house", "TX", 37, 1)
        ]


def test_count_endpoint_records_calls_for_senators_statewide(app, client):
    response = client.post(
        "/count", json={"action": "called", "ask": "sanctions", "member": "C001056"}
    )
    assert response.status_code == 200
    with app.app_context():
        (row,) = count_rows()
        assert (row.action, row.chamber, row.state, row.district, row.count) == (
            "called",
            "senate",
            "TX",
            -1,
            1,
        )


@pytest.mark.parametrize(
    "payload",
    [
        {"action": "sent", "ask": "nope", "member": "C001056"},
        {"action": "hacked", "ask": "sanctions", "member": "C001056"},
        {"action": "sent", "ask": "sanctions", "member": "X999"},
        {"action": "sent", "ask": "sanctions", "member": ["C001056"]},
        [],
    ],
)
def test_count_endpoint_rejects_bad_input(client, payload):
    assert client.post("/count", json=payload).status_code == 400


def test_print_view_is_a_postal_letter(client):
    data = {
        **LETTER,
        "shown": "D000399",
        "subject": "Enforce Section 907",
        "body": "Dear Representative Doggett,\n\nText.",
    }
    response = client.post("/letter/print", data=data)
    page = text(response)
    assert "The Honorable Lloyd Doggett" in page
    assert "U.S. House of Representatives" in page
    assert "Washington, DC 20515" in page
    assert "Ana Petrosyan 12 Elm St Austin, TX 78701" in page
    assert "Re: Enforce Section 907" in page


def test_print_view_for_a_senator_uses_the_senate(client):
    data = {**LETTER, "shown": "C001056", "subject": "S", "body": "B"}
    page = text(client.post("/letter/print", data=data))
    assert "The Honorable John Cornyn" in page and "United States Senate" in page


def test_sent_marks_do_not_follow_to_the_next_member(client):
    data = {**LETTER, "shown": "D000399", "body": "x", "counted": "sent", "member": "C001056"}
    page = client.post("/letter", data=data).get_data(as_text=True)
    assert "Your letter to Senator John Cornyn" in page
    assert re.search(r'<button[^>]*value="sent"[^>]*>', page).group(0).count("disabled") == 0


def test_a_long_note_is_refused_with_a_message_and_kept_whole(client):
    note = "word " * 500  # 2,500 characters
    response = client.post("/letter", data={**LETTER, "note": note, "member": "D000399"})
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "Keep this under 2000 characters" in page
    assert note.strip() in page
    assert not re.search(r'<textarea[^>]*name="note"[^>]*maxlength', page)


def test_a_database_failure_never_costs_the_person_their_letter(app, client):
    with app.app_context():
        db.session.execute(sa.text("DROP TABLE action_count"))
        db.session.commit()
    edited = "Dear Representative Doggett,\n\nKeep this."
    data = {**LETTER, "shown": "D000399", "body": edited, "action": "sent"}
    response = client.post("/letter", data=data)
    assert response.status_code == 200
    assert "couldn't record that just now" in text(response)
    assert letter_body(response) == edited
    api = client.post("/count", json={"action": "sent", "ask": "sanctions", "member": "C001056"})
    assert api.status_code == 503 and api.get_json()["error"]["code"] == "count_failed"


def test_a_form_field_sent_as_a_file_is_refused_politely(client):
    from io import BytesIO

    response = client.post(
        "/lookup",
        data={"address": (BytesIO(b"1100 Congress Ave"), "a.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422
    assert "Enter your street address" in text(response)
    response = client.post(
        "/letter",
        data={**LETTER, "member": "D000399", "name": (BytesIO(b"x"), "n.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 422


def test_a_letter_over_the_limit_is_refused_on_the_letter_page_and_kept(client):
    long_body = "Ա" * 20_001  # Armenian: 2 bytes each, 6 once percent-encoded
    data = {**LETTER, "shown": "D000399", "subject": "S", "body": long_body, "action": "sent"}
    response = client.post("/letter", data=data)
    assert response.status_code == 422
    assert "The letter is too long" in text(response)
    assert letter_body(response) == long_body
    assert "Your letter to Representative Lloyd Doggett" in text(response)


def test_printing_with_a_too_long_subject_keeps_the_letter(client):
    data = {**LETTER, "shown": "D000399", "subject": "S" * 400, "body": "My edits."}
    response = client.post("/letter/print", data=data)
    assert response.status_code == 422
    assert "Shorten the subject" in text(response)
    assert letter_body(response) == "My edits."


def test_an_address_matching_two_districts_says_address_not_zip(client):
    page = text(client.post("/lookup", data={"address": "1 Split Street, Austin, TX"}))
    assert "Your address matches 2 districts" in page
    assert "ZIP code is split" not in page
    assert "TX-21" in page and "TX-35" in page
