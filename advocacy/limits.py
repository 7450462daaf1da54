"""Rate limits, read from config on each request so tests and operators can change them."""

from __future__ import annotations

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
