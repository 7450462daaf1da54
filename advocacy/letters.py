"""The library of asks in letters/ and the letters and call scripts rendered from it.

Letters and call scripts are English (offices read English) and are texts of the letters/
folder, not of this module: it chooses what they are told (the recipient, the committee seat
that fits the ask, how long ago the events were) and numbers what they cite."""

from __future__ import annotations

import functools
import re
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import quote

from jinja2 import FileSystemLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from .factcheck import Cited, Source
from .geography import STATES
from .recipients import Kind, Recipient, Role

NAME_LIMIT = 100
CITY_LIMIT = 60  # the longest US place names are under 40 characters
NOTE_LIMIT = 2000
SCRIPT_WORDS = 85  # a call script someone can say in 30 seconds
SEVERAL_SCRIPT_WORDS = 95  # one that covers several asks

# The committees an ask may call on, by area: their ids, and how a call script names them.
AREAS = {
    "foreign": ("SSFR", "HSFA"),
    "appropriations": ("SSAP", "HSAP"),
    "armed": ("SSAS", "HSAS"),
    "banking": ("SSBK", "HSBA"),
}
_SHORT = {
    "SSFR": "the Senate Foreign Relations Committee",
    "HSFA": "the House Foreign Affairs Committee",
    "SSAP": "the Senate Appropriations Committee",
    "HSAP": "the House Appropriations Committee",
    "SSAS": "the Senate Armed Services Committee",
    "HSAS": "the House Armed Services Committee",
    "SSBK": "the Senate Banking Committee",
    "HSBA": "the House Financial Services Committee",
    "SSAP20": "the Senate appropriations subcommittee on State and foreign operations",
    "HSAP04": "the House appropriations subcommittee on the State Department",
}
_CHAIRS = ("Chairman", "Chair", "Chairwoman", "Cochairman")
_MARK = re.compile(r"\s*\[\d+\]")
# Names a letter may use without citing: its subject, the institutions it addresses, the laws
# it names as instruments, and the words a call script opens and closes with.
CONTEXT_NAMES = frozenset({
    "Artsakh", "Nagorno-Karabakh", "Armenia", "Armenians", "Armenian", "Azerbaijan",
    "Azerbaijani", "Azeri", "Congress", "Senate", "House", "United States", "U.S.", "U.S",
    "Administration", "Section 907", "Freedom Support Act", "Global Magnitsky Act",
    "Global Magnitsky", "I", "I'm", "Hello", "Thank", "ZIP",
})  # fmt: skip
_NUMBERS = "zero one two three four five six seven eight nine ten eleven twelve".split()


class AskNotFound(Exception):
    """No ask in the library has this slug."""


@dataclass(frozen=True)
class Ask:
    slug: str
    title: str
    summary: str
    order: int = 100
    committees: tuple[str, ...] = ()  # the areas (AREAS) whose committees can act on it


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
    # What the fact checker reads: the body and the script with their citation marks.
    cited: Cited = field(repr=False, default=Cited("", {}))
    cited_script: Cited = field(repr=False, default=Cited("", {}))

    @functools.cached_property
    def mailto(self) -> str:
        """A mailto: link that opens the letter in the person's mail app (members have no
        public address, so the person picks the recipient or sends a copy to themselves)."""
        to = quote(self.member.email or "", safe="@")
        return f"mailto:{to}?subject={quote(self.subject)}&body={quote(self.body)}"

    @property
    def to(self) -> str:
        return self.member.full_name


class Citations:
    """Numbers the sources a text cites (one number per link), for the list at its end."""

    def __init__(self, sources: Mapping[str, Source]) -> None:
        self._sources = sources
        self.urls: list[str] = []
        self.keys: dict[int, list[str]] = {}

    def cite(self, key: str) -> str:
        source = self._sources.get(key)
        if source is None:
            raise TemplateError(f"cite({key!r}): no such source in letters/sources.toml")
        if source.url not in self.urls:
            self.urls.append(source.url)
        number = self.urls.index(source.url) + 1
        if key not in self.keys.setdefault(number, []):
            self.keys[number].append(key)
        return f"[{number}]"

    def listing(self) -> str:
        return "\n".join(f"[{i}] {url}" for i, url in enumerate(self.urls, 1))

    def cited(self, text: str) -> Cited:
        return Cited(
            text, {n: tuple(self._sources[k] for k in keys) for n, keys in self.keys.items()}
        )


# The longest caller and member names a call script must leave room for: a first name, a
# four-word town, a four-word salutation.
ROOMY_CALLER = Constituent(
    name="Bartholomew", city="Rancho Santa Margarita Heights", zip="92688", state="CA"
)
ROOMY_MEMBER = Recipient(
    id="roomy", kind=Kind.RESIDENT_COMMISSIONER, name="Pablo José Hernández Rivera",
    title="Resident Commissioner", salutation="Resident Commissioner Hernández Rivera",
)  # fmt: skip


def since(then: str, today: date) -> str:
    """How long ago `then` (an ISO date) was, in words: "more than three years", "nearly
    four years", "eight months"."""
    start = date.fromisoformat(then)
    months = (today.year - start.year) * 12 + today.month - start.month
    months -= today.day < start.day
    years, rest = divmod(max(months, 0), 12)

    def count(n: int, unit: str) -> str:
        word = _NUMBERS[n] if n < len(_NUMBERS) else str(n)
        return f"{'a' if n == 1 else word} {unit}{'s' if n != 1 else ''}"

    if years == 0:
        return f"more than {count(months, 'month')}" if months else "less than a month"
    if rest >= 10:
        return f"nearly {count(years + 1, 'year')}"
    return count(years, "year") if rest == 0 else f"more than {count(years, 'year')}"


def _leadership(title: str) -> int:
    """0 for a chair, 1 for a ranking member, 2 for a vice chair, 3 for a member."""
    if title in _CHAIRS:
        return 0
    if title == "Ranking Member":
        return 1
    return 2 if title.startswith("Vice") else 3


def committee_role(ask: Ask, member: Recipient) -> Role | None:
    """The member's seat that fits the ask best: a committee they chair or are ranking
    member of, else a seat on the subcommittee that writes the State and foreign operations
    bill, else another seat; among equals, in the order of the ask's areas."""
    fitting = []
    for role in member.roles:
        area = next((i for i, a in enumerate(ask.committees) if role.committee in AREAS[a]), None)
        if area is None:
            continue
        lead, sub = _leadership(role.title), bool(role.subcommittee)
        # A committee's chair or ranking member, then a seat on the subcommittee that writes
        # the bill, then any other seat.
        key = (lead if not sub and lead < 2 else 9, lead if sub else 9, lead, area)
        fitting.append((key, role))
    return min(fitting, key=lambda f: f[0])[1] if fitting else None


def _as(role: Role) -> tuple[str, str]:
    """How a letter and a call script say the seat: "As chairman of the Senate Committee on
    Foreign Relations", "As a member of the Senate Appropriations Committee"."""
    title = role.title.lower() if role.title else ""
    opening = f"As {title} of" if title else "As a member of"
    if role.subcommittee:
        long = f"the Subcommittee on {role.subcommittee_name} of the {role.name}"
        short = _SHORT.get(role.subcommittee, f"its Subcommittee on {role.subcommittee_name}")
    else:
        long, short = f"the {role.name}", _SHORT.get(role.committee, f"the {role.name}")
    return f"{opening} {long}", f"{opening} {short}"


def allowed_names(member: Recipient, constituent: Constituent) -> set[str]:
    """What a letter to `member` from `constituent` may name without citing a source: its
    context, the recipient and their committees, the writer and their town."""
    names = set(CONTEXT_NAMES) | {s.removeprefix("the ") for s in _SHORT.values()}
    names |= {member.name, member.last_name, member.title, member.salutation, member.full_name,
              member.greeting, member.seat}  # fmt: skip
    for role in member.roles:
        names.add(role.name)
        if role.subcommittee:
            names.add(f"Subcommittee on {role.subcommittee_name} of the {role.name}")
    names |= {constituent.name, constituent.first_name, constituent.city, constituent.state}
    names |= {constituent.zip, STATES.get(member.state, member.state)}
    names.add(STATES.get(constituent.state, constituent.state))
    return {n for n in names if n}


def _member_context(member: Recipient) -> dict[str, Any]:
    return {
        "in_congress": member.in_congress,
        "title": member.title,
        "name": member.name,
        "last_name": member.last_name,
        "salutation": member.salutation,
        "greeting": member.greeting or member.salutation,
        "chamber": member.chamber,
        "state": member.state,
        "state_name": STATES.get(member.state, member.state),
        "seat": member.seat,
        "committees": list(member.committees),
    }


def _committee_context(ask: Ask, member: Recipient) -> dict[str, Any] | None:
    role = committee_role(ask, member)
    if role is None:
        return None
    long, short = _as(role)
    kind = "appropriator" if role.committee in AREAS["appropriations"] else "authorizer"
    # Only a chair calls a hearing; other members press for one.
    chair = _leadership(role.title) == 0
    return {"kind": kind, "as_": long, "as_short": short, "name": role.name, "chair": chair}


def _constituent_context(constituent: Constituent, member: Recipient) -> dict[str, Any]:
    return {
        "name": constituent.name,
        "first_name": constituent.first_name,
        "city": constituent.city,
        "zip": constituent.zip,
        "state": constituent.state or member.state,
        "state_name": STATES.get(constituent.state or member.state, constituent.state),
        "email": constituent.email,
        "note": constituent.note,
    }


def _tidy(text: str) -> str:
    """Collapse the blank lines that optional template blocks leave behind."""
    text = re.sub(r"[ \t]+\n", "\n", text)
    text = re.sub(r"\n{3,}", "\n\n", text)
    return text.strip() + "\n"


def _line(text: str) -> str:
    return " ".join(text.split())


def words(text: str) -> int:
    return len(text.split())


def _source(key: str, data: dict[str, Any]) -> Source:
    says = {phrase: tuple(support) for phrase, support in data.get("says", {}).items()}
    return Source(key, data["url"], data["passage"], says)


class LetterBook:
    """Loads the asks and the source map in a letters/ folder and renders them in Jinja's
    sandbox."""

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
        raw = tomllib.loads((folder / "sources.toml").read_text(encoding="utf-8"))
        self.sources = {key: _source(key, data) for key, data in raw.items()}
        asks = []
        for meta in sorted(folder.glob("*/ask.toml")):
            data = tomllib.loads(meta.read_text(encoding="utf-8"))
            asks.append(
                Ask(
                    meta.parent.name,
                    data["title"],
                    data["summary"],
                    int(data.get("order", 100)),
                    tuple(data.get("committees", ())),
                )
            )
        self.asks = sorted(asks, key=lambda a: (a.order, a.slug))
        self._by_slug = {a.slug: a for a in self.asks}

    def ask(self, slug: object) -> Ask:
        if not isinstance(slug, str) or slug not in self._by_slug:
            raise AskNotFound()
        return self._by_slug[slug]

    def _context(
        self, ask: Ask, member: Recipient, constituent: Constituent, today: date, cites: Citations
    ) -> dict[str, Any]:
        return {
            "member": _member_context(member),
            "constituent": _constituent_context(constituent, member),
            "committee": _committee_context(ask, member),
            "cite": cites.cite,
            "sources": cites.listing,
            "since": lambda then: since(then, today),
            "today": today.strftime("%B %-d, %Y"),
            "campaign_opening": "",
            "campaign_closing": "",
            "bill": "",
        }

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
        bill: str = "",
    ) -> Letter:
        """The letter and the call script of one ask for one recipient; a campaign's own
        opening, closing and call script (already rendered) and the bill it asks members to
        co-sponsor go in as plain text."""
        cites = Citations(self.sources)
        context = self._context(ask, member, constituent, today, cites)
        context.update(campaign_opening=opening, campaign_closing=closing, bill=bill)
        # A member's letter speaks as their constituent; an office's, as a citizen.
        context["layout"] = "_letter.txt" if member.in_congress else "_target_letter.txt"
        try:
            module = self.env.get_template(f"{ask.slug}/letter.txt").make_module(context)
            macros = vars(module)  # the base letter's get_subject() and get_body()
            subject = _line(str(macros["get_subject"]()))
            body = _tidy(str(macros["get_body"]()))
        except TemplateError as exc:
            raise RuntimeError(f"letters/{ask.slug}: {exc}") from exc
        cited_script = self.cited_call_script([ask], member, constituent, today)
        script = call_script or _line(_MARK.sub("", cited_script.body))
        return Letter(member, ask, subject, body, script, cites.cited(body), cited_script)

    def call_script(
        self, asks: list[Ask], member: Recipient, constituent: Constituent, today: date
    ) -> str:
        """What a caller says to one office about one or several asks, on one line."""
        return _line(_MARK.sub("", self.cited_call_script(asks, member, constituent, today).body))

    def cited_call_script(
        self, asks: list[Ask], member: Recipient, constituent: Constituent, today: date
    ) -> Cited:
        """The call script with its citation marks: one ask's own script, or one that covers
        several: who is calling once, every ask, a reason for each, and the committee line of
        the first ask the member's committees can act on, when the script has room for it."""
        cites = Citations(self.sources)
        try:
            if len(asks) == 1:
                context = self._context(asks[0], member, constituent, today, cites)
                context["layout"] = "_call.txt"
                template = self.env.get_template(f"{asks[0].slug}/call.txt")
                return cites.cited(_line(template.render(context)))
            parts = []
            for ask in asks:
                context = self._context(ask, member, constituent, today, cites)
                context["layout"] = "_call_parts.txt"
                text = self.env.get_template(f"{ask.slug}/call.txt").render(context)
                action, reason, committee = (_line(p) for p in text.split("\x1e")[:3])
                parts.append((action, reason, committee))
            context = self._context(asks[0], member, constituent, today, cites)
            context.update(actions=[p[0] for p in parts], reasons=[p[1] for p in parts])
            several = self.env.get_template("_call_several.txt")
            lines = [p[2] for p in parts if p[2]]
            script = _line(several.render(context, committee_line=lines[0] if lines else ""))
            if lines and words(_MARK.sub("", script)) > SEVERAL_SCRIPT_WORDS:
                script = _line(several.render(context, committee_line=""))
            return cites.cited(script)
        except TemplateError as exc:
            raise RuntimeError(f"letters: call script: {exc}") from exc

    def script_words(self, asks: list[Ask], offices: list[Recipient], today: date) -> int:
        """The most words a call script covering `asks` runs to, for the members of Congress
        with the longest names and for each office a campaign names."""
        return max(
            words(self.call_script(asks, recipient, ROOMY_CALLER, today))
            for recipient in (ROOMY_MEMBER, *offices)
        )
