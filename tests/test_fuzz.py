"""Whatever a person or a program sends, the answer is a clear message, never a 500."""

import string

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("\x00\n\r\t<>&\"'{}%"),
    max_size=300,
)
JSON = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
PLACE = st.fixed_dictionaries(
    {},
    optional={
        "address": JSON | TEXT,
        "zip": JSON | st.text(alphabet=string.digits + "- ", max_size=12),
        "state": JSON | st.sampled_from(["TX", "tx", "DC", "PR", "GU", "ZZ", ""]),
        "district": JSON | st.integers(-5, 60),
    },
)
FUZZ = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@pytest.fixture
def client(app_factory):
    """A client whose rate limits leave room for every generated example."""
    return app_factory(
        LOOKUP_RATE_LIMIT="100000 per minute", WRITE_RATE_LIMIT="100000 per minute"
    ).test_client()


def _assert_clear(response):
    assert response.status_code < 500 or response.status_code == 503, response.get_data(
        as_text=True
    )
    assert response.is_json
    if response.status_code >= 400:
        assert response.get_json()["error"]["message"]


@FUZZ
@given(payload=PLACE)
def test_api_lookup_never_fails_badly(client, payload):
    _assert_clear(client.post("/api/v1/lookup", json=payload))


@FUZZ
@given(
    place=PLACE,
    ask=JSON | st.sampled_from(["sanctions", "prisoners"]),
    person=st.fixed_dictionaries(
        {},
        optional={
            "name": JSON | TEXT,
            "city": JSON | TEXT,
            "zip": JSON | TEXT,
            "email": JSON | TEXT,
            "note": JSON | TEXT,
        },
    )
    | JSON,
)
def test_api_letters_never_fails_badly(client, place, ask, person):
    _assert_clear(client.post("/api/v1/letters", json={**place, "ask": ask, "constituent": person}))


@FUZZ
@given(body=st.binary(max_size=500))
def test_api_survives_any_bytes(client, body):
    _assert_clear(client.post("/api/v1/lookup", data=body, content_type="application/json"))


FORM_FIELDS = [
    "address",
    "zip",
    "ask",
    "name",
    "city",
    "email",
    "note",
    "street",
    "state",
    "district",
    "member",
    "shown",
    "subject",
    "body",
    "action",
    "counted",
]


@FUZZ
@given(form=st.dictionaries(st.sampled_from(FORM_FIELDS), TEXT, max_size=10))
def test_pages_answer_any_form_without_a_500(client, form):
    for url in ("/lookup", "/letter", "/letter/print"):
        response = client.post(url, data=form)
        assert response.status_code in (200, 422, 503), (url, response.status_code)
        assert "<h1" in response.get_data(as_text=True)
