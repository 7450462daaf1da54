"""Error pages: HTML for people, JSON for the API; never a bare 500."""

from __future__ import annotations

import traceback

import sqlalchemy as sa
from flask import (
    Flask,
    Response,
    current_app,
    g,
    get_template_attribute,
    jsonify,
    render_template,
    request,
)
from flask_limiter.errors import RateLimitExceeded
from flask_login import current_user
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import BadHost, HTTPException, SecurityError

from .extensions import db, login_manager
from .failures import LookupFailed

ResponseValue = tuple[Response | str, int]

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This address doesn't accept that method.",
    413: "That is more text than we can take. Please shorten it.",
    415: "Send JSON with Content-Type: application/json.",
    429: "Too many requests from your connection. Please wait a minute and try again.",
    500: "Something went wrong on our side. Please try again.",
    503: "The service is not ready.",
}
DATABASE_DOWN = (
    "Our database isn't answering just now, so we can't do that. Please try again in a minute: "
    "nothing you had already sent is lost."
)


def failure_message(failure: LookupFailed, page: str) -> str:
    """A lookup failure in words (templates/_failures.txt), as `page` words it: "find",
    "call", "call-targets" or "api"."""
    return str(get_template_attribute("_failures.txt", "message")(failure, page)).strip()


def log_failure(failure: LookupFailed) -> None:
    """A failure of a service or of our data is the operator's to know; a person's typing
    is not logged (it may hold their address)."""
    if failure.status >= 500:
        current_app.logger.warning("Lookup failed (%s): %s", failure.code, failure)


def json_failure(failure: LookupFailed) -> ResponseValue:
    """The one JSON path of a lookup failure: its status, its code and its message."""
    log_failure(failure)
    return json_error(failure.status, failure.code, failure_message(failure, "api"))


def json_error(status: int, code: str, message: str) -> ResponseValue:
    """The one shape of every JSON error: {"error": {"code", "message"}}."""
    return jsonify(error={"code": code, "message": message}), status


def _wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/count" or path.endswith("/call/count")


def _render(status: int, code: str, message: str) -> ResponseValue:
    if _wants_json():
        return json_error(status, code, message)
    try:
        current_user.is_authenticated  # noqa: B018  (the layout shows who is signed in)
    except sa.exc.SQLAlchemyError:  # the database is down: the page is built without them
        _without_the_database()
    return render_template("errors/error.html", status=status, message=message), status


def _without_the_database() -> None:
    """Build the page without what the database holds: no campaign, no signed-in user
    (Flask-Login would ask the database again, and fail inside an error handler)."""
    db.session.rollback()
    g.campaign = None
    g._login_user = login_manager.anonymous_user()


def init_app(app: Flask) -> None:
    @app.errorhandler(BadHost)
    @app.errorhandler(SecurityError)
    def untrusted_host(exc: HTTPException) -> ResponseValue | Response:
        """A Host header the site doesn't answer to: no page can be built for it (its links
        would need that host), so a plain answer."""
        if _wants_json():
            return json_error(400, "bad_host", "This site doesn't answer to that host name.")
        return Response("This site doesn't answer to that host name.\n", 400, mimetype="text/plain")

    @app.errorhandler(sa.exc.OperationalError)
    @app.errorhandler(sa.exc.InterfaceError)
    @app.errorhandler(sa.exc.TimeoutError)
    def database_down(exc: Exception) -> ResponseValue:
        """The database is down, hung or full: say so at once (its timeouts bound the wait)."""
        app.logger.warning("Database unavailable: %s", exc.__class__.__name__)
        _without_the_database()
        return _render(503, "database_unavailable", DATABASE_DOWN)

    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded) -> ResponseValue:
        return _render(429, "rate_limited", MESSAGES[429])

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError) -> ResponseValue:
        return _render(
            400, "csrf", "This form has expired. Go back, reload the page and send it again."
        )

    @app.errorhandler(LookupFailed)
    def lookup_failed(exc: LookupFailed) -> ResponseValue:
        """A failure no page caught: the data not synced or out of date, or the API's."""
        if _wants_json():
            return json_failure(exc)
        log_failure(exc)
        return _render(exc.status, exc.code, failure_message(exc, "find"))

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> ResponseValue | Response:
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        body, status = _render(status, code, MESSAGES.get(status, exc.description or "Error."))
        response = app.make_response((body, status))
        if "Allow" in (headers := dict(exc.get_headers())):
            response.headers["Allow"] = headers["Allow"]
        return response

    @app.errorhandler(Exception)
    def internal_error(exc: Exception) -> ResponseValue:
        db.session.rollback()
        # The frames, not the message: a message may quote what a person typed.
        app.logger.error(
            "Unhandled %s on %s %s\n%s",
            exc.__class__.__name__,
            request.method,
            request.path,
            "".join(traceback.format_tb(exc.__traceback__)),
        )
        return _render(500, "internal_error", MESSAGES[500])
