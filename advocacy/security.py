"""Security headers on every response."""

from __future__ import annotations

from flask import Flask, Response, request

_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors "
)
CSP = _POLICY + "'none'"
# Only the campaign embed may be framed, by any site.
FRAMEABLE = frozenset({"citizen.embed"})


def init_app(app: Flask) -> None:
    @app.after_request
    def headers(response: Response) -> Response:
        h = response.headers
        if request.endpoint in FRAMEABLE:
            h.setdefault("Content-Security-Policy", _POLICY + "*")
        else:
            h.setdefault("Content-Security-Policy", CSP)
            h.setdefault("X-Frame-Options", "DENY")
        h.setdefault("X-Content-Type-Options", "nosniff")
        h.setdefault("Referrer-Policy", "same-origin")
        h.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        h.setdefault("Permissions-Policy", "geolocation=(), camera=(), microphone=()")
        if app.config["HSTS"]:
            h.setdefault("Strict-Transport-Security", "max-age=63072000; includeSubDomains")
        if request.method == "POST":
            # Answers to a POST may carry what a person typed: keep them out of every cache.
            h["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            # Pages carry a per-visitor CSRF token: never from a shared cache.
            h.setdefault("Cache-Control", "private, no-cache")
        return response
