"""Pages kept for every visitor: the same page, each visitor's own CSRF token, and never a
page older than what it shows (an edit or a count here at once, elsewhere within seconds)."""

from __future__ import annotations

import re
from datetime import timedelta

import sqlalchemy as sa

from advocacy.extensions import db
from advocacy.models import Campaign
from tests.conftest import make_campaign, make_organizer
from tests.test_organizers import Organizers, text, wyoming_letter

TOKEN = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"')


def test_every_visitor_gets_the_kept_page_with_a_token_of_their_own(app_factory, monkeypatch):
    app = app_factory(WTF_CSRF_ENABLED=True)
    slug = make_campaign(app, make_organizer(app), "kept", goal=100, show_progress=True)
    rendered = []
    import advocacy.views.citizen as citizen

    real = citizen.render_template
    monkeypatch.setattr(
        citizen, "render_template", lambda *a, **k: rendered.append(a) or real(*a, **k)
    )
    ana, ben = app.test_client(), app.test_client()
    first, second = ana.get(f"/c/{slug}"), ben.get(f"/c/{slug}")
    assert len(rendered) == 1  # rendered once, served twice
    tokens = TOKEN.findall(first.text), TOKEN.findall(second.text)
    assert tokens[0] and tokens[1] and tokens[0][0] != tokens[1][0]
    assert TOKEN.sub("", first.text) == TOKEN.sub("", second.text)
    assert "\x00" not in first.text
    # Each token is the visitor's own: it works for them, not for the other.
    own = ben.post("/lookup", data={"zip": "82001", "csrf_token": tokens[1][0], "c": slug})
    assert own.status_code == 200 and "Your members of Congress" in text(own)
    other = ana.post("/lookup", data={"zip": "82001", "csrf_token": tokens[1][0], "c": slug})
    assert other.status_code == 400


def test_a_count_or_an_edit_made_here_shows_at_once(app_factory):
    app = app_factory()
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, goal="10", show_progress="y")
    visitor = organizers.client()
    assert "0 letters sent of a goal of 10" in text(visitor.get(f"/c/{slug}"))
    base = {**wyoming_letter(slug), "member": "B001261"}
    visitor.post("/letter", data=base)
    visitor.post("/letter", data={**base, "shown": "B001261", "body": "x", "action": "sent"})
    assert "1 letters sent of a goal of 10" in text(visitor.get(f"/c/{slug}"))
    edit = {"title": "A new title", "asks": ["sanctions"], "status": "live", "goal": "10",
            "show_progress": "y"}  # fmt: skip
    assert owner.post(f"/organizer/campaigns/{slug}/edit", data=edit).status_code == 302
    assert "A new title" in text(visitor.get(f"/c/{slug}"))


def test_what_another_instance_changed_shows_within_two_seconds(app_factory):
    app = app_factory()
    clock = app.extensions["advocacy.clock"]
    slug = make_campaign(app, make_organizer(app), "elsewhere", title="Before")
    visitor = app.test_client()
    assert "Before" in text(visitor.get(f"/c/{slug}"))
    with app.app_context():  # another instance edits the campaign: this one isn't told
        db.session.execute(sa.update(Campaign).values(title="After"))
        db.session.commit()
    clock.advance(timedelta(seconds=1.9))
    assert "Before" in text(visitor.get(f"/c/{slug}"))
    clock.advance(timedelta(seconds=0.1))
    assert "After" in text(visitor.get(f"/c/{slug}"))


def test_a_draft_is_never_kept_for_visitors(app_factory):
    app = app_factory()
    organizers = Organizers(app)
    owner = organizers.client("a@b.org")
    slug = organizers.campaign(owner, status="draft")
    assert "Preview: this campaign is a draft" in text(owner.get(f"/c/{slug}"))
    assert organizers.client().get(f"/c/{slug}").status_code == 404
