"""Rate limits, read from config on each request so tests and operators can change them."""

from __future__ import annotations

import hashlib

from flask import current_app, request
from flask_limiter.util import get_remote_address

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
# Only an address costs a geocoder call: call mode's ZIP-only start is under `calls` alone.
geocode = limiter.shared_limit(
    _lookup, scope="lookup", exempt_when=lambda: not request.form.get("address")
)


def _calls() -> str:
    return current_app.config["CALL_RATE_LIMIT"]


def _ip_and_campaign() -> str:
    """A phone bank shares one IP: its budget is per campaign, not shared with the world."""
    slug = (request.view_args or {}).get("slug") or request.values.get("c") or ""
    return f"{get_remote_address()}:{hashlib.sha256(slug.encode()).hexdigest()[:16]}"


def _skipping() -> bool:
    """A "skip" on call mode's next-office route (never counted)."""
    return request.endpoint == "calls.next_office" and request.form.get("outcome") == "skip"


# Call mode (starts, outcomes, outcomes sent late from a phone's queue), per IP and campaign;
# a "skip" (the page fetching the next office ahead, or a volunteer skipping) counts nothing,
# so it is under the budget for rendering pages instead, also per IP and campaign.
calls = limiter.shared_limit(
    _calls, scope="calls", key_func=_ip_and_campaign, exempt_when=_skipping
)
call_pages = limiter.shared_limit(
    _render, scope="call-pages", key_func=_ip_and_campaign, exempt_when=lambda: not _skipping()
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
