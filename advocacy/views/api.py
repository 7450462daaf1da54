"""JSON API for other sites and apps: /api/v1/lookup, /api/v1/letters, /api/v1/asks."""

from __future__ import annotations

import functools
import json
from typing import Any

from flask import Blueprint, get_template_attribute, jsonify, request

from .. import limits, services, text
from ..config import PROJECT_ROOT
from ..errors import json_error
from ..extensions import csrf
from ..failures import Ambiguous, InvalidInput
from ..letters import CITY_LIMIT, NAME_LIMIT, NOTE_LIMIT, AskNotFound, Constituent
from ..lookup import Representation, clean_text, parse_zip
from ..recipients import Recipient
from . import context

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    return json_error(exc.status, exc.code, exc.message)


def _body() -> dict[str, Any]:
    if not request.is_json:
        raise ApiError(415, "not_json", "Send a JSON object with Content-Type: application/json.")
    data = context.json_body()
    if not isinstance(data, dict):
        raise ApiError(400, "not_json", "The request body must be a JSON object.")
    return data


def _represent(data: dict[str, Any]) -> Representation:
    """The members of the place a request names; lookup failures answer as JSON (errors.py)."""
    lookup = services.lookup()
    if "address" in data:
        return lookup.by_address(data["address"])
    if "zip" in data:
        return lookup.by_zip(data["zip"])
    if "state" in data and "district" in data:
        return lookup.by_district(data["state"], data["district"])
    raise ApiError(400, "missing_place", 'Send "address", "zip", or "state" and "district".')


def member_json(m: Recipient) -> dict[str, Any]:
    term_note = get_template_attribute("_words.txt", "term_note")
    return {
        "bioguide": m.id,
        "name": m.name,
        "title": m.title,
        "chamber": m.chamber,
        "state": m.state,
        "district": m.district,
        "party": m.party,
        "phone": m.phone,
        "contact_form": m.contact_form,
        "website": m.website,
        "offices": [{"city": o.city, "address": o.address, "phone": o.phone} for o in m.offices],
        "note": str(term_note(m, services.today())).strip() or None,
    }


def representation_json(rep: Representation) -> dict[str, Any]:
    return {
        "congress": rep.congress,
        "as_of": rep.as_of.isoformat(),
        "stale": rep.directory.is_stale(services.today()),
        "ambiguous": rep.ambiguous,
        "districts": [{"state": d.state, "district": d.number} for d in rep.districts],
        "members": [member_json(m) for m in rep.members],
        "vacancies": [{"state": d.state, "district": d.number} for d in rep.vacancies],
    }


@bp.post("/lookup")
@limits.lookup
def lookup():
    return jsonify(representation_json(_represent(_body())))


def _field(data: dict[str, Any], key: str, limit: int, required: bool) -> str:
    value = data.get(key)
    try:
        value = "" if value is None else clean_text(value, limit)
    except InvalidInput as exc:
        raise InvalidInput(exc.key, **exc.params, field=f"constituent.{key}") from None
    if required and not value:
        raise ApiError(400, "invalid_input", f"constituent.{key} is required.")
    return value


@bp.post("/letters")
@limits.lookup
def letters():
    data = _body()
    book = services.letters()
    try:
        ask = book.ask(data.get("ask"))
    except AskNotFound:
        slugs = ", ".join(a.slug for a in book.asks)
        raise ApiError(400, "unknown_ask", f'"ask" must be one of: {slugs}.') from None
    person = data.get("constituent")
    if not isinstance(person, dict):
        raise ApiError(
            400, "invalid_input", '"constituent" must be an object with name, city, zip.'
        )
    name = _field(person, "name", NAME_LIMIT, True)
    city = _field(person, "city", CITY_LIMIT, True)
    try:
        zip_code = parse_zip(person.get("zip"))
    except InvalidInput as exc:
        raise InvalidInput(exc.key, **exc.params, field="constituent.zip") from None
    email = _field(person, "email", 254, False)
    if email and not text.is_email(email):
        raise ApiError(400, "invalid_input", "constituent.email: check the email address.")
    note = person.get("note")
    if note is not None and not isinstance(note, str):
        raise ApiError(400, "invalid_input", "constituent.note must be text.")
    note = text.multi_line(note)
    if len(note) > NOTE_LIMIT:
        raise ApiError(
            400, "invalid_input", f"constituent.note: keep it under {NOTE_LIMIT} characters."
        )
    rep = _represent(data)
    if rep.ambiguous:
        raise Ambiguous(source=rep.source)
    today = services.today()
    out = []
    for m in rep.members:
        constituent = Constituent(
            name=name,
            city=city,
            zip=zip_code,
            state=m.state,
            email=email,
            note=note,
        )
        letter = book.render(ask, m, constituent, today)
        out.append(
            {
                "bioguide": m.id,
                "to": letter.to,
                "subject": letter.subject,
                "body": letter.body,
                "call_script": letter.call_script,
                "mailto": letter.mailto,
                "contact_form": m.contact_form,
                "website": m.website,
            }
        )
    result = {"ask": ask.slug, "letters": out}
    result.update({k: v for k, v in representation_json(rep).items() if k != "members"})
    return jsonify(result)


@bp.get("/asks")
def asks():
    return jsonify(
        asks=[
            {"slug": a.slug, "title": a.title, "summary": a.summary}
            for a in services.letters().asks
        ]
    )


@functools.cache
def _openapi() -> dict[str, Any]:
    return json.loads((PROJECT_ROOT / "static" / "openapi.json").read_text(encoding="utf-8"))


@bp.get("/openapi.json")
def openapi():
    return jsonify(_openapi())
