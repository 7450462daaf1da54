"""The library of asks in letters/ and the letters and call scripts rendered from it."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .geography import STATES
from .recipients import Recipient

NAME_LIMIT = 100
CITY_LIMIT = 60  # the longest US place names are under 40 characters
NOTE_LIMIT = 2000


class AskNotFound(Exception):
    """No ask in the library has this slug."""


@dataclass(frozen=True)
class Ask:
    slug: str
    title: str
    summary: str
    order: int = 100


@dataclass(frozen=True)
class Constituent:
    """What a person tells us to sign their letter; used for one response, never kept."""

    name: str
    city: str
    zip: str
    state: str = ""
    email: str = ""
    note: str = ""
    street: str = ""

    @property
    def first_name(self) -> str:
        return self.name.split()[0] if self.name.split() else self.name


@dataclass(frozen=True)
class Letter:
    member: Recipient
    ask: Ask
    subject: str
    body: str
    call_script: str

    @property
    def mailto(self) -> str:
        """A mailto: link that opens the letter in the person's mail app (members have no
        public address, so the person picks the recipient or sends a copy to themselves)."""
        to = quote(self.member.email or "", safe="@")
        return f"mailto:{to}?subject={quote(self.subject)}&body={quote(self.body)}"

    @property
    def to(self) -> str:
        return self.member.full_name


class Citations:
    """Numbers the sources a letter cites, in order, for the list at its end."""

    def __init__(self) -> None:
        self.urls: list[str] = []

    def cite(self, url: str) -> str:
        if url not in self.urls:
            self.urls.append(url)
        return f"[{self.urls.index(url) + 1}]"

    def listing(self) -> str:
        return "\n".join(f"[{i}] {url}" for i, url in enumerate(self.urls, 1))


def _member_context(member: Recipient) -> dict[str, Any]:
    return {
        "in_congress": member.in_congress,
        "title": member.title,
        "name": member.name,
        "last_name": member.last_name,
        "salutation": member.salutation,
        "chamber": member.chamber,
        "state": member.state,
        "state_name": STATES.get(member.state, member.state),
        "seat": member.seat,
        "committees": list(member.committees),
    }


def _constituent_context(constituent: Constituent, member: Recipient) -> dict[str, Any]:
    return {
        "name": constituent.name,
        "first_name": constituent.first_name,
        "city": constituent.city,
        "zip": constituent.zip,
        "state": constituent.state or member.state,
        "email": constituent.email,
        "note": constituent.note,
    }


def _tidy(text: str) -> str:
    """Collapse the blank lines that optional template blocks leave behind."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


class LetterBook:
    """Loads the asks in a letters/ folder and renders them in Jinja's sandbox."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.env = SandboxedEnvironment(
            loader=FileSystemLoader(str(folder)),
            undefined=StrictUndefined,
            autoescape=False,
            keep_trailing_newline=True,
            trim_blocks=True,
            lstrip_blocks=True,
        )
        asks = []
        for meta in sorted(folder.glob("*/ask.toml")):
            data = tomllib.loads(meta.read_text(encoding="utf-8"))
            asks.append(
                Ask(meta.parent.name, data["title"], data["summary"], int(data.get("order", 100)))
            )
        self.asks = sorted(asks, key=lambda a: (a.order, a.slug))
        self._by_slug = {a.slug: a for a in self.asks}

    def ask(self, slug: object) -> Ask:
        if not isinstance(slug, str) or slug not in self._by_slug:
            raise AskNotFound()
        return self._by_slug[slug]

    def render(
        self,
        ask: Ask,
        member: Recipient,
        constituent: Constituent,
        today: date,
        *,
        opening: str = "",
        closing: str = "",
        call_script: str = "",
    ) -> Letter:
        """The letter and the call script of one ask for one recipient; a campaign's own
        opening, closing and call script (already rendered) go in as plain text."""
        citations = Citations()
        context = {
            "member": _member_context(member),
            "constituent": _constituent_context(constituent, member),
            "cite": citations.cite,
            "sources": citations.listing,
            "today": today.strftime("%B %-d, %Y"),
            "campaign_opening": opening,
            "campaign_closing": closing,
            # A member's letter speaks as their constituent; an office's, as a citizen.
            "layout": "_letter.txt" if member.in_congress else "_target_letter.txt",
        }
        try:
            module = self.env.get_template(f"{ask.slug}/letter.txt").make_module(context)
            macros = vars(module)  # the base letter's get_subject() and get_body()
            subject = " ".join(str(macros["get_subject"]()).split())
            body = _tidy(str(macros["get_body"]()))
        except TemplateError as exc:
            raise RuntimeError(f"letters/{ask.slug}: {exc}") from exc
        script = call_script or self.call_script(ask, member, constituent)
        return Letter(member, ask, subject, body, script)

    def call_script(self, ask: Ask, member: Recipient, constituent: Constituent) -> str:
        """The call script of one ask for one recipient, on one line."""
        return " ".join(self._call(ask, member, constituent, "_call.txt").split())

    def _call(self, ask: Ask, member: Recipient, constituent: Constituent, layout: str) -> str:
        context = {
            "member": _member_context(member),
            "constituent": _constituent_context(constituent, member),
            "cite": lambda url: "",
            "layout": layout,
        }
        try:
            return self.env.get_template(f"{ask.slug}/call.txt").render(context)
        except TemplateError as exc:
            raise RuntimeError(f"letters/{ask.slug}: {exc}") from exc

    def combined_call_script(
        self, asks: list[Ask], member: Recipient, constituent: Constituent
    ) -> str:
        """One script for several asks: who and where from once, every ask, one reason, no
        reply needed. With one ask it is that ask's own script."""
        if len(asks) == 1:
            return self.call_script(asks[0], member, constituent)
        context = {
            "member": _member_context(member),
            "constituent": _constituent_context(constituent, member),
        }
        intro = " ".join(self.env.get_template("_call_intro.txt").render(context).split())
        requests: list[str] = []
        reasons: list[str] = []
        for ask in asks:
            text = self._call(ask, member, constituent, "_call_parts.txt")
            request, _, reason = (" ".join(part.split()) for part in text.partition("\x1e"))
            if requests:
                request = request.replace("I'm calling to", "I also", 1)
            requests.append(request)
            reasons.append(reason)
        return " ".join([intro, *requests, reasons[0], "I don't need a reply. Thank you."])
