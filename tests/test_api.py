"""The JSON API: lookups, letters, asks, OpenAPI, and errors that are always JSON."""

import json

import pytest

from advocacy import PROJECT_ROOT

AUSTIN = "1100 Congress Ave, Austin, TX 78701"
PERSON = {"name": "Ana Petrosyan", "city": "Austin", "zip": "78701"}


def test_lookup_by_address(client):
    response = client.post("/api/v1/lookup", json={"address": AUSTIN})
    assert response.status_code == 200
    data = response.get_json()
    assert data["congress"] == 119
    assert data["as_of"] == "2026-06-15"
    assert data["ambiguous"] is False
    assert data["districts"] == [{"state": "TX", "district": 37}]
    assert data["vacancies"] == []
    by_name = {m["name"]: m for m in data["members"]}
    assert set(by_name) == {"John Cornyn", "Ted Cruz", "Lloyd Doggett"}
    doggett = by_name["Lloyd Doggett"]
    assert doggett["title"] == "Representative" and doggett["chamber"] == "house"
    assert doggett["district"] == 37 and doggett["bioguide"] == "D000399"
    assert doggett["phone"] == "202-225-4865"
    assert any(o["city"] == "Austin" and o["phone"] for o in doggett["offices"])
    assert by_name["Ted Cruz"]["district"] is None and by_name["Ted Cruz"]["title"] == "Senator"


def test_lookup_white_house_is_the_delegate(client):
    data = client.post(
        "/api/v1/lookup", json={"address": "1600 Pennsylvania Ave NW, Washington, DC 20500"}
    ).get_json()
    assert [(m["title"], m["name"]) for m in data["members"]] == [
        ("Delegate", "Eleanor Holmes Norton")
    ]


def test_lookup_by_a_zip_without_a_zcta_in_a_single_seat_state(client):
    data = client.post("/api/v1/lookup", json={"zip": "20500"}).get_json()
    assert [m["name"] for m in data["members"]] == ["Eleanor Holmes Norton"]
    data = client.post("/api/v1/lookup", json={"zip": "96910"}).get_json()  # Guam
    assert [m["title"] for m in data["members"]] == ["Delegate"]


def test_lookup_by_state_and_district(client):
    data = client.post("/api/v1/lookup", json={"state": "PR", "district": 0}).get_json()
    assert [m["title"] for m in data["members"]] == ["Resident Commissioner"]
    data = client.post("/api/v1/lookup", json={"state": "wy", "district": "0"}).get_json()
    assert len(data["members"]) == 3


def test_lookup_vacant_seat(client):
    data = client.post("/api/v1/lookup", json={"state": "TX", "district": 23}).get_json()
    assert data["vacancies"] == [{"state": "TX", "district": 23}]
    assert [m["chamber"] for m in data["members"]] == ["senate", "senate"]


def test_lookup_ambiguous_zip_gives_every_candidate(client):
    data = client.post("/api/v1/lookup", json={"zip": "78704"}).get_json()
    assert data["ambiguous"] is True
    assert data["districts"] == [{"state": "TX", "district": 35}, {"state": "TX", "district": 37}]
    house = {m["district"]: m["name"] for m in data["members"] if m["chamber"] == "house"}
    assert house == {35: "Greg Casar", 37: "Lloyd Doggett"}
    assert sum(m["chamber"] == "senate" for m in data["members"]) == 2


def test_asks_lists_the_library(client):
    asks = client.get("/api/v1/asks").get_json()["asks"]
    slugs = [a["slug"] for a in asks]
    assert slugs == [
        "section-907",
        "sanctions",
        "humanitarian-aid",
        "security-assistance",
        "prisoners",
        "accountability",
        "aid-to-armenia",
    ]
    assert all(a["title"] and a["summary"] for a in asks)


def test_letters_for_every_member(client):
    response = client.post(
        "/api/v1/letters",
        json={"ask": "prisoners", "address": AUSTIN, "constituent": {**PERSON, "note": "Hi."}},
    )
    assert response.status_code == 200
    letters = response.get_json()["letters"]
    assert [letter["to"] for letter in letters] == [
        "Senator John Cornyn",
        "Senator Ted Cruz",
        "Representative Lloyd Doggett",
    ]
    doggett = letters[2]
    assert doggett["body"].startswith("Dear Representative Doggett,\n\nHi.\n\n")
    assert "Ruben Vardanyan" in doggett["body"]
    assert doggett["mailto"].startswith("mailto:?subject=The%20release%20of%20any%20Armenians")
    assert "Austin" in doggett["call_script"]
    assert letters[0]["contact_form"].startswith("https://")


def test_letters_by_state_and_district(client):
    response = client.post(
        "/api/v1/letters",
        json={"ask": "sanctions", "state": "DC", "district": 0, "constituent": PERSON},
    )
    (letter,) = response.get_json()["letters"]
    assert letter["body"].startswith("Dear Delegate Norton,")


def test_letters_refuse_an_ambiguous_zip(client):
    response = client.post(
        "/api/v1/letters", json={"ask": "sanctions", "zip": "78704", "constituent": PERSON}
    )
    assert response.status_code == 409
    assert response.get_json()["error"]["code"] == "ambiguous"


BAD_REQUESTS = [
    ("/api/v1/lookup", {}, 400, "missing_place"),
    ("/api/v1/lookup", {"address": ""}, 400, "invalid_input"),
    ("/api/v1/lookup", {"address": "x" * 10_000}, 400, "invalid_input"),
    ("/api/v1/lookup", {"address": 12}, 400, "invalid_input"),
    ("/api/v1/lookup", {"address": None}, 400, "invalid_input"),
    ("/api/v1/lookup", {"address": ["a"]}, 400, "invalid_input"),
    ("/api/v1/lookup", {"zip": 78701}, 400, "invalid_input"),
    ("/api/v1/lookup", {"zip": "7870"}, 400, "invalid_input"),
    ("/api/v1/lookup", {"state": "TX", "district": True}, 400, "invalid_input"),
    ("/api/v1/lookup", {"state": "TX", "district": 99}, 400, "invalid_input"),
    ("/api/v1/lookup", {"state": ["TX"], "district": 1}, 400, "invalid_input"),
    ("/api/v1/lookup", {"state": "TX", "district": {"a": 1}}, 400, "invalid_input"),
    ("/api/v1/lookup", {"address": "1 Nowhere Rd, Springfield, IL"}, 404, "address_not_found"),
    ("/api/v1/lookup", {"address": "1 Broken Rd, Austin, TX"}, 503, "geocoder_unavailable"),
    ("/api/v1/letters", {"address": AUSTIN, "constituent": PERSON}, 400, "unknown_ask"),
    ("/api/v1/letters", {"ask": "x", "address": AUSTIN, "constituent": PERSON}, 400, "unknown_ask"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": "me"}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": {**PERSON, "name": ""}}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": {**PERSON, "zip": "no"}}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": {**PERSON, "email": "nope"}}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": {**PERSON, "note": 5}}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": {**PERSON, "note": "x" * 5000}}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": "sanctions", "address": AUSTIN, "constituent": {**PERSON, "name": "x" * 500}}, 400, "invalid_input"),
    ("/api/v1/letters", {"ask": ["sanctions"], "address": AUSTIN, "constituent": PERSON}, 400, "unknown_ask"),
]  # fmt: skip


@pytest.mark.parametrize(("url", "payload", "status", "code"), BAD_REQUESTS)
def test_bad_requests_get_a_json_error_a_person_understands(client, url, payload, status, code):
    response = client.post(url, json=payload)
    assert response.status_code == status
    assert response.is_json
    error = response.get_json()["error"]
    assert error["code"] == code
    assert error["message"].endswith((".", ")")) and len(error["message"]) > 10


@pytest.mark.parametrize(
    ("body", "content_type", "status"),
    [
        ("not json", "application/json", 400),
        ('["a list"]', "application/json", 400),
        ('"a string"', "application/json", 400),
        ("address=1", "application/x-www-form-urlencoded", 415),
        ("", "application/json", 400),
        ('{"address": "\\u0000\\u0001"}', "application/json", 400),
    ],
)
def test_not_json_is_a_json_error(client, body, content_type, status):
    response = client.post("/api/v1/lookup", data=body, content_type=content_type)
    assert response.status_code == status
    assert response.get_json()["error"]["message"]


def test_unknown_routes_and_methods_answer_json(client):
    response = client.get("/api/v1/nothing")
    assert response.status_code == 404 and response.get_json()["error"]["code"] == "not_found"
    response = client.get("/api/v1/lookup")
    assert response.status_code == 405 and response.is_json


def test_oversized_body_is_a_json_413(client):
    response = client.post("/api/v1/lookup", data="x" * 600_000, content_type="application/json")
    assert response.status_code == 413 and response.is_json


def test_an_unexpected_error_is_a_json_500_without_details(app, client, monkeypatch):
    from advocacy import services

    def boom(*args):
        raise RuntimeError("1100 Congress Ave")

    monkeypatch.setattr(services.lookup.__globals__["Lookup"], "by_address", boom)
    response = client.post("/api/v1/lookup", json={"address": AUSTIN})
    assert response.status_code == 500
    assert response.get_json()["error"]["code"] == "internal_error"
    assert "1100" not in response.get_data(as_text=True)


def test_openapi_document_describes_every_route(client, app):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    assert spec["openapi"].startswith("3.")
    assert set(spec["paths"]) == {"/lookup", "/letters", "/asks"}
    assert spec["servers"][0]["url"] == "/api/v1"
    routes = {
        r.rule.removeprefix("/api/v1")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/api/v1/")
    }
    assert routes - {"/openapi.json"} == set(spec["paths"])
    json.loads((PROJECT_ROOT / "static" / "openapi.json").read_text())


@pytest.mark.parametrize(
    "raw",
    [
        '{"address": "\\ud800 1100 Congress Ave, Austin, TX 78701"}',
        '{"ask": "sanctions", "state": "TX", "district": 37, "constituent": {"name": "Ana\\ud800", "city": "Austin", "zip": "78701"}}',
    ],
)
def test_lone_surrogates_are_cleaned_not_a_500(client, raw):
    url = "/api/v1/letters" if "constituent" in raw else "/api/v1/lookup"
    response = client.post(url, data=raw, content_type="application/json")
    assert response.status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/lookup", "/api/v1/letters", "/count"])
def test_deeply_nested_json_is_a_400(client, url):
    raw = '{"a":' * 5000 + "1" + "}" * 5000
    response = client.post(url, data=raw, content_type="application/json")
    assert response.status_code == 400 and response.is_json


def test_an_address_matching_two_districts_says_so(client):
    body = {"ask": "sanctions", "address": "1 Split Street, Austin, TX", "constituent": PERSON}
    response = client.post("/api/v1/letters", json=body)
    assert response.status_code == 409
    assert "That address matches several districts" in response.get_json()["error"]["message"]


def test_api_note_is_cleaned_of_invisible_and_control_characters(client):
    note = "First\\r\\n\\r\\n\\r\\n\\r\\nsecond\\u0000\\u202eevil\\u0007"
    raw = json.dumps({"ask": "sanctions", "state": "DC", "district": 0, "constituent": PERSON})
    raw = raw[:-2] + f', "note": "{note}"}}}}'
    (letter,) = client.post(
        "/api/v1/letters", data=raw, content_type="application/json"
    ).get_json()["letters"]
    assert letter["body"].startswith("Dear Delegate Norton,\n\nFirst\n\nsecondevil\n\n")


@pytest.mark.parametrize("district", ["3_7", "\u0663\u0667", "37.0", " 3 7", -1, 3.7])
def test_district_must_be_plain_digits(client, district):
    response = client.post("/api/v1/lookup", json={"state": "TX", "district": district})
    assert response.status_code == 400


def test_a_numeric_zip_gets_a_helpful_message(client):
    response = client.post("/api/v1/lookup", json={"zip": 2139})
    assert 'as text, such as "02139"' in response.get_json()["error"]["message"]


def test_405_keeps_the_allow_header(client):
    response = client.get("/api/v1/letters")
    assert response.status_code == 405 and "POST" in response.headers["Allow"]


@pytest.mark.parametrize("zip_code", ["78701-1234", "787011234", " 78701 "])
def test_zip_plus_four_is_a_zip(client, zip_code):
    data = client.post("/api/v1/lookup", json={"zip": zip_code}).get_json()
    assert data["districts"] == [{"state": "TX", "district": 37}]
