"""Security headers on every response, and request bodies read before anything uses them."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Iterable
from ipaddress import IPv6Address, ip_address, ip_network
from typing import Any

from flask import Flask, Response, abort, current_app, request
from flask_limiter.util import get_remote_address
from werkzeug.exceptions import HTTPException
from werkzeug.middleware.proxy_fix import ProxyFix

_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self'; font-src 'self'; form-action 'self'; base-uri 'none'; "
    "object-src 'none'; frame-ancestors "
)
CSP = _POLICY + "'none'"
# Forms that name an account: they never say how much of its rate limit is left.
ACCOUNT_FORMS = frozenset({"organizer.login", "organizer.signup", "organizer.finish_signup"})
# Only the campaign embed may be framed, by any site.
FRAMEABLE = frozenset({"citizen.embed"})


def init_app(app: Flask) -> None:
    """Registered before the other extensions, so the body is read before CSRF reads it."""

    @app.before_request
    def read_body() -> None:
        """A body cut off or malformed (a bad chunk size, say) fails when it is read: read it
        here, once (later reads reuse it), so that is a 400 wherever a view would read it."""
        if request.method in ("GET", "HEAD", "OPTIONS"):
            return
        try:
            request.get_data(cache=True, parse_form_data=False)
        except HTTPException:
            raise
        except Exception:  # the server's own error for a malformed body (gunicorn's, werkzeug's)
            abort(400)

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
        if request.endpoint in ACCOUNT_FORMS:
            # A per-account budget left (or when it renews) would tell anyone how often, and
            # since when, an email was tried.
            for name in [n for n in h.keys() if n.lower().startswith("x-ratelimit")]:
                del h[name]
            if response.status_code != 429:
                h.pop("Retry-After", None)
        if request.method == "POST":
            # Answers to a POST may carry what a person typed: keep them out of every cache.
            h["Cache-Control"] = "no-store"
        elif response.mimetype == "text/html":
            # Pages carry a per-visitor CSRF token: never from a shared cache.
            h.setdefault("Cache-Control", "private, no-cache")
        return response


class ForwardedByTrustedProxies:
    """ProxyFix for requests from the configured proxies only. Anyone else who sends
    X-Forwarded-For is taken at their own address: a client that reaches the app directly
    can't claim a hundred addresses and a hundred rate-limit budgets."""

    def __init__(self, app: Any, count: int, proxies: Iterable[str]) -> None:
        self.app = app
        self.fixed = ProxyFix(app, x_for=count, x_proto=count, x_host=count)
        self.proxies = [ip_network(proxy, strict=False) for proxy in proxies]

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        try:
            peer = ip_address(environ.get("REMOTE_ADDR", ""))
        except ValueError:
            peer = None
        if isinstance(peer, IPv6Address) and peer.ipv4_mapped is not None:
            peer = peer.ipv4_mapped  # ::ffff:127.0.0.1 is 127.0.0.1
        if peer is not None and any(peer in proxy for proxy in self.proxies):
            return self.fixed(environ, start_response)
        return self.app(environ, start_response)


def keyed_hash(value: str) -> str:
    """An HMAC of value with the app's secret: the same in every worker, and no use to
    whoever reads the limiter's storage without the secret (a plain hash of an email or an
    address is: hash the candidates and compare)."""
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return hmac.new(secret, value.encode("utf-8", "replace"), hashlib.sha256).hexdigest()[:32]


def client_key() -> str:
    """Whom a rate limit counts: the client's address (its /64 network for IPv6, which one
    home or one server has whole), as a keyed hash."""
    address = get_remote_address() or ""
    try:
        parsed = ip_address(address)
    except ValueError:
        return keyed_hash(address)
    if isinstance(parsed, IPv6Address):
        if parsed.ipv4_mapped is not None:
            return keyed_hash(str(parsed.ipv4_mapped))
        return keyed_hash(str(ip_network(f"{parsed}/64", strict=False)))
    return keyed_hash(str(parsed))
