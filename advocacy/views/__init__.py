"""Blueprints, one per audience, and what their templates share: filters and globals."""

from __future__ import annotations

import re
from datetime import date, datetime

from flask import Flask

# Named formats of the `date` filter, so templates say what they show, not how.
DATE_FORMATS = {
    "long": "%B %-d, %Y",  # November 25, 2026
    "weekday": "%A",  # Monday
    "time": "%-I:%M %p",  # 3:05 PM
    "weekday_time": "%A, %B %-d at %-I:%M %p",  # Wednesday, November 25 at 3:05 PM
    "day_time": "%B %-d, %-I:%M %p",  # November 25, 3:05 PM
    "day_hour": "%b %-d, %-I %p",  # Nov 25, 3 PM
    "iso": "%Y-%m-%d",  # 2026-11-25
}


def format_date(value: date | datetime, style: str = "long") -> str:
    return value.strftime(DATE_FORMATS[style])


def format_number(value: int) -> str:
    """12,345."""
    return f"{value:,}"


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
    from ..directory import house_title
    from ..geography import HAS_SENATORS, STATES, seat_label
    from . import api, calls, citizen, meta, organizer

    app.jinja_env.filters.update(
        tel=tel_uri, zone=zone_label, date=format_date, number=format_number
    )
    app.jinja_env.globals.update(
        states=STATES, has_senators=HAS_SENATORS, seat_label=seat_label, house_title=house_title
    )

    app.register_blueprint(citizen.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(meta.bp)
    app.register_blueprint(organizer.bp)
    app.register_blueprint(calls.bp)
