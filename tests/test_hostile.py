"""Hostile input over every route, on SQLite and on PostgreSQL: whatever a person or a script
sends (in the path, the query, a form, JSON, the Host header, or as malformed HTTP on a raw
socket to the shipped server), the answer is never a 5xx."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from advocacy import PROJECT_ROOT
from advocacy.extensions import db
from tests.conftest import PASSWORD, make_campaign, make_organizer, make_visit
from tests.test_storage import POSTGRES

SLUG = "hostile-test"
HOSTILE = [
    "a\x00b", "%00", "x" * 300, "ü", "..", "../..", "%ff", "<script>", "{{7*7}}", "-1", "1e9",
    "99999999999999999999", " ", "\u200b", "\ud7ff", "null", "[]", "TX'--", "\r\nSet-Cookie: a=b",
]  # fmt: skip
VALID = {
    "slug": [SLUG], "state": ["TX", "WY", "DC"], "number": ["37", "0", "1"],
    "kind": ["png", "svg"], "filename": ["app.js", "style.css"],
}  # fmt: skip
FIELDS = [
    "address", "zip", "ask", "name", "city", "email", "note", "street", "state", "district",
    "member", "shown", "subject", "body", "action", "counted", "c", "ref", "token", "visit",
    "outcome", "log", "only", "first_name", "password", "current", "new", "title", "slug",
    "description", "asks", "status", "ends_on", "goal", "show_progress", "opening", "closing",
    "call_starts", "call_ends", "call_zone", "bill", "call_script", "targets-0-name",
    "targets-0-phone", "targets-0-url", "targets-0-email", "targets-0-title", "next",
]  # fmt: skip
GOOD_VALUES = [
    "82001", "78701", "TX", "37", "sanctions", "prisoners", "C001056", "Austin", "sent",
    "called", "skip", "live", "draft", SLUG, "2026-12-01T09:00", "H.R. 1234 (119th Congress)",
    "1100 Congress Ave, Austin, TX 78701", "a@b.org", PASSWORD, "America/New_York", "targets",
]  # fmt: skip
TEXT = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",))
    | st.sampled_from("\x00\n\r\t<>&\"'{}%\u200b\u202e"),
    max_size=80,
)
VALUE = st.sampled_from(GOOD_VALUES + HOSTILE) | TEXT | st.just("x" * 5000)
HOSTS = ["localhost", "a" * 70 + ".example", "10.0.0.1", "evil.example", "[::1]", "x..y", ""]
OPTS = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "150")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture(params=["sqlite", "postgresql"])
def target(request, app_factory):
    """The app on either database, with a live campaign and budgets out of the way; a client
    signed in as its organizer, one as another organizer, and an anonymous one."""
    unlimited = "100000 per minute"
    config = {f"{k}_RATE_LIMIT": unlimited for k in ("LOOKUP", "WRITE", "RENDER", "LOGIN", "CALL")}
    if request.param == "postgresql":
        config["SQLALCHEMY_DATABASE_URI"] = POSTGRES
    app = app_factory(GEOCODER_BACKEND="fake", TRUSTED_HOSTS=["localhost"], **config)
    with app.app_context():
        db.drop_all()
        db.create_all()
    owner = make_organizer(app, "owner@example.org")
    make_organizer(app, "other@example.org")
    make_campaign(app, owner, SLUG, targets=({"title": "Office", "name": "Office of Peace", "phone": "202-555-0100",
                                         "url": "", "email": "", "greeting": ""},))  # fmt: skip
    clients = {}
    for who in ("owner", "other", "anonymous"):
        clients[who] = app.test_client()
        if who != "anonymous":
            login = {"email": f"{who}@example.org", "password": PASSWORD}
            clients[who].post("/organizer/login", data=login, base_url="http://localhost")
    yield app, clients, make_visit(app, SLUG, "TX", "37")
    with app.app_context():
        db.session.remove()
        db.drop_all()
        db.engine.dispose()


def _requests(app, visit: str):
    """A strategy of (method, path, query, form, json, host)."""
    rules = [r for r in app.url_map.iter_rules() if r.endpoint != "static"]

    @st.composite
    def one(draw):
        rule = draw(st.sampled_from(rules))
        method = draw(st.sampled_from(sorted(rule.methods - {"HEAD", "OPTIONS"})))
        path = rule.rule
        for arg in rule.arguments:
            value = draw(st.sampled_from(VALID.get(arg, ["x"]) + HOSTILE) | TEXT)
            path = re.sub(rf"<(?:\w+:)?{arg}>", requests.utils.quote(value, safe=""), path)
        fields = draw(st.lists(st.sampled_from(FIELDS), max_size=8, unique=True))
        form = {f: draw(VALUE | st.just(visit)) for f in fields}
        query = draw(st.dictionaries(st.sampled_from(["c", "ref", "ask", "state", "office",
                                                      "only", "next", "zip"]), VALUE, max_size=3))  # fmt: skip
        body = draw(st.none() | st.just(form) | st.recursive(
            st.none() | st.booleans() | st.integers() | TEXT,
            lambda c: st.lists(c, max_size=3) | st.dictionaries(TEXT, c, max_size=3), max_leaves=6))  # fmt: skip
        host = draw(st.sampled_from(HOSTS[:1] * 6 + HOSTS))
        who = draw(st.sampled_from(["owner", "other", "anonymous"]))
        return method, path, query, form, body, host, who

    return one()


def test_no_route_answers_any_input_with_a_5xx(target):
    app, clients, visit = target

    @OPTS
    @given(case=_requests(app, visit))
    def check(case):
        method, path, query, form, body, host, who = case
        kwargs = {"query_string": query, "base_url": f"http://{host}" if host else "http://"}
        if method == "POST":
            kwargs["json" if isinstance(body, (list, dict, bool, int)) and body is not form
                   else "data"] = body if body is not None else form  # fmt: skip
        try:
            response = clients[who].open(path, method=method, **kwargs)
        except ValueError:
            return  # the test client refuses to build this request: no server would see it
        assert response.status_code < 500, (method, path, query, form, response.status_code)

    check()


# -- raw HTTP to the shipped server -----------------------------------------------------------

RAW = {
    "a malformed chunk size": b"POST /lookup HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: "
    b"chunked\r\nContent-Type: application/x-www-form-urlencoded\r\n\r\nZZ\r\nabc\r\n0\r\n\r\n",
    "a chunk longer than said": b"POST /api/v1/lookup HTTP/1.1\r\nHost: localhost\r\n"
    b"Transfer-Encoding: chunked\r\nContent-Type: application/json\r\n\r\n2\r\n{}xx\r\n0\r\n\r\n",
    "chunked and a length": b"POST /count HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: "
    b"chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n",
    "a length not a number": b"POST /lookup HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
    b"12a\r\n\r\nzip=82001",
    "a NUL in a link name": b"GET /c/a%00b HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "a NUL in call mode": b"POST /c/a%00b/call HTTP/1.1\r\nHost: localhost\r\nContent-Length: "
    b"0\r\n\r\n",
    "a host label over 63": b"GET / HTTP/1.1\r\nHost: " + b"a" * 70 + b".example\r\n\r\n",
    "an untrusted host": b"GET /c/" + SLUG.encode() + b" HTTP/1.1\r\nHost: evil.example\r\n\r\n",
    "a health check by IP": b"GET /healthz HTTP/1.1\r\nHost: 10.0.0.1\r\n\r\n",
    "bad percent-encoding": b"GET /district/%ZZ/1 HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "a header without a colon": b"GET / HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n",
    "HTTP/0.9": b"GET /\r\n\r\n",
    "a bare LF": b"GET / HTTP/1.1\nHost: localhost\n\n",
    "a request line of 10 kB": b"GET /" + b"a" * 10000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n",
    "bytes that aren't HTTP": bytes(range(256)) + b"\r\n\r\n",
}


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def shipped(request, tmp_path_factory, synced):
    """gunicorn with the settings of scripts/run (advocacy/serving.py), on a free port."""
    folder = tmp_path_factory.mktemp("shipped")
    uri = f"sqlite:///{folder / 'db.sqlite3'}" if request.param == "sqlite" else POSTGRES
    env = {**os.environ, "ADVOCACY_SECRET_KEY": "hostile-test-secret-key-0123456789",
           "ADVOCACY_SQLALCHEMY_DATABASE_URI": uri, "ADVOCACY_DATA_DIR": str(synced),
           "ADVOCACY_TRUSTED_HOSTS": '["localhost"]', "HOST": "127.0.0.1"}  # fmt: skip
    flask = [str(Path(sys.executable).parent / "flask"), "--app", "wsgi", "db", "upgrade"]
    subprocess.run(flask, env=env, cwd=PROJECT_ROOT, check=True, capture_output=True)
    with socket.create_server(("127.0.0.1", 0)) as s:
        env["PORT"] = str(port := s.getsockname()[1])
    server = subprocess.Popen(
        [str(Path(sys.executable).parent / "gunicorn"), "-c", "python:advocacy.serving", "wsgi:app"],
        env=env, cwd=PROJECT_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    for _ in range(100):
        try:
            requests.get(f"http://127.0.0.1:{port}/healthz/live", timeout=1)
            break
        except requests.RequestException:
            time.sleep(0.2)
    yield port
    server.send_signal(signal.SIGTERM)
    server.wait(10)
    if request.param == "postgresql":
        subprocess.run([*flask[:-2], "db", "downgrade", "base"], env=env, cwd=PROJECT_ROOT,
                       check=True, capture_output=True)  # fmt: skip


def _send(port: int, data: bytes) -> bytes:
    with socket.create_connection(("127.0.0.1", port), timeout=10) as s:
        s.sendall(data)
        s.shutdown(socket.SHUT_WR)
        answer = b""
        while chunk := s.recv(65536):
            answer += chunk
    return answer


@pytest.mark.parametrize("case", RAW, ids=list(RAW))
def test_malformed_http_gets_a_4xx_from_the_shipped_server(shipped, case):
    answer = _send(shipped, RAW[case])
    status = re.match(rb"HTTP/1\.[01] (\d{3})", answer)
    if status is None:  # the server may drop what isn't HTTP at all, but never with a 5xx
        assert answer == b"", answer[:200]
    else:
        assert int(status.group(1)) < 500, answer[:300]
    # The site still answers.
    site = requests.get(f"http://127.0.0.1:{shipped}/", headers={"Host": "localhost"}, timeout=10)
    assert site.status_code == 200


def test_an_answer_that_leaves_a_body_unread_closes_the_connection(shipped):
    """A 413 said "keep-alive" and then dropped the connection while the body came."""
    with socket.create_connection(("127.0.0.1", shipped), timeout=10) as s:
        s.sendall(b"POST /lookup HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/"
                  b"x-www-form-urlencoded\r\nContent-Length: 99999999\r\n\r\nzip=8")  # fmt: skip
        head = s.recv(65536).split(b"\r\n\r\n")[0].lower()
    assert head.startswith(b"http/1.1 413")
    assert b"connection: close" in head
