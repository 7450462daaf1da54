"""Headers, CSRF, rate limits (memory and Redis), privacy, and start-up configuration."""

import logging
import os
import re
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from advocacy import create_app
from advocacy.extensions import db

AUSTIN = "1100 Congress Ave, Austin, TX 78701"
REDIS = "redis://127.0.0.1:6379"


def test_security_headers_on_every_page(client):
    for response in (client.get("/"), client.post("/lookup", data={"address": AUSTIN})):
        csp = response.headers["Content-Security-Policy"]
        assert "script-src 'self'" in csp and "unsafe-inline" not in csp
        assert "frame-ancestors 'none'" in csp
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Referrer-Policy"] == "same-origin"


def test_answers_to_posts_are_never_cached(client):
    response = client.post("/lookup", data={"address": AUSTIN})
    assert response.headers["Cache-Control"] == "no-store"


def test_hsts_when_configured(app_factory):
    response = app_factory(HSTS=True).test_client().get("/")
    assert "max-age=" in response.headers["Strict-Transport-Security"]


def test_what_a_person_types_is_escaped(client):
    response = client.post("/lookup", data={"address": '<script>alert("x")</script> Rd, TX'})
    page = response.get_data(as_text=True)
    assert '<script>alert("x")</script>' not in page
    assert "&lt;script&gt;" in page


def test_no_inline_script_or_style_in_pages(client):
    for response in (client.get("/"), client.post("/lookup", data={"address": AUSTIN})):
        page = response.get_data(as_text=True)
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", page)
        assert "<style" not in page and " style=" not in page and " onclick=" not in page


@pytest.fixture
def csrf_client(app_factory):
    return app_factory(WTF_CSRF_ENABLED=True).test_client()


def test_forms_without_a_csrf_token_are_refused_politely(csrf_client):
    response = csrf_client.post("/lookup", data={"address": AUSTIN})
    assert response.status_code == 400
    assert "This form has expired" in response.get_data(as_text=True)
    response = csrf_client.post(
        "/count", json={"action": "sent", "ask": "sanctions", "member": "C001056"}
    )
    assert response.status_code == 400 and response.is_json


def test_forms_with_the_csrf_token_work(csrf_client):
    home = csrf_client.get("/").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', home).group(1)
    response = csrf_client.post("/lookup", data={"address": AUSTIN, "csrf_token": token})
    assert response.status_code == 200 and "Lloyd Doggett" in response.get_data(as_text=True)
    response = csrf_client.post(
        "/count",
        json={"action": "sent", "ask": "sanctions", "member": "C001056"},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200


def test_the_api_needs_no_csrf_token(csrf_client):
    response = csrf_client.post("/api/v1/lookup", json={"state": "WY", "district": 0})
    assert response.status_code == 200


def test_lookups_are_rate_limited_with_a_friendly_page(app_factory):
    client = app_factory(LOOKUP_RATE_LIMIT="2 per minute").test_client()
    for _ in range(2):
        assert client.post("/lookup", data={"zip": "82001"}).status_code == 200
    response = client.post("/lookup", data={"zip": "82001"})
    assert response.status_code == 429
    assert "Please wait a minute" in response.get_data(as_text=True)
    api = client.post("/api/v1/lookup", json={"zip": "82001"})
    assert api.status_code == 429 and api.get_json()["error"]["code"] == "rate_limited"
    # Pages that cost nothing are not limited.
    assert client.get("/").status_code == 200


def test_counts_are_rate_limited(app_factory):
    client = app_factory(WRITE_RATE_LIMIT="1 per minute").test_client()
    payload = {"action": "sent", "ask": "sanctions", "member": "C001056"}
    assert client.post("/count", json=payload).status_code == 200
    assert client.post("/count", json=payload).status_code == 429


def test_rate_limits_hold_across_workers_with_redis(app_factory):
    config = {
        "LOOKUP_RATE_LIMIT": "3 per minute",
        "RATELIMIT_STORAGE_URI": REDIS,
        "RATELIMIT_KEY_PREFIX": f"test-{uuid.uuid4().hex}",
    }
    workers = [app_factory(**config).test_client() for _ in range(2)]
    codes = [workers[i % 2].post("/lookup", data={"zip": "82001"}).status_code for i in range(4)]
    assert codes == [200, 200, 200, 429]


def test_privacy_nothing_personal_is_logged_or_stored(app, client, caplog):
    caplog.set_level(logging.DEBUG)
    secret_address = "1100 Congress Ave, Austin, TX 78701"
    person = {"name": "Zabel Yesayan", "email": "zabel@example.org", "note": "Private words"}
    client.post("/lookup", data={"address": secret_address})
    client.post("/lookup", data={"address": "1 Broken Rd, Secretville, TX"})  # a logged failure
    form = {
        "ask": "sanctions",
        **person,
        "city": "Austin",
        "zip": "78701",
        "street": "12 Elm St",
        "state": "TX",
        "district": "37",
        "member": "D000399",
    }
    client.post("/letter", data=form)
    client.post(
        "/letter", data={**form, "shown": "D000399", "body": "Private words", "action": "sent"}
    )
    client.post(
        "/api/v1/letters",
        json={
            "ask": "sanctions",
            "address": secret_address,
            "constituent": {"name": person["name"], "city": "Austin", "zip": "78701"},
        },
    )
    logged = "\n".join(r.getMessage() for r in caplog.records)
    for secret in ("1100 Congress", "Secretville", "Zabel", "zabel@", "Private words", "12 Elm"):
        assert secret not in logged
    with app.app_context():
        dump = []
        for table in db.metadata.sorted_tables:
            dump += [repr(row) for row in db.session.execute(sa.select(table))]
        stored = "\n".join(dump)
    assert "sent" in stored  # the anonymous count is there
    for secret in ("1100", "Congress Ave", "Zabel", "zabel@", "Private", "Elm"):
        assert secret not in stored
    with client.session_transaction() as session:
        assert set(session) <= {"csrf_token"}


def test_create_app_refuses_the_dev_secret_outside_debug(monkeypatch):
    monkeypatch.delenv("ADVOCACY_SECRET_KEY", raising=False)
    with pytest.raises(RuntimeError, match="ADVOCACY_SECRET_KEY"):
        create_app()


def test_config_comes_from_prefixed_environment_variables(monkeypatch, tmp_path):
    monkeypatch.setenv("ADVOCACY_SECRET_KEY", "an-environment-secret-key")
    monkeypatch.setenv("ADVOCACY_LOOKUP_RATE_LIMIT", "7 per minute")
    monkeypatch.setenv("ADVOCACY_CENSUS_READ_TIMEOUT", "2.5")
    monkeypatch.setenv("ADVOCACY_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv("ADVOCACY_CENSUS_VINTAGES__121", "ACS2028_Current")
    app = create_app()
    assert app.config["SECRET_KEY"] == "an-environment-secret-key"
    assert app.config["LOOKUP_RATE_LIMIT"] == "7 per minute"
    assert app.config["CENSUS_READ_TIMEOUT"] == 2.5
    assert app.config["CENSUS_VINTAGES"]["121"] == "ACS2028_Current"


@pytest.mark.parametrize(
    ("key", "value"), [("GEOCODER_BACKEND", "fake"), ("NOW", "2026-11-25T15:30:00+00:00")]
)
def test_production_refuses_the_settings_of_tests_and_demos(monkeypatch, tmp_path, key, value):
    """The in-process geocoder keeps addresses and a frozen clock stops time: never in
    production."""
    monkeypatch.setenv("ADVOCACY_SECRET_KEY", "an-environment-secret-key")
    monkeypatch.setenv("ADVOCACY_SQLALCHEMY_DATABASE_URI", f"sqlite:///{tmp_path}/x.db")
    monkeypatch.setenv(f"ADVOCACY_{key}", value)
    with pytest.raises(RuntimeError, match=key):
        create_app()


def test_test_config_ignores_the_environment(monkeypatch, app_factory):
    monkeypatch.setenv("ADVOCACY_LOOKUP_RATE_LIMIT", "1 per day")
    assert app_factory().config["LOOKUP_RATE_LIMIT"] != "1 per day"


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("LOOKUP_RATE_LIMIT", "lots", "not a rate limit"),
        ("CONGRESS", "next", "CONGRESS"),
        ("GEOCODER_BACKEND", "google", "GEOCODER_BACKEND"),
        ("NOW", "yesterday", "NOW must be an ISO date"),
    ],
)
def test_bad_settings_stop_the_start(app_factory, key, value, message):
    with pytest.raises(RuntimeError, match=message):
        app_factory(**{key: value})


def test_healthz_reports_the_data(client, app_factory, tmp_path):
    assert client.get("/healthz").get_json()["status"] == "ok"
    empty = app_factory(DATA_DIR=str(tmp_path / "none")).test_client().get("/healthz")
    assert empty.status_code == 503


def test_behind_a_proxy_limits_apply_per_client_address(app_factory):
    client = app_factory(PROXY_COUNT=1, LOOKUP_RATE_LIMIT="1 per minute").test_client()

    def lookup(ip):
        return client.post("/lookup", data={"zip": "82001"}, headers={"X-Forwarded-For": ip})

    assert lookup("203.0.113.1").status_code == 200
    assert lookup("203.0.113.1").status_code == 429
    assert lookup("203.0.113.2").status_code == 200


def test_without_a_proxy_setting_forwarded_headers_are_ignored(app_factory):
    client = app_factory(LOOKUP_RATE_LIMIT="1 per minute").test_client()
    first = client.post(
        "/lookup", data={"zip": "82001"}, headers={"X-Forwarded-For": "203.0.113.1"}
    )
    second = client.post(
        "/lookup", data={"zip": "82001"}, headers={"X-Forwarded-For": "203.0.113.2"}
    )
    assert (first.status_code, second.status_code) == (200, 429)


def test_pages_are_private_to_one_visitor(client):
    assert client.get("/").headers["Cache-Control"] == "private, no-cache"


def test_hsts_setting_also_secures_the_session_cookie(app_factory):
    assert app_factory(HSTS=True).config["SESSION_COOKIE_SECURE"] is True


def test_sent_and_called_share_one_write_budget(app_factory):
    client = app_factory(WRITE_RATE_LIMIT="2 per minute").test_client()
    form = {
        "ask": "sanctions",
        "name": "Ana",
        "city": "Austin",
        "zip": "78701",
        "state": "TX",
        "district": "37",
        "shown": "D000399",
        "body": "x",
    }
    assert (
        client.post(
            "/count", json={"action": "sent", "ask": "sanctions", "member": "C001056"}
        ).status_code
        == 200
    )
    assert client.post("/letter", data={**form, "action": "called"}).status_code == 200
    assert client.post("/letter", data={**form, "action": "sent"}).status_code == 429
    # Writing letters without counting is not limited by the write budget.
    assert client.post("/letter", data=form).status_code == 200


def test_letter_rendering_has_its_own_budget(app_factory):
    client = app_factory(RENDER_RATE_LIMIT="2 per minute").test_client()
    form = {
        "ask": "sanctions",
        "name": "Ana",
        "city": "Austin",
        "zip": "78701",
        "state": "TX",
        "district": "37",
        "member": "D000399",
    }
    codes = [client.post("/letter", data=form).status_code for _ in range(3)]
    assert codes == [200, 200, 429]


def test_forwarded_addresses_count_only_from_the_configured_proxies(app_factory):
    """A client that reaches the app directly can't claim a new address (and budget) with
    every request by forging X-Forwarded-For."""
    client = app_factory(
        PROXY_COUNT=1, TRUSTED_PROXIES=["10.0.0.0/8"], LOOKUP_RATE_LIMIT="2 per minute"
    ).test_client()

    def lookup(forged, peer="127.0.0.1"):
        return client.post(
            "/lookup", data={"zip": "82001"},
            headers={"X-Forwarded-For": forged}, environ_base={"REMOTE_ADDR": peer},
        ).status_code  # fmt: skip

    assert [lookup(f"203.0.113.{i}") for i in range(3)] == [200, 200, 429]
    # Through the proxy, each client has its own budget.
    assert lookup("198.51.100.1", peer="10.1.2.3") == 200
    assert lookup("198.51.100.2", peer="10.1.2.3") == 200


def _serving(**env):
    """advocacy.serving (gunicorn's settings) imported under these settings."""
    script = "import advocacy.serving as s; print(s.workers, s.threads, s.bind)"
    return subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True,
        env={**os.environ, "ADVOCACY_SECRET_KEY": "serving-test-secret-key-0123", **env},
    )  # fmt: skip


def test_the_run_command_keeps_rate_limits_exact():
    """Limits in memory are per process: one worker with them, several only with Redis."""
    assert _serving().stdout.split() == ["1", "16", "127.0.0.1:8000"]
    refused = _serving(WORKERS="2")
    assert refused.returncode != 0 and "ADVOCACY_RATELIMIT_STORAGE_URI=redis" in refused.stderr
    shared = _serving(ADVOCACY_RATELIMIT_STORAGE_URI=REDIS, PORT="9000")
    assert shared.stdout.split() == ["2", "8", "127.0.0.1:9000"]
