"""What a hostile visitor or organizer might try against sessions, budgets, counts, shared
links and organizer texts, and what stops them (issue 11's abuse items, each shown to fail
before its fix)."""

from __future__ import annotations

import hashlib
import re
import uuid
from datetime import timedelta

import pytest
import redis

from advocacy.extensions import db
from advocacy.models import ActionCount, Organizer
from advocacy.security import keyed_hash
from tests.conftest import PASSWORD, campaign_counts, make_organizer
from tests.test_organizers import Organizers, sign_up, text, wyoming_letter

REDIS = "redis://127.0.0.1:6379"


def _signed_in(app, email="a@b.org"):
    client = app.test_client()
    response = client.post("/organizer/login", data={"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return client


def _session_cookie(client) -> str:
    return client.get_cookie("session").value


def test_a_cookie_copied_before_sign_out_opens_nothing_after(app):
    make_organizer(app, "a@b.org")
    client = _signed_in(app)
    thief = app.test_client()
    thief.set_cookie("session", _session_cookie(client))
    assert thief.get("/organizer/").status_code == 200
    client.post("/organizer/logout")
    assert thief.get("/organizer/").status_code == 302  # to the sign-in page
    assert client.get("/organizer/").status_code == 302


def test_the_session_cookie_holds_nothing_of_the_password_hash(app):
    make_organizer(app, "a@b.org")
    client = _signed_in(app)
    stored = app.session_interface.get_signing_serializer(app).loads(_session_cookie(client))
    with app.app_context():
        hashed = db.session.scalar(db.select(Organizer.password_hash))
    pieces = {hashed[i : i + 6] for i in range(len(hashed) - 5)}
    assert not any(piece in str(stored) for piece in pieces)


def test_sessions_end_at_their_lifetime(app, clock):
    make_organizer(app, "a@b.org")
    client = _signed_in(app)
    clock.advance(timedelta(hours=app.config["ORGANIZER_SESSION_HOURS"] - 1))
    assert client.get("/organizer/").status_code == 200
    clock.advance(timedelta(hours=2))
    assert client.get("/organizer/").status_code == 302


def test_the_csrf_secret_rotates_at_sign_in(app_factory):
    app = app_factory(WTF_CSRF_ENABLED=True)
    make_organizer(app, "a@b.org")
    client = app.test_client()
    page = client.get("/organizer/login").get_data(as_text=True)
    before = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    login = {"email": "a@b.org", "password": PASSWORD, "csrf_token": before}
    assert client.post("/organizer/login", data=login).status_code == 302
    # A token seen before signing in (by a script on a shared computer, say) is refused now.
    stale = client.post("/organizer/logout", data={"csrf_token": before})
    assert stale.status_code == 400
    assert client.get("/organizer/").status_code == 200


def test_the_per_account_limit_counts_the_email_as_sign_in_reads_it(app_factory):
    """A zero-width or control character added to the email was a new budget, for the same
    account."""
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute")
    make_organizer(app, "a@b.org")
    client = app.test_client()
    variants = ["a@b.org", "a@b.org\u200b", "A@B.org\x01", " a@b.org\t", "a@b.org\u2060"]
    codes = [
        client.post(
            "/organizer/login", data={"email": email, "password": PASSWORD},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"},
        ).status_code
        for i, email in enumerate(variants)
    ]  # fmt: skip
    assert codes[3:] == [429, 429]


def test_the_limiters_keys_in_redis_name_no_one(app_factory):
    email = f"zabel-{uuid.uuid4().hex}@example.org"  # found by itself, whatever the prefix
    app = app_factory(RATELIMIT_STORAGE_URI=REDIS, RATELIMIT_KEY_PREFIX=f"test-{uuid.uuid4().hex}")
    app.test_client().post("/organizer/login", data={"email": email, "password": "x"})
    store = redis.Redis.from_url(REDIS)
    plain = hashlib.sha256(email.encode()).hexdigest()
    assert store.keys(f"*{email}*") == [] and store.keys(f"*{plain[:16]}*") == []
    with app.test_request_context():
        assert store.keys(f"*{keyed_hash(email)}*")  # the account's key, as an HMAC
        assert store.keys(f"*{keyed_hash('127.0.0.1')}*")  # and the address's


# -- shared links ------------------------------------------------------------------------------


@pytest.fixture
def organizers(app):
    return Organizers(app)


def test_a_link_once_shared_stays_with_its_campaign(organizers):
    """live -> draft -> rename -> live, then another organizer took the old link name: the
    printed QR codes led to their page."""
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, title="Armenia now", slug="armenia-now")
    fields = {"title": "Armenia now", "asks": ["sanctions"]}
    edit = f"/organizer/campaigns/{slug}/edit"
    assert owner.post(edit, data={**fields, "status": "draft"}).status_code == 302
    renamed = {**fields, "slug": "armenia-later", "status": "draft"}
    assert owner.post(edit, data=renamed).status_code == 302
    live = {**renamed, "status": "live"}
    assert owner.post("/organizer/campaigns/armenia-later/edit", data=live).status_code == 302

    other = organizers.client("c@d.org")
    taken = other.post("/organizer/campaigns/new", data={**fields, "slug": "armenia-now",
                                                         "status": "live"})  # fmt: skip
    assert taken.status_code == 422 and "taken" in text(taken)

    # The old link (a flyer's QR code) leads to the campaign's page, whatever follows it.
    citizen = organizers.client()
    page = citizen.get("/c/armenia-now?ref=flyer")
    assert page.status_code == 308 and page.headers["Location"] == "/c/armenia-later?ref=flyer"
    call = citizen.get("/c/armenia-now/call")
    assert call.status_code == 308 and call.headers["Location"] == "/c/armenia-later/call"
    assert citizen.get("/c/armenia-now", follow_redirects=True).status_code == 200


def test_a_link_name_never_shared_is_free_to_take(organizers):
    owner = organizers.client("a@b.org")
    draft = organizers.campaign(owner, slug="not-yet", status="draft")
    fields = {"title": "T", "asks": ["sanctions"], "status": "draft", "slug": "elsewhere"}
    assert owner.post(f"/organizer/campaigns/{draft}/edit", data=fields).status_code == 302
    other = organizers.client("c@d.org")
    assert organizers.campaign(other, slug="not-yet") == "not-yet"


def test_an_account_creates_a_bounded_number_of_campaigns_a_day(app_factory):
    app = app_factory(CAMPAIGNS_PER_DAY=3)
    clock = app.extensions["advocacy.clock"]
    owner = Organizers(app).client("a@b.org")
    data = {"title": "Call-in", "asks": ["sanctions"], "status": "live"}
    codes = [owner.post("/organizer/campaigns/new", data=data).status_code for _ in range(4)]
    assert codes == [302, 302, 302, 422]
    refused = owner.post("/organizer/campaigns/new", data=data)
    assert "3 campaigns a day" in text(refused) and 'value="Call-in"' in refused.get_data(True)
    clock.advance(timedelta(days=1, minutes=1))
    assert owner.post("/organizer/campaigns/new", data=data).status_code == 302


# -- budgets and counts ------------------------------------------------------------------------

SENT = {"action": "sent", "ask": "sanctions", "member": "B001261"}


def test_junk_sources_from_one_client_cant_push_out_a_real_one(organizers, app):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    script = organizers.client()
    for i in range(50):  # fifty junk sources in under a minute, from one client
        script.post(f"/count?c={slug}&ref=junk-{i}", json=SENT)
    reader = organizers.client()
    newsletter = {"REMOTE_ADDR": "203.0.113.7"}
    assert reader.post(f"/count?c={slug}&ref=newsletter", json=SENT,
                       environ_base=newsletter).status_code == 200  # fmt: skip
    rows = campaign_counts(app, slug)
    assert ("sent", "senate", "WY", -1, "newsletter", 1) in rows
    assert len({row[4] for row in rows}) <= 5  # three junk sources, "other", the newsletter


def _start(client, slug, i=0):
    form = {"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    return client.post(f"/c/{slug}/call", data=form)


def test_call_mode_budgets_stop_a_script_and_not_a_phone_bank(organizers, app):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    bank = organizers.client()  # fifty volunteers on one Wi-Fi: one address
    starts = [_start(bank, slug) for _ in range(50)]
    assert {s.status_code for s in starts} == {200}
    visits = [re.search(r'name="visit" value="([^"]+)"', s.get_data(True)).group(1) for s in starts]
    # Each volunteer logs their first call within the minute.
    first = [
        bank.post(
            f"/c/{slug}/call/count", json={"visit": v, "member": "B001261", "action": "called"}
        )  # fmt: skip
        for v in visits
    ]
    assert {r.status_code for r in first} == {200}

    # A script: visits as fast as it can, then every office of every visit "talked to".
    script = organizers.client()
    environ = {"REMOTE_ADDR": "203.0.113.9"}
    codes = [
        script.post(
            f"/c/{slug}/call",
            data={"first_name": "X", "city": "Y", "zip": "82001"},
            environ_base=environ,
        ).status_code  # fmt: skip
        for _ in range(80)
    ]
    assert codes.count(200) == 60 and codes[60:] == [429] * 20
    before = sum(row[5] for row in campaign_counts(app, slug) if row[0] == "called")
    for v in visits:  # the bank's visits, replayed by the script: 3 offices each
        for member in ("B001261", "L000571", "H001096"):
            script.post(f"/c/{slug}/call/count", json={"visit": v, "member": member,
                        "action": "called"}, environ_base=environ)  # fmt: skip
    after = sum(row[5] for row in campaign_counts(app, slug) if row[0] == "called")
    assert after - before <= 90  # the per-minute budget of outcomes


def test_letters_past_the_budget_are_written_but_not_counted(app_factory):
    app = app_factory(COUNT_RATE_LIMIT="3 per hour")
    client = app.test_client()
    form = {"ask": "sanctions", "name": "Ana", "city": "Cheyenne", "zip": "82001",
            "state": "WY", "district": "0", "member": "B001261"}  # fmt: skip
    answers = [client.post("/letter", data=form) for _ in range(5)]
    assert all(a.status_code == 200 and "Dear Senator" in a.get_data(True) for a in answers)
    with app.app_context():
        written = db.session.scalar(
            db.select(db.func.sum(ActionCount.count)).where(ActionCount.action == "generated")
        )
    assert written == 3


# -- passwords ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["aaaaaaaaaa", "1234567890", "\x00" * 10, "password123", "qwertyuiop", "abcdefghijk"],
)
def test_common_and_trivial_passwords_are_refused(client, mailbox, password):
    response = sign_up(client, mailbox, "a@b.org", password=password)
    assert response.status_code == 422
    assert "Choose a stronger password." in text(response)


def test_a_new_password_must_be_strong_too(app):
    make_organizer(app, "a@b.org")
    client = _signed_in(app)
    weak = client.post("/organizer/password", data={"current": PASSWORD, "new": "1234567890"})
    assert weak.status_code == 422 and "Choose a stronger password." in text(weak)


def test_a_few_unrelated_words_make_a_strong_password(client, mailbox):
    assert sign_up(client, mailbox, "a@b.org", password="walnut ferry lantern").status_code == 302


# -- organizer texts ---------------------------------------------------------------------------


def _campaign_form(**fields):
    return {"title": "Call-in", "asks": ["sanctions"], "status": "live", **fields}


def test_a_text_cut_in_a_branch_the_samples_never_take_is_refused(organizers):
    """The check rendered sample data only: this opening saved, then vanished from the letter
    of every House member (its branch, filled in, ran past the limit)."""
    owner = organizers.client("a@b.org")
    opening = ("{% if member.title == 'Representative' %}" + "Thank you. " * 305
               + "{{ member.name }}, " * 6 + "{% endif %}")  # fmt: skip
    refused = owner.post("/organizer/campaigns/new", data=_campaign_form(opening=opening))
    assert refused.status_code == 422
    assert "Filled in for a Representative, with the longest names" in text(refused)
    assert "it would be left out of the letter" in text(refused)


def test_every_branch_is_tried_with_each_kind_of_recipient(organizers):
    owner = organizers.client("a@b.org")
    broken_for_delegates = (
        "{% if member.title == 'Delegate' %}" + "{{ member.name }}" * 40 + "{% endif %}"
    )
    refused = owner.post(
        "/organizer/campaigns/new", data=_campaign_form(closing=broken_for_delegates)
    )
    assert refused.status_code == 422 and "for a Delegate" in text(refused)
    broken_for_offices = (
        "{% if member.title == 'Secretary of State' %}" + "x" * 3800
        + "{{ member.salutation }}" * 2 + "{% endif %}"
    )  # fmt: skip
    refused = owner.post(
        "/organizer/campaigns/new", data=_campaign_form(closing=broken_for_offices)
    )
    assert refused.status_code == 422 and "an office your campaign names" in text(refused)


def test_a_text_that_fits_every_branch_is_kept_and_used(organizers):
    owner = organizers.client("a@b.org")
    opening = ("{% if member.title == 'Representative' %}As your constituent in the House "
               "district,{% else %}As a voter in {{ member.state_name }},{% endif %}")  # fmt: skip
    slug = organizers.campaign(owner, opening=opening)
    citizen = organizers.client()
    letter = citizen.post("/letter", data={**wyoming_letter(slug), "member": "H001096"})
    assert "As your constituent in the House district," in text(letter)
    letter = citizen.post("/letter", data={**wyoming_letter(slug), "member": "B001261"})
    assert "As a voter in Wyoming," in text(letter)


def test_one_ipv6_network_is_one_client(app_factory):
    """A host has a whole /64: rotating addresses in it is not a new budget each time."""
    client = app_factory(LOOKUP_RATE_LIMIT="2 per minute").test_client()

    def lookup(peer):
        environ = {"REMOTE_ADDR": peer}
        return client.post("/lookup", data={"zip": "82001"}, environ_base=environ).status_code

    assert [lookup(f"2001:db8:1:2::{i:x}") for i in range(1, 4)] == [200, 200, 429]
    assert lookup("2001:db8:1:3::1") == 200  # another network
    assert lookup("198.51.100.9") == 200
    assert lookup("::ffff:198.51.100.9") == 200
    assert lookup("198.51.100.9") == 429  # the same client, however its address is written


def test_junk_sources_age_out_of_a_campaigns_table(organizers, app, clock):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    for i in range(60):  # from sixty clients, so the table fills
        organizers.client().post(f"/count?c={slug}&ref=junk-{i}", json=SENT,
                                 environ_base={"REMOTE_ADDR": f"198.51.100.{i}"})  # fmt: skip
    late = {"REMOTE_ADDR": "203.0.113.7"}
    organizer = organizers.client()
    organizer.post(f"/count?c={slug}&ref=newsletter", json=SENT, environ_base=late)
    assert "newsletter" not in {row[4] for row in campaign_counts(app, slug)}  # "other": full
    clock.advance(timedelta(days=31))
    organizers.client().post(f"/count?c={slug}&ref=newsletter", json=SENT, environ_base=late)
    assert ("sent", "senate", "WY", -1, "newsletter", 1) in campaign_counts(app, slug)


def test_a_campaign_holds_a_bounded_number_of_link_names(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, slug="name-0")
    fields = {"title": "T", "asks": ["sanctions"]}
    for i in range(1, 4):
        edit = f"/organizer/campaigns/{slug}/edit"
        assert owner.post(edit, data={**fields, "slug": slug, "status": "draft"}).status_code == 302
        renamed = {**fields, "slug": f"name-{i}", "status": "draft"}
        assert owner.post(edit, data=renamed).status_code == 302
        live = owner.post(f"/organizer/campaigns/name-{i}/edit", data={**renamed, "status": "live"})
        if i < 3:
            assert live.status_code == 302
            slug = f"name-{i}"
        else:
            assert live.status_code == 422 and "3 link names at most" in text(live)


def test_account_forms_never_tell_how_much_of_a_budget_is_left(app_factory):
    """The per-account counter showed how often an email had been tried."""
    client = app_factory().test_client()
    for path, data in (("/organizer/login", {"email": "a@b.org", "password": "x"}),
                       ("/organizer/signup", {"email": "a@b.org"})):  # fmt: skip
        response = client.post(path, data=data)
        assert not [h for h in response.headers.keys() if h.lower().startswith("x-ratelimit")]
    assert "X-RateLimit-Limit" in client.post("/lookup", data={"zip": "82001"}).headers
