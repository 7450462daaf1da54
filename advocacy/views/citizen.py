"""The citizen path: address -> members -> a letter and a call script for each."""

from __future__ import annotations

import contextlib
import dataclasses
from typing import Any

from flask import Blueprint, abort, jsonify, render_template, request
from itsdangerous import BadData

from .. import campaigns, counts, limits, services, text
from ..errors import json_error
from ..extensions import csrf, db
from ..failures import InvalidInput, LookupFailed
from ..forms import AddressForm, EditedLetterForm, LetterForm, ZipForm
from ..geography import STATES
from ..letters import AskNotFound, Constituent
from ..lookup import Representation
from ..models import Campaign
from ..recipients import Recipient
from ..signing import serializer
from . import context, pages

bp = Blueprint("citizen", __name__)
bp.context_processor(context.inject)
START_AGAIN = "Something was missing from the form: please start again."
EMBED_SALT = "embed"


def _letter_form(rep: Representation, form: LetterForm | None = None, **prefill) -> LetterForm:
    form = form or LetterForm(formdata=None, **prefill)
    offered = context.asks(context.campaign())
    form.ask.choices = [(a.slug, a.title) for a in offered]
    if not form.ask.data:
        wanted = request.args.get("ask")
        form.ask.data = wanted if wanted in {a.slug for a in offered} else offered[0].slug
    district = rep.districts[0]
    form.state.data, form.district.data = district.state, str(district.number)
    return form


def _home(status: int = 200, *, address=None, zip_form=None, problem: str | None = None):
    return (
        render_template(
            "citizen/index.html",
            address_form=address or AddressForm(formdata=None),
            zip_form=zip_form or ZipForm(formdata=None),
            problem=problem,
            **_campaign_page(context.campaign()),
        ),
        status,
    )


def _campaign_page(found: Campaign | None) -> dict[str, Any]:
    """What a campaign's own page shows above the lookup: its text, preview and progress."""
    if found is None:
        return {}
    return {
        **context.call_in(found),
        "ended": context.ended(found),
        "description": campaigns.render_description(found.description),
        "summary": campaigns.plain_summary(found.description)
        or "Write to your members of Congress about Artsakh.",
        "share_url": campaigns.share_url(request.host_url, found.slug),
        "sent": counts.total(db.session, "sent", campaign_id=found.id)
        if found.show_progress and found.goal
        else None,
    }


def _prefill_from_address(address: str) -> dict[str, str]:
    """Guess street, city and ZIP from "street, city, ST 12345" to save typing."""
    parts = [p.strip() for p in address.split(",") if p.strip()]
    prefill = {"zip": text.trailing_zip(address) or ""}
    if len(parts) >= 3:
        prefill["street"], prefill["city"] = parts[0], parts[-2]
    return prefill


def _results(
    rep: Representation,
    status: int = 200,
    form: LetterForm | None = None,
    prefill: dict[str, str] | None = None,
):
    letter_form = None if rep.ambiguous else _letter_form(rep, form, **(prefill or {}))
    return (
        render_template(
            "citizen/results.html",
            rep=rep,
            asks=context.asks(context.campaign()),
            form=letter_form,
            targets=campaigns.targets_of(context.campaign()),
            address_form=AddressForm(formdata=None),
            stale=rep.directory.is_stale(services.today()),
        ),
        status,
    )


@bp.get("/")
@pages.kept(lambda: pages.query("ref"))
def index():
    services.lookup().release()  # nothing to look up in before the first sync
    return _home()


@bp.get("/c/<slug>")
@pages.kept(lambda slug: (slug, *pages.query("ref")))
def campaign(slug: str):
    """A campaign's page: its description, then the same lookup as the home page."""
    context.require_campaign()
    services.lookup().release()
    return _home()


@bp.post("/lookup")
@limits.lookup
def lookup():
    """Find members from an address, or from a ZIP code."""
    return _lookup()


@bp.get("/c/<slug>/embed")
def embed(slug: str):
    """A compact form for other sites to frame; it opens the results in a new tab."""
    found = context.require_campaign()
    token = serializer(context.secret(), EMBED_SALT, services.now()).dumps(found.slug)
    return render_template("citizen/embed.html", token=token, **_campaign_page(found))


@bp.post("/c/<slug>/start")
@csrf.exempt
@limits.lookup
def embed_start(slug: str):
    """The embed's form lands here. A session cookie can't be relied on inside another
    site's frame, so the form carries a signed, dated ticket instead of the session's CSRF
    token. The ticket proves the form came from this campaign's embed; it is not bound to a
    browser, which is acceptable because this route only starts a lookup (rate-limited) and
    changes nothing."""
    found = context.require_campaign()
    try:
        signed = serializer(context.secret(), EMBED_SALT, services.now()).loads(
            request.form.get("token", ""), max_age=2 * 24 * 3600
        )
    except BadData:
        signed = None
    if signed != found.slug:
        return _home(400, problem="This form has expired: please try again from this page.")
    return _lookup(csrf_check=False)


def _lookup(csrf_check: bool = True):
    meta = {} if csrf_check else {"csrf": False}
    address_form, zip_form = AddressForm(meta=meta), ZipForm(meta=meta)
    by_zip = "zip" in request.form and "address" not in request.form
    form = zip_form if by_zip else address_form
    if not form.validate():
        return _home(422, address=address_form, zip_form=zip_form)
    try:
        if by_zip:
            rep = services.lookup().by_zip(zip_form.zip.data)
            return _results(rep, prefill={"zip": text.zip_code(zip_form.zip.data) or ""})
        rep = services.lookup().by_address(address_form.address.data)
        return _results(rep, prefill=_prefill_from_address(address_form.address.data or ""))
    except LookupFailed as failure:
        fields = {"address": address_form.address, "zip": zip_form.zip}
        typed = "zip" if by_zip else "address"
        problem = context.show_failure(failure, fields, typed=typed, page="find")
        return _home(failure.form_status, address=address_form, zip_form=zip_form, problem=problem)


@bp.get("/district")
@pages.kept(lambda: pages.query("state", "c", "ref"))
def choose_district():
    """The manual path: a state, then a district from a list that names each member."""
    state = (request.args.get("state") or "").upper()
    if not state:
        return _home()
    if state not in STATES:
        failure = InvalidInput("choose_state")
        return _home(422, problem=context.show_failure(failure, {}, typed="", page="find"))
    lookup = services.lookup()
    release = lookup.release()
    directory = release.directory
    return render_template(
        "citizen/districts.html",
        release=release,
        state=state,
        choices=[(n, directory.representative(state, n)) for n in lookup.seats(state)],
        senators=directory.senators(state),
        directory=directory,
        stale=directory.is_stale(services.today()),
    )


@bp.get("/district/<state>/<int:number>")
@pages.kept(lambda state, number: (state, number, *pages.query("c", "ref")))
def district(state: str, number: int):
    try:
        rep = services.lookup().by_district(state, number)
    except InvalidInput:
        abort(404)
    return _results(rep)


def _rep_for(form: LetterForm) -> Representation:
    return services.lookup().by_district(form.state.data, form.district.data)


def _recipients(rep: Representation) -> list[Recipient]:
    """The person's members, then the offices the campaign names."""
    return [*rep.members, *campaigns.targets_of(context.campaign())]


def _recipient_in(rep: Representation, recipient_id: str | None) -> Recipient | None:
    return next((m for m in _recipients(rep) if m.id == recipient_id), None)


def _constituent(form: LetterForm, state: str) -> Constituent:
    return Constituent(
        name=form.name.data or "",
        city=form.city.data or "",
        zip=text.zip_code(form.zip.data) or "",
        state=state,
        email=form.email.data or "",
        note=form.note.data or "",
        street=form.street.data or "",
    )


def _letter_page(
    form: EditedLetterForm, rep: Representation, member: Recipient, *, status: int = 200, **extra
):
    """The letter page: the person's edits if they made any, else a fresh letter."""
    ask = services.letters().ask(form.ask.data)
    found = context.campaign()
    person = _constituent(form, form.state.data or "")
    texts = campaigns.texts_for(found, member, person.first_name, person.city)
    drafted = services.letters().render(
        ask,
        member,
        person,
        services.today(),
        opening=texts.opening,
        closing=texts.closing,
        call_script=texts.call_script,
        bill=campaigns.bill_for(found, rep.congress),
    )
    editing = form.shown.data == member.id
    if editing and (form.body.data or form.errors):
        drafted = dataclasses.replace(
            drafted, subject=form.subject.data or drafted.subject, body=form.body.data or ""
        )
    form.subject.data, form.body.data, form.shown.data = (
        drafted.subject,
        drafted.body,
        member.id,
    )
    return (
        render_template(
            "citizen/letter.html",
            form=form,
            rep=rep,
            member=member,
            ask=ask,
            letter=drafted,
            recipients=_recipients(rep),
            **extra,
        ),
        status,
    )


def _letter_request() -> tuple[EditedLetterForm, Representation | None, Recipient | None]:
    form = EditedLetterForm()
    try:
        rep = _rep_for(form)
    except InvalidInput:
        return form, None, None
    _letter_form(rep, form)
    return form, rep, _recipient_in(rep, request.form.get("member") or form.shown.data)


@bp.post("/letter")
@limits.render
@limits.write_action
def letter():
    """One member's letter and call script, made from the form on the results page."""
    form, rep, member = _letter_request()
    if rep is None:
        return _home(422, problem=START_AGAIN)
    if member is None:
        form.ask.errors = [*form.ask.errors, "Choose whom to write to."]
        return _results(rep, 422, form)
    valid = form.validate()
    editing = form.shown.data == member.id
    if not valid and not (editing and set(form.errors) <= {"subject", "body"}):
        return _results(rep, 422, form)
    # "Sent"/"called" marks belong to the letter shown; a new member starts unmarked.
    counted = request.form.getlist("counted") if editing else []
    action = request.form.get("action")
    count_failed = False
    found = context.campaign()
    preview = context.previewing(found)

    def record(what: str) -> None:
        counts.record(
            db.session, what, form.ask.data or "", member, services.now(),
            campaign_id=found.id if found else 0, ref=context.counted_ref(),
        )  # fmt: skip
        pages.touch(found.slug if found else None)

    if valid and not editing and not preview and limits.count_a_letter():
        with contextlib.suppress(counts.CountFailed):
            record("generated")
    if valid and action in counts.ACTIONS and action not in counted and preview:
        counted.append(action)  # shown as done, never counted
    elif valid and action in counts.ACTIONS and action not in counted:
        try:
            record(action)
            counted.append(action)
        except counts.CountFailed:
            count_failed = True
    return _letter_page(
        form,
        rep,
        member,
        status=200 if valid else 422,
        counted=counted,
        just_counted=action if action in counted else None,
        count_failed=count_failed,
        preview=preview,
    )


@bp.post("/letter/print")
@limits.render
def print_letter():
    """A postal letter laid out for printing, from the letter as the person edited it."""
    form, rep, member = _letter_request()
    if rep is None:
        return _home(422, problem=START_AGAIN)
    if member is None or form.shown.data != member.id:
        return _results(rep, 422, form)
    if not form.validate():
        if set(form.errors) <= {"subject", "body"}:
            return _letter_page(form, rep, member, status=422, counted=[])
        return _results(rep, 422, form)
    return render_template(
        "citizen/print.html",
        member=member,
        form=form,
        today=services.today(),
        as_of=rep.as_of,
    )


@bp.post("/count")
@limits.write
def count():
    """Record that a letter was sent or a call made (used by the page's script)."""
    data = context.json_body()
    if not isinstance(data, dict):
        return json_error(400, "bad_request", "Send a JSON object with action, ask and member.")
    action, ask_slug, recipient_id = data.get("action"), data.get("ask"), data.get("member")
    found = context.campaign()
    try:
        ask = services.letters().ask(ask_slug)
    except AskNotFound:
        return json_error(400, "bad_request", "Unknown ask.")
    if ask not in context.asks(found):
        return json_error(400, "bad_request", "This campaign has no such ask.")
    recipient = None
    if isinstance(recipient_id, str):
        offices = {t.id: t for t in campaigns.targets_of(found)}
        recipient = offices.get(recipient_id) or services.lookup().directory().member(recipient_id)
    if action not in counts.ACTIONS or recipient is None:
        return json_error(400, "bad_request", "Unknown action or member.")
    if context.previewing(found):
        return jsonify(counted=action, preview=True)
    try:
        counts.record(
            db.session, action, ask.slug, recipient, services.now(),
            campaign_id=found.id if found else 0, ref=context.counted_ref(),
        )  # fmt: skip
    except counts.CountFailed:
        message = "We couldn't record that just now. Please try again in a moment."
        return json_error(503, "count_failed", message)
    pages.touch(found.slug if found else None)
    return jsonify(counted=action)
