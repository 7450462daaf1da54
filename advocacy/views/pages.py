"""Pages that are the same for every visitor (the home page, a campaign's page, a district's
members), rendered once and served many times: a viral link brings thousands of people to the
same page in minutes.

A page is kept with its CSRF token taken out, and each visitor's own token is put back in.
Nothing personal is in them: they are the answers to GET requests, which carry no address or
name. A page is kept under a key that changes with what it shows (the data release, the day and
minute, the campaign's source, what this process counted for the campaign), and for two
seconds at most: an edit or a count made by another instance shows within that time, one made
here at once. Signed-in organizers always get a fresh page (they may be previewing a draft)."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable, Hashable
from typing import Any

from cachetools import TTLCache
from flask import Response, current_app, make_response, request
from flask_login import current_user
from flask_wtf.csrf import generate_csrf

from .. import campaigns, services
from ..extensions import db
from ..models import Campaign

# Where the visitor's CSRF token goes back in; never in a page of its own.
_TOKEN = "\x00csrf\x00"
SECONDS = 2  # how stale a kept page may be (a campaign's edit, its progress bar)


class _Pages:
    def __init__(self, timer: Callable[[], float]) -> None:
        self._kept: TTLCache[Hashable, tuple[int, str, str]] = TTLCache(
            maxsize=2000, ttl=SECONDS, timer=timer
        )
        self.campaigns: TTLCache[str, Campaign | None] = TTLCache(
            maxsize=2000, ttl=SECONDS, timer=timer
        )
        self._lock = threading.Lock()
        self.generations: dict[str, int] = {}

    def get(self, key: Hashable) -> tuple[int, str, str] | None:
        with self._lock:
            return self._kept.get(key)

    def put(self, key: Hashable, page: tuple[int, str, str]) -> None:
        with self._lock:
            self._kept[key] = page

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()
            self.campaigns.clear()

    def campaign(self, slug: str) -> Campaign | None:
        with self._lock:
            if slug in self.campaigns:
                return self.campaigns[slug]
        found = campaigns.public(db.session, slug)
        if found is not None:
            db.session.expunge(found)  # read-only from now on, its offices loaded with it
        with self._lock:
            self.campaigns[slug] = found
        return found

    def touch(self, slug: str) -> None:
        with self._lock:
            self.generations[slug] = self.generations.get(slug, 0) + 1


def _pages() -> _Pages:
    found = current_app.extensions.get("advocacy.pages")
    if found is None:
        clock = current_app.extensions["advocacy.clock"]  # time by the app's one clock
        found = current_app.extensions.setdefault(
            "advocacy.pages", _Pages(lambda: clock.now().timestamp())
        )
    return found


def public_campaign(slug: str) -> Campaign | None:
    """A live or closed campaign, as a visitor sees it, kept for two seconds like pages (and
    forgotten at once when it is edited here). Never changed: it belongs to no session."""
    return _pages().campaign(slug)


def touch(slug: str | None) -> None:
    """Something a campaign's pages show has changed here (a count): make them anew."""
    if slug:
        _pages().touch(slug)


def forget() -> None:
    """A campaign was edited here: every page is made anew."""
    _pages().clear()


def kept(key: Callable[..., Hashable]) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Serve a GET view from the page kept under `key(**view_args)` (with the release and the
    day added), rendering it only when none is kept."""

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(view)
        def serve(**kwargs: Any) -> Any:
            if current_user.is_authenticated or current_app.config.get("PAGES_KEPT") is False:
                return view(**kwargs)
            release = services.lookup().releases.current()
            pages = _pages()
            slug = kwargs.get("slug") or request.args.get("c") or ""
            minute = services.now().replace(second=0, microsecond=0)
            whole = (view.__name__, key(**kwargs), release and release.id, minute,
                     pages.generations.get(slug, 0))  # fmt: skip
            found = pages.get(whole)
            if found is None:
                response = make_response(view(**kwargs))
                if response.status_code != 200 or response.mimetype != "text/html":
                    return response
                token = generate_csrf()
                body = response.get_data(as_text=True).replace(token, _TOKEN)
                found = (response.status_code, response.mimetype, body)
                pages.put(whole, found)
            status, mimetype, body = found
            return Response(body.replace(_TOKEN, generate_csrf()), status, mimetype=mimetype)

        return serve

    return decorate


def query(*names: str) -> tuple[str, ...]:
    """The query string values a page depends on (its campaign, its source)."""
    return tuple(str(request.args.get(n, ""))[:64] for n in names)
