"""Call mode for volunteers: one office at a time, its hours, the script, the outcome."""

from __future__ import annotations

from datetime import datetime

from flask import Blueprint, abort, jsonify, render_template, request, url_for

from .. import calls, campaigns, counts, limits, services, text
from ..errors import json_error
from ..extensions import db
from ..failures import Ambiguous, InvalidInput, LookupFailed
from ..forms import CallStartForm
from ..letters import Constituent
from ..lookup import MAX_ADDRESS, Representation
from ..models import Campaign
from ..recipients import Recipient
from . import context, pages

bp = Blueprint("calls", __name__)
bp.context_processor(context.inject)
OUTCOMES = {"called": "Talked to a staffer", "voicemail": "Left a voicemail",
            "busy": "Line busy or mailbox full", "skip": "Skipped"}  # fmt: skip
EXPIRED = "This call list has expired or was changed: start again for today's office hours."
CHANGED = "The list of offices to call has changed since this page: start again."


def _start(form: CallStartForm, status: int = 200, problem: str | None = None):
    found = context.require_campaign()
    return render_template(
        "calls/start.html",
        form=form,
        problem=problem,
        targets=campaigns.targets_of(found),
        ended=context.ended(found),
        washington=calls.hours(calls.WASHINGTON, services.now()),
        **context.call_in(found),
    ), status


@bp.get("/c/<slug>/call")
def start(slug: str):
    context.require_campaign()
    return _start(CallStartForm(formdata=None))


def _represent(form: CallStartForm) -> Representation:
    lookup = services.lookup()
    if form.address.data:
        return lookup.by_address(_one_line(form))
    return lookup.by_zip(form.zip.data)


def _one_line(form: CallStartForm) -> str:
    """The street address as the geocoder wants it: a street alone ("1100 Congress Ave") gets
    the city, state and ZIP code typed in their own fields; a full address is left as it is."""
    street = form.address.data or ""
    if "," in street or text.trailing_zip(street):
        return street
    try:
        state, _ = _place_of(form.zip.data or "")
    except InvalidInput:
        state = ""
    full = f"{street}, {form.city.data}, {' '.join(filter(None, (state, form.zip.data)))}"
    return full if len(full) <= MAX_ADDRESS else street


def _place_of(zip_code: str) -> tuple[str, str]:
    """The caller's state and district from their ZIP code alone (no geocoder), for a visit
    to the campaign's own offices; "" for what the ZIP table can't tell. An unknown ZIP code
    raises InvalidInput; ZIP codes that can't be matched to today's districts tell nothing."""
    try:
        districts = services.lookup().by_zip(zip_code).districts
    except InvalidInput:
        raise
    except LookupFailed:
        return "", ""
    states = {d.state for d in districts}
    state = states.pop() if len(states) == 1 else ""
    return state, str(districts[0].number) if len(districts) == 1 else ""


def _fields(form: CallStartForm) -> dict:
    return {"address": form.address, "zip": form.zip}


@bp.post("/c/<slug>/call")
@limits.call_starts
@limits.geocode
def begin(slug: str):
    """Find the caller's offices (or take only the campaign's own), then show the first."""
    found = context.require_campaign()
    form = CallStartForm()
    if not form.validate():
        return _start(form, 422)
    if request.form.get("only") == "targets" and campaigns.targets_of(found):
        try:  # the street address isn't used on this path: just the ZIP code
            state, district = _place_of(form.zip.data or "")
        except InvalidInput as failure:
            context.show_failure(failure, _fields(form), typed="zip", page="call-targets")
            return _start(form, failure.form_status)
        return _visit(found, form, state=state, district=district, only_targets=True)
    try:
        rep = _represent(form)
        if rep.ambiguous:
            raise Ambiguous(source=rep.source)
    except LookupFailed as failure:
        typed = "address" if form.address.data else "zip"
        problem = context.show_failure(failure, _fields(form), typed=typed, page="call")
        return _start(form, failure.form_status, problem)
    seat = rep.districts[0]
    return _visit(found, form, state=seat.state, district=str(seat.number), release=rep.release.id)


def _visit(
    found: Campaign,
    form: CallStartForm,
    *,
    only_targets: bool = False,
    release: str = "",
    **place: str,
):
    now = services.now()
    release = release or services.lookup().release().id
    token = calls.start_visit(
        context.secret(), found.slug, **place, release=release, now=now,
        only_targets=only_targets,
    )  # fmt: skip
    visit = calls.load_visit(context.secret(), token, found.slug, now)
    return _office(found, visit, token, form, offices(found, visit), index=0, log=[])


class OfficesChanged(Exception):
    """The offices of a visit are no longer what its page showed (its seat gone from the
    directory, or the campaign's offices edited)."""


@bp.errorhandler(OfficesChanged)
def _offices_changed(exc: OfficesChanged):
    return _start(CallStartForm(), 409, CHANGED)


def offices(found: Campaign, visit: calls.Visit) -> list[Recipient]:
    """The offices of a visit: the caller's members (unless they call only the campaign's own
    offices), from the data release the visit began on when this instance has it, then the
    campaign's."""
    members: tuple[Recipient, ...] = ()
    if not visit.only_targets:
        try:
            lookup = services.lookup()
            members = lookup.by_district(visit.state, visit.district, visit.release).members
        except InvalidInput:  # the seat is gone from a newer directory
            raise OfficesChanged() from None
    return [*members, *campaigns.targets_of(found)]


def _office(found, visit: calls.Visit, token: str, form, listed, *, index, log, **extra):
    """The page of office `index` of the visit's `listed` offices, or the summary after them."""
    person = {
        "first_name": form.first_name.data or "",
        "city": form.city.data or "",
        "zip": text.zip_code(form.zip.data) or "",
        "address": form.address.data or "",  # kept only in the page, to start again with
        "state": visit.state,
        "district": visit.district,
    }
    if index >= len(listed):
        given = {b: o for b, _, o in (e.partition(":") for e in log)}
        given.update(_counted(found, visit, listed))  # after a back button, a corrected tap
        summary = [(m, OUTCOMES[given[m.id]]) for m in listed if m.id in given]
        share = campaigns.share_url(request.host_url, found.slug, context.ref())
        return render_template(
            "calls/done.html", summary=summary, person=person, share_url=share, **extra
        )
    member = listed[index]
    constituent = Constituent(
        name=person["first_name"], city=person["city"], zip=person["zip"], state=visit.state
    )
    asks = context.asks(found)
    script = campaigns.call_script(
        found, services.letters(), asks, member, constituent, services.today()
    )
    now = services.now()
    phones = member.phones
    first, others = (phones[0], phones[1:]) if phones else (None, ())
    return render_template(
        "calls/office.html",
        member=member,
        script=script,
        first=first,
        first_hours=first and calls.hours(first, now),
        others=others,
        others_hours=others and calls.hours(others[0], now),  # one zone: the state's
        person=person,
        visit=token,
        index=index,
        total=len(listed),
        log=log,
        outcomes=OUTCOMES,
        ask_slug=asks[0].slug,
        count_url=url_for("calls.count", slug=found.slug, ref=context.ref() or None),
        **extra,
    )


def _count(
    found: Campaign, visit: calls.Visit, office: Recipient, outcome: str, at: datetime
) -> bool:
    """Count one outcome, unless this visit has counted one for this office already."""
    if context.previewing(found):
        return True
    once = visit.once(context.secret(), office.id)
    counted = counts.record(
        db.session, outcome, context.asks(found)[0].slug, office, at,
        campaign_id=found.id, ref=context.counted_ref(), once=once,
    )  # fmt: skip
    pages.touch(found.slug)
    return counted


def _counted(found: Campaign, visit: calls.Visit, listed: list[Recipient]) -> dict[str, str]:
    """The outcome counted for each office of this visit, as the server knows it."""
    if context.previewing(found):
        return {}
    secret = context.secret()
    return counts.counted(db.session, {visit.once(secret, m.id): m.id for m in listed})


@bp.post("/c/<slug>/call/next")
@limits.calls
@limits.call_pages
def next_office(slug: str):
    """Record the outcome of one office, then show the next one."""
    found = context.require_campaign()
    form = CallStartForm()
    if not form.validate():
        abort(400)
    now = services.now()
    try:
        visit = calls.load_visit(context.secret(), request.form.get("visit"), found.slug, now)
    except calls.VisitInvalid:
        return _start(form, 400, EXPIRED)
    outcome = request.form.get("outcome")
    if outcome not in OUTCOMES:
        abort(400)
    listed = offices(found, visit)
    posted = request.form.get("member")
    index = next((i for i, m in enumerate(listed) if m.id == posted), None)
    if index is None:  # the campaign's offices changed since the page was made
        raise OfficesChanged()
    office, unsaved = listed[index], None
    if outcome != "skip":
        try:
            _count(found, visit, office, outcome, now)
        except counts.CountFailed:
            unsaved = outcome  # the volunteer goes on; the page's script keeps the outcome
    log = [e for e in request.form.getlist("log") if e.partition(":")[2] in OUTCOMES]
    log = [*log[: len(listed)], f"{office.id}:{outcome}"]
    token = request.form["visit"]
    return _office(found, visit, token, form, listed, index=index + 1, log=log, unsaved=unsaved)


@bp.post("/c/<slug>/call/count")
@limits.calls
def count(slug: str):
    """An outcome a phone kept while offline: {visit, member, action, at (ms since epoch)}.
    Counted once per visit and office, whether or not its form post got through before."""
    found = context.require_campaign()
    data = context.json_body()
    if not isinstance(data, dict):
        return json_error(400, "bad_request", "Send a JSON object with visit, member and action.")
    now = services.now()
    try:
        visit = calls.load_visit(context.secret(), data.get("visit"), found.slug, now)
    except calls.VisitInvalid:
        return json_error(400, "visit_expired", EXPIRED)
    try:
        listed = offices(found, visit)
    except OfficesChanged:
        return json_error(409, "changed", CHANGED)
    office = next((m for m in listed if m.id == data.get("member")), None)
    action = data.get("action")
    if office is None or action not in counts.CALLS:
        return json_error(400, "bad_request", "Unknown office or outcome.")
    try:
        new = _count(found, visit, office, action, visit.called_at(data.get("at"), now))
    except counts.CountFailed:
        message = "We couldn't record that just now. Please try again in a moment."
        return json_error(503, "count_failed", message)
    return jsonify(counted=action, already=not new)
