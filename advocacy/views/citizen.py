"""The citizen path: address -> members -> a letter and a call script for each."""

from __future__ import annotations

import re

from flask import Blueprint, abort, current_app, jsonify, render_template, request

from .. import counts, services
from ..directory import STATES, Member
from ..districts import AddressNotFound, GeocoderFailed
from ..errors import SETUP
from ..extensions import db, limiter
from ..forms import AddressForm, EditedLetterForm, LetterForm, ZipForm
from ..letters import AskNotFound, Constituent
from ..lookup import DataMissing, InvalidInput, Representation, ZipTableOutdated

bp = Blueprint("citizen", __name__)


def lookup_limit() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


# One budget for every route that costs a geocoder call, pages and API alike.
lookup_budget = limiter.shared_limit(lookup_limit, scope="lookup")


def write_limit() -> str:
    return current_app.config["WRITE_RATE_LIMIT"]


def _letter_form(rep: Representation, form: LetterForm | None = None, **prefill) -> LetterForm:
    form = form or LetterForm(formdata=None, **prefill)
    form.ask.choices = [(a.slug, a.title) for a in services.letters().asks]
    if not form.ask.data:
        form.ask.data = request.args.get("ask") or services.letters().asks[0].slug
    district = rep.districts[0]
    form.state.data, form.district.data = district.state, str(district.number)
    return form


def _home(status: int = 200, *, address=None, zip_form=None, problem: str | None = None):
    return (
        render_template(
            "citizen/index.html",
            address_form=address or AddressForm(formdata=None),
            zip_form=zip_form or ZipForm(formdata=None),
            states=STATES,
            problem=problem,
        ),
        status,
    )


def _prefill_from_address(text: str) -> dict[str, str]:
    """Guess street, city and ZIP from "street, city, ST 12345" to save typing."""
    parts = [p.strip() for p in text.split(",") if p.strip()]
    zip_match = re.search(r"\b(\d{5})(?:-\d{4})?\b", text)
    prefill = {"zip": zip_match.group(1) if zip_match else ""}
    if len(parts) >= 3:
        prefill["street"], prefill["city"] = parts[0], parts[-2]
    return prefill


def _results(rep: Representation, status: int = 200, form: LetterForm | None = None, **prefill):
    asks = services.letters().asks
    letter_form = None if rep.ambiguous else _letter_form(rep, form, **prefill)
    return (
        render_template(
            "citizen/results.html",
            rep=rep,
            asks=asks,
            form=letter_form,
            address_form=AddressForm(formdata=None),
            states=STATES,
            stale=rep.directory.is_stale(services.today()),
        ),
        status,
    )


@bp.get("/")
def index():
    if services.lookup().store.get() is None:
        current_app.logger.warning("No member directory yet: run `flask --app wsgi directory sync`")
        return _home(503, problem=SETUP)
    return _home()


@bp.post("/lookup")
@lookup_budget
def lookup():
    """Find members from an address, or from a ZIP code."""
    address_form, zip_form = AddressForm(), ZipForm()
    by_zip = "zip" in request.form and "address" not in request.form
    form = zip_form if by_zip else address_form
    if not form.validate():
        return _home(422, address=address_form, zip_form=zip_form)
    try:
        if by_zip:
            rep = services.lookup().by_zip(zip_form.zip.data)
            return _results(rep, zip=zip_form.zip.data[:5])
        rep = services.lookup().by_address(address_form.address.data)
        return _results(rep, **_prefill_from_address(address_form.address.data))
    except InvalidInput as exc:
        form[("zip" if by_zip else "address")].errors.append(str(exc))
        return _home(422, address=address_form, zip_form=zip_form)
    except AddressNotFound:
        address_form.address.errors.append(
            "We couldn't find that address. Check the street number, city and state, "
            "or use your ZIP code or choose your district below."
        )
        return _home(422, address=address_form, zip_form=zip_form)
    except GeocoderFailed as exc:
        current_app.logger.warning("Census geocoder failed: %s", exc)
        return _home(
            503,
            address=address_form,
            zip_form=zip_form,
            problem="The Census Bureau's address service is not answering right now. "
            "Use your ZIP code or choose your state and district below, or try again in a minute.",
        )
    except ZipTableOutdated:
        zip_form.zip.errors.append(
            "ZIP codes can't be matched to the districts of the Congress now in office. "
            "Enter your street address instead, or choose your district below."
        )
        return _home(422, address=address_form, zip_form=zip_form)


@bp.get("/district")
def choose_district():
    """The manual path: a state, then a district from a list that names each member."""
    state = (request.args.get("state") or "").upper()
    if not state:
        return _home()
    if state not in STATES:
        return _home(422, problem="Choose a state or territory from the list.")
    lookup = services.lookup()
    seats = lookup.seats(state)
    directory = lookup.directory()
    choices = [(n, directory.representative(state, n)) for n in seats]
    return render_template(
        "citizen/districts.html",
        state=state,
        state_name=STATES[state],
        choices=choices,
        senators=directory.senators(state),
        states=STATES,
    )


@bp.get("/district/<state>/<int:number>")
def district(state: str, number: int):
    try:
        rep = services.lookup().by_district(state, number)
    except InvalidInput:
        abort(404)
    return _results(rep)


def _rep_for(form: LetterForm) -> Representation:
    return services.lookup().by_district(form.state.data, form.district.data)


def _member_in(rep: Representation, bioguide: str | None) -> Member | None:
    return next((m for m in rep.members if m.bioguide == bioguide), None)


def _constituent(form: LetterForm, state: str) -> Constituent:
    return Constituent(
        name=form.name.data,
        city=form.city.data,
        zip=form.zip.data,
        state=state,
        email=form.email.data or "",
        note=form.note.data or "",
        street=form.street.data or "",
    )


@bp.post("/letter")
@limiter.limit(write_limit, exempt_when=lambda: "action" not in request.form)
def letter():
    """One member's letter and call script, made from the form on the results page."""
    form = EditedLetterForm()
    try:
        rep = _rep_for(form)
    except (InvalidInput, DataMissing):
        return _home(422, problem="Something was missing from the form: please start again.")
    _letter_form(rep, form)
    bioguide = request.form.get("member") or form.shown.data
    member = _member_in(rep, bioguide)
    if member is None:
        form.ask.errors = [*form.ask.errors, "Choose whom to write to."]
        return _results(rep, 422, form)
    if not form.validate():
        return _results(rep, 422, form)
    try:
        ask = services.letters().ask(form.ask.data)
    except AskNotFound:
        return _results(rep, 422, form)
    drafted = services.letters().render(
        ask, member, _constituent(form, member.state), services.today()
    )
    # "Sent"/"called" marks belong to the letter shown; a new member starts unmarked.
    counted = request.form.getlist("counted") if form.shown.data == member.bioguide else []
    action = request.form.get("action")
    keep_edits = form.shown.data == member.bioguide and form.body.data
    count_failed = False
    if action in counts.ACTIONS and action not in counted:
        try:
            counts.record(db.session, action, ask.slug, member, services.today())
            counted.append(action)
        except counts.CountFailed:
            count_failed = True
    if keep_edits:
        subject, body = form.subject.data or drafted.subject, form.body.data
    else:
        subject, body = drafted.subject, drafted.body
    form.subject.data, form.body.data, form.shown.data = subject, body, member.bioguide
    mailto = type(drafted)(member, ask, subject, body, drafted.call_script).mailto
    return render_template(
        "citizen/letter.html",
        form=form,
        rep=rep,
        member=member,
        ask=ask,
        letter=drafted,
        mailto=mailto,
        counted=counted,
        just_counted=action if action in counted else None,
        count_failed=count_failed,
    )


@bp.post("/letter/print")
def print_letter():
    """A postal letter laid out for printing, from the letter as the person edited it."""
    form = EditedLetterForm()
    try:
        rep = _rep_for(form)
    except (InvalidInput, DataMissing):
        return _home(422, problem="Something was missing from the form: please start again.")
    _letter_form(rep, form)
    member = _member_in(rep, form.shown.data)
    if member is None or not form.validate():
        return _results(rep, 422, form)
    return render_template(
        "citizen/print.html",
        member=member,
        form=form,
        today=services.today(),
        state_name=STATES.get(member.state, member.state),
    )


@bp.post("/count")
@limiter.limit(write_limit)
def count():
    """Record that a letter was sent or a call made (used by the page's script)."""
    data = request.get_json(silent=True) or {}
    action, ask_slug, bioguide = data.get("action"), data.get("ask"), data.get("member")
    try:
        ask = services.letters().ask(ask_slug)
        directory = services.lookup().directory()
    except (AskNotFound, DataMissing):
        return jsonify(error={"code": "bad_request", "message": "Unknown ask."}), 400
    member = directory.member(bioguide) if isinstance(bioguide, str) else None
    if action not in counts.ACTIONS or member is None:
        return jsonify(error={"code": "bad_request", "message": "Unknown action or member."}), 400
    try:
        counts.record(db.session, action, ask.slug, member, services.today())
    except counts.CountFailed:
        message = "We couldn't record that just now. Please try again in a moment."
        return jsonify(error={"code": "count_failed", "message": message}), 503
    return jsonify(counted=action)
