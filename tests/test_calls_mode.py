"""Call mode: one office at a time, outcomes counted, a summary at the end."""

import html
import json
import re
import shutil
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from advocacy import calls, sync
from advocacy.extensions import db
from advocacy.models import ActionCount
from advocacy.signing import serializer
from tests.conftest import NOW, campaign_counts, make_campaign, make_organizer, make_visit
from tests.test_organizers import PASSWORD, Organizers


def text(response):
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", response.get_data(as_text=True))).split())


def hidden(response):
    """The hidden fields of the outcome form, as a list of pairs (repeated names kept)."""
    page = response.get_data(as_text=True)
    form = page[page.index('action="/c/') : page.index("</form>")]
    return re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', form)


def test_calling_through_three_offices(app):
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, asks=["sanctions", "prisoners"])
    caller = organizers.client()
    assert "Start calling" in text(caller.get(f"/c/{slug}/call"))
    first = caller.post(
        f"/c/{slug}/call",
        data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001", "ref": "callday"},
    )
    page = text(first)
    assert "Office 1 of 3" in page and "Call Senator John Barrasso" in page
    assert "Hello, my name is Ana, and I'm a constituent from Cheyenne, ZIP code 82001." in page
    assert (
        "Senator Barrasso to press for Global Magnitsky sanctions on the officials behind the "
        "assault, and to press for the release of any arrested Artsakh officials not yet freed."
        in page
    )  # both asks, one script
    # Wednesday at 10:30 a.m. in Washington, 8:30 in Cheyenne.
    assert "Washington, DC office · 10:30 AM there · Open now." in page
    assert "8:30 AM there · Closed now: leave a voicemail or call after 9 a.m. their time." in page
    # The Washington number first, above the script; the state offices after it, their
    # hours said once.
    assert page.index("Call 202-224-6441") < page.index("Hello, my name is Ana")
    assert "Line busy or mailbox full? Try a district office" in page
    assert page.index("Try a district office") > page.index("I don't need a reply")
    assert "Cheyenne: 307-772-2451" in page and page.count(" there · ") == 2
    outcomes = ["called", "voicemail", "busy"]
    response = first
    for outcome in outcomes:
        data = MultiDict(hidden(response) + [("outcome", outcome)])
        response = caller.post(f"/c/{slug}/call/next", data=data)
        assert response.status_code == 200
    done = text(response)
    assert "Thank you, Ana" in done
    assert "Senator John Barrasso: Talked to a staffer" in done
    assert "Senator Cynthia M. Lummis: Left a voicemail" in done
    assert "Representative Harriet M. Hageman: Line busy or mailbox full" in done
    assert f"/c/{slug}?ref=callday" in done and "Send your members a letter" in done
    with app.app_context():
        rows = {
            (r.action, r.chamber, r.ref, r.count)
            for r in db.session.scalars(sa.select(ActionCount))
        }
    assert rows == {
        ("called", "senate", "callday", 1),
        ("voicemail", "senate", "callday", 1),
        ("busy", "house", "callday", 1),
    }


def test_skip_is_not_counted_and_bad_posts_are_refused(app):
    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"))
    caller = organizers.client()
    first = caller.post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    data = hidden(first)
    skip = caller.post(f"/c/{slug}/call/next", data=MultiDict(data + [("outcome", "skip")]))
    assert skip.status_code == 200 and "Office 2 of 3" in text(skip)
    bad = caller.post(f"/c/{slug}/call/next", data=MultiDict(data + [("outcome", "hacked")]))
    assert bad.status_code == 400
    # An office that isn't (or is no longer) on this visit's list: start again, typing kept.
    other = [(k, "C001056" if k == "member" else v) for k, v in data] + [("outcome", "called")]
    changed = caller.post(f"/c/{slug}/call/next", data=MultiDict(other))
    assert changed.status_code == 409 and "The list of offices to call has changed" in text(changed)
    assert 'value="Cheyenne"' in changed.get_data(as_text=True)
    # A forged log entry is dropped, not a 500.
    forged = MultiDict(data + [("log", "B001261:bogus"), ("log", "x"), ("outcome", "skip")])
    kept = caller.post(f"/c/{slug}/call/next", data=forged)
    assert kept.status_code == 200
    assert [v for k, v in hidden(kept) if k == "log"] == ["B001261:skip"]
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.count()).select_from(ActionCount)) == 0


def test_call_start_errors_keep_the_typing(app):
    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"))
    caller = organizers.client()
    response = caller.post(
        f"/c/{slug}/call", data={"first_name": "", "city": "Austin", "zip": "78704"}
    )
    assert response.status_code == 422 and "Enter your first name" in text(response)
    assert 'value="Austin"' in response.get_data(as_text=True)
    split = caller.post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Austin", "zip": "78704"}
    )
    assert split.status_code == 422 and "crosses district lines" in text(split)
    assert caller.get("/c/no-such-campaign/call").status_code == 404
    assert PASSWORD


def _counted(app):
    with app.app_context():
        rows = db.session.scalars(sa.select(ActionCount))
        return {(r.action, r.state, r.chamber): r.count for r in rows}


def test_reposting_an_outcome_counts_it_once_and_a_corrected_one_replaces_it(app):
    """Without JavaScript: an outcome, then the back button and the same office again."""
    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"))
    caller = organizers.client()
    first = caller.post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    for outcome in ("busy", "busy"):  # the page posted again (a double tap, a reload)
        second = caller.post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", outcome)])
        )
    assert _counted(app) == {("busy", "WY", "senate"): 1}
    # Back to the first office: a mis-tap corrected moves the count, never adds one, and a
    # skip afterwards changes nothing.
    for outcome in ("called", "skip"):
        second = caller.post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", outcome)])
        )
        assert _counted(app) == {("called", "WY", "senate"): 1}
    done = second
    for _ in range(2):
        done = caller.post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(done) + [("outcome", "skip")])
        )
    summary = text(done)
    assert "Senator John Barrasso: Talked to a staffer" in summary
    assert summary.count("Senator John Barrasso") == 1


def _campaign_with_window(app, starts, ends, zone="America/Denver"):
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, call_starts=starts, call_ends=ends, call_zone=zone)
    return organizers, owner, slug


def test_call_in_window_on_the_campaign_page_and_dashboard(app):
    now = NOW.astimezone(ZoneInfo("America/Denver")).replace(tzinfo=None)  # 8:30 a.m.
    later = (now + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    end = (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    organizers, owner, slug = _campaign_with_window(app, later, end)
    page = text(organizers.client().get(f"/c/{slug}"))
    assert "Call-in day starts in 5 hours: Wednesday, November 25 at 1:30 PM" in page
    assert "(Denver time)" in page
    started = (now - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M")
    data = {
        "title": "Call-in for Artsakh",
        "asks": ["sanctions"],
        "status": "live",
        "call_starts": started,
        "call_ends": end,
        "call_zone": "America/Denver",
    }
    assert owner.post(f"/organizer/campaigns/{slug}/edit", data=data).status_code == 302
    assert "Call-in day is live now" in text(organizers.client().get(f"/c/{slug}"))
    caller = organizers.client()
    first = caller.post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    caller.post(f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "voicemail")]))
    dashboard = owner.get(f"/organizer/campaigns/{slug}")
    assert '<meta http-equiv="refresh" content="60">' in dashboard.get_data(as_text=True)
    assert "Calls per hour Hour Talked Voicemail Busy Nov 25, 8 AM 0 1 0" in text(dashboard)


@pytest.mark.parametrize(
    ("starts", "ends", "message"),
    [
        ("2026-12-01T09:00", "", "both the start and the end"),
        ("2026-12-01T17:00", "2026-12-01T09:00", "must end after it starts"),
    ],
)
def test_call_in_window_validation(app, starts, ends, message):
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    data = {
        "title": "T",
        "asks": ["sanctions"],
        "status": "live",
        "call_starts": starts,
        "call_ends": ends,
    }
    response = owner.post("/organizer/campaigns/new", data=data)
    assert response.status_code == 422 and message in text(response)


def _first_office(app, **campaign_fields):
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, **campaign_fields)
    caller = organizers.client()
    first = caller.post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    assert first.status_code == 200
    return owner, slug, caller, first


def _total(app):
    with app.app_context():
        return db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(ActionCount.count), 0)))


def test_an_outcome_posted_then_queued_offline_counts_once(app):
    """The phone lost the answer to a post that got through, so it queued the same outcome."""
    _, slug, caller, first = _first_office(app)
    fields = dict(hidden(first))
    caller.post(f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "voicemail")]))
    queued = {"visit": fields["visit"], "member": "B001261", "action": "voicemail"}
    again = caller.post(f"/c/{slug}/call/count", json=queued)
    assert again.status_code == 200 and again.get_json() == {
        "counted": "voicemail",
        "already": True,
    }
    assert _total(app) == 1
    # The next office, offline from the start: only the queue counts it.
    second = caller.post(f"/c/{slug}/call/count", json={**queued, "member": "L000571"})
    assert second.get_json() == {"counted": "voicemail", "already": False}
    assert _total(app) == 2


def test_a_queued_outcome_keeps_the_hour_of_the_call(app, clock):
    now = NOW
    began = now - timedelta(hours=3)
    clock.at = began  # a visit that began three hours ago
    _, slug, caller, first = _first_office(app)
    clock.at = now
    visit = dict(hidden(first))["visit"]
    hour_ago = now - timedelta(hours=1)
    # The page's clock says when each call was made; one before the visit began or in the
    # future is clamped to the visit's start, or to now.
    for at, member, action in (
        (hour_ago.timestamp() * 1000, "B001261", "called"),
        (0, "L000571", "voicemail"),
        ((now + timedelta(days=2)).timestamp() * 1000, "H001096", "busy"),
    ):
        response = caller.post(
            f"/c/{slug}/call/count",
            json={"visit": visit, "member": member, "action": action, "at": at},
        )
        assert response.status_code == 200
    with app.app_context():
        rows = {r.action: (r.day, r.hour) for r in db.session.scalars(sa.select(ActionCount))}
    assert rows["called"] == (hour_ago.date(), hour_ago.hour)
    assert rows["voicemail"] == (began.date(), began.hour)
    assert rows["busy"] == (now.date(), now.hour)


def test_a_visit_counts_only_its_own_offices(app):
    slug = make_campaign(app, make_organizer(app), "wyoming")
    visit = make_visit(app, slug, "WY", "0")
    caller = app.test_client()
    other = caller.post(
        f"/c/{slug}/call/count", json={"visit": visit, "member": "C001056", "action": "called"}
    )  # Senator Cornyn (Texas): not an office of this Wyoming visit
    assert other.status_code == 400 and other.get_json()["error"]["code"] == "bad_request"
    skip = caller.post(
        f"/c/{slug}/call/count", json={"visit": visit, "member": "B001261", "action": "skip"}
    )
    assert skip.status_code == 400
    assert _total(app) == 0
    own = caller.post(
        f"/c/{slug}/call/count", json={"visit": visit, "member": "B001261", "action": "called"}
    )
    assert own.get_json() == {"counted": "called", "already": False}
    assert campaign_counts(app, slug) == {("called", "senate", "WY", -1, "", 1)}


def test_an_altered_or_foreign_visit_is_refused_and_keeps_the_typing(app):
    _, slug, caller, first = _first_office(app)
    fields = hidden(first)
    visit = dict(fields)["visit"]
    altered = [(k, visit[:-2] + "xx" if k == "visit" else v) for k, v in fields]
    response = caller.post(
        f"/c/{slug}/call/next", data=MultiDict(altered + [("outcome", "called")])
    )
    page = text(response)
    assert response.status_code == 400 and "start again" in page
    assert 'value="Ana"' in response.get_data(as_text=True)  # the start form, filled in
    owner = Organizers(app).client("c@d.org")
    other = Organizers(app).campaign(owner, title="Another campaign")
    foreign = caller.post(
        f"/c/{other}/call/count", json={"visit": visit, "member": "B001261", "action": "called"}
    )
    assert foreign.status_code == 400 and foreign.get_json()["error"]["code"] == "visit_expired"
    assert _total(app) == 0


def test_the_campaigns_own_offices_straight_away(app):
    from tests.test_organizers import USAID

    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, **USAID, asks=["humanitarian-aid"])
    caller = organizers.client()
    start = text(caller.get(f"/c/{slug}/call"))
    assert "Call the campaign's office only" in start and "Administrator, USAID" in start
    # An address that would need the geocoder is not looked up: only the ZIP's state is used.
    first = caller.post(
        f"/c/{slug}/call",
        data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001", "address": "broken",
              "only": "targets"},
    )  # fmt: skip
    page = text(first)
    assert "Office 1 of 1" in page and "Call the Administrator, USAID" in page
    assert "I live in Cheyenne, Wyoming." in page and "Call 202-712-0000" in page
    assert "I'm calling to ask the Administrator, USAID to increase humanitarian aid" in page
    done = caller.post(
        f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "called")])
    )
    assert "Administrator, USAID: Talked to a staffer" in text(done)
    with app.app_context():
        rows = [(r.action, r.chamber) for r in db.session.scalars(sa.select(ActionCount))]
    assert rows == [("called", "office")]
    page = first.get_data(as_text=True)
    form = page[page.index('action="/letter"') :]
    fields = re.findall(
        r'type="hidden" name="([^"]+)" value="([^"]*)"', form[: form.index("</form>")]
    )
    write = caller.post("/letter", data=MultiDict(fields))  # "Write to this office instead"
    assert write.status_code == 200 and "Dear Administrator, USAID," in text(write)
    # Its calls are counted in call mode, once: the letter page has no call buttons.
    assert "Give the outcome in call mode, in the other tab" in text(write)
    assert 'value="called"' not in write.get_data(as_text=True)
    # A ZIP code that crosses district lines (Austin): no lookup needed to call, and writing
    # instead goes by the letters page, which asks for the district.
    split = caller.post(
        f"/c/{slug}/call",
        data={"first_name": "Ana", "city": "Austin", "zip": "78704", "only": "targets"},
    )
    assert "Office 1 of 1" in text(split) and "I live in Austin, Texas." in text(split)
    page = split.get_data(as_text=True)
    form = page[page.index('action="/lookup"') :]
    fields = re.findall(
        r'type="hidden" name="([^"]+)" value="([^"]*)"', form[: form.index("</form>")]
    )
    assert "Your ZIP code is split between 2" in text(
        caller.post("/lookup", data=MultiDict(fields))
    )


def test_a_start_is_never_a_free_skip(app_factory):
    app = app_factory(CALL_START_RATE_LIMIT="2 per hour")
    _, slug, caller, _ = _first_office(app)  # 1
    start = {"first_name": "Ana", "city": "Cheyenne", "zip": "82001", "outcome": "skip"}
    assert caller.post(f"/c/{slug}/call", data=start).status_code == 200  # 2
    assert caller.post(f"/c/{slug}/call", data=start).status_code == 429


def test_call_mode_is_limited_per_ip_and_campaign(app_factory):
    app = app_factory(
        CALL_START_RATE_LIMIT="2 per hour", CALL_RATE_LIMIT="1 per hour",
        LOOKUP_RATE_LIMIT="1 per hour",
    )  # fmt: skip
    _, slug, caller, first = _first_office(app)  # start 1: ZIP only, no geocoder budget
    start = {"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    outcome = caller.post(
        f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "called")])
    )
    assert outcome.status_code == 200  # outcome 1
    assert caller.post(f"/c/{slug}/call", data=start).status_code == 200  # start 2
    assert caller.post(f"/c/{slug}/call", data=start).status_code == 429
    assert caller.post(
        f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "voicemail")])
    ).status_code == 429  # fmt: skip
    # Another campaign from the same connection has its own budget.
    other = Organizers(app).campaign(Organizers(app).client("c@d.org"), title="Another")
    assert caller.post(
        f"/c/{other}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    ).status_code == 200  # fmt: skip
    # A street address costs a geocoder call: that budget is per IP (1 per hour here).
    address = {"first_name": "Ana", "city": "Austin", "zip": "78701",
               "address": "1100 Congress Ave, Austin, TX 78701"}  # fmt: skip
    assert caller.post(f"/c/{other}/call", data=address).status_code == 200
    assert caller.post(f"/c/{other}/call", data=address).status_code == 429


def test_a_call_in_day_on_a_federal_holiday_is_flagged_to_the_organizer(app):
    closed = date(2026, 11, 26)  # Thanksgiving, the day after NOW
    organizers, owner, slug = _campaign_with_window(
        app, f"{closed}T10:00", f"{closed}T16:00", zone="America/New_York"
    )
    page = text(owner.get(f"/organizer/campaigns/{slug}"))
    assert (
        "No Washington office is open during this window (it falls on Thanksgiving Day): "
        "calls will reach voicemail." in page
    )
    working = date(2026, 11, 30)  # the Monday after
    data = {"title": "Call-in for Artsakh", "asks": ["sanctions"], "status": "live",
            "call_starts": f"{working}T10:00", "call_ends": f"{working}T16:00",
            "call_zone": "America/New_York"}  # fmt: skip
    assert owner.post(f"/organizer/campaigns/{slug}/edit", data=data).status_code == 302
    page = text(owner.get(f"/organizer/campaigns/{slug}"))
    assert "Call-in day" in page and "No Washington office is open" not in page


def test_an_outcome_the_database_could_not_take_is_said_and_the_calls_go_on(app):
    _, slug, caller, first = _first_office(app)
    with app.app_context():  # the database refuses every count, as a full disk would
        db.session.execute(sa.text(
            "CREATE TRIGGER refuse BEFORE INSERT ON action_count "
            "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
        ))  # fmt: skip
        db.session.commit()
    second = caller.post(
        f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "voicemail")])
    )
    assert second.status_code == 200 and "Office 2 of 3" in text(second)
    assert "We couldn't record your last outcome just now" in text(second)
    assert 'data-unsaved="voicemail"' in second.get_data(as_text=True)  # the script keeps it
    with app.app_context():
        db.session.execute(sa.text("DROP TRIGGER refuse"))
        db.session.commit()
    # Sent again (by the page's script): counted now, once; the refused try claimed nothing.
    visit = dict(hidden(first))["visit"]
    queued = {"visit": visit, "member": "B001261", "action": "voicemail"}
    assert caller.post(f"/c/{slug}/call/count", json=queued).get_json()["already"] is False
    assert caller.post(f"/c/{slug}/call/count", json=queued).get_json()["already"] is True
    assert _total(app) == 1


def test_skips_and_pages_fetched_ahead_dont_spend_the_call_budget(app_factory):
    app = app_factory(CALL_RATE_LIMIT="2 per hour", RENDER_RATE_LIMIT="5 per hour")
    _, slug, caller, first = _first_office(app)  # 1 of 2
    for _ in range(3):
        skip = caller.post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "skip")])
        )
        assert skip.status_code == 200
    called = caller.post(
        f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "called")])
    )
    assert called.status_code == 200  # 2 of 2
    for expected in (200, 200, 429):  # skips: 5 pages per hour here
        skip = caller.post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "skip")])
        )
        assert skip.status_code == expected


def test_the_campaigns_own_offices_need_a_known_zip(app):
    from tests.test_organizers import USAID

    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"), **USAID)
    response = organizers.client().post(
        f"/c/{slug}/call",
        data={"first_name": "Ana", "city": "Cheyenne", "zip": "00001", "only": "targets"},
    )
    assert response.status_code == 422 and "We don't know ZIP code 00001" in text(response)
    assert 'value="Cheyenne"' in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("day", "closed"),
    [
        (25, None),  # a Wednesday
        (26, "(10:30 AM Eastern, Thanksgiving Day): you can leave voicemails"),
        (28, "(10:30 AM Eastern): you can leave voicemails, which staff tally too, or call "
             "after 9 a.m. Eastern on Monday."),  # a Saturday
    ],
)  # fmt: skip
def test_the_start_page_says_when_washington_is_closed(app, clock, day, closed):
    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"))
    clock.at = datetime(2026, 11, day, 10, 30, tzinfo=ZoneInfo("America/New_York"))
    page = text(organizers.client().get(f"/c/{slug}/call"))
    assert ("Offices in Washington are closed now" in page) is bool(closed)
    assert closed is None or f"Offices in Washington are closed now {closed}" in page


def test_the_campaigns_own_call_script_is_read_in_call_mode_and_on_call_sheets(app):
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    own = "Hi, I'm {{ constituent.first_name }} from {{ constituent.city }}: {{ member.salutation }}, please act on Section 907."
    slug = organizers.campaign(owner, asks=["sanctions", "prisoners"], call_script=own)
    first = organizers.client().post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    page = text(first)
    assert "Hi, I'm Ana from Cheyenne: Senator Barrasso, please act on Section 907." in page
    assert "I also ask" not in page  # the asks' own scripts are replaced
    sheet = text(owner.get(f"/organizer/campaigns/{slug}/callsheet?state=WY"))
    assert "Hi, I'm [name] from [your city]: Senator Lummis, please act on Section 907." in sheet


def test_a_street_alone_finds_the_member_in_a_zip_that_crosses_district_lines(app, census):
    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"))
    caller = organizers.client()
    person = {"first_name": "Ana", "city": "Austin", "zip": "78704"}
    asked = text(caller.post(f"/c/{slug}/call", data=person))
    assert "Your ZIP code crosses district lines: add your street address" in asked
    census.reset()
    first = caller.post(f"/c/{slug}/call", data={**person, "address": "1100 Congress Ave"})
    assert "Office 1 of 3" in text(first)
    response = first
    for _ in range(2):  # the two senators, then the House member
        data = MultiDict(hidden(response) + [("outcome", "skip")])
        response = caller.post(f"/c/{slug}/call/next", data=data)
    assert "Call Representative Lloyd Doggett" in text(response)
    assert [r["address"] for r in census.requests] == ["1100 Congress Ave, Austin, TX 78704"]
    # A visit that can't go on gives the start form back with the street address too.
    altered = [(k, v + "xx" if k == "visit" else v) for k, v in hidden(first)]
    again = caller.post(f"/c/{slug}/call/next", data=MultiDict(altered + [("outcome", "busy")]))
    assert again.status_code == 400 and 'value="1100 Congress Ave"' in again.get_data(as_text=True)


def test_a_visit_keeps_its_offices_on_an_instance_that_synced_newer_data(
    app_factory, tmp_path, data_site
):
    """Two instances behind one load balancer, one of which synced a new directory in which
    Wyoming's House member changed: a visit begun on the other one goes on with its own list
    (the release it began on, kept on disk), instead of a 409 that starts the volunteer over."""
    changed = tmp_path / "changed"
    shutil.copytree(data_site, changed)
    path = changed / "congress-legislators" / "legislators-current.json"
    members = json.loads(path.read_text())
    hageman = next(m for m in members if m["id"]["bioguide"] == "H001096")
    hageman["id"]["bioguide"], hageman["name"]["official_full"] = "X000001", "Pat Newcomer"
    path.write_text(json.dumps(members))

    def synced(folder, *sites):
        for site in sites:
            sync.sync(folder, str(site / "congress-legislators"), str(site / "zccd.csv"), now=NOW)
        return str(folder)

    behind = app_factory(DATA_DIR=synced(tmp_path / "behind", data_site))
    ahead = app_factory(DATA_DIR=synced(tmp_path / "ahead", data_site, changed))
    organizer = make_organizer(behind)
    slug = make_campaign(behind, organizer, "two-instances")  # one database for both
    first = behind.test_client().post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    fields = hidden(first)
    onward = [(k, "H001096" if k == "member" else v) for k, v in fields]
    response = ahead.test_client().post(
        f"/c/{slug}/call/next", data=MultiDict(onward + [("outcome", "busy")])
    )
    assert response.status_code == 200 and "Thank you, Ana" in text(response)
    queued = {"visit": dict(fields)["visit"], "member": "H001096", "action": "busy"}
    assert ahead.test_client().post(f"/c/{slug}/call/count", json=queued).get_json() == {
        "counted": "busy",
        "already": True,
    }
    assert campaign_counts(ahead, slug) == {("busy", "house", "WY", 0, "", 1)}
    # A new visit on the instance ahead calls the new member.
    fresh = ahead.test_client().post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    assert dict(hidden(fresh))["visit"] != dict(fields)["visit"]
    page = fresh
    for _ in range(2):
        page = ahead.test_client().post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(page) + [("outcome", "skip")])
        )
    assert "Call Representative Pat Newcomer" in text(page)


def test_visit_tokens_keep_the_five_fields_the_code_before_reads():
    """During a rolling deploy, instances still running the code before this one read new
    tokens, and this code reads theirs."""
    secret = "a-secret-key-for-visit-tokens"
    token = calls.start_visit(secret, "slug", "WY", "0", release="abc123", now=NOW)
    fields = serializer(secret, "advocacy.call-visit", NOW).loads(token)
    assert len(fields) == 5 and fields[1:] == ["slug", "WY", "0", False]
    visit = calls.load_visit(secret, token, "slug", NOW)
    assert visit.release == "abc123" and visit.id == fields[0] and visit.started == NOW
    before = serializer(secret, "advocacy.call-visit", NOW).dumps(["r4nd0m", "slug", "WY", "0", 0])
    old = calls.load_visit(secret, before, "slug", NOW)
    assert (old.id, old.release, old.only_targets) == ("r4nd0m", "", False)
    for forged in (["x", "slug", "WY"], [7, "slug", "WY", "0", False], "text"):
        with pytest.raises(calls.VisitInvalid):
            calls.load_visit(
                secret, serializer(secret, "advocacy.call-visit", NOW).dumps(forged), "slug", NOW
            )


def test_a_term_that_has_ended_is_said_in_call_mode_and_on_call_sheets(app):
    """Ohio's appointed senator: the directory lists his term as ending with the special
    election of November 3, 2026, and names no successor yet."""
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner)
    note = "Appointed; the directory lists this term as ending November 3, 2026"
    first = organizers.client().post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Columbus", "zip": "43004"}
    )
    page = first
    while "Call Senator Jon Husted" not in text(page):
        page = organizers.client().post(
            f"/c/{slug}/call/next", data=MultiDict(hidden(page) + [("outcome", "skip")])
        )
    assert note in text(page)
    sheet = text(owner.get(f"/organizer/campaigns/{slug}/callsheet?state=OH"))
    assert sheet.count(note) == 1
