"""Organizers: accounts, the authorization matrix, campaigns and their citizen pages."""

import html
import re
import socket
from datetime import timedelta

import pytest
import sqlalchemy as sa

from advocacy.extensions import db
from advocacy.models import ActionCount, Campaign, Organizer
from tests.conftest import NOW, PASSWORD, make_organizer


def wyoming_letter(slug: str, ask: str = "sanctions") -> dict[str, str]:
    """The letter form of a Wyoming citizen (Ana, Cheyenne) within campaign `slug`."""
    return {
        "ask": ask, "name": "Ana", "city": "Cheyenne", "zip": "82001", "state": "WY",
        "district": "0", "c": slug,
    }  # fmt: skip


class Organizers:
    """Sign-up and sign-in helpers (flaskr's AuthActions)."""

    def __init__(self, app):
        self.app = app

    def client(self, email=None):
        """A browser; signed in to a new account when given an email (the sign-up by mail
        has tests of its own)."""
        client = self.app.test_client()
        if email:
            make_organizer(self.app, email)
            login = client.post("/organizer/login", data={"email": email, "password": PASSWORD})
            assert login.status_code == 302
        return client

    def campaign(self, client, **fields):
        data = {"title": "Call-in for Artsakh", "asks": ["sanctions"], "status": "live", **fields}
        response = client.post("/organizer/campaigns/new", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)
        return response.headers["Location"].rsplit("/", 1)[-1]


@pytest.fixture
def organizers(app):
    return Organizers(app)


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def sign_up(client, mailbox, email, password=PASSWORD):
    """Sign up as a person does: the form, the mail, its link, a password."""
    sent = client.post("/organizer/signup", data={"email": email})
    assert sent.status_code == 200 and "Check your email" in text(sent)
    link = mailbox.link(email.lower())
    return client.post(link, data={"password": password})


def test_signup_by_mail_signs_in_and_hashes_the_password(app_factory, mailbox):
    app = app_factory(PASSWORD_HASH_METHOD="scrypt")  # what production uses
    client = app.test_client()
    finished = sign_up(client, mailbox, "Org@Example.org")
    assert finished.status_code == 302
    assert "Your campaigns" in text(client.get("/organizer/"))
    mail = mailbox.to("org@example.org")[-1]
    assert mail["Subject"] == "Finish creating your organizer account"
    with app.app_context():
        org = db.session.scalar(sa.select(Organizer))
        assert org.email == "org@example.org"
        assert PASSWORD not in org.password_hash and org.password_hash.startswith("scrypt:")
    # The link is spent: the account exists now.
    again = app.test_client().get(mailbox.link("org@example.org"))
    assert again.status_code == 302 and again.headers["Location"] == "/organizer/login"


def test_no_account_is_made_without_the_mails_link(client, mailbox, app):
    client.post("/organizer/signup", data={"email": "a@b.org"})
    forged = client.post("/organizer/signup/not-a-real-token", data={"password": PASSWORD})
    assert forged.status_code == 400 and "This link doesn't work" in text(forged)
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count(Organizer.id))) == 0


def test_a_signup_link_expires(client, mailbox, clock):
    client.post("/organizer/signup", data={"email": "late@b.org"})
    link = mailbox.link("late@b.org")
    clock.advance(timedelta(hours=25))
    expired = client.post(link, data={"password": PASSWORD})
    assert expired.status_code == 400 and "expired" in text(expired)


@pytest.mark.parametrize(
    ("data", "message"),
    [({"email": ""}, "Enter your email"), ({"email": "not-an-email"}, "Check your email address")],
)
def test_signup_validation(client, data, message):
    response = client.post("/organizer/signup", data=data)
    assert response.status_code == 422 and message in text(response)


def test_a_short_password_is_refused_and_the_link_still_works(client, mailbox):
    short = sign_up(client, mailbox, "a@b.org", password="short")
    assert short.status_code == 422 and "Use 10 to 200 characters" in text(short)
    assert sign_up(client, mailbox, "a@b.org").status_code == 302


def test_signup_tells_no_one_whether_an_email_has_an_account(organizers, mailbox):
    """The same page either way, after the same work (one lookup, one mail): the mail tells
    the address's owner which."""
    organizers.client("taken@b.org")
    pages = []
    for email in ("taken@b.org", "fresh@b.org"):  # as long as each other
        before = len(mailbox.to(email))
        page = organizers.client().post("/organizer/signup", data={"email": email})
        headers = {k: v for k, v in page.headers.items() if k not in ("Date", "Set-Cookie")}
        pages.append((page.status_code, headers, text(page).replace(email, "EMAIL")))
        assert len(mailbox.to(email)) == before + 1
    assert pages[0] == pages[1]
    assert mailbox.to("taken@b.org")[-1]["Subject"] == "You already have an organizer account"
    assert mailbox.to("fresh@b.org")[-1]["Subject"] == "Finish creating your organizer account"


def test_without_a_mail_server_the_page_says_where_the_link_went(app_factory, caplog):
    client = app_factory(MAIL_SERVER=None).test_client()
    page = client.post("/organizer/signup", data={"email": "a@b.org"})
    assert "no mail server set up yet" in text(page)
    assert "/organizer/signup/" in caplog.text  # for the operator to pass on


def test_a_mail_server_that_is_down_keeps_the_form(app_factory):
    with socket.create_server(("127.0.0.1", 0)) as s:
        closed = s.getsockname()[1]
    client = app_factory(MAIL_PORT=closed).test_client()
    page = client.post("/organizer/signup", data={"email": "a@b.org"})
    assert page.status_code == 503 and "couldn't send the email" in text(page)
    assert 'value="a@b.org"' in page.get_data(as_text=True)


def test_login_logout_and_wrong_password(organizers):
    organizers.client("a@b.org")
    client = organizers.client()
    bad = client.post("/organizer/login", data={"email": "a@b.org", "password": "wrong password"})
    assert bad.status_code == 422 and "don't match" in text(bad)
    unknown = client.post("/organizer/login", data={"email": "x@b.org", "password": PASSWORD})
    assert "don't match" in text(unknown)
    ok = client.post("/organizer/login", data={"email": "A@b.org", "password": PASSWORD})
    assert ok.status_code == 302
    assert client.get("/organizer/").status_code == 200
    client.post("/organizer/logout")
    assert client.get("/organizer/").status_code == 302


def test_login_never_redirects_off_site(organizers):
    organizers.client("a@b.org")
    client = organizers.client()
    for target in ("https://evil.example/", "//evil.example/", "/\\evil.example"):
        response = client.post(
            f"/organizer/login?next={target}", data={"email": "a@b.org", "password": PASSWORD}
        )
        assert response.headers["Location"] == "/organizer/"


def test_change_password(organizers):
    client = organizers.client("a@b.org")
    wrong = client.post("/organizer/password", data={"current": "nope", "new": "a new password!"})
    assert "not your current password" in text(wrong)
    client.post("/organizer/password", data={"current": PASSWORD, "new": "a new password!"})
    client.post("/organizer/logout")
    assert (
        client.post("/organizer/login", data={"email": "a@b.org", "password": PASSWORD}).status_code
        == 422
    )
    assert (
        client.post(
            "/organizer/login", data={"email": "a@b.org", "password": "a new password!"}
        ).status_code
        == 302
    )


def test_login_is_rate_limited_per_ip_and_per_account(app_factory):
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute")
    client = app.test_client()
    for _ in range(3):
        client.post("/organizer/login", data={"email": "a@b.org", "password": "x"})
    assert (
        client.post("/organizer/login", data={"email": "c@d.org", "password": "x"}).status_code
        == 429
    )
    # Per account: the same account from many addresses is limited too.
    app = app_factory(LOGIN_RATE_LIMIT="3 per minute", PROXY_COUNT=1)
    client = app.test_client()
    codes = [
        client.post(
            "/organizer/login",
            data={"email": "victim@b.org", "password": "x"},
            headers={"X-Forwarded-For": f"203.0.113.{i}"},
        ).status_code
        for i in range(4)
    ]
    assert codes[-1] == 429


ORGANIZER_ROUTES = [
    ("get", "/organizer/campaigns/{slug}"),
    ("get", "/organizer/campaigns/{slug}/edit"),
    ("post", "/organizer/campaigns/{slug}/edit"),
    ("get", "/organizer/campaigns/{slug}/qr.svg"),
    ("get", "/organizer/campaigns/{slug}/qr.png"),
    ("get", "/organizer/campaigns/{slug}/flyer"),
    ("get", "/organizer/campaigns/{slug}/counts.csv"),
    ("get", "/organizer/campaigns/{slug}/callsheet"),
]


def test_the_matrix_covers_every_organizer_route(app):
    campaign_rules = {
        r.rule.replace("<slug>", "{slug}").replace("<kind>", "svg")
        for r in app.url_map.iter_rules()
        if r.rule.startswith("/organizer/campaigns/<slug>")
    }
    covered = {route for _, route in ORGANIZER_ROUTES}
    assert campaign_rules <= covered | {"/organizer/campaigns/{slug}/qr.svg"}


@pytest.mark.parametrize(("method", "route"), ORGANIZER_ROUTES)
def test_authorization_matrix(organizers, method, route):
    owner = organizers.client("owner@b.org")
    slug = organizers.campaign(owner, status="draft")
    other = organizers.client("other@b.org")
    anonymous = organizers.client()
    url = route.format(slug=slug)
    data = {"title": "Renamed", "asks": ["sanctions"], "status": "draft"}
    call = lambda c: getattr(c, method)(url, data=data) if method == "post" else c.get(url)  # noqa: E731
    assert call(other).status_code == 404
    response = call(anonymous)
    assert response.status_code == 302 and "/organizer/login" in response.headers["Location"]
    assert call(owner).status_code in (200, 302)
    # The draft is invisible to everyone but its owner.
    assert other.get(f"/c/{slug}").status_code == 404
    assert anonymous.get(f"/c/{slug}").status_code == 404
    assert owner.get(f"/c/{slug}").status_code == 200


@pytest.mark.parametrize(
    "route", ["/organizer/", "/organizer/campaigns/new", "/organizer/password"]
)
def test_organizer_pages_need_an_account(client, route):
    response = client.get(route)
    assert response.status_code == 302 and "/organizer/login" in response.headers["Location"]


def test_campaign_form_errors_point_at_the_line(organizers):
    client = organizers.client("a@b.org")
    response = client.post(
        "/organizer/campaigns/new",
        data={
            "title": "T",
            "asks": ["sanctions"],
            "status": "live",
            "opening": "Fine line\n{{ member.nickname }}",
            "closing": "{% if %}",
        },
    )
    assert response.status_code == 422
    page = text(response)
    assert "Line 2: unknown variable 'member.nickname'" in page
    assert "Line 1: Expected an expression" in page
    assert "Fine line" in response.get_data(as_text=True)  # the typing is kept


def test_slugs_are_unique_and_url_safe(organizers):
    client = organizers.client("a@b.org")
    first = organizers.campaign(client, title="Free them now!")
    second = organizers.campaign(client, title="Free them now!")
    assert first == "free-them-now" and second == "free-them-now-2"
    taken = client.post(
        "/organizer/campaigns/new",
        data={"title": "X", "slug": first, "asks": ["sanctions"], "status": "live"},
    )
    assert "taken" in text(taken)
    bad = client.post(
        "/organizer/campaigns/new",
        data={"title": "X", "slug": "No Spaces!", "asks": ["sanctions"], "status": "live"},
    )
    assert "Use a-z, 0-9" in text(bad)


def test_the_public_never_sees_the_integer_id(organizers, app):
    client = organizers.client("a@b.org")
    slug = organizers.campaign(client)
    with app.app_context():
        campaign_id = db.session.scalar(sa.select(Campaign.id))
    assert organizers.client().get(f"/c/{campaign_id}").status_code == 404
    assert organizers.client().get(f"/c/{slug}").status_code == 200


def test_campaign_page_renders_markdown_safely(organizers):
    client = organizers.client("a@b.org")
    slug = organizers.campaign(
        client, description="**Act now.** <script>alert(1)</script> [x](javascript:alert(1))"
    )
    page = organizers.client().get(f"/c/{slug}").get_data(as_text=True)
    assert "<strong>Act now.</strong>" in page
    assert "<script>alert(1)" not in page and 'href="javascript:' not in page


def test_campaign_letters_use_its_asks_texts_and_count_by_ref(organizers, app):
    org = organizers.client("a@b.org")
    slug = organizers.campaign(
        org,
        asks=["prisoners"],
        opening="As a member of St. Gregory's parish in {{ constituent.city }}, I write to {{ member.salutation }}.",
        closing="Our chapter will follow your answer.",
        call_script="Hi, I'm {{ constituent.first_name }} from {{ constituent.city }}. Please free the prisoners.",
    )
    citizen = organizers.client()
    results = citizen.post("/lookup", data={"zip": "82001", "c": slug, "ref": "Flyer-3"})
    page = results.get_data(as_text=True)
    assert 'value="prisoners"' in page and 'value="sanctions"' not in page
    assert 'name="c" value="' + slug in page and 'name="ref" value="flyer-3"' in page
    form = {
        "ask": "prisoners",
        "name": "Ana Petrosyan",
        "city": "Cheyenne",
        "zip": "82001",
        "state": "WY",
        "district": "0",
        "member": "B001261",
        "c": slug,
        "ref": "flyer-3",
    }
    letter = citizen.post("/letter", data=form)
    body = letter.get_data(as_text=True)
    assert (
        "As a member of St. Gregory&#39;s parish in Cheyenne, I write to Senator Barrasso." in body
    )
    assert "Our chapter will follow your answer." in body
    assert "Hi, I&#39;m Ana from Cheyenne. Please free the prisoners." in body
    citizen.post("/letter", data={**form, "shown": "B001261", "body": "x", "action": "sent"})
    with app.app_context():
        rows = {(r.action, r.ref, r.count) for r in db.session.scalars(sa.select(ActionCount))}
    assert rows == {("generated", "flyer-3", 1), ("sent", "flyer-3", 1)}
    dashboard = text(org.get(f"/organizer/campaigns/{slug}"))
    assert "Letters written 1" in dashboard and "Letters sent 1" in dashboard


INJECTIONS = [
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "{{ ().__class__.__bases__[0].__subclasses__() }}",
    "{{ config }}",
    "{{ self }}",
    "{{ request }}",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{{ lipsum.__globals__['os'].popen('id').read() }}",
    "{{ joiner.__init__.__globals__ }}",
    "{{ namespace.__init__.__globals__ }}",
    "{{ member.__class__ }}",
    "{{ member.items() }}",
    "{{ member.__dict__ }}",
    "{% for c in [].__class__.__base__.__subclasses__() %}{{ c }}{% endfor %}",
    "{% set x = 'a' %}{{ x }}",
    "{% include '/etc/passwd' %}",
    "{% extends '/etc/passwd' %}",
    "{% import 'os' as os %}",
    "{{ 'a' * 100000000 }}",
    "{{ 9 ** 9 ** 9 }}",
    "{{ '%s' % member }}",
    "{{ range(100000000) | list }}",
    "{{ member.name.ljust(1000000000) }}",
    "{{ '{0.__class__}'.format(member) }}",
    "{{ member|attr('__class__') }}",
    "{% macro m() %}{{ m() }}{% endmacro %}{{ m() }}",
    "{{ constituent.city|center(100000000) }}",
    "{% if member.state_name != 'Texas' %}{{ oops }}{% endif %}",
    "{{ 1 // (constituent.city == 'Austin') }}",
    "{{ constituent.first_name[2] }}",
    "{{ '%0999999999d' % 1 }}",
    "{{ ((((1,)*100)*100)*100)*100 }}",
    "{% if 1 %}" * 98 + "x" + "{% endif %}" * 98,
    "{{ member.items }}",
    "{{ constituent.first_name.upper }}",
    "{{ constituent.city ~ constituent.city ~ constituent.city }}",
]


@pytest.mark.parametrize("payload", INJECTIONS)
def test_template_injection_is_refused_or_harmless(organizers, payload):
    client = organizers.client("a@b.org")
    response = client.post(
        "/organizer/campaigns/new",
        data={"title": "T", "asks": ["sanctions"], "status": "live", "opening": payload},
    )
    page = response.get_data(as_text=True)
    if response.status_code == 302:  # accepted: then it must render harmlessly
        slug = response.headers["Location"].rsplit("/", 1)[-1]
        form = {
            "ask": "sanctions",
            "name": "Ana",
            "city": "Cheyenne",
            "zip": "82001",
            "state": "WY",
            "district": "0",
            "member": "B001261",
            "c": slug,
        }
        page = client.post("/letter", data=form).get_data(as_text=True)
    else:
        assert response.status_code == 422 and ("Line " in page or "Keep this under" in page)
        page = re.sub(r"<textarea.*?</textarea>", "", page, flags=re.S)  # the typing, kept
    for leak in (
        "<class",
        "subprocess",
        "uid=",
        "SECRET_KEY",
        "os.popen",
        "__globals__': {",
        "root:",
    ):
        assert leak not in page


def test_qr_codes_and_flyer_for_the_owner_only(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    svg = owner.get(f"/organizer/campaigns/{slug}/qr.svg")
    assert svg.status_code == 200 and svg.mimetype == "image/svg+xml"
    assert svg.data.startswith(b"<svg") and b"qr" in svg.data.lower()
    png = owner.get(f"/organizer/campaigns/{slug}/qr.png")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG")
    assert "attachment" in png.headers["Content-Disposition"]
    flyer = owner.get(f"/organizer/campaigns/{slug}/flyer").get_data(as_text=True)
    assert "<svg" in flyer and f"/c/{slug}" in flyer and "Call-in for Artsakh" in flyer
    other = organizers.client("other@b.org")
    for url in (f"/organizer/campaigns/{slug}/qr.svg", f"/organizer/campaigns/{slug}/flyer"):
        assert other.get(url).status_code == 404
        assert organizers.client().get(url).status_code == 302
    assert owner.get(f"/organizer/campaigns/{slug}/qr.gif").status_code == 404


def test_campaign_link_unfurls_with_title_description_and_image(organizers):
    slug = organizers.campaign(
        organizers.client("a@b.org"), description="Write **today**: free them."
    )
    page = organizers.client().get(f"/c/{slug}").get_data(as_text=True)
    assert '<meta property="og:title" content="Call-in for Artsakh">' in page
    assert '<meta property="og:description" content="Write today: free them.">' in page
    assert f'<meta property="og:url" content="http://localhost/c/{slug}">' in page
    assert 'content="http://localhost/static/img/share.png"' in page
    assert '<meta name="twitter:card" content="summary_large_image">' in page


def test_only_the_embed_may_be_framed(organizers):
    slug = organizers.campaign(organizers.client("a@b.org"))
    citizen = organizers.client()
    embed = citizen.get(f"/c/{slug}/embed")
    assert embed.status_code == 200
    assert "frame-ancestors *" in embed.headers["Content-Security-Policy"]
    assert "X-Frame-Options" not in embed.headers
    page = citizen.get(f"/c/{slug}")
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY"


def test_embed_start_needs_its_signed_token(organizers):
    slug = organizers.campaign(organizers.client("a@b.org"))
    framed = organizers.client()
    page = framed.get(f"/c/{slug}/embed").get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    # A fresh client: no session cookie, as in another site's frame.
    fresh = organizers.client()
    ok = fresh.post(
        f"/c/{slug}/start", data={"token": token, "address": "82001", "c": slug, "ref": "embed"}
    )
    assert ok.status_code == 200 and "Harriet M. Hageman" in text(ok)
    assert 'name="ref" value="embed"' in ok.get_data(as_text=True)
    forged = fresh.post(f"/c/{slug}/start", data={"token": "forged", "address": "82001"})
    assert forged.status_code == 400 and "expired" in text(forged)


def test_dashboard_breakdowns_and_csv_export(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    citizen = organizers.client()
    base = {
        **wyoming_letter(slug, "sanctions"),
    }
    day = NOW.date().isoformat()  # counts keep the UTC day and hour
    for ref, member in (
        ("newsletter", "B001261"),
        ("newsletter", "H001096"),
        ("flyer-3", "L000571"),
    ):
        citizen.post("/letter", data={**base, "ref": ref, "member": member})
        citizen.post(
            "/letter",
            data={
                **base,
                "ref": ref,
                "member": member,
                "shown": member,
                "body": "x",
                "action": "sent",
            },
        )
    citizen.post(
        f"/count?c={slug}&ref=newsletter",
        json={"action": "called", "ask": "sanctions", "member": "H001096"},
    )
    page = text(owner.get(f"/organizer/campaigns/{slug}"))
    assert (
        "Letters written 3" in page
        and "Letters sent 3" in page
        and "Calls that reached an office 1" in page
    )
    assert "newsletter 2 2 1" in page and "flyer-3 1 1 0" in page
    assert "WY 3 3 1" in page
    assert "WY (senate) 2 2 0" in page and "WY-0 1 1 1" in page
    assert f"{day} 3 3 1" in page
    csv_response = owner.get(f"/organizer/campaigns/{slug}/counts.csv")
    assert csv_response.mimetype == "text/csv"
    lines = csv_response.get_data(as_text=True).splitlines()
    assert lines[0] == "day,action,ask,chamber,state,district,ref,count"
    assert f"{day},called,sanctions,house,WY,0,newsletter,1" in lines
    assert f"{day},sent,sanctions,senate,WY,,flyer-3,1" in lines
    assert sum(int(line.rsplit(",", 1)[1]) for line in lines[1:]) == 7
    assert (
        organizers.client("b@b.org").get(f"/organizer/campaigns/{slug}/counts.csv").status_code
        == 404
    )
    # Counts of one campaign never show in another's.
    other_slug = organizers.campaign(owner, title="Another")
    assert "Letters written 0" in text(owner.get(f"/organizer/campaigns/{other_slug}"))


def test_public_progress_bar_and_closed_campaigns(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, goal="100", show_progress="y")
    citizen = organizers.client()
    form = {
        **wyoming_letter(slug, "sanctions"),
        "member": "B001261",
        "shown": "B001261",
        "body": "x",
        "action": "sent",
    }
    citizen.post("/letter", data=form)
    page = citizen.get(f"/c/{slug}").get_data(as_text=True)
    assert "<strong>1</strong> letters sent of a goal of 100" in page
    assert '<progress max="100" value="1"' in page
    owner.post(
        f"/organizer/campaigns/{slug}/edit",
        data={"title": "Call-in for Artsakh", "asks": ["sanctions"], "status": "closed"},
    )
    assert "This campaign has ended" in text(citizen.get(f"/c/{slug}"))
    assert "This campaign has ended. You can still call" in text(citizen.get(f"/c/{slug}/call"))


def test_share_links_follow_the_proxy(organizers, app_factory):
    app = app_factory(PROXY_COUNT=1)
    helpers = Organizers(app)
    owner = helpers.client("a@b.org")
    slug = helpers.campaign(owner)
    page = owner.get(
        f"/organizer/campaigns/{slug}",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "act.example.org"},
    )
    assert f"https://act.example.org/c/{slug}" in page.get_data(as_text=True)


def test_no_citizen_data_is_stored_after_a_campaign_journey(organizers, app):
    owner = organizers.client("org@b.org")
    slug = organizers.campaign(owner)
    citizen = organizers.client()
    citizen.post(
        "/lookup",
        data={"address": "200 W 24th St, Cheyenne, WY 82001", "c": slug, "ref": "newsletter"},
    )
    form = {
        "ask": "sanctions",
        "name": "Zabel Yesayan",
        "city": "Cheyenne",
        "zip": "82001",
        "state": "WY",
        "district": "0",
        "c": slug,
        "ref": "newsletter",
        "member": "B001261",
        "email": "zabel@example.org",
        "note": "My private words",
        "street": "200 W 24th St",
    }
    citizen.post("/letter", data=form)
    citizen.post(
        "/letter", data={**form, "shown": "B001261", "body": "My private words", "action": "sent"}
    )
    with app.app_context():
        dump = "\n".join(
            repr(tuple(row))
            for table in db.metadata.sorted_tables
            for row in db.session.execute(sa.select(table))
        )
    assert "org@b.org" in dump  # the organizer's own account
    for secret in ("24th", "Zabel", "zabel@", "private words", "Yesayan"):
        assert secret not in dump


USAID = {
    "targets-0-title": "Administrator, USAID",
    "targets-0-phone": "202-712-0000",
    "targets-0-url": "https://www.usaid.gov/contact-us",
    "targets-0-email": "press@example.gov",
}


def test_fixed_targets_get_a_letter_and_a_script(organizers, app):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, **USAID, asks=["humanitarian-aid"])
    citizen = organizers.client()
    results = citizen.post("/lookup", data={"zip": "82001", "c": slug})
    page = text(results)
    assert "Administrator, USAID" in page and "202-712-0000" in page
    target_id = re.search(r'value="(target-\d+)"', results.get_data(as_text=True)).group(1)
    form = {
        "ask": "humanitarian-aid",
        "name": "Ana Petrosyan",
        "city": "Cheyenne",
        "zip": "82001",
        "state": "WY",
        "district": "0",
        "c": slug,
        "member": target_id,
    }
    letter = citizen.post("/letter", data=form)
    assert letter.status_code == 200
    html_page = letter.get_data(as_text=True)
    body = html.unescape(re.search(r'name="body"[^>]*>(.*?)</textarea>', html_page, re.S).group(1))
    assert body.lstrip().startswith("Dear Administrator, USAID,")
    assert "I am writing from Cheyenne, WY" in body
    assert "I urge you to increase humanitarian aid to Armenia" in body
    assert "your constituent" not in body and "As a member of the" not in body
    assert 'href="mailto:press@example.gov?subject=' in html_page
    page = text(letter)
    assert "Paste it into the Administrator, USAID's contact form" in page
    assert "send it by email to press@example.gov" in page
    assert "members of Congress have no public email" not in page
    assert "Administrator, USAID · Aid for Artsakh's refugees" in page
    assert 'href="tel:+12027120000"' in html_page
    assert "I live in Cheyenne, Wyoming" in text(letter)
    citizen.post("/letter", data={**form, "shown": target_id, "body": "x", "action": "sent"})
    called = citizen.post(
        f"/count?c={slug}",
        json={"action": "called", "ask": "humanitarian-aid", "member": target_id},
    )
    assert called.status_code == 200
    dashboard = text(owner.get(f"/organizer/campaigns/{slug}"))
    assert dashboard.count("offices the campaign names 1 1 1") == 2  # by state and by district


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"targets-0-phone": "202-712-0000"}, "Name the office or title"),
        ({"targets-0-title": "USAID"}, "Give a phone, a web form or an email"),
        (
            {"targets-0-title": "USAID", "targets-0-url": "javascript:alert(1)"},
            "full https:// link",
        ),
        ({"targets-0-title": "USAID", "targets-0-phone": "call me"}, "Check the phone number"),
    ],
)
def test_target_validation(organizers, fields, message):
    owner = organizers.client("a@b.org")
    data = {"title": "T", "asks": ["sanctions"], "status": "live", **fields}
    response = owner.post("/organizer/campaigns/new", data=data)
    assert response.status_code == 422 and message in text(response)


def test_targets_can_be_edited_and_removed(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, **USAID)
    edit_page = owner.get(f"/organizer/campaigns/{slug}/edit").get_data(as_text=True)
    assert 'value="Administrator, USAID"' in edit_page
    owner.post(
        f"/organizer/campaigns/{slug}/edit",
        data={"title": "T", "asks": ["sanctions"], "status": "live"},
    )
    assert "Administrator, USAID" not in text(
        organizers.client().post("/lookup", data={"zip": "82001", "c": slug})
    )


def test_the_organizers_own_preview_is_never_counted(organizers, app):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, status="draft")
    form = {
        **wyoming_letter(slug, "sanctions"),
        "member": "B001261",
    }
    page = owner.post("/letter", data=form)
    assert "not counted" in text(page)
    owner.post("/letter", data={**form, "shown": "B001261", "body": "x", "action": "sent"})
    owner.post(
        f"/count?c={slug}", json={"action": "called", "ask": "sanctions", "member": "B001261"}
    )
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionCount)) == 0


def test_a_campaign_past_its_end_date_says_it_has_ended(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, ends_on="2026-11-01")
    assert "This campaign has ended" in text(organizers.client().get(f"/c/{slug}"))
    later = organizers.campaign(owner, title="Later", ends_on="2026-12-31")
    assert "This campaign has ended" not in text(organizers.client().get(f"/c/{later}"))


def test_a_shared_link_cannot_be_renamed_or_taken_over(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)  # live: shared
    data = {"title": "T", "slug": "renamed", "asks": ["sanctions"], "status": "live"}
    response = owner.post(f"/organizer/campaigns/{slug}/edit", data=data)
    assert response.status_code == 422 and "can't change once the campaign has been shared" in text(
        response
    )
    draft = organizers.campaign(owner, title="Draft one", status="draft")
    renamed = owner.post(f"/organizer/campaigns/{draft}/edit", data={**data, "status": "draft"})
    assert renamed.status_code == 302  # a draft was never shared: its link may change


def test_a_new_password_ends_every_other_session(organizers):
    first = organizers.client("a@b.org")
    second = organizers.client()
    second.post("/organizer/login", data={"email": "a@b.org", "password": PASSWORD})
    assert second.get("/organizer/").status_code == 200
    first.post("/organizer/password", data={"current": PASSWORD, "new": "another password!"})
    assert first.get("/organizer/").status_code == 200
    assert second.get("/organizer/").status_code == 302


def test_counts_only_for_the_campaigns_asks_and_a_bounded_set_of_refs(organizers, app):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, asks=["prisoners"])
    citizen = organizers.client()
    wrong_ask = citizen.post(
        f"/count?c={slug}", json={"action": "sent", "ask": "sanctions", "member": "B001261"}
    )
    assert wrong_ask.status_code == 400
    for i in range(52):  # from 52 clients (one client brings a few new sources a day)
        citizen.post(
            f"/count?c={slug}&ref=spam-{i}",
            json={"action": "sent", "ask": "prisoners", "member": "B001261"},
            environ_base={"REMOTE_ADDR": f"198.51.100.{i}"},
        )
    with app.app_context():
        refs = set(db.session.scalars(sa.select(ActionCount.ref).distinct()))
    assert len(refs) == 51 and "other" in refs


def test_text_that_fails_on_real_data_never_breaks_a_letter(organizers, app):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    with app.app_context():
        campaign = db.session.scalar(sa.select(Campaign))
        campaign.opening = "{{ oops }}"  # as if saved before a stricter check
        db.session.commit()
    form = {
        **wyoming_letter(slug, "sanctions"),
        "member": "B001261",
    }
    assert organizers.client().post("/letter", data=form).status_code == 200


@pytest.mark.parametrize(
    ("typed", "link"),
    [
        ("202-712-0000", "tel:+12027120000"),
        ("+1 (202) 712-0000", "tel:+12027120000"),
        ("1-202-712-0000", "tel:+12027120000"),
        ("+44 20 7946 0000", "tel:+442079460000"),
    ],
)
def test_office_phone_links_work_however_the_number_is_typed(typed, link):
    from advocacy.views import tel_uri

    assert tel_uri(typed) == link


def test_calls_are_counted_by_outcome(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    citizen = organizers.client()
    form = {
        **wyoming_letter(slug, "sanctions"),
        "member": "B001261",
        "shown": "B001261",
        "body": "x",
    }
    page = citizen.post("/letter", data={**form, "action": "voicemail"})
    assert "voicemails are counted too" in text(page)
    citizen.post(
        f"/count?c={slug}", json={"action": "busy", "ask": "sanctions", "member": "L000571"}
    )
    citizen.post(
        f"/count?c={slug}", json={"action": "called", "ask": "sanctions", "member": "H001096"}
    )
    dashboard = text(owner.get(f"/organizer/campaigns/{slug}"))
    assert "Calls that reached an office 2" in dashboard
    assert "Calls: talked to a staffer 1" in dashboard and "Calls: left a voicemail 1" in dashboard
    assert "Calls: line busy or mailbox full 1" in dashboard
    assert "WY 0 0 1 1 1" in dashboard  # by state: written, sent, called, voicemail, busy


def test_call_sheets_for_a_phone_bank(organizers):
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, asks=["sanctions", "prisoners"], **USAID)
    assert "Show call sheets" in text(owner.get(f"/organizer/campaigns/{slug}/callsheet"))
    page = owner.get(f"/organizer/campaigns/{slug}/callsheet?state=wy")
    sheet = text(page)
    for office in (
        "Senator John Barrasso",
        "Senator Cynthia M. Lummis",
        "Representative Harriet M. Hageman",
        "Administrator, USAID",
    ):
        assert office in sheet
    assert (
        "Hello, my name is [name], and I'm a constituent from [your city], ZIP code [ZIP]." in sheet
    )
    assert (
        "Senator Barrasso to press for Global Magnitsky sanctions on the officials behind" in sheet
    )
    assert "202-224-6441" in sheet and "9 a.m.–5 p.m. Eastern" in sheet and "(Denver time)" in sheet
    assert page.get_data(as_text=True).count('<table class="tally">') == 4
    # One office alone, from the link on its sheet.
    alone = f"/organizer/campaigns/{slug}/callsheet?office=B001261&amp;state=WY"
    assert page.get_data(as_text=True).count("Print this office alone") == 4
    assert alone in page.get_data(as_text=True)
    one = owner.get(alone.replace("&amp;", "&"))
    assert "Senator John Barrasso" in text(one) and "Print this office alone" not in text(one)
    assert "Lummis" not in text(one)
    assert one.get_data(as_text=True).count('<table class="tally">') == 1
    # Only the campaign's own offices, for callers from anywhere.
    assert "Show call sheets for the campaign's office" in text(
        owner.get(f"/organizer/campaigns/{slug}/callsheet")
    )
    own = text(owner.get(f"/organizer/campaigns/{slug}/callsheet?only=targets"))
    assert "Call sheets: Call-in for Artsakh, the campaign's offices" in own
    assert "Administrator, USAID" in own and "Barrasso" not in own
    assert "Hello, my name is [name], and I live in [your city]." in own


def test_call_sheets_of_the_campaigns_own_offices_need_no_member_data(app_factory, tmp_path):
    app = app_factory(DATA_DIR=str(tmp_path / "never-synced"))
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, **USAID)
    own = owner.get(f"/organizer/campaigns/{slug}/callsheet?only=targets")
    assert own.status_code == 200 and "Administrator, USAID" in text(own)
    state = owner.get(f"/organizer/campaigns/{slug}/callsheet?state=WY")
    assert state.status_code == 503 and "has not been downloaded yet" in text(state)


def test_a_campaign_picks_only_as_many_asks_as_a_call_script_can_hold(organizers):
    """A script covering all seven asks would take a caller well over 30 seconds: the form
    says why it refuses them, keeps the choice, and takes two asks, or all seven with the
    campaign's own call script."""
    owner = organizers.client("a@b.org")
    every = ["section-907", "sanctions", "humanitarian-aid", "security-assistance", "prisoners",
             "accountability", "aid-to-armenia"]  # fmt: skip
    data = {"title": "All of it", "asks": every, "status": "live"}
    refused = owner.post("/organizer/campaigns/new", data=data)
    page = text(refused)
    assert refused.status_code == 422
    assert re.search(r"A call script covering these 7 asks would run to \d{3} words, more than a "
                     r"caller can say in about 30 seconds \(95\)\. Choose fewer asks", page)  # fmt: skip
    assert refused.get_data(as_text=True).count("checked") >= 7  # the choice kept
    assert owner.post(
        "/organizer/campaigns/new", data={**data, "asks": every[:2]}
    ).status_code == 302  # fmt: skip
    own = {**data, "title": "Own script", "call_script": "Please act for {{ member.state_name }}."}
    assert owner.post("/organizer/campaigns/new", data=own).status_code == 302


def _letter_body(response) -> str:
    page = response.get_data(as_text=True)
    return html.unescape(re.search(r'name="body"[^>]*>(.*?)</textarea>', page, re.S).group(1))


def test_a_bill_to_cosponsor_and_an_offices_own_greeting(organizers):
    owner = organizers.client("a@b.org")
    refused = owner.post(
        "/organizer/campaigns/new",
        data={"title": "T", "asks": ["sanctions"], "status": "live", "bill": "HR1234"},
    )
    assert refused.status_code == 422
    assert "Write it as Congress numbers it: H.R. 1234 (119th Congress)." in text(refused)
    assert 'value="HR1234"' in refused.get_data(as_text=True)  # the typing kept
    slug = organizers.campaign(
        owner, asks=["sanctions"], bill="H.R. 1234 (119th Congress)",
        **{**USAID, "targets-0-greeting": "Administrator Power"},
    )  # fmt: skip
    citizen = organizers.client()
    member = _letter_body(
        citizen.post("/letter", data={**wyoming_letter(slug), "member": "B001261"})
    )
    assert "I also ask you to co-sponsor H.R. 1234 (119th Congress). Please tell me" in member
    results = citizen.post("/lookup", data={"zip": "82001", "c": slug}).get_data(as_text=True)
    office = re.search(r'value="(target-\d+)"', results).group(1)
    letter = _letter_body(citizen.post("/letter", data={**wyoming_letter(slug), "member": office}))
    assert letter.lstrip().startswith("Dear Administrator Power,\n\nI am writing from Cheyenne")
    assert "co-sponsor" not in letter  # an office doesn't co-sponsor bills
    # The bill died with its Congress: once the 120th sits, letters no longer ask for it.
    with organizers.app.app_context():
        campaign = db.session.scalar(sa.select(Campaign).where(Campaign.slug == slug))
        campaign.bill = "H.R. 1234 (118th Congress)"
        db.session.commit()
    organizers.app.extensions["advocacy.clock"].advance(timedelta(seconds=2))  # seen 2 s later
    older = _letter_body(
        citizen.post("/letter", data={**wyoming_letter(slug), "member": "B001261"})
    )
    assert "co-sponsor" not in older
