"""Organizers: accounts, and the campaigns they create and share."""

from __future__ import annotations

import csv
import io
from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user
from itsdangerous import BadData, URLSafeTimedSerializer
from markupsafe import Markup

from .. import accounts, calls, campaigns, counts, letters, limits, mail, services, signing
from ..extensions import db, login_manager
from ..forms import CampaignForm, FinishSignupForm, LoginForm, PasswordChangeForm, SignupForm
from ..geography import STATES
from ..models import Campaign, Organizer, Target
from . import context, pages

bp = Blueprint("organizer", __name__, url_prefix="/organizer")

login_manager.login_view = "organizer.login"
login_manager.login_message = "Please sign in to see that page."


def _lifetime() -> timedelta:
    return timedelta(hours=float(current_app.config["ORGANIZER_SESSION_HOURS"]))


@login_manager.user_loader
def _load(token: str) -> Organizer | None:
    return accounts.load(db.session, token, now=services.now(), lifetime=_lifetime())


def _sign_in(organizer: Organizer) -> None:
    """A new session on the server, and a new CSRF secret: a token seen before signing in
    (by a script on a shared computer, say) is no use after."""
    accounts.start_session(db.session, organizer, now=services.now(), lifetime=_lifetime())
    session.pop("csrf_token", None)
    login_user(organizer)


def _hashing() -> str:
    return current_app.config["PASSWORD_HASH_METHOD"]


def _safe_next(target: str | None) -> str:
    """Only a path on this site: never an open redirect."""
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc:
            return target
    return url_for("organizer.dashboard")


SIGNUP_SALT = "signup"


def _signup_links() -> URLSafeTimedSerializer:
    return signing.serializer(context.secret(), SIGNUP_SALT, services.now())


def _link_hours() -> int:
    return int(current_app.config["SIGNUP_LINK_HOURS"])


@bp.route("/signup", methods=["GET", "POST"])
@limits.login_per_ip
@limits.login_per_account
def signup():
    """The same answer, after the same work, whether or not the email has an account: the
    mail tells its owner which, and nobody else learns who organizes here."""
    form = SignupForm()
    if form.validate_on_submit():
        email = accounts.email_key(form.email.data)
        if accounts.exists(db.session, email):
            kind, link = "already", url_for("organizer.login", _external=True)
        else:
            token = _signup_links().dumps(email)
            kind, link = "signup", url_for("organizer.finish_signup", token=token, _external=True)
        subject, _, body = render_template(
            f"organizer/mail/{kind}.txt", link=link, hours=_link_hours()
        ).partition("\n")
        try:
            services.mailer().send(mail.Message(email, subject.strip(), body.strip() + "\n"))
        except mail.MailFailed as failed:
            current_app.logger.warning("Sign-up mail not sent: %s", failed)
            context.add_error(form.email, MAIL_FAILED)
            return render_template("organizer/signup.html", form=form), 503
        return render_template(
            "organizer/signup_sent.html", email=email, hours=_link_hours(),
            delivers=services.mailer().delivers,
        )  # fmt: skip
    return render_template("organizer/signup.html", form=form), 422 if form.errors else 200


MAIL_FAILED = "We couldn't send the email just now. Please try again in a few minutes."


@bp.route("/signup/<token>", methods=["GET", "POST"])
@limits.login_per_ip
def finish_signup(token: str):
    """The link of a sign-up mail: the address is its owner's, who now chooses a password."""
    try:
        email = _signup_links().loads(token, max_age=_link_hours() * 3600)
    except BadData:
        return render_template("organizer/link_expired.html", hours=_link_hours()), 400
    if not isinstance(email, str) or accounts.exists(db.session, email):
        flash("This email already has an account: sign in.")
        return redirect(url_for("organizer.login"))
    form = FinishSignupForm()
    form.account_email = email
    if form.validate_on_submit():
        try:
            organizer = accounts.create(
                db.session, email, form.password.data or "", method=_hashing(), now=services.now()
            )
        except accounts.EmailTaken:  # the same link, followed twice at once
            return redirect(url_for("organizer.login"))
        _sign_in(organizer)
        return redirect(url_for("organizer.dashboard"))
    return render_template(
        "organizer/finish_signup.html", form=form, email=email
    ), 422 if form.errors else 200


@bp.route("/login", methods=["GET", "POST"])
@limits.login_per_ip
@limits.login_per_account
def login():
    form = LoginForm()
    if form.validate_on_submit():
        organizer = accounts.authenticate(
            db.session, form.email.data or "", form.password.data or "", method=_hashing()
        )
        if organizer is not None:
            _sign_in(organizer)
            return redirect(_safe_next(request.args.get("next")))
        context.add_error(form.password, "That email and password don't match an account.")
    return render_template("organizer/login.html", form=form), 422 if form.errors else 200


@bp.post("/logout")
def logout():
    """The session ends on the server: a copy of its cookie opens nothing any more."""
    if current_user.is_authenticated:
        accounts.end_session(db.session, current_user.session_token)
    logout_user()
    session.clear()
    return redirect(url_for("citizen.index"))


@bp.route("/password", methods=["GET", "POST"])
@login_required
@limits.login_per_ip
def password():
    form = PasswordChangeForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(
                db.session,
                current_user,
                form.current.data or "",
                form.new.data or "",
                method=_hashing(),
                now=services.now(),
                lifetime=_lifetime(),
            )
        except accounts.WrongPassword:
            context.add_error(form.current, "That is not your current password.")
        else:
            login_user(current_user)  # this session goes on (a new token); every other one ends
            flash("Your password is changed.")
            return redirect(url_for("organizer.dashboard"))
    return render_template("organizer/password.html", form=form), 422 if form.errors else 200


@bp.get("/")
@login_required
def dashboard():
    return render_template(
        "organizer/dashboard.html", campaigns=campaigns.of(db.session, current_user)
    )


def _own(slug: str) -> Campaign:
    """The signed-in organizer's campaign, or 404 for everyone else."""
    found = campaigns.owned(db.session, current_user, slug)
    if found is None:
        abort(404)
    return found


def _campaign_form(campaign: Campaign | None = None) -> CampaignForm:
    form = CampaignForm(obj=campaign) if campaign else CampaignForm()
    form.asks.choices = [(a.slug, a.title) for a in services.letters().asks]
    return form


SLUG_REFUSED = {
    "locked": "The link can't change once the campaign has been shared: flyers and QR codes "
    "point to it.",
    "taken": "That link name is taken (it may have been shared before): choose another.",
    "too-many": f"A campaign can be shared under {campaigns.MAX_LINKS} link names at most, and "
    "this one has been: keep one of them.",
}


def _save(form: CampaignForm, campaign: Campaign) -> bool:
    """Save the form into the campaign; False (with a form error) if the link name is refused."""
    fields = {name: form[name].data for name in (*campaigns.EDITABLE, "slug")}
    known = {a.slug for a in services.letters().asks}
    fields["asks"] = [a for a in form.asks.data or () if a in known]
    targets = [entry.data for entry in form.targets if entry.data["title"]]
    if not fields["call_script"] and len(fields["asks"]) > 1:
        book = services.letters()
        offices = [campaigns.target_recipient(Target(id=0, **entry)) for entry in targets]
        asks = [book.ask(slug) for slug in fields["asks"]]
        length = book.script_words(asks, offices, services.today())
        if length > letters.SEVERAL_SCRIPT_WORDS:
            context.add_error(
                form.asks,
                f"A call script covering these {len(asks)} asks would run to {length} words, "
                f"more than a caller can say in about 30 seconds ({letters.SEVERAL_SCRIPT_WORDS}"
                "). Choose fewer asks, or write your own call script below.",
            )
            return False
    cap = int(current_app.config["CAMPAIGNS_PER_DAY"])
    try:
        campaigns.save(db.session, campaign, fields, targets, services.now(), per_day=cap)
    except campaigns.SlugRefused as refused:
        context.add_error(form.slug, SLUG_REFUSED[refused.reason])
        return False
    except campaigns.TooManyCampaigns:
        context.add_error(
            form.title,
            f"An account can create {cap} campaigns a day, and this one has: please try again "
            "tomorrow, or edit one of your campaigns.",
        )
        return False
    pages.forget()
    return True


@bp.route("/campaigns/new", methods=["GET", "POST"])
@login_required
@limits.render  # checking an organizer's texts costs CPU
def new():
    form = _campaign_form()
    if request.method == "GET":
        form.asks.data = [services.letters().asks[0].slug]
    created = Campaign(organizer_id=current_user.id)
    if form.validate_on_submit() and _save(form, created):
        return redirect(url_for("organizer.campaign", slug=created.slug))
    return render_template(
        "organizer/edit.html", form=form, campaign=None, variables=campaigns.VARIABLES
    ), 422 if form.errors else 200


@bp.route("/campaigns/<slug>/edit", methods=["GET", "POST"])
@login_required
@limits.render
def edit(slug: str):
    campaign = _own(slug)
    form = _campaign_form(campaign)
    if form.validate_on_submit() and _save(form, campaign):
        return redirect(url_for("organizer.campaign", slug=campaign.slug))
    return render_template(
        "organizer/edit.html", form=form, campaign=campaign, variables=campaigns.VARIABLES
    ), 422 if form.errors else 200


@bp.get("/campaigns/<slug>")
@login_required
def campaign(slug: str):
    found = _own(slug)
    totals = {a: counts.total(db.session, a, campaign_id=found.id) for a in counts.RECORDED}
    tables = {
        by: counts.breakdown(db.session, found.id, by) for by in ("day", "state", "district", "ref")
    }
    starts, ends, zone = found.call_starts, found.call_ends, found.call_zone
    window = calls.window(starts, ends, zone, services.now())
    closed = None
    if starts and ends and window in ("upcoming", "live"):
        closed = calls.closed_window(starts, ends, zone)
    return render_template(
        "organizer/campaign.html",
        campaign=found,
        totals=totals,
        window=window,
        closed=closed,
        by_hour=[
            (at.astimezone(ZoneInfo(found.call_zone)), n)
            for at, n in counts.calls_by_hour(db.session, found.id)
        ],
        tables=tables,
        peak=max([1] + [sum(v.values()) for rows in tables.values() for _, v in rows]),
        share_url=_share_url(found),
        embed_url=request.host_url.rstrip("/")
        + url_for("citizen.embed", slug=found.slug, ref="embed"),
    )


def _share_url(campaign: Campaign, ref: str = "") -> str:
    return campaigns.share_url(request.host_url, campaign.slug, ref)


@bp.get("/campaigns/<slug>/qr.<kind>")
@login_required
def qr(slug: str, kind: str):
    """The share link as a QR code to download (SVG for print, PNG for everything else)."""
    found = _own(slug)
    if kind not in ("svg", "png"):
        abort(404)
    ref = request.args.get("ref", "qr")
    ref = ref if campaigns.REF.match(ref) else "qr"
    return Response(
        campaigns.qr_code(_share_url(found, ref), kind),
        mimetype="image/svg+xml" if kind == "svg" else "image/png",
        headers={"Content-Disposition": f'attachment; filename="{found.slug}-qr.{kind}"'},
    )


@bp.get("/campaigns/<slug>/flyer")
@login_required
def flyer(slug: str):
    """A printable one-page flyer with the QR code."""
    found = _own(slug)
    url = _share_url(found, "flyer")
    svg = campaigns.qr_code(url, "svg").decode()
    return render_template(
        "organizer/flyer.html",
        campaign=found,
        url=url,
        short_url=_share_url(found),
        qr_svg=Markup(svg),  # noqa: S704 (segno's own SVG of our own URL)
        summary=campaigns.plain_summary(found.description, 400),
    )


@bp.get("/campaigns/<slug>/counts.csv")
@login_required
def export(slug: str):
    """Every count of the campaign as CSV: anonymous rows, one per action, ask, seat, day, ref."""
    found = _own(slug)
    out = io.StringIO()
    csv.writer(out).writerows(counts.csv_rows(db.session, found.id))
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{found.slug}-counts.csv"'},
    )


@bp.get("/campaigns/<slug>/callsheet")
@login_required
def callsheet(slug: str):
    """Printable call sheets for a phone bank, one office per page: every office of a state
    (and the campaign's own), only the campaign's own offices, or one office of them."""
    found = _own(slug)
    state = (request.args.get("state") or "").upper()
    targets = campaigns.targets_of(found)
    if request.args.get("only") == "targets" and targets:
        state = ""
    elif state not in STATES:
        return render_template(
            "organizer/callsheet_pick.html", campaign=found, states=STATES, targets=targets
        )
    directory = services.lookup().directory() if state else None  # none needed otherwise
    sheets = campaigns.call_sheets(
        found, services.letters(), context.asks(found), directory, services.today(),
        state=state, office=request.args.get("office") or "",
    )  # fmt: skip
    return render_template(
        "organizer/callsheet.html",
        campaign=found,
        where=STATES[state] if state else "the campaign's offices",
        which={"state": state} if state else {"only": "targets"},
        sheets=sheets,
        single=len(sheets) == 1,
        today=services.today(),
    )
