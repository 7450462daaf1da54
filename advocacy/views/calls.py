"""Call mode for volunteers: one office at a time, its hours, the script, the outcome."""

from __future__ import annotations

from datetime import UTC, datetime

from flask import Blueprint, abort, current_app, render_template, request

from .. import calls, campaigns, counts, limits, services, text
from ..districts import AddressNotFound, GeocoderFailed
from ..extensions import db
from ..forms import CallStartForm
from ..letters import Constituent, combined_call_script
from ..lookup import DirectoryOutdated, InvalidInput, Representation, ZipTableOutdated
from .citizen import _asks, _campaign, _campaign_context, _previewing, _ref

bp = Blueprint("calls", __name__)
bp.context_processor(_campaign_context)
OUTCOMES = {"called": "Talked to a staffer", "voicemail": "Left a voicemail",
            "busy": "Line busy or mailbox full", "skip": "Skipped"}  # fmt: skip


def _start(form: CallStartForm, status: int = 200, problem: str | None = None):
    return render_template("calls/start.html", form=form, problem=problem), status


@bp.get("/c/<slug>/call")
def start(slug: str):
    _campaign()
    return _start(CallStartForm(formdata=None))


def _represent(form: CallStartForm) -> Representation:
    lookup = services.lookup()
    if form.address.data:
        return lookup.by_address(form.address.data)
    return lookup.by_zip(form.zip.data)


@bp.post("/c/<slug>/call")
@limits.lookup
def begin(slug: str):
    """Find the caller's offices, then show the first one."""
    found = _campaign()
    form = CallStartForm()
    if not form.validate():
        return _start(form, 422)
    try:
        rep = _represent(form)
    except InvalidInput as exc:
        (form.address if form.address.data else form.zip).errors.append(str(exc))
        return _start(form, 422)
    except AddressNotFound:
        form.address.errors.append("We couldn't find that address: check it, or leave it empty.")
        return _start(form, 422)
    except GeocoderFailed as exc:
        current_app.logger.warning("Census geocoder failed: %s", exc)
        problem = "The Census Bureau's address service is not answering: try your ZIP code alone."
        return _start(form, 503, problem)
    except (DirectoryOutdated, ZipTableOutdated):
        return _start(form, 503, "Our member data is being updated: please try again later.")
    if rep.ambiguous:
        form.address.errors.append(
            "Your ZIP code crosses district lines: add your street address to find your member."
        )
        return _start(form, 422)
    district = rep.districts[0]
    state = {"state": district.state, "district": str(district.number)}
    return _office(found, rep, form, state, index=0, log=[])


def _offices(found, rep: Representation) -> list:
    return [*rep.members, *campaigns.targets_of(found)]


def _office(found, rep, form, state: dict, *, index: int, log: list[str]):
    offices = _offices(found, rep)
    person = {
        "first_name": form.first_name.data,
        "city": form.city.data,
        "zip": text.zip_code(form.zip.data) or "",
        **state,
    }
    if index >= len(offices):
        by_id = {m.bioguide: m for m in offices}
        summary = [
            (by_id[b], OUTCOMES[o]) for b, _, o in (e.partition(":") for e in log) if b in by_id
        ]
        share = campaigns.share_url(request.host_url, found.slug, _ref())
        return render_template("calls/done.html", summary=summary, person=person, share_url=share)
    member = offices[index]
    constituent = Constituent(
        name=person["first_name"], city=person["city"], zip=person["zip"], state=state["state"]
    )
    script = combined_call_script(services.letters(), _asks(found), member, constituent)
    now = datetime.now(UTC)
    phones = [
        (o, calls.hours(o, member.state or state["state"], now)) for o in member.offices if o.phone
    ]
    return render_template(
        "calls/office.html",
        member=member,
        script=script,
        phones=phones,
        person=person,
        index=index,
        total=len(offices),
        log=log,
        outcomes=OUTCOMES,
        ask_slug=_asks(found)[0].slug,
    )


@bp.post("/c/<slug>/call/next")
@limits.write
def next_office(slug: str):
    """Record the outcome of one office, then show the next one."""
    found = _campaign()
    form = CallStartForm()
    if not form.validate():
        abort(400)
    try:
        rep = services.lookup().by_district(request.form.get("state"), request.form.get("district"))
        index = int(request.form.get("index", ""))
    except (InvalidInput, ValueError):
        abort(400)
    offices = _offices(found, rep)
    if not 0 <= index < len(offices):
        abort(400)
    outcome = request.form.get("outcome")
    if outcome not in OUTCOMES:
        abort(400)
    log = [e for e in request.form.getlist("log") if e.count(":") == 1][: len(offices)]
    member = offices[index]
    already = any(e.startswith(member.bioguide + ":") for e in log)  # one outcome per office
    if outcome != "skip" and not already and not _previewing(found):
        try:
            counts.record(
                db.session, outcome, _asks(found)[0].slug, member, services.today(),
                campaign_id=found.id, ref=_ref(),
            )  # fmt: skip
        except counts.CountFailed:
            pass  # the volunteer goes on; the count is lost, not their place
    log.append(f"{member.bioguide}:{outcome}")
    state = {"state": request.form["state"], "district": request.form["district"]}
    return _office(found, rep, form, state, index=index + 1, log=log)
