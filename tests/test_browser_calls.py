"""Call mode in a real browser: a volunteer on a phone calls the three offices of Wyoming.

Debian's Chromium driven by Playwright, offline (loopback only), CSRF on, a 390px viewport.
With JavaScript each outcome is posted in the background (no page load) and the next offices
are fetched ahead; two are given while the phone's data connection is down: the volunteer
keeps calling, the outcomes wait in localStorage (without the caller's name, city or ZIP) and
are sent when the connection comes back, once. Without JavaScript the same calls are plain
form posts. Either way the database and the organizer's dashboard count exactly the three
outcomes. axe-core checks the start page, an office page (also while offline) and the summary.
"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import Page, expect

from advocacy.extensions import db
from advocacy.models import Target
from tests.a11y import assert_accessible
from tests.conftest import PASSWORD, Site, campaign_counts, make_campaign, make_organizer
from tests.test_browser import PHONE, assert_no_sideways_scroll, check_page
from tests.test_browser_organizer import total

EMAIL = "callday@example.org"
TITLE = "Call-in day for the prisoners"
FIRST, CITY, ZIP = "Ana", "Cheyenne", "82001"
QUEUE = "advocacy.calls.queue"
OFFICES = [
    ("Senator John Barrasso", "Talked to a staffer"),
    ("Senator Cynthia M. Lummis", "Left a voicemail"),
    ("Representative Harriet M. Hageman", "Line busy or mailbox full"),
]
SUMMARY = [
    "Senator John Barrasso: Talked to a staffer",
    "Senator Cynthia M. Lummis: Left a voicemail",
    "Representative Harriet M. Hageman: Line busy or mailbox full",
]
BACK_ONLINE = "Back online: 1 saved call outcome was sent."


def expected_counts(ref: str) -> set[tuple[str, str, str, int, str, int]]:
    return {
        ("called", "senate", "WY", -1, ref, 1),
        ("voicemail", "senate", "WY", -1, ref, 1),
        ("busy", "house", "WY", 0, ref, 1),
    }


# -- the server, the browser and the campaign -------------------------------------------------


@pytest.fixture(scope="module")
def organizer(site: Site) -> int:
    return make_organizer(site.app, EMAIL)


def live_campaign(site: Site, organizer_id: int, slug: str, *targets: dict[str, str]) -> str:
    """A live campaign made without the form (test_browser_organizer tests the form)."""
    return make_campaign(
        site.app, organizer_id, slug, title=TITLE, asks=("prisoners",), targets=targets
    )


# -- helpers ----------------------------------------------------------------------------------


def heading(page: Page):
    return page.get_by_role("heading", level=1)


def start_calling(
    page: Page, slug: str, ref: str = "", *, axe: bool = True, button: str = "Start calling"
) -> None:
    page.goto(f"/c/{slug}/call?ref={ref}")
    expect(heading(page)).to_have_text(f"Call your members: {TITLE}")
    if axe:
        check_page(page)
    else:
        assert_no_sideways_scroll(page)
    page.get_by_label("Your first name").fill(FIRST)
    page.get_by_label("City or town").fill(CITY)
    page.get_by_role("textbox", name="ZIP code", exact=True).fill(ZIP)
    page.get_by_role("button", name=button).click()


ONLY = "Call the campaign's office only"


def expect_office(page: Page, number: int) -> None:
    name, _ = OFFICES[number - 1]
    expect(heading(page)).to_have_text(f"Call {name}")
    expect(page.locator("main p.meta").first).to_have_text(f"Office {number} of 3")
    expect(page.locator("blockquote.script")).to_contain_text(
        f"my name is {FIRST}, and I'm a constituent from {CITY}, ZIP code {ZIP}."
    )
    expect(page.get_by_role("link", name=re.compile(r"^Call \(?\d"))).not_to_have_count(0)


def outcome(page: Page, number: int):
    return page.get_by_role("button", name=OFFICES[number - 1][1])


def queue(page: Page) -> str | None:
    return page.evaluate("key => localStorage.getItem(key)", QUEUE)


def expect_summary(page: Page, site: Site, slug: str, ref: str) -> None:
    expect(heading(page)).to_have_text(f"Thank you, {FIRST}")
    expect(page.locator("main ul.choices li")).to_have_text(SUMMARY)
    expect(page.locator("code.share")).to_have_text(f"{site.url}/c/{slug}?ref={ref}")


def dashboard_shows_the_calls(new_context, slug: str) -> None:
    """The organizer signs in and sees exactly one talked, one voicemail and one busy."""
    context, watch = new_context()
    page = context.new_page()
    page.goto("/organizer/login")
    page.get_by_label("Email").fill(EMAIL)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(heading(page)).to_have_text("Your campaigns")
    page.goto(f"/organizer/campaigns/{slug}")
    expect(heading(page)).to_have_text(TITLE)
    for label, n in (
        ("Letters sent", "0"),
        ("Calls that reached an office", "2"),  # talked or voicemail
        ("Calls: talked to a staffer", "1"),
        ("Calls: left a voicemail", "1"),
        ("Calls: line busy or mailbox full", "1"),
    ):
        expect(total(page, label)).to_have_text(n)
    # Call sheets for the next phone bank: a state's offices, then one office alone.
    page.get_by_role("link", name="Printable call sheets").click()
    page.get_by_label("State or territory").select_option("WY")
    assert_accessible(page)
    page.get_by_role("button", name="Show call sheets").click()
    expect(heading(page)).to_have_text(f"Call sheets: {TITLE}, Wyoming")
    expect(page.locator("table.tally")).to_have_count(3)
    assert_accessible(page)
    page.get_by_role("link", name="Print this office alone").first.click()
    expect(page.locator("section.sheet h2")).to_have_text(["Senator John Barrasso"])
    watch.assert_clean()


# -- the journeys -----------------------------------------------------------------------------


def expect_ready_offline(page: Page) -> None:
    """The two offices after the first and the summary were fetched in advance."""
    expect(page.locator("html")).to_have_attribute("data-ahead", "3")


def test_three_calls_on_a_phone_with_an_offline_moment(new_context, site, organizer):
    slug, ref = live_campaign(site, organizer, "call-day"), "callday"
    context, watch = new_context(**PHONE)
    page = context.new_page()
    start_calling(page, slug, ref)
    expect_office(page, 1)
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))
    check_page(page)
    loads = len(watch.documents)  # from here on, no page loads: outcomes go by fetch
    expect_ready_offline(page)
    assert campaign_counts(site.app, slug) == set()  # fetching ahead counts nothing

    # 1. Talked to a staffer: recorded in the background, the next office in place.
    outcome(page, 1).click()
    expect_office(page, 2)
    expect(heading(page)).to_be_focused()
    expect(page).to_have_title(re.compile(r"^Call Cynthia M\. Lummis · "))
    assert len(watch.documents) == loads
    assert campaign_counts(site.app, slug) == {("called", "senate", "WY", -1, ref, 1)}

    # 2. The phone's data connection drops (the phone line still works): the voicemail is
    # saved, anonymously, on the phone, and the next office comes from the pages fetched ahead.
    lummis = page.locator("form.outcomes").get_attribute("data-member")
    context.set_offline(True)
    outcome(page, 2).click()
    expect_office(page, 3)
    expect(heading(page)).to_be_focused()
    note = page.locator("#queue-note")
    expect(note).to_have_text(
        "1 call outcome is saved on this phone and will be sent as soon as the connection allows."
    )
    saved = queue(page)
    [item] = json.loads(saved)
    assert set(item) == {"key", "url", "visit", "action", "member", "at"}
    assert (item["url"], item["action"], item["member"]) == (
        f"/c/{slug}/call/count?ref={ref}",
        "voicemail",
        lummis,
    )
    for personal in (FIRST, CITY, ZIP):
        assert personal not in saved
    check_page(page)

    # 3. Line busy, still offline: the summary, with both outcomes in their places.
    outcome(page, 3).click()
    expect_summary(page, site, slug, ref)
    expect(note).to_have_text(
        "2 call outcomes are saved on this phone and will be sent as soon as the connection allows."
    )
    assert campaign_counts(site.app, slug) == {("called", "senate", "WY", -1, ref, 1)}

    # Back online: the queue is sent, once.
    context.set_offline(False)
    expect(note).to_have_text("Back online: 2 saved call outcomes were sent.")
    expect(heading(page)).to_have_text(f"Thank you, {FIRST}")
    assert queue(page) is None
    check_page(page)
    assert len(watch.documents) == loads
    assert campaign_counts(site.app, slug) == expected_counts(ref)

    dashboard_shows_the_calls(new_context, slug)
    watch.assert_clean()


def test_offline_before_the_next_office_arrived(new_context, site, organizer):
    """Nothing fetched ahead yet: the office is marked done, the next follows once online."""
    slug, ref = live_campaign(site, organizer, "call-early"), "early"
    context, watch = new_context(**PHONE)
    page = context.new_page()
    page.route("**/call/next", lambda route: route.abort("internetdisconnected"))
    start_calling(page, slug, ref, axe=False)
    expect_office(page, 1)
    context.set_offline(True)
    outcome(page, 1).click()
    notice = page.get_by_role("alert")
    expect(notice).to_contain_text(
        "You're offline: your outcome (Talked to a staffer) is saved and will be sent when "
        "you're back online."
    )
    expect(notice).to_be_focused()
    expect(outcome(page, 1)).to_be_hidden()  # given once: it can't be given twice
    check_page(page)
    page.get_by_role("button", name="Continue to the next office").click()
    expect(notice).to_contain_text("Still offline. We'll move on as soon as you're back online.")
    expect_office(page, 1)
    page.unroute("**/call/next")
    context.set_offline(False)
    expect_office(page, 2)
    expect(page.locator("#queue-note")).to_have_text(BACK_ONLINE)
    expect(heading(page)).to_be_focused()
    assert queue(page) is None
    assert campaign_counts(site.app, slug) == {("called", "senate", "WY", -1, ref, 1)}
    watch.assert_clean()


def test_an_outcome_saved_offline_is_sent_on_the_next_page_load(new_context, site, organizer):
    slug, ref = live_campaign(site, organizer, "call-later"), "later"
    context, watch = new_context(**PHONE)
    page = context.new_page()
    start_calling(page, slug, ref, axe=False)
    expect_office(page, 1)
    expect_ready_offline(page)
    context.set_offline(True)
    outcome(page, 1).click()
    expect_office(page, 2)
    expect(page.locator("#queue-note")).to_contain_text("1 call outcome is saved on this phone")
    page.close()  # the volunteer gives up for now, still offline
    context.set_offline(False)

    page = context.new_page()
    page.goto(f"/c/{slug}/call")
    expect(page.locator("#queue-note")).to_have_text(BACK_ONLINE)
    assert queue(page) is None
    assert campaign_counts(site.app, slug) == {("called", "senate", "WY", -1, ref, 1)}
    page.reload()  # sent once, never again
    expect(heading(page)).to_have_text(f"Call your members: {TITLE}")
    expect(page.locator("#queue-note")).to_have_count(0)
    assert campaign_counts(site.app, slug) == {("called", "senate", "WY", -1, ref, 1)}
    watch.assert_clean()


def test_an_error_page_counts_nothing_and_a_lost_answer_counts_once(new_context, site, organizer):
    slug, ref = live_campaign(site, organizer, "call-errors"), "errors"
    context, watch = new_context(**PHONE)
    page = context.new_page()
    start_calling(page, slug, ref, axe=False)
    expect_office(page, 1)
    expect_ready_offline(page)  # fetched ahead with the good token, before it is spoiled
    form = page.locator("form.outcomes")
    barrasso = form.get_attribute("data-member")

    # An expired form: the server's message, the buttons still there, nothing counted.
    token = form.locator("input[name=csrf_token]")
    good = token.input_value()
    token.evaluate("input => { input.value = 'expired' }")
    outcome(page, 1).click()
    expect(page.get_by_role("alert")).to_have_text(
        "This form has expired. Go back, reload the page and send it again."
    )
    expect(outcome(page, 1)).to_be_enabled()
    assert campaign_counts(site.app, slug) == set()

    # The server counts the outcome, but its answer is cut off: the page queues it too and
    # goes on with the office fetched ahead; the server counts it once.
    token.evaluate("(input, value) => { input.value = value }", good)
    expect_ready_offline(page)

    def cut_off(route):
        answer = route.fetch()
        assert answer.ok
        route.fulfill(status=200, content_type="text/html", body="<!doctype html><p>")

    page.route("**/call/next", cut_off)
    outcome(page, 1).click()
    expect_office(page, 2)
    expect(page.locator(f'input[name=log][value="{barrasso}:called"]')).to_have_count(1)
    assert len(json.loads(queue(page))) == 1
    assert campaign_counts(site.app, slug) == {("called", "senate", "WY", -1, ref, 1)}
    page.unroute("**/call/next")

    # Its whole answer is lost: the same, for the voicemail.
    def lost(route):
        assert route.fetch().ok
        route.abort("internetdisconnected")

    page.route("**/call/next", lost)
    outcome(page, 2).click()
    expect_office(page, 3)
    assert len(json.loads(queue(page))) == 2
    page.unroute("**/call/next")
    outcome(page, 3).click()  # gets through: the queue follows it
    expect_summary(page, site, slug, ref)
    expect(page.locator("#queue-note")).to_have_text(
        "Back online: 2 saved call outcomes were sent."
    )
    assert queue(page) is None
    assert campaign_counts(site.app, slug) == expected_counts(ref)
    watch.assert_clean()


def test_three_calls_without_javascript(new_context, site, organizer):
    slug, ref = live_campaign(site, organizer, "call-day-plain"), "plain"
    context, watch = new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()  # no axe here: it hangs when scripts can't run
    start_calling(page, slug, ref, axe=False)
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bjs\b"))
    for number in (1, 2, 3):
        expect_office(page, number)
        assert_no_sideways_scroll(page)
        outcome(page, number).click()
    expect_summary(page, site, slug, ref)
    assert_no_sideways_scroll(page)
    assert len(watch.documents) == 5  # the start page, its post, three outcome posts
    assert campaign_counts(site.app, slug) == expected_counts(ref)
    watch.assert_clean()


def test_a_busy_connection_or_database_keeps_the_outcome_on_the_phone(new_context, site, organizer):
    """A phone bank over its rate limit (429), then a database too busy to count (the page
    says data-unsaved): each outcome is kept on the phone, the calls go on, and each is
    counted once when a request gets through."""
    slug, ref = live_campaign(site, organizer, "call-busy"), "busy"
    context, watch = new_context(**PHONE)
    page = context.new_page()
    start_calling(page, slug, ref, axe=False)
    expect_office(page, 1)
    expect_ready_offline(page)

    page.route(
        "**/call/next",
        lambda route: route.fulfill(status=429, content_type="text/html", body="<main><p>Slow"),
    )
    outcome(page, 1).click()
    expect_office(page, 2)
    assert len(json.loads(queue(page))) == 1
    page.unroute("**/call/next")

    def unsaved(route):  # the server's answer when counts.record raised CountFailed
        body = route.request.post_data.replace("outcome=voicemail", "outcome=skip")
        answer = route.fetch(post_data=body)
        html = answer.text().replace(
            '<p class="meta">',
            '<p class="alert unsaved" role="status" data-unsaved="voicemail">Busy</p>'
            '<p class="meta">',
            1,
        )
        route.fulfill(response=answer, body=html)

    page.route("**/call/next", unsaved)
    outcome(page, 2).click()
    expect_office(page, 3)
    expect(page.locator("main .unsaved")).to_contain_text("saved on this phone")
    page.unroute("**/call/next")
    expect(page.locator("#queue-note")).to_have_text(
        "Back online: 2 saved call outcomes were sent."
    )  # the first was sent after the answer that got through, with the second
    assert queue(page) is None
    assert campaign_counts(site.app, slug) == {
        ("called", "senate", "WY", -1, ref, 1),
        ("voicemail", "senate", "WY", -1, ref, 1),
    }
    watch.assert_clean()


def test_the_campaigns_own_office_straight_away(new_context, site, organizer):
    """No lookup: the volunteer calls the office the campaign names, then may write instead."""
    state_dept = {"title": "Secretary of State", "phone": "202-647-4000"}
    slug = live_campaign(site, organizer, "call-state", state_dept)
    context, watch = new_context(**PHONE)
    page = context.new_page()
    page.goto(f"/c/{slug}/call")
    expect(page.get_by_text("Or call only the office this campaign names")).to_be_visible()
    start_calling(page, slug, button=ONLY)  # with axe on the start page
    expect(heading(page)).to_have_text("Call the Secretary of State")
    expect(page.locator("main p.meta").first).to_have_text("Office 1 of 1")
    expect(page.locator("blockquote.script")).to_contain_text(
        f"my name is {FIRST}, and I live in {CITY}, Wyoming."
    )
    expect(page.get_by_role("link", name="Call 202-647-4000")).to_have_attribute(
        "href", "tel:+12026474000"
    )
    check_page(page)
    with context.expect_page() as opened:  # a new tab: this one keeps the volunteer's place
        page.get_by_role("button", name="Write to this office instead").click()
    letter = opened.value
    expect(letter.locator("textarea[name=body]")).to_contain_text("Dear Secretary of State,")
    expect(letter.locator("main")).not_to_contain_text("members of Congress have no public email")
    expect(heading(page)).to_have_text("Call the Secretary of State")
    letter.close()
    assert campaign_counts(site.app, slug) == {("generated", "office", "", -1, "", 1)}

    # Again, skipped while offline: the summary fetched ahead says so in the server's words.
    start_calling(page, slug, axe=False, button=ONLY)
    expect(page.locator("html")).to_have_attribute("data-ahead", "1")
    context.set_offline(True)
    page.get_by_role("button", name="Skip this office").click()
    expect(page.locator("main ul.choices li")).to_have_text(["Secretary of State: Skipped"])
    context.set_offline(False)
    watch.assert_clean()


def test_a_list_that_changed_mid_visit_starts_again_with_the_typing_kept(
    new_context, site, organizer
):
    slug = live_campaign(
        site, organizer, "call-changed", {"title": "Secretary of State", "phone": "202-647-4000"}
    )
    context, watch = new_context(**PHONE)
    page = context.new_page()
    start_calling(page, slug, axe=False, button=ONLY)
    expect(heading(page)).to_have_text("Call the Secretary of State")
    with site.app.app_context():  # the organizer removes the office meanwhile, elsewhere
        db.session.execute(sa.delete(Target))
        db.session.commit()
    site.app.extensions["advocacy.clock"].advance(timedelta(seconds=2))  # seen 2 s later
    page.get_by_role("button", name="Talked to a staffer").click()
    expect(page.get_by_role("alert")).to_have_text(
        "The list of offices to call has changed since this page: start again."
    )
    expect(heading(page)).to_have_text(f"Call your members: {TITLE}")
    expect(page.get_by_label("Your first name")).to_have_value(FIRST)
    expect(page.get_by_label("City or town")).to_have_value(CITY)
    assert campaign_counts(site.app, slug) == set()
    watch.assert_clean()
