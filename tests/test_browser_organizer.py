"""Organizers in a real browser: Debian's Chromium driven by Playwright, offline, CSRF on.

An organizer signs up and builds a live campaign (a template error first, then the fix); a
citizen on a phone opens the share link with ?ref=newsletter, writes to both senators of
Wyoming and marks both letters sent; the organizer then sees the counts, the CSV and the
progress bar. axe-core checks each page. The embed may be framed by another site; other pages
may not.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from playwright.sync_api import BrowserContext, Locator, Page, expect
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

from tests.a11y import assert_accessible
from tests.conftest import NOW, PASSWORD, Site, campaign_counts, make_campaign, make_organizer
from tests.test_browser import PHONE, check_page, find_members

CHEYENNE = "200 W 24th St, Cheyenne, WY 82001"
EMAIL = "organizer@example.org"
TITLE = "Bring the prisoners home"
SLUG = "bring-them-home"
ASK = "Armenians arrested by Azerbaijan"
DEFAULT_ASK = "No more waivers of Section 907"  # preselected on a new campaign
DESCRIPTION = (
    "Azerbaijan still holds **Armenian prisoners** taken in 2023.\n\n"
    "- Write to both senators\n"
    "- Then to your representative\n\n"
    "[Read the report](https://example.org/report)"
)
GOAL = 10
OPENING_LABEL = "Opening paragraph of each letter (optional)"
BROKEN_OPENING = (
    "As a voter in {{ constituent.city }}, I ask {{ member.salutation }} to act now.\n"
    "{{ member.nickname }}, please help."
)
OPENING = "As a voter in {{ constituent.city }}, I ask {{ member.salutation }} to act now."
NAME = "Ana Petrosyan"
BARRASSO = "Write to Senator John Barrasso"
LUMMIS = "Write to Senator Cynthia M. Lummis"
CSV_HEADER = ["day", "action", "ask", "chamber", "state", "district", "ref", "count"]


# -- the servers and the browser --------------------------------------------------------------


def _serve(app) -> tuple[object, threading.Thread]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server, thread


def _stop(server, thread: threading.Thread) -> None:
    server.shutdown()
    server.server_close()
    thread.join()


@dataclass
class FrameHost:
    """Another site on loopback (another origin: localhost, another port) that frames pages."""

    port: int
    pages: dict[str, str] = field(default_factory=dict)

    def serve(self, name: str, body: str) -> str:
        """A partner page around `body` (HTML); its URL."""
        self.pages[f"/{name}"] = (
            '<!doctype html><html lang="en"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>Partner site: {name}</title></head><body><h1>Our partner's campaign</h1>"
            f"{body}</body></html>"
        )
        return f"http://localhost:{self.port}/{name}"

    def frame(self, name: str, src: str) -> str:
        return self.serve(name, f'<iframe src="{src}" title="Campaign" height="400"></iframe>')


@pytest.fixture(scope="module")
def frame_host() -> Iterator[FrameHost]:
    host = FrameHost(port=0)

    @Request.application
    def app(request: Request) -> Response:
        body = host.pages.get(request.path)
        if body is None:
            return Response("not found", status=404)
        return Response(body, mimetype="text/html")

    server, thread = _serve(app)
    host.port = server.server_port
    yield host
    _stop(server, thread)


# -- helpers ----------------------------------------------------------------------------------


def sign_up(page: Page, site: Site, email: str = EMAIL) -> None:
    """The form, the mail's link, a password: as a person signs up."""
    page.goto("/organizer/signup")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create an organizer account")
    assert_fields_styled(page)
    assert_accessible(page)
    page.get_by_label("Email").fill(email)
    page.get_by_role("button", name="Email me a link").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Check your email")
    expect(page.get_by_role("status")).to_contain_text(email)
    assert_accessible(page)
    page.goto(site.mailbox.link(email))
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your password")
    assert_accessible(page)
    page.get_by_label("Password (at least 10 characters, hard to guess)").fill(PASSWORD)
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your campaigns")
    expect(page.get_by_role("link", name="Create your first campaign")).to_be_visible()


def assert_fields_styled(page: Page) -> None:
    """Every text-like field (password, number and date too) gets the site's full-size style."""
    small = page.locator(
        "input:not([type=hidden]):not([type=checkbox]):not([type=radio]), select, textarea"
    ).evaluate_all(
        "fields => fields.filter(f => f.offsetParent !== null)"
        ".filter(f => f.getBoundingClientRect().height < 44)"
        ".map(f => f.outerHTML)"
    )
    assert not small, f"fields smaller than a 44px touch target on {page.url}: {small}"


def fill_campaign(page: Page, opening: str) -> None:
    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Link name (letters, digits and hyphens)").fill(SLUG)
    page.get_by_label("Description (Markdown)").fill(DESCRIPTION)
    page.get_by_role("checkbox", name=DEFAULT_ASK).uncheck()
    page.get_by_role("checkbox", name=ASK).check()
    page.get_by_label("Status").select_option("live")
    page.get_by_label("End date (optional)").fill("2026-12-31")
    page.get_by_label("Goal: letters sent (optional)").fill(str(GOAL))
    page.get_by_label("Show progress toward the goal on the campaign page").check()
    page.get_by_label(OPENING_LABEL).fill(opening)


def assert_campaign_form_kept(page: Page) -> None:
    """After a refused save, everything typed is still there."""
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    expect(page.get_by_label("Link name (letters, digits and hyphens)")).to_have_value(SLUG)
    expect(page.get_by_label("Description (Markdown)")).to_have_value(DESCRIPTION)
    expect(page.get_by_role("checkbox", name=ASK)).to_be_checked()
    expect(page.get_by_role("checkbox", name=DEFAULT_ASK)).not_to_be_checked()
    expect(page.get_by_label("Status")).to_have_value("live")
    expect(page.get_by_label("End date (optional)")).to_have_value("2026-12-31")
    expect(page.get_by_label("Goal: letters sent (optional)")).to_have_value(str(GOAL))
    expect(page.get_by_label("Show progress toward the goal on the campaign page")).to_be_checked()


def counts_table(page: Page, heading: str) -> list[list[str]]:
    """The rows of one counts table on the campaign dashboard: key, written, sent, called."""
    box = page.locator("h3", has_text=heading).locator("xpath=following-sibling::*[1]")
    table = box.locator("table")
    expect(table).to_have_js_property("tagName", "TABLE")
    return table.evaluate(
        "t => [...t.tBodies[0].rows].map(r => [...r.cells].slice(0, 4)"
        ".map(c => c.textContent.trim()))"
    )


def total(page: Page, label: str) -> Locator:
    return page.locator("dl.totals dt", has_text=label).locator("xpath=following-sibling::dd[1]")


def mark_sent(page: Page) -> None:
    url = page.url
    sent = page.get_by_role("button", name="I sent my letter")
    expect(sent).to_be_enabled()
    sent.click()
    expect(page.locator("#count-status")).to_have_text(re.compile("^Thank you for writing"))
    expect(sent).to_be_disabled()
    assert page.url == url  # counted in the background (JS on)


# -- the journey ------------------------------------------------------------------------------


def test_organizer_campaign_citizen_and_counts(new_context, site):
    organizer, organizer_watch = new_context()
    org = organizer.new_page()

    # 1. Sign up; an empty dashboard.
    sign_up(org, site)
    assert_accessible(org)

    org.get_by_role("link", name="New campaign").click()
    expect(org.get_by_role("heading", level=1)).to_have_text("New campaign")
    expect(org.get_by_role("checkbox", name=DEFAULT_ASK)).to_be_checked()
    assert_fields_styled(org)
    assert_accessible(org)

    # A template error: the form comes back pointing at line 2, with the typing kept.
    fill_campaign(org, BROKEN_OPENING)
    org.get_by_role("button", name="Save").click()
    opening = org.get_by_label(OPENING_LABEL)
    error = org.locator(".field.has-error .error")
    expect(error).to_have_count(1)
    expect(error).to_have_text(
        "Line 2: unknown variable 'member.nickname'; use one of the list above."
    )
    expect(error).to_have_attribute("role", "alert")
    expect(opening).to_have_attribute("aria-invalid", "true")
    expect(opening).to_have_accessible_description(re.compile("^Line 2: "))
    expect(opening).to_have_value(BROKEN_OPENING)
    assert_campaign_form_kept(org)
    assert org.url.endswith("/organizer/campaigns/new")
    assert_accessible(org)

    # The fix.
    opening.fill(OPENING)
    org.get_by_role("button", name="Save").click()
    expect(org.get_by_role("heading", level=1)).to_have_text(TITLE)
    assert org.url == f"{site.url}/organizer/campaigns/{SLUG}"
    expect(org.locator("p.meta")).to_have_text(
        f"Status: live · ends December 31, 2026 · goal {GOAL} letters"
    )
    share_url = f"{site.url}/c/{SLUG}"
    expect(org.locator("code.share")).to_have_text(share_url)
    for link, href in (
        ("SVG", f"/organizer/campaigns/{SLUG}/qr.svg"),
        ("PNG", f"/organizer/campaigns/{SLUG}/qr.png"),
        ("Printable flyer", f"/organizer/campaigns/{SLUG}/flyer"),
    ):
        expect(org.get_by_role("link", name=link, exact=True)).to_have_attribute("href", href)
    expect(org.locator("pre.snippet")).to_contain_text(
        f'<iframe src="{site.url}/c/{SLUG}/embed?ref=embed"'
    )
    expect(total(org, "Letters written")).to_have_text("0")
    expect(total(org, "Letters sent")).to_have_text("0")
    assert_accessible(org)

    org.get_by_role("link", name="Your campaigns").click()
    expect(org.get_by_role("link", name=TITLE)).to_be_visible()
    assert_accessible(org)

    # 2. A citizen on a phone, from the newsletter.
    citizen, citizen_watch = new_context(**PHONE)
    page = citizen.new_page()
    page.goto(f"{share_url}?ref=newsletter")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    description = page.locator(".description")
    expect(description.locator("strong")).to_have_text("Armenian prisoners")
    expect(description.locator("li")).to_have_text(
        ["Write to both senators", "Then to your representative"]
    )
    report = description.get_by_role("link", name="Read the report")
    expect(report).to_have_attribute("href", "https://example.org/report")
    expect(report).to_have_attribute("rel", re.compile(r"\bnoopener\b"))
    expect(page.locator(".progress-wrap")).to_contain_text(f"0 letters sent of a goal of {GOAL}.")
    expect(page.locator("input[name=ref]")).not_to_have_count(0)
    for ref in page.locator("input[name=ref]").all():
        expect(ref).to_have_value("newsletter")
    check_page(page)  # no sideways scrolling at 390px, and axe

    find_members(page, CHEYENNE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Your members of Congress")
    expect(page.locator("main")).to_contain_text("Wyoming, at-large district")
    for member in (
        "Senator John Barrasso",
        "Senator Cynthia M. Lummis",
        "Representative Harriet M. Hageman",
    ):
        expect(page.get_by_role("heading", name=member)).to_be_visible()
    # Only the campaign's ask, already chosen.
    expect(page.get_by_role("radio")).to_have_count(1)
    expect(page.get_by_role("radio", name=ASK)).to_be_checked()
    expect(page.get_by_label("City or town")).to_have_value("Cheyenne")
    page.get_by_label("Your full name").fill(NAME)
    check_page(page)

    page.get_by_role("button", name=BARRASSO).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your letter to Senator John Barrasso"
    )
    body = page.locator("#body").input_value()
    assert body.startswith("Dear Senator Barrasso,\n\n")
    assert "As a voter in Cheyenne, I ask Senator Barrasso to act now." in body
    check_page(page)
    mark_sent(page)

    page.get_by_role("button", name=LUMMIS).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your letter to Senator Cynthia M. Lummis"
    )
    body = page.locator("#body").input_value()
    assert "As a voter in Cheyenne, I ask Senator Lummis to act now." in body
    assert "Barrasso" not in body
    expect(page.locator("#count-status")).to_be_empty()
    mark_sent(page)

    assert campaign_counts(site.app, SLUG) == {
        ("generated", "senate", "WY", -1, "newsletter", 2),
        ("sent", "senate", "WY", -1, "newsletter", 2),
    }

    # 3. Back to the organizer: the counts, the CSV and the progress bar.
    org.get_by_role("link", name=TITLE).click()
    expect(total(org, "Letters written")).to_have_text("2")
    expect(total(org, "Letters sent")).to_have_text("2")
    expect(total(org, "Calls that reached an office")).to_have_text("0")
    today = NOW.date().isoformat()  # counts keep the UTC day
    assert counts_table(org, "By day") == [[today, "2", "2", "0"]]
    assert counts_table(org, "By state") == [["WY", "2", "2", "0"]]
    assert counts_table(org, "By district") == [["WY (senate)", "2", "2", "0"]]
    assert counts_table(org, "By source (ref)") == [["newsletter", "2", "2", "0"]]
    assert_accessible(org)

    with org.expect_download() as downloading:
        org.get_by_role("link", name="Download all counts (CSV)").click()
    download = downloading.value
    assert download.suggested_filename == f"{SLUG}-counts.csv"
    with open(download.path(), newline="", encoding="utf-8") as f:
        rows = list(csv.reader(f))
    assert rows[0] == CSV_HEADER
    records = [dict(zip(CSV_HEADER, row, strict=True)) for row in rows[1:]]
    sums: dict[str, int] = {}
    for r in records:
        sums[r["action"]] = sums.get(r["action"], 0) + int(r["count"])
        assert (r["day"], r["ask"], r["chamber"], r["state"], r["district"], r["ref"]) == (
            today,
            "prisoners",
            "senate",
            "WY",
            "",
            "newsletter",
        )
    assert sums == {"generated": 2, "sent": 2}
    # The same file through the context's request API (the organizer's cookies).
    fetched = organizer.request.get(f"/organizer/campaigns/{SLUG}/counts.csv")
    assert fetched.ok and fetched.headers["content-type"].startswith("text/csv")
    assert list(csv.reader(io.StringIO(fetched.text()))) == rows
    # ...and only through them: a stranger gets the sign-in page, not the counts.
    stranger = citizen.request.get(f"/organizer/campaigns/{SLUG}/counts.csv", max_redirects=0)
    assert stranger.status == 302 and "/organizer/login" in stranger.headers["location"]

    org.get_by_role("link", name="Preview as a citizen").click()
    progress = org.get_by_role("progressbar", name="Letters sent toward the goal")
    expect(progress).to_have_attribute("value", "2")
    expect(progress).to_have_attribute("max", str(GOAL))
    expect(org.locator(".progress-wrap")).to_contain_text(f"2 letters sent of a goal of {GOAL}.")

    # The citizen sees the same progress, on the page and in the embed.
    page.goto(f"{share_url}?ref=newsletter")
    expect(page.get_by_role("progressbar", name="Letters sent toward the goal")).to_have_attribute(
        "value", "2"
    )
    check_page(page)
    page.goto(f"/c/{SLUG}/embed")
    expect(page.get_by_role("heading", level=1)).to_have_text(TITLE)
    expect(page.locator("main")).to_contain_text(f"2 letters sent of a goal of {GOAL}.")
    check_page(page)

    organizer_watch.assert_clean()
    citizen_watch.assert_clean()


# -- framing ----------------------------------------------------------------------------------


FRAMER = "framer@example.org"


@pytest.fixture(scope="module")
def live_campaign(site: Site) -> str:
    """A live campaign made without the form (the journey above tests the form)."""
    organizer = make_organizer(site.app, FRAMER)
    return make_campaign(
        site.app, organizer, "framed-campaign", title="Framed campaign", goal=100,
        show_progress=True,
    )  # fmt: skip


def embed_snippet(context: BrowserContext, slug: str) -> str:
    """The organizer signs in and copies the embed snippet from the campaign's dashboard."""
    page = context.new_page()
    page.goto(f"/organizer/campaigns/{slug}")  # -> the sign-in page, then back here
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign in")
    assert_accessible(page)
    page.get_by_label("Email").fill(FRAMER)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Framed campaign")
    snippet = page.locator("pre.snippet").inner_text()
    page.close()
    return snippet


def test_only_the_embed_can_be_framed(new_context, site, frame_host, live_campaign):
    organizer, _ = new_context()
    snippet = embed_snippet(organizer, live_campaign)
    assert snippet.startswith(f'<iframe src="{site.url}/c/{live_campaign}/embed?ref=embed"')

    # The snippet, pasted as is into a page of another site (another origin): the whole form
    # shows, in a wide column and on a phone, without scrolling inside the frame.
    context, watch = new_context()
    page = context.new_page()
    partner = frame_host.serve("embed", snippet)
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 800})
        page.goto(partner)
        frame = page.frame_locator("iframe")
        expect(frame.get_by_role("heading", level=1)).to_have_text("Framed campaign")
        address = frame.get_by_label("Your home address")
        expect(address).to_be_visible()
        button = frame.get_by_role("button", name=re.compile("^Write to my members"))
        expect(button).to_be_visible()
        expect(frame.locator("progress")).to_have_attribute("value", "0")
        embedded = page.locator("iframe").element_handle().content_frame()
        assert embedded is not None and embedded.url.startswith(site.url), embedded.url
        fits = embedded.evaluate(
            "() => [document.body.getBoundingClientRect().bottom <= innerHeight,"
            " document.documentElement.scrollWidth <= innerWidth]"
        )
        assert fits == [True, True], f"the embed scrolls inside its frame at {width}px"
    assert_accessible(embedded)  # axe in the framed document itself

    # Its form opens the results in a new tab, counted under the embed's ref.
    address.fill(CHEYENNE)
    with context.expect_page() as opened:
        button.click()
    results = opened.value
    expect(results.get_by_role("heading", level=1)).to_have_text("Your members of Congress")
    expect(results.locator("main")).to_contain_text("Wyoming, at-large district")
    results.get_by_label("Your full name").fill(NAME)
    results.get_by_role("button", name="Write to Representative Harriet M. Hageman").click()
    expect(results.get_by_role("heading", level=1)).to_have_text(
        "Your letter to Representative Harriet M. Hageman"
    )
    mark_sent(results)  # CSRF on: the new tab has its own session
    assert campaign_counts(site.app, live_campaign, ref="embed") == {
        ("generated", "house", "WY", 0, "embed", 1),
        ("sent", "house", "WY", 0, "embed", 1),
    }
    results.close()

    # Any other page refuses to be framed: the frame never shows the app.
    blocked_url = f"{site.url}/c/{live_campaign}"
    with page.expect_response(blocked_url) as answered:
        page.goto(frame_host.frame("page", blocked_url))  # waits for the frame's load, too
    frame = page.frame_locator("iframe")
    expect(frame.get_by_role("heading", name="Framed campaign")).to_have_count(0)
    expect(frame.get_by_label("Your home address")).to_have_count(0)
    framed = page.locator("iframe").element_handle().content_frame()
    assert framed is not None and not framed.url.startswith(site.url), framed.url
    headers = answered.value.headers
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-frame-options"] == "DENY"
    refusals = [m for m in watch.console_errors if "frame-ancestors 'none'" in m]
    assert refusals, watch.console_errors

    # Nothing else went wrong: the refusal is the only CSP message, and only our pages have CSPs.
    watch.console_errors[:] = [m for m in watch.console_errors if m not in refusals]
    watch.without_csp[:] = [u for u in watch.without_csp if not u.startswith("http://localhost")]
    watch.assert_clean()


# -- the campaign and its source stay with the citizen ----------------------------------------


def test_every_way_back_keeps_the_campaign_and_its_source(new_context, site, live_campaign):
    context, watch = new_context(**PHONE)
    page = context.new_page()
    start = f"/c/{live_campaign}?ref=flyer-3"
    page.goto(start)

    # The manual path: state, district list (and back), then the at-large seat.
    page.get_by_label("State or territory").select_option(label="Wyoming")
    page.get_by_role("button", name="Show districts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your district in Wyoming")
    back = page.get_by_role("link", name="Back: find your members by address instead")
    expect(back).to_have_attribute("href", start)
    page.get_by_role("link", name=re.compile(r"^Wyoming \(at large\):")).click()
    expect(page.locator("main")).to_contain_text("Wyoming, at-large district")
    expect(page.get_by_role("link", name="Start again with another address")).to_have_attribute(
        "href", start
    )
    page.get_by_label("Your full name").fill(NAME)
    page.get_by_label("City or town").fill("Cheyenne")
    page.get_by_label("ZIP code").fill("82001")
    page.get_by_role("button", name="Write to Senator John Barrasso").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Your letter to Senator John Barrasso"
    )
    expect(page.get_by_role("link", name="Start again", exact=True)).to_have_attribute(
        "href", start
    )
    see_all = page.get_by_role("link", name="See all your members")
    expect(see_all).to_have_attribute("href", re.compile(rf"c={live_campaign}&ref=flyer-3$"))
    check_page(page)
    assert campaign_counts(site.app, live_campaign, ref="flyer-3") == {
        ("generated", "senate", "WY", -1, "flyer-3", 1)
    }
    watch.assert_clean()


def test_a_fixed_target_gets_its_own_letter(new_context, site):
    """An organizer names an executive-branch office; a citizen writes to it after their members."""
    organizer, _ = new_context()
    org = organizer.new_page()
    sign_up(org, site, "targets@example.org")
    org.get_by_role("link", name="New campaign").click()
    org.get_by_label("Title", exact=True).fill("Aid for refugees")
    org.get_by_role("checkbox", name=DEFAULT_ASK).uncheck()
    org.get_by_role("checkbox", name="Aid for Artsakh's refugees").check()
    org.get_by_label("Status").select_option("live")
    office = org.get_by_role("group", name="Office 1")
    office.get_by_label("Office or title").fill("Administrator, USAID")
    office.get_by_label("Phone").fill("202-712-0000")
    office.get_by_label("Web form").fill("https://www.usaid.gov/contact-us")
    assert_accessible(org)
    org.get_by_role("button", name="Save").click()
    expect(org.get_by_role("heading", level=1)).to_have_text("Aid for refugees")
    share_url = org.locator("code.share").inner_text()

    citizen, _ = new_context(**PHONE)
    page = citizen.new_page()
    page.goto(f"{share_url}?ref=flyer")
    find_members(page, CHEYENNE)
    expect(page.get_by_role("heading", name="Also contact")).to_be_visible()
    expect(page.get_by_role("link", name="202-712-0000")).to_have_attribute(
        "href", "tel:+12027120000"
    )
    page.get_by_label("Your full name").fill(NAME)
    check_page(page)
    page.get_by_role("button", name="Write to Administrator, USAID").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Your letter to Administrator, USAID")
    body = page.locator("#body").input_value()
    assert body.startswith("Dear Administrator, USAID,\n\nI am writing from Cheyenne, WY")
    assert "I urge you to increase humanitarian aid to Armenia" in body
    expect(page.get_by_role("link", name="Call 202-712-0000")).to_be_visible()
    check_page(page)
    mark_sent(page)

    org.reload()
    assert counts_table(org, "By district") == [["offices the campaign names", "1", "1", "0"]]
    assert counts_table(org, "By source (ref)") == [["flyer", "1", "1", "0"]]
