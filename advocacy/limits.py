"""Rate limits, read from config on each request so tests and operators can change them."""

from __future__ import annotations

from flask import current_app, request

from . import accounts
from .extensions import limiter
from .security import client_key, keyed_hash


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
    return f"{client_key()}:{keyed_hash(slug)}"


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
    """Per account: the email exactly as sign-in reads it (so a zero-width character added to
    it is the same account), as a keyed hash: what Redis holds names no one."""
    email = accounts.email_key(request.form.get("email"))
    return "account:" + keyed_hash(email)


login_per_ip = limiter.limit(_login, methods=["POST"])
login_per_account = limiter.limit(_login, methods=["POST"], key_func=_account_key)
