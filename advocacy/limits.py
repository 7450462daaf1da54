"""Rate limits, read from config on each request so tests and operators can change them."""

from __future__ import annotations

import hashlib

from flask import current_app, request

from .extensions import limiter


def _lookup() -> str:
    return current_app.config["LOOKUP_RATE_LIMIT"]


def _write() -> str:
    return current_app.config["WRITE_RATE_LIMIT"]


def _render() -> str:
    return current_app.config["RENDER_RATE_LIMIT"]


# One budget for every route that costs a geocoder call, pages and API alike.
lookup = limiter.shared_limit(_lookup, scope="lookup")
# One budget for every "sent"/"called" count, from the page's script or its form.
write = limiter.shared_limit(_write, scope="write")
write_action = limiter.shared_limit(
    _write, scope="write", exempt_when=lambda: "action" not in request.form
)
# Letter rendering costs CPU: a generous budget, so a script can't burn the workers.
render = limiter.shared_limit(_render, scope="render")


def _login() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _account_key() -> str:
    """Per account: a hash of the email being tried, never the email itself."""
    email = (request.form.get("email") or "").strip().lower()
    return "account:" + hashlib.sha256(email.encode("utf-8", "replace")).hexdigest()


login_per_ip = limiter.limit(_login, methods=["POST"])
login_per_account = limiter.limit(_login, methods=["POST"], key_func=_account_key)
