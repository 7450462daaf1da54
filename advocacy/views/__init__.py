"""Blueprints, one per audience."""

import re

from flask import Flask


def tel_uri(phone: str) -> str:
    """A tel: link for a phone number as people type it: US numbers get +1, others keep their +."""
    digits = re.sub(r"[^0-9]", "", phone or "")
    if (phone or "").strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return f"tel:+1{digits}"


def zone_label(zone: str) -> str:
    """ "America/Los_Angeles" -> "Los Angeles", as in "(Los Angeles time)"."""
    return zone.split("/")[-1].replace("_", " ")


def register_blueprints(app: Flask) -> None:
    from ..directory import HAS_SENATORS, STATES, house_title, seat_label
    from . import api, calls, citizen, meta, organizer

    app.jinja_env.filters["tel"] = tel_uri
    app.jinja_env.filters["zone"] = zone_label
    app.jinja_env.globals.update(
        states=STATES, has_senators=HAS_SENATORS, seat_label=seat_label, house_title=house_title
    )

    app.register_blueprint(citizen.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(organizer.bp)
    app.register_blueprint(calls.bp)
