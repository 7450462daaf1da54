"""What every blueprint needs of a request: the campaign it belongs to, its asks and its
source (ref), whether its organizer is previewing it, a JSON body, and the one way a page
shows a lookup failure. Blueprints share these names and nothing of each other's."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import abort, current_app, g, redirect, request, url_for
from flask_login import current_user
from wtforms import Field

from .. import calls, campaigns, counts, limits, services
from ..errors import failure_message, log_failure
from ..extensions import db
from ..failures import LookupFailed
from ..letters import Ask
from ..models import Campaign
from . import pages


def campaign() -> Campaign | None:
    """The campaign a page belongs to (/c/<slug>, or the c= field), or None for the plain path.
    A draft is shown only to its own organizer, as a preview; anything else is a 404."""
    if "campaign" not in g:
        g.campaign = _find_campaign()
    return g.campaign


def _find_campaign() -> Campaign | None:
    slug = (request.view_args or {}).get("slug") or request.values.get("c")
    if not slug:
        return None
    if not isinstance(slug, str) or len(slug) > 64:
        abort(404)
    found = pages.public_campaign(slug)
    if found is None and current_user.is_authenticated:
        found = campaigns.owned(db.session, current_user, slug)
    if found is None:
        _follow_a_renamed_link(slug)
        abort(404)
    return found


def _follow_a_renamed_link(slug: str) -> None:
    """A link a campaign was shared under before it was renamed (a printed QR code, say)
    leads to the same page under its new name; 308 keeps a POST a POST."""
    args = request.view_args or {}
    if args.get("slug") == slug and request.endpoint and (now := campaigns.moved(db.session, slug)):
        target = url_for(request.endpoint, **{**args, "slug": now})
        query = request.query_string.decode("utf-8", "replace")
        abort(redirect(f"{target}?{query}" if query else target, 308))


def require_campaign() -> Campaign:
    """The page's campaign, for routes that only exist under /c/<slug>."""
    found = campaign()
    if found is None:
        abort(404)
    return found


def previewing(found: Campaign | None) -> bool:
    """The campaign's own organizer trying it out: nothing they do is counted."""
    return bool(found and current_user.is_authenticated and found.organizer_id == current_user.id)


def ref() -> str:
    """Where the visitor came from (?ref=newsletter), for the campaign's counts. A campaign
    keeps at most MAX_REFS sources; new ones past that count as "other"."""
    if "ref" not in g:
        g.ref, g.ref_is_new = _find_ref()
    return g.ref


def counted_ref() -> str:
    """The source a count is recorded under. Bringing a new source into a campaign's table
    costs the client one of a few a day (limits.bring_a_source): junk from one client can't
    fill the table, so a real source that comes later still gets its own row."""
    ref()  # sets g.ref and g.ref_is_new
    found = campaign()
    if g.ref_is_new and found is not None:
        g.ref_is_new = False  # one request brings its source once, whatever it counts
        if not limits.bring_a_source(found.slug):
            g.ref = "other"
    return g.ref


def _find_ref() -> tuple[str, bool]:
    given = (request.values.get("ref") or "").strip().lower()
    if not campaigns.REF.match(given):
        return "", False
    found = campaign()
    since = services.today() - counts.REFS_KEPT
    if found is not None and given not in (known := counts.refs(db.session, found.id, since)):
        return ("other", False) if len(known) >= counts.MAX_REFS else (given, True)
    return given, False


def asks(found: Campaign | None) -> list[Ask]:
    """A campaign's asks (every ask outside a campaign), in the library's order."""
    library = services.letters().asks
    if found is None:
        return library
    return [a for a in library if a.slug in found.asks] or library


def ended(found: Campaign) -> bool:
    return found.status == "closed" or (
        found.ends_on is not None and found.ends_on < services.today()
    )


def call_in(found: Campaign) -> dict[str, Any]:
    """Where the campaign's call-in window stands now, for its pages."""
    now = services.now()
    status = calls.window(found.call_starts, found.call_ends, found.call_zone, now)
    starts = found.call_starts if status == "upcoming" else None
    return {
        "call_window": status,
        "call_until": calls.until(starts, found.call_zone, now) if starts else None,
    }


def secret() -> str:
    """The app's secret key, which signs visits and tickets."""
    return str(current_app.config["SECRET_KEY"])


def add_error(field: Field, message: str) -> None:
    """A message on a form field, shown with the errors of its validation."""
    field.errors = [*field.errors, message]


def json_body() -> Any:
    """The parsed JSON body, or None when it is not JSON (or nested too deep to parse)."""
    try:
        return request.get_json(silent=True)
    except RecursionError:
        return None


def show_failure(
    failure: LookupFailed, fields: Mapping[str, Field], *, typed: str, page: str
) -> str | None:
    """The one way a page shows a lookup failure: on the form field it is about (what was
    typed, the ZIP code, the address) when the page's form has it; else returned, for the
    page to show above its form."""
    log_failure(failure)
    message = failure_message(failure, page)
    field = fields.get(typed if failure.place == "input" else failure.place or "")
    if field is None:
        return message
    add_error(field, message)
    return None


def inject() -> dict[str, Any]:
    """Template context of the citizen and call-mode pages: the campaign, the source, today."""
    try:
        return {"campaign": campaign(), "ref": ref(), "today": services.today()}
    except Exception:  # an error page for a bad campaign renders without it
        return {"campaign": None, "ref": "", "today": services.today()}
