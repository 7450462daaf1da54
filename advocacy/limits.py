"""Rate limits, read from config on each request so tests and operators can change them."""

from __future__ import annotations

from flask import current_app, request
from limits import parse_many

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


def _call_starts() -> str:
    return current_app.config["CALL_START_RATE_LIMIT"]


def _ip_and_campaign() -> str:
    """A phone bank shares one IP: its budget is per campaign, not shared with the world."""
    slug = (request.view_args or {}).get("slug") or request.values.get("c") or ""
    return f"{client_key()}:{keyed_hash(slug)}"


def _skipping() -> bool:
    """A "skip" on call mode's next-office route (never counted)."""
    return request.endpoint == "calls.next_office" and request.form.get("outcome") == "skip"


# Call mode, per IP and campaign: call lists started, and outcomes (sent late from a phone's
# queue too). A "skip" (the page fetching the next office ahead, or a volunteer skipping)
# counts nothing, so it is under the budget for rendering pages instead.
calls = limiter.shared_limit(
    _calls, scope="calls", key_func=_ip_and_campaign, exempt_when=_skipping
)
call_starts = limiter.shared_limit(_call_starts, scope="call-starts", key_func=_ip_and_campaign)
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


def spend(setting: str, scope: str, key: str) -> bool:
    """Take one from a budget without refusing the request (past it, a letter goes uncounted,
    a new source counts as "other"): False once it is spent. With the limiter's storage
    down, the request goes on as if within the budget."""
    items = parse_many(str(current_app.config[setting]))
    strategy = limiter.limiter
    names = [current_app.config.get("RATELIMIT_KEY_PREFIX") or "", key, scope]
    try:
        if not all(strategy.test(item, *names) for item in items):
            return False
        return all([strategy.hit(item, *names) for item in items])
    except Exception as exc:  # noqa: BLE001  (Redis gone: the limiter falls back next request)
        current_app.logger.warning("Rate-limit storage unavailable: %s", exc.__class__.__name__)
        return True


def count_a_letter() -> bool:
    """Whether this client's letter may still be counted as written this hour."""
    return spend("COUNT_RATE_LIMIT", "count", client_key())


def bring_a_source(slug: str) -> bool:
    """Whether this client may still bring a new source into this campaign's counts."""
    return spend("NEW_SOURCE_RATE_LIMIT", "new-source", f"{client_key()}:{keyed_hash(slug)}")
