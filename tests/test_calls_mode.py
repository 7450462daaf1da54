"""Call mode: one office at a time, outcomes counted, a summary at the end."""

import html
import re
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from werkzeug.datastructures import MultiDict

from advocacy.extensions import db
from advocacy.models import ActionCount
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
        "I also ask Senator Barrasso to press the Administration" in page
    )  # both asks, one script
    assert "there ·" in page and (
        "Open now." in page or "leave a voicemail or call after 9 a.m." in page
    )
    outcomes = ["called", "voicemail", "busy"]
    response = first
    for outcome in outcomes:
        data = MultiDict(hidden(response) + [("outcome", outcome)])
        response = caller.post(f"/c/{slug}/call/next", data=data)
        assert response.status_code == 200
    done = text(response)
    assert "Thank you, Ana" in done
    assert "John Barrasso: Talked to a staffer" in done
    assert "Cynthia M. Lummis: Left a voicemail" in done
    assert "Harriet M. Hageman: Line busy or mailbox full" in done
    assert f"/c/{slug}?ref=callday" in done
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
    tampered = [(k, "99" if k == "index" else v) for k, v in data] + [("outcome", "called")]
    assert caller.post(f"/c/{slug}/call/next", data=MultiDict(tampered)).status_code == 400
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


def test_reposting_an_outcome_counts_it_once(app):
    organizers = Organizers(app)
    slug = organizers.campaign(organizers.client("a@b.org"))
    caller = organizers.client()
    first = caller.post(
        f"/c/{slug}/call", data={"first_name": "Ana", "city": "Cheyenne", "zip": "82001"}
    )
    second = caller.post(
        f"/c/{slug}/call/next", data=MultiDict(hidden(first) + [("outcome", "called")])
    )
    # The back button, then the same office again: the log already holds it.
    replay = [(k, "0" if k == "index" else v) for k, v in hidden(second)] + [
        ("outcome", "voicemail")
    ]
    caller.post(f"/c/{slug}/call/next", data=MultiDict(replay))
    with app.app_context():
        assert db.session.scalar(sa.select(sa.func.sum(ActionCount.count))) == 1


def _campaign_with_window(app, starts, ends, zone="America/Denver"):
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, call_starts=starts, call_ends=ends, call_zone=zone)
    return organizers, owner, slug


def test_call_in_window_on_the_campaign_page_and_dashboard(app):
    now = datetime.now(ZoneInfo("America/Denver")).replace(second=0, microsecond=0, tzinfo=None)
    later = (now + timedelta(hours=5)).strftime("%Y-%m-%dT%H:%M")
    end = (now + timedelta(hours=8)).strftime("%Y-%m-%dT%H:%M")
    organizers, owner, slug = _campaign_with_window(app, later, end)
    page = text(organizers.client().get(f"/c/{slug}"))
    assert "Call-in day starts in 4 hours" in page or "Call-in day starts in 5 hours" in page
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
    hour = datetime.now(ZoneInfo("America/Denver")).strftime("%b %-d, %-I %p")
    assert f"{hour} 0 1 0" in text(dashboard)


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
