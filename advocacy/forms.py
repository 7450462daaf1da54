"""Web forms. Each keeps what the person typed when it is shown again with errors."""

from __future__ import annotations

import re
from typing import Any

from flask import request
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    FieldList,
    Form,
    FormField,
    HiddenField,
    IntegerField,
    PasswordField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    Length,
    NumberRange,
    Optional,
    Regexp,
    ValidationError,
)

from . import text
from .campaigns import BILL, TemplateProblem, check_text
from .letters import CITY_LIMIT, NAME_LIMIT, NOTE_LIMIT
from .lookup import MAX_ADDRESS

BODY_LIMIT = 20_000


class PageForm(FlaskForm):
    """A form posted by a page. Flask-WTF would read a JSON body as the form (and fail on one
    that isn't an object): pages post forms, so a form is read from the form data only."""

    class Meta(FlaskForm.Meta):
        def wrap_formdata(self, form: Any, formdata: Any) -> Any:
            if formdata is not None and request and request.is_json:
                return None  # as if nothing were posted: the page shows the form again
            return super().wrap_formdata(form, formdata)


class ZipCode:
    """A 5-digit ZIP code or ZIP+4."""

    message = "Enter a 5-digit ZIP code, such as 78701."

    def __call__(self, form: FlaskForm, field: object) -> None:
        if text.zip_code(getattr(field, "data", None)) is None:
            raise ValidationError(self.message)


class Email:
    def __call__(self, form: FlaskForm, field: object) -> None:
        if not text.is_email(getattr(field, "data", "") or ""):
            raise ValidationError("Check your email address.")


# Words anyone guessing an organizer's password here would try first.
SITE_WORDS = ["artsakh", "armenia", "armenian", "karabakh", "congress", "advocacy", "organizer"]


class StrongPassword:
    """A password a guesser would take long to find: zxcvbn's estimate (common passwords,
    names, dates, repeats, keyboard runs, the email itself) of at least 3 out of 4."""

    def __call__(self, form: FlaskForm, field: object) -> None:
        password = getattr(field, "data", None) or ""
        hints = [str(getattr(form, "account_email", "") or "")]
        if current_user.is_authenticated:
            hints.append(current_user.email)
        # Imported here: its word lists take 14 MiB, which a worker that never sees a
        # password needn't hold. It reads at most 72 characters: a long password is judged
        # by its start.
        from zxcvbn import zxcvbn

        verdict = zxcvbn(password[:72], user_inputs=[h for h in hints if h] + SITE_WORDS)
        if verdict["score"] < 3:
            why = verdict["feedback"]["warning"] or "It would be easy to guess."
            raise ValidationError(
                f"Choose a stronger password. {why} A few unrelated words make a strong one."
            )


class MaxChars:
    """Like Length(max=...), without the maxlength attribute that makes browsers cut a paste
    short in silence: the person sees the message and keeps every word they wrote."""

    def __init__(self, limit: int, message: str) -> None:
        self.limit, self.message = limit, message

    def __call__(self, form: FlaskForm, field: object) -> None:
        if len(getattr(field, "data", None) or "") > self.limit:
            raise ValidationError(self.message)


class MultiCheckboxField(SelectMultipleField):
    widget = widgets.ListWidget(prefix_label=False)
    option_widget = widgets.CheckboxInput()


class AddressForm(PageForm):
    address = StringField(
        "Your home address",
        filters=[text.one_line],
        validators=[
            DataRequired("Enter your street address, city and state."),
            Length(max=MAX_ADDRESS, message=f"Keep the address under {MAX_ADDRESS} characters."),
        ],
        description="Street, city, state and ZIP, e.g. 1100 Congress Ave, Austin, TX 78701",
    )


class ZipForm(PageForm):
    zip = StringField(
        "ZIP code",
        filters=[text.one_line],
        validators=[
            DataRequired("Enter your 5-digit ZIP code."),
            ZipCode(),
        ],
    )


class LetterForm(PageForm):
    """Who signs the letter, and which ask; the seat travels in hidden fields."""

    ask = RadioField("What do you want to ask for?", validators=[DataRequired("Choose an ask.")])
    name = StringField(
        "Your full name",
        filters=[text.one_line],
        validators=[
            DataRequired("Enter your name: offices only count letters signed by constituents."),
            Length(max=NAME_LIMIT, message=f"Keep your name under {NAME_LIMIT} characters."),
        ],
    )
    city = StringField(
        "City or town",
        filters=[text.one_line],
        validators=[
            DataRequired("Enter your city or town."),
            Length(max=CITY_LIMIT, message=f"Keep the city under {CITY_LIMIT} characters."),
        ],
    )
    zip = StringField(
        "ZIP code",
        filters=[text.one_line],
        validators=[
            DataRequired("Enter your ZIP code."),
            ZipCode(),
        ],
    )
    street = StringField(
        "Street address (only printed on a paper letter)",
        filters=[text.one_line],
        validators=[Optional(), Length(max=MAX_ADDRESS)],
    )
    email = StringField(
        "Email (optional, so the office can reply)",
        filters=[text.one_line],
        validators=[
            Optional(),
            Length(max=254),
            Email(),
        ],
    )
    note = TextAreaField(
        "In your own words (optional): why this matters to you",
        filters=[text.multi_line],
        validators=[
            Optional(),
            MaxChars(NOTE_LIMIT, f"Keep this under {NOTE_LIMIT} characters."),
        ],
        description="Placed first in your letter: offices give most weight to a constituent's "
        "own words.",
    )
    state = HiddenField(filters=[text.one_line])
    district = HiddenField(filters=[text.one_line])

    def validate_district(self, field: HiddenField) -> None:
        if not re.fullmatch(r"[0-9]{1,2}", field.data or ""):
            raise ValidationError("Start again from your address.")


class EditedLetterForm(LetterForm):
    """The letter page: the form above plus the letter as the person edited it."""

    shown = HiddenField(filters=[text.one_line])
    # A textarea, so that Enter in it never submits the form.
    subject = TextAreaField(
        "Subject",
        filters=[text.one_line],
        validators=[Optional(), MaxChars(300, "Shorten the subject.")],
    )
    body = TextAreaField(
        "Your letter",
        filters=[text.multi_line],
        validators=[Optional(), MaxChars(BODY_LIMIT, "The letter is too long.")],
    )


class SignupForm(PageForm):
    email = StringField(
        "Email",
        filters=[text.one_line],
        validators=[DataRequired("Enter your email."), Length(max=254), Email()],
    )


class FinishSignupForm(PageForm):
    password = PasswordField(
        "Password (at least 10 characters, hard to guess)",
        validators=[
            DataRequired("Choose a password."),
            Length(min=10, max=200, message="Use 10 to 200 characters."),
            StrongPassword(),
        ],
    )
    # The email the link was sent to (not a field: the link decides it).
    account_email = ""


class LoginForm(PageForm):
    email = StringField(
        "Email", filters=[text.one_line], validators=[DataRequired("Enter your email.")]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password.")])


class PasswordChangeForm(PageForm):
    current = PasswordField("Current password", validators=[DataRequired("Enter it.")])
    new = PasswordField(
        "New password (at least 10 characters, hard to guess)",
        validators=[
            DataRequired("Choose a new password."),
            Length(min=10, max=200, message="Use 10 to 200 characters."),
            StrongPassword(),
        ],
    )


class TemplateText:
    """An organizer's text must render in the sandbox with the documented variables."""

    def __call__(self, form: FlaskForm, field: object) -> None:
        try:
            check_text(getattr(field, "data", "") or "")
        except TemplateProblem as exc:
            raise ValidationError(str(exc)) from None


class TargetForm(Form):
    """An office the organizer names besides the citizen's own members."""

    title = StringField(
        "Office or title", filters=[text.one_line], validators=[Optional(), Length(max=120)]
    )
    name = StringField(
        "Name (optional)", filters=[text.one_line], validators=[Optional(), Length(max=120)]
    )
    phone = StringField(
        "Phone",
        filters=[text.one_line],
        validators=[Optional(), Regexp(r"^[0-9+().\- ]{7,25}$", message="Check the phone number.")],
    )
    url = StringField(
        "Web form",
        filters=[text.one_line],
        validators=[
            Optional(),
            Length(max=500),
            Regexp(r"^https?://[^\s/]+\.[^\s]+$", message="Use a full https:// link."),
        ],
    )
    email = StringField(
        "Email", filters=[text.one_line], validators=[Optional(), Length(max=254), Email()]
    )
    greeting = StringField(
        "Greeting in letters (optional)",
        filters=[text.one_line],
        validators=[Optional(), Length(max=120)],
        description='What follows "Dear", e.g. Secretary Rubio. Otherwise the name or the title.',
    )

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        given = any(f.data for f in (self.name, self.phone, self.url, self.email, self.greeting))
        if given and not self.title.data:
            self.title.errors = [*self.title.errors, "Name the office or title."]
            return False
        if self.title.data and not any(f.data for f in (self.phone, self.url, self.email)):
            self.title.errors = [*self.title.errors, "Give a phone, a web form or an email."]
            return False
        return ok


class CampaignForm(PageForm):
    title = StringField(
        "Title",
        filters=[text.one_line],
        validators=[DataRequired("Give the campaign a title."), Length(max=120)],
    )
    slug = StringField(
        "Link name (letters, digits and hyphens)",
        filters=[text.one_line, lambda v: v.lower()],
        validators=[
            Optional(),
            Length(max=60),
            Regexp(r"^[a-z0-9]+(?:-[a-z0-9]+)*$", message="Use a-z, 0-9 and single hyphens."),
        ],
        description="Leave empty to make one from the title.",
    )
    description = TextAreaField(
        "Description (Markdown)",
        filters=[text.multi_line],
        validators=[Optional(), MaxChars(5000, "Keep the description under 5000 characters.")],
    )
    asks = MultiCheckboxField("Asks", validators=[DataRequired("Choose at least one ask.")])
    status = SelectField("Status", choices={"draft": "Draft", "live": "Live", "closed": "Closed"})
    ends_on = DateField("End date (optional)", validators=[Optional()])
    goal = IntegerField(
        "Goal: letters sent (optional)",
        validators=[Optional(), NumberRange(min=1, max=10_000_000)],
    )
    show_progress = BooleanField("Show progress toward the goal on the campaign page")
    opening = TextAreaField(
        "Opening paragraph of each letter (optional)",
        filters=[text.multi_line],
        validators=[Optional(), TemplateText()],
    )
    closing = TextAreaField(
        "Closing paragraph of each letter (optional)",
        filters=[text.multi_line],
        validators=[Optional(), TemplateText()],
    )
    targets = FieldList(FormField(TargetForm), min_entries=3, max_entries=3)
    call_starts = DateTimeLocalField(
        "Call-in day: starts (optional)", format="%Y-%m-%dT%H:%M", validators=[Optional()]
    )
    call_ends = DateTimeLocalField("Ends", format="%Y-%m-%dT%H:%M", validators=[Optional()])
    call_zone = SelectField(
        "Time zone of these times",
        choices={
            "America/New_York": "Eastern", "America/Chicago": "Central",
            "America/Denver": "Mountain", "America/Phoenix": "Arizona",
            "America/Los_Angeles": "Pacific", "America/Anchorage": "Alaska",
            "Pacific/Honolulu": "Hawaii", "America/Puerto_Rico": "Atlantic",
        },
        default="America/New_York",
    )  # fmt: skip

    def validate(self, extra_validators: Any = None) -> bool:
        ok = super().validate(extra_validators)
        starts, ends = self.call_starts.data, self.call_ends.data
        problem = None
        if bool(starts) != bool(ends):
            problem = "Give both the start and the end of the call-in, or neither."
        elif starts and ends and ends <= starts:
            problem = "The call-in must end after it starts."
        if problem:
            self.call_ends.errors = [*self.call_ends.errors, problem]
            return False
        return ok

    bill = StringField(
        "Legislation to co-sponsor (optional)",
        filters=[text.one_line],
        validators=[
            Optional(),
            Regexp(BILL, message="Write it as Congress numbers it: H.R. 1234 (119th Congress)."),
        ],
        description="Letters to members of that Congress ask them to co-sponsor it, "
        "e.g. H.R. 1234 (119th Congress).",
    )
    call_script = TextAreaField(
        "Call script (optional: replaces the ask's script)",
        filters=[text.multi_line],
        validators=[Optional(), TemplateText()],
    )


class CallStartForm(PageForm):
    """Who is calling (first name, city, ZIP: what a staffer writes down) and, to find the
    right House member, the street address when the ZIP code isn't enough."""

    first_name = StringField(
        "Your first name",
        filters=[text.one_line],
        validators=[DataRequired("Enter your first name."), Length(max=NAME_LIMIT)],
    )
    city = StringField(
        "City or town",
        filters=[text.one_line],
        validators=[DataRequired("Enter your city or town."), Length(max=CITY_LIMIT)],
    )
    zip = StringField(
        "ZIP code",
        filters=[text.one_line],
        validators=[DataRequired("Enter your ZIP code."), ZipCode()],
    )
    address = StringField(
        "Street address (optional; needed when your ZIP code crosses district lines)",
        filters=[text.one_line],
        validators=[Optional(), Length(max=MAX_ADDRESS)],
    )
