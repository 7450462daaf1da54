"""Web forms. Each keeps what the person typed when it is shown again with errors."""

from __future__ import annotations

import re

from flask_wtf import FlaskForm
from wtforms import HiddenField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional, Regexp, ValidationError

from .letters import NAME_LIMIT, NOTE_LIMIT
from .lookup import MAX_ADDRESS

_CONTROL_LINE = re.compile(r"[\x00-\x1f\x7f-\x9f\u2028\u2029\ufeff]+")
_CONTROL_TEXT = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ufeff]+")
BODY_LIMIT = 20_000


def one_line(value: object) -> object:
    """Fold control characters and runs of space; strip."""
    if isinstance(value, str):
        return " ".join(_CONTROL_LINE.sub(" ", value).split())
    return value


def multi_line(value: object) -> object:
    """Keep line breaks, drop other control characters."""
    if isinstance(value, str):
        value = _CONTROL_TEXT.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
        return value.strip()
    return value


class MaxChars:
    """Like Length(max=...), without the maxlength attribute that makes browsers cut a paste
    short in silence: the person sees the message and keeps every word they wrote."""

    def __init__(self, limit: int, message: str) -> None:
        self.limit, self.message = limit, message

    def __call__(self, form: FlaskForm, field: object) -> None:
        if len(getattr(field, "data", None) or "") > self.limit:
            raise ValidationError(self.message)


class AddressForm(FlaskForm):
    address = StringField(
        "Your home address",
        filters=[one_line],
        validators=[
            DataRequired("Enter your street address, city and state."),
            Length(max=MAX_ADDRESS, message=f"Keep the address under {MAX_ADDRESS} characters."),
        ],
        description="Street, city, state and ZIP, e.g. 1100 Congress Ave, Austin, TX 78701",
    )


class ZipForm(FlaskForm):
    zip = StringField(
        "ZIP code",
        filters=[one_line],
        validators=[
            DataRequired("Enter your 5-digit ZIP code."),
            Regexp(r"^\d{5}(-?\d{4})?$", message="Enter a 5-digit ZIP code, such as 78701."),
        ],
    )


class LetterForm(FlaskForm):
    """Who signs the letter, and which ask; the seat travels in hidden fields."""

    ask = RadioField("What do you want to ask for?", validators=[DataRequired("Choose an ask.")])
    name = StringField(
        "Your full name",
        filters=[one_line],
        validators=[
            DataRequired("Enter your name: offices only count letters signed by constituents."),
            Length(max=NAME_LIMIT, message=f"Keep your name under {NAME_LIMIT} characters."),
        ],
    )
    city = StringField(
        "City or town",
        filters=[one_line],
        validators=[DataRequired("Enter your city or town."), Length(max=NAME_LIMIT)],
    )
    zip = StringField(
        "ZIP code",
        filters=[one_line],
        validators=[
            DataRequired("Enter your ZIP code."),
            Regexp(r"^\d{5}(-?\d{4})?$", message="Enter a 5-digit ZIP code, such as 78701."),
        ],
    )
    street = StringField(
        "Street address (only printed on a paper letter)",
        filters=[one_line],
        validators=[Optional(), Length(max=MAX_ADDRESS)],
    )
    email = StringField(
        "Email (optional, so the office can reply)",
        filters=[one_line],
        validators=[
            Optional(),
            Length(max=254),
            Regexp(r"^[^@\s]+@[^@\s]+\.[^@\s]+$", message="Check your email address."),
        ],
    )
    note = TextAreaField(
        "In your own words (optional): why this matters to you",
        filters=[multi_line],
        validators=[
            Optional(),
            MaxChars(NOTE_LIMIT, f"Keep this under {NOTE_LIMIT} characters."),
        ],
        description="Placed first in your letter: offices give most weight to a constituent's "
        "own words.",
    )
    state = HiddenField()
    district = HiddenField()

    def validate_district(self, field: HiddenField) -> None:
        if not str(field.data or "").isdigit():
            raise ValidationError("Start again from your address.")


class EditedLetterForm(LetterForm):
    """The letter page: the form above plus the letter as the person edited it."""

    shown = HiddenField()
    # A textarea, so that Enter in it never submits the form.
    subject = TextAreaField(
        "Subject",
        filters=[one_line],
        validators=[Optional(), MaxChars(300, "Shorten the subject.")],
    )
    body = TextAreaField(
        "Your letter",
        filters=[multi_line],
        validators=[Optional(), MaxChars(BODY_LIMIT, "The letter is too long.")],
    )
