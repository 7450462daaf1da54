"""Error pages: HTML for people, JSON for the API; never a bare 500."""

from __future__ import annotations

import traceback

from flask import Flask, Response, jsonify, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .lookup import DataMissing, DirectoryOutdated

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
SETUP = (
    "The directory of members of Congress has not been downloaded yet. "
    "The site's operator needs to run: flask --app wsgi directory sync"
)


def outdated_message(exc: DirectoryOutdated) -> str:
    return (
        f"Our list of members describes the {exc.listed}th Congress, but the "
        f"{exc.in_office}th Congress is now in office, so we can't name your members from an "
        "address yet. The site's operator needs to run: flask --app wsgi directory sync"
    )


def json_error(status: int, code: str, message: str) -> ResponseValue:
    """The one shape of every JSON error: {"error": {"code", "message"}}."""
    return jsonify(error={"code": code, "message": message}), status


def _wants_json() -> bool:
    path = request.path
    return path.startswith("/api/") or path == "/count" or path.endswith("/call/count")


def _render(status: int, code: str, message: str) -> ResponseValue:
    if _wants_json():
        return json_error(status, code, message)
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(RateLimitExceeded)
    def too_many(exc: RateLimitExceeded) -> ResponseValue:
        return _render(429, "rate_limited", MESSAGES[429])

    @app.errorhandler(CSRFError)
    def csrf_failed(exc: CSRFError) -> ResponseValue:
        return _render(
            400, "csrf", "This form has expired. Go back, reload the page and send it again."
        )

    @app.errorhandler(DataMissing)
    def no_data(exc: DataMissing) -> ResponseValue:
        app.logger.warning("No member directory yet: run `flask --app wsgi directory sync`")
        return _render(503, "no_data", SETUP)

    @app.errorhandler(DirectoryOutdated)
    def outdated(exc: DirectoryOutdated) -> ResponseValue:
        app.logger.warning("Directory is out of date (%s): run `flask directory sync`", exc)
        return _render(503, "data_outdated", outdated_message(exc))

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
