"""The citizen journey in a real browser: Debian's Chromium driven by Playwright, offline.

The app runs with CSRF on (a real browser posts the token) in a Werkzeug server on loopback,
over the loopback Census fake and the synced data. axe-core checks every page the phone journey
visits; the no-JavaScript journey checks that every step also works as plain HTML forms.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from playwright.sync_api import BrowserContext, Page, Response, expect

from tests.a11y import assert_accessible

CHROMIUM = "/usr/bin/chromium"  # Debian's package; never a browser that Playwright downloads
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True}

AUSTIN = "1100 Congress Ave, Austin, TX 78701"
NAME = "Ana Petrosyan"
NOTE = "My grandmother was born in Stepanakert."
EDIT = "I will follow how you vote on this."
ASK = "Sanction those responsible"  # not the preselected ask, so choosing one is tested
ASK_SLUG = "sanctions"
DOGGETT = "Write to Representative Lloyd Doggett"
CORNYN = "Write to Senator John Cornyn"


# -- the server and the browser ---------------------------------------------------------------


@dataclass
class Watch:
    """What a context saw: console errors, script errors, and documents served without a CSP."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    documents: list[str] = field(default_factory=list)
    without_csp: list[str] = field(default_factory=list)

    def attach(self, context: BrowserContext) -> None:
        context.on("console", self._console)
        context.on("weberror", lambda error: self.page_errors.append(str(error.error)))
        context.on("response", self._response)

    def _console(self, message) -> None:
        if message.type == "error":
            self.console_errors.append(message.text)

    def _response(self, response: Response) -> None:
        if response.request.resource_type == "document":
            self.documents.append(response.url)
            if "content-security-policy" not in response.headers:
                self.without_csp.append(response.url)

    @property
    def csp_violations(self) -> list[str]:
        return [m for m in self.console_errors if "Content Security Policy" in m]

    def assert_clean(self) -> None:
        assert self.documents, "no page was loaded"
        assert not self.without_csp, f"pages without a Content-Security-Policy: {self.without_csp}"
        assert not self.csp_violations, "CSP violations:\n" + "\n".join(self.csp_violations)
        assert not self.page_errors, "script errors:\n" + "\n".join(self.page_errors)


# -- helpers ----------------------------------------------------------------------------------


def assert_no_sideways_scroll(page: Page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"{page.url} scrolls sideways at 390px: scrollWidth is {width}"


def check_page(page: Page) -> None:
    """On a phone with JavaScript: accessible, and no sideways scrolling."""
    assert_no_sideways_scroll(page)
    assert_accessible(page)


def find_members(page: Page, address: str) -> None:
    page.get_by_label("Your home address").fill(address)
    page.get_by_role("button", name="Find my members").click()


def fill_letter_form(page: Page) -> None:
    page.get_by_role("radio", name=ASK).check()
    page.get_by_label("Your full name").fill(NAME)
    page.get_by_label("City or town").fill("Austin")
    page.get_by_label("ZIP code").fill("78701")
    page.get_by_label("In your own words").fill(NOTE)


def letter_text(page: Page) -> str:
    return page.locator("#body").input_value()


def edited(text: str) -> str:
    assert NOTE in text
    return text.replace(NOTE, f"{NOTE}\n\n{EDIT}", 1)


def assert_austin_results(page: Page, city: str = "Austin") -> None:
    expect(page.get_by_role("heading", level=1)).to_have_text("Your members of Congress")
    main = page.locator("main")
    expect(main).to_contain_text("TX-37")
    for member in ("Representative Lloyd Doggett", "Senator John Cornyn", "Senator Ted Cruz"):
        expect(page.get_by_role("heading", name=member)).to_be_visible()
    expect(main).to_contain_text("Member data as of June 15, 2026")
    expect(page.get_by_label("City or town")).to_have_value(city)  # guessed from the address
    expect(page.get_by_label("ZIP code")).to_have_value("78701")


def assert_fresh_letter(page: Page, title_name: str, salutation: str) -> str:
    expect(page.get_by_role("heading", level=1)).to_have_text(f"Your letter to {title_name}")
    text = letter_text(page)
    assert text.startswith(f"Dear {salutation},\n\n{NOTE}"), text[:200]
    assert f"\n{NAME}\nAustin, TX 78701" in text
    assert "Sources:\n[1] https://" in text
    assert EDIT not in text
    return text


# -- the journeys -----------------------------------------------------------------------------


def test_phone_journey_with_javascript(new_context, site):
    context, watch = new_context(**PHONE)
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.url)
    page = context.new_page()
    doggett_sent = site.count("sent", ASK_SLUG, "house", "TX", 37)
    doggett_called = site.count("called", ASK_SLUG, "house", "TX", 37)

    home = page.goto("/")
    assert home.ok
    csp = home.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    expect(page.locator("html")).to_have_class(re.compile(r"\bjs\b"))  # app.js ran under the CSP
    check_page(page)

    find_members(page, AUSTIN)
    assert_austin_results(page)
    check_page(page)

    fill_letter_form(page)
    page.get_by_role("button", name=DOGGETT).click()
    text = assert_fresh_letter(page, "Representative Lloyd Doggett", "Representative Doggett")
    expect(page.locator("main")).to_contain_text(ASK)
    expect(page.get_by_role("button", name="Copy the letter")).to_be_visible()
    expect(page.get_by_role("link", name=re.compile(r"^Call "))).not_to_have_count(0)
    tel = page.get_by_role("link", name=re.compile(r"^Call ")).first.get_attribute("href")
    assert re.fullmatch(r"tel:\+1\d{10}", tel)
    check_page(page)

    # Edit the letter; the mail link and the copy button follow the edit.
    mine = edited(text)
    page.locator("#body").fill(mine)
    mailto = page.locator("a[data-mailto]").get_attribute("href")
    assert "I%20will%20follow%20how%20you%20vote" in mailto
    page.get_by_role("button", name="Copy the letter").click()
    expect(page.locator("#count-status")).to_have_text(re.compile("^The letter is copied"))
    copied = page.evaluate("navigator.clipboard.readText()")
    assert copied.startswith("Subject: ") and copied.endswith(mine)

    # "I sent my letter" and "I called" count in the background: the page and the edit stay.
    url = page.url
    sent = page.get_by_role("button", name="I sent my letter")
    sent.click()
    expect(page.locator("#count-status")).to_have_text(re.compile("^Thank you for writing"))
    expect(sent).to_be_disabled()
    assert page.url == url
    assert letter_text(page) == mine
    assert site.count("sent", ASK_SLUG, "house", "TX", 37) == doggett_sent + 1
    check_page(page)
    called = page.get_by_role("button", name="I called")
    called.click()
    expect(page.locator("#count-status")).to_have_text(re.compile("^Thank you for calling"))
    expect(called).to_be_disabled()
    assert site.count("called", ASK_SLUG, "house", "TX", 37) == doggett_called + 1

    # The postal letter opens in a new tab with the edited text.
    with context.expect_page() as opened:
        page.get_by_role("button", name="Print it as a postal letter").click()
    printed = opened.value
    printed.wait_for_load_state()
    expect(printed.locator(".recipient")).to_contain_text("The Honorable Lloyd Doggett")
    expect(printed.locator(".recipient")).to_contain_text("U.S. House of Representatives")
    expect(printed.locator(".sender")).to_contain_text(NAME)
    expect(printed.locator(".body")).to_contain_text(EDIT)
    expect(printed.locator(".body")).to_contain_text(NOTE)
    check_page(printed)
    printed.close()

    # On to a senator, from the letter page: a fresh letter, not yet marked as sent or called.
    page.get_by_role("button", name=CORNYN).click()
    assert_fresh_letter(page, "Senator John Cornyn", "Senator Cornyn")
    expect(page.locator("main")).to_contain_text(ASK)
    expect(page.locator("#count-status")).to_be_empty()
    expect(page.get_by_role("button", name="I sent my letter")).to_be_enabled()
    expect(page.get_by_role("button", name="I called")).to_be_enabled()
    expect(page.get_by_role("button", name=DOGGETT)).to_be_visible()
    check_page(page)

    watch.assert_clean()


def test_journey_without_javascript(new_context, site):
    context, watch = new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()  # no axe here: it hangs when scripts can't run

    page.goto("/")
    expect(page.locator("html")).not_to_have_class(re.compile(r"\bjs\b"))
    assert_no_sideways_scroll(page)
    find_members(page, AUSTIN)
    assert_austin_results(page)
    assert_no_sideways_scroll(page)

    fill_letter_form(page)
    page.get_by_role("button", name=DOGGETT).click()
    text = assert_fresh_letter(page, "Representative Lloyd Doggett", "Representative Doggett")
    expect(page.get_by_role("button", name="Copy the letter")).to_be_hidden()
    expect(page.get_by_text("Select the letter above and copy it.")).to_be_visible()
    assert_no_sideways_scroll(page)

    before = site.count("sent", ASK_SLUG, "house", "TX", 37)
    mine = edited(text)
    page.locator("#body").fill(mine)
    page.get_by_role("button", name="I sent my letter").click()
    expect(page.locator("#count-status")).to_have_text(re.compile("^Thank you for writing"))
    expect(page.get_by_role("button", name="I sent my letter")).to_be_disabled()
    assert letter_text(page) == mine.strip()  # the server trims the ends, nothing else
    assert site.count("sent", ASK_SLUG, "house", "TX", 37) == before + 1
    assert_no_sideways_scroll(page)

    # The next member starts fresh: not marked as sent, and not with this letter's edits.
    page.get_by_role("button", name=CORNYN).click()
    assert_fresh_letter(page, "Senator John Cornyn", "Senator Cornyn")
    expect(page.locator("#count-status")).to_be_empty()
    expect(page.get_by_role("button", name="I sent my letter")).to_be_enabled()

    watch.assert_clean()


# -- error paths and the other ways in --------------------------------------------------------


def test_empty_address_shows_an_error_and_the_page_still_works(new_context):
    context, watch = new_context(**PHONE)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("button", name="Find my members").click()
    address = page.get_by_label("Your home address")
    expect(page.get_by_role("alert")).to_have_text("Enter your street address, city and state.")
    expect(address).to_have_attribute("aria-invalid", "true")
    expect(address).to_have_accessible_description(re.compile("Enter your street address"))
    check_page(page)

    find_members(page, AUSTIN)
    assert_austin_results(page)
    watch.assert_clean()


def test_a_10000_character_address_is_refused_and_the_typing_kept(new_context):
    context, watch = new_context(**PHONE)
    page = context.new_page()
    page.goto("/")
    address = page.get_by_label("Your home address")
    typed = ("12 Nowhere Rd, Springfield, IL 62701 " * 300)[:10_000]

    # The field's maxlength (from the form's Length validator) stops a paste at 200 characters;
    # the lookup then fails cleanly and the 200 characters stay in the field.
    find_members(page, typed)
    expect(page.get_by_role("alert")).to_contain_text("We couldn't find that address.")
    assert address.input_value() == typed[:200].strip()
    check_page(page)

    # A client that ignores maxlength sends all 10,000: the server refuses them with a message,
    # and what was sent comes back in the field.
    address.evaluate("input => input.removeAttribute('maxlength')")
    find_members(page, typed)
    expect(page.get_by_role("alert")).to_contain_text("Keep the address under 200 characters.")
    expect(address).to_have_attribute("aria-invalid", "true")
    assert address.input_value()[:500] == typed[:500]
    check_page(page)
    watch.assert_clean()


def test_zip_path(new_context):
    context, watch = new_context(**PHONE)
    page = context.new_page()
    page.goto("/")
    page.get_by_role("textbox", name="ZIP code").fill("78701")
    page.get_by_role("button", name="Find by ZIP").click()
    assert_austin_results(page, city="")
    check_page(page)
    watch.assert_clean()


def test_manual_path_to_wyoming_at_large(new_context):
    context, watch = new_context(**PHONE)
    page = context.new_page()
    page.goto("/")
    page.get_by_label("State or territory").select_option(label="Wyoming")
    page.get_by_role("button", name="Show districts").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Choose your district in Wyoming")
    check_page(page)

    page.get_by_role("link", name=re.compile(r"^Wyoming \(at large\):")).click()
    expect(page.locator("main")).to_contain_text("Wyoming, at-large district")
    for member in (
        "Senator John Barrasso",
        "Senator Cynthia M. Lummis",
        "Representative Harriet M. Hageman",
    ):
        expect(page.get_by_role("heading", name=member)).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("^Senator "))).to_have_count(2)
    check_page(page)
    watch.assert_clean()


def test_the_watch_catches_csp_violations_and_script_errors(new_context):
    """The checks above are not vacuous: an inline script is refused, and that is reported."""
    context, watch = new_context()
    page = context.new_page()
    page.goto("/")
    page.evaluate(
        "() => { const s = document.createElement('script');"
        " s.textContent = 'window.injected = true'; document.body.append(s); }"
    )
    assert page.evaluate("window.injected") is None
    page.evaluate("() => { setTimeout(() => { throw new Error('boom'); }); }")
    for _ in range(50):  # events arrive asynchronously
        if watch.csp_violations and watch.page_errors:
            break
        page.wait_for_timeout(100)
    assert any("script-src 'self'" in m for m in watch.csp_violations), watch.console_errors
    assert any("boom" in e for e in watch.page_errors), watch.page_errors
