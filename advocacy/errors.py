"""Error pages: HTML for people, JSON for the API; never a bare 500."""

from __future__ import annotations

import traceback

from flask import Flask, render_template, request
from flask_limiter.errors import RateLimitExceeded
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

from .extensions import db
from .lookup import DataMissing

MESSAGES = {
    400: "The request could not be understood.",
    404: "There is nothing at this address.",
    405: "This page can't be used that way.",
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


def _wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/count"


def _render(status: int, code: str, message: str):
    if _wants_json():
        return {"error": {"code": code, "message": message}}, status
    return render_template("errors/error.html", status=status, message=message), status


def init_app(app: Flask) -> None:
    @app.errorhandler(RateLimitExceeded)
    def too_many(exc):
        response = _render(429, "rate_limited", MESSAGES[429])
        return response

    @app.errorhandler(CSRFError)
    def csrf_failed(exc):
        return _render(
            400, "csrf", "This form has expired. Go back, reload the page and send it again."
        )

    @app.errorhandler(DataMissing)
    def no_data(exc):
        app.logger.warning("No member directory yet: run `flask --app wsgi directory sync`")
        return _render(503, "no_data", SETUP)

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException):
        status = exc.code or 500
        code = (exc.name or "error").lower().replace(" ", "_")
        return _render(status, code, MESSAGES.get(status, exc.description or "Error."))

    @app.errorhandler(Exception)
    def internal_error(exc: Exception):
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
