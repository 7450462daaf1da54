"""The directory of members of Congress, read from the unitedstates/congress-legislators files."""

from __future__ import annotations

import json
import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from .geography import DELEGATE_AREAS, zone_of
from .recipients import Kind, Office, Recipient, Role

LEGISLATORS = "legislators-current.json"
OFFICES = "legislators-district-offices.json"
COMMITTEES = "committees-current.json"
MEMBERSHIP = "committee-membership-current.json"
FILES = (LEGISLATORS, OFFICES, COMMITTEES, MEMBERSHIP)

# Committees whose work touches the asks: foreign relations and affairs, appropriations,
# armed services, and banking and financial services (sanctions); and the subcommittees that
# write the State and foreign operations appropriations bill.
JURISDICTION_COMMITTEES = ("SSFR", "HSFA", "SSAP", "HSAP", "SSAS", "HSAS", "SSBK", "HSBA")
SUBCOMMITTEES = ("SSAP20", "HSAP04")

TITLES = {
    Kind.SENATOR: "Senator",
    Kind.REPRESENTATIVE: "Representative",
    Kind.DELEGATE: "Delegate",
    Kind.RESIDENT_COMMISSIONER: "Resident Commissioner",
}
_CHAMBER_LINES = {
    "senate": ("United States Senate", "Washington, DC 20510"),
    "house": ("U.S. House of Representatives", "Washington, DC 20515"),
}
_WASHINGTON = re.compile(r"^(?P<street>.*?)[\s,]+Washington,?\s+DC,?\s+(?P<zip>\d{5}(?:-\d{4})?)$")


class DirectoryInvalid(Exception):
    """Downloaded directory data failed validation; the message says what is wrong."""


def house_kind(state: str) -> Kind:
    """What the House member of a place is: Puerto Rico's Resident Commissioner, a territory's
    delegate, a state's representative."""
    if state == "PR":
        return Kind.RESIDENT_COMMISSIONER
    return Kind.DELEGATE if state in DELEGATE_AREAS else Kind.REPRESENTATIVE


def house_title(state: str) -> str:
    return TITLES[house_kind(state)]


def clean_url(url: Any) -> str | None:
    """Repair the URL typos found in the data (``hhttps://``); drop what is not a web URL."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    url = re.sub(r"^h+ttps?://", lambda m: "https://" if "s" in m.group(0) else "http://", url)
    if not re.match(r"^https?://[^\s/]+\.[^\s]+$", url):
        return None
    return url


def washington_lines(address: str | None) -> tuple[str, ...]:
    """Split "272 Cannon House Office Building Washington DC 20515-0104" into postal lines."""
    if not address:
        return ()
    m = _WASHINGTON.match(address.strip())
    if not m:
        return (address.strip(),)
    return (m.group("street").strip(), f"Washington, DC {m.group('zip')}")


def _office_line(office: dict[str, Any]) -> str:
    parts = [office.get("address"), office.get("suite"), office.get("building")]
    street = ", ".join(str(p).strip() for p in parts if p)
    city = ", ".join(str(p) for p in (office.get("city"), office.get("state")) if p)
    zip_code = office.get("zip") or ""
    return ", ".join(p for p in (street, f"{city} {zip_code}".strip()) if p)


@dataclass
class Directory:
    """Everything known about the sitting members, indexed for lookups."""

    members: list[Recipient]
    as_of: date
    _congress: int | None = field(default=None, repr=False)
    _senate: dict[str, list[Recipient]] = field(default_factory=dict, repr=False)
    _house: dict[tuple[str, int], Recipient] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Recipient] = field(default_factory=dict, repr=False)
    _districts: dict[str, tuple[int, ...]] = field(default_factory=dict, repr=False)

    @property
    def congress(self) -> int | None:
        """The Congress whose members the data lists, from the end of most House terms."""
        return self._congress

    def __post_init__(self) -> None:
        ends = Counter(m.term_end for m in self.members if m.chamber == "house" and m.term_end)
        # A Congress's House terms end on January 3 of the odd year after its second.
        self._congress = (ends.most_common(1)[0][0].year - 1789) // 2 if ends else None
        senate: dict[str, list[Recipient]] = defaultdict(list)
        for m in self.members:
            self._by_id[m.id] = m
            if m.kind is Kind.SENATOR:
                senate[m.state].append(m)
            else:
                self._house[(m.state, m.district or 0)] = m
        self._senate = dict(senate)
        seats: dict[str, list[int]] = defaultdict(list)
        for state, number in self._house:
            seats[state].append(number)
        self._districts = {state: tuple(sorted(n)) for state, n in seats.items()}

    def senators(self, state: str) -> list[Recipient]:
        return list(self._senate.get(state, []))

    def representative(self, state: str, district: int) -> Recipient | None:
        return self._house.get((state, district))

    def member(self, bioguide: str) -> Recipient | None:
        return self._by_id.get(bioguide)

    def house_districts(self, state: str) -> list[int]:
        """The seats the directory lists for a state (vacant seats are absent from it)."""
        return list(self._districts.get(state, ()))

    def delegation(self, state: str) -> list[Recipient]:
        """A state's senators, then its House members by district."""
        house = [self._house[(state, d)] for d in self.house_districts(state)]
        return self.senators(state) + house

    def ended_terms(self, today: date) -> int:
        return sum(1 for m in self.members if m.term_ended(today))

    def is_stale(self, today: date) -> bool:
        """True when most terms the data lists have ended: a new Congress has been seated."""
        return self.ended_terms(today) * 2 > len(self.members)

    def count(self, chamber: str) -> int:
        return sum(1 for m in self.members if m.chamber == chamber)


def _roles(committees: list[dict[str, Any]], membership: dict[str, Any]) -> dict[str, list[Role]]:
    """Each member's seats on the committees and subcommittees that touch the asks, with
    their titles (ex officio seats are left out: they come with another title)."""
    names: dict[str, str] = {}
    for c in committees:
        if not isinstance(c, dict) or "thomas_id" not in c:
            continue
        names[c["thomas_id"]] = str(c.get("name") or "")
        for sub in c.get("subcommittees") or ():
            if isinstance(sub, dict) and sub.get("thomas_id"):
                names[c["thomas_id"] + str(sub["thomas_id"])] = str(sub.get("name") or "")
    seats: dict[str, list[Role]] = defaultdict(list)
    for cid in (*JURISDICTION_COMMITTEES, *SUBCOMMITTEES):
        full = cid[:4]
        if cid not in names or full not in names:
            continue
        for row in membership.get(cid, []):
            if not isinstance(row, dict) or not row.get("bioguide"):
                continue
            title = str(row.get("title") or "")
            if title == "Ex Officio":
                continue
            sub = {"subcommittee": cid, "subcommittee_name": names[cid]} if cid != full else {}
            seats[row["bioguide"]].append(Role(full, names[full], title, **sub))
    return seats


def _member(
    record: dict[str, Any],
    offices: dict[str, list[dict[str, Any]]],
    roles: dict[str, list[Role]],
) -> Recipient:
    term = record["terms"][-1]
    name = record.get("name", {})
    first = name.get("nickname") or name.get("first") or ""
    last = name.get("last") or ""
    full = name.get("official_full") or " ".join(p for p in (first, last) if p)
    if last and last not in full:  # "Pablo José Hernández", whose last name is "Hernández Rivera"
        last = full.split()[-1]
    bioguide = record["id"]["bioguide"]
    state = term["state"]
    kind = Kind.SENATOR if term["type"] == "sen" else house_kind(state)
    title = TITLES[kind]
    phone = term.get("phone") or None
    wash = washington_lines(term.get("address"))
    all_offices = []
    if wash or phone:
        all_offices.append(Office("Washington, DC", ", ".join(wash), phone, main=True))
    for o in offices.get(bioguide, []):
        if not isinstance(o, dict):
            continue
        all_offices.append(
            Office(
                str(o.get("city") or ""), _office_line(o), o.get("phone") or None, zone_of(state)
            )
        )
    chamber_line, default_city = _CHAMBER_LINES[kind.chamber or "house"]
    return Recipient(
        id=bioguide,
        kind=kind,
        name=full,
        title=title,
        salutation=f"{title} {last}",
        last_name=last,
        state=state,
        district=None if kind is Kind.SENATOR else int(term.get("district") or 0),
        party=term.get("party") or "",
        postal=(chamber_line, *(wash or (default_city,))),
        offices=tuple(all_offices),
        contact_form=clean_url(term.get("contact_form")),
        website=clean_url(term.get("url")),
        roles=tuple(roles.get(bioguide, ())),
        term_end=date.fromisoformat(term["end"]) if term.get("end") else None,
        appointed=term.get("how") == "appointment",
    )


def validate(raw: dict[str, Any]) -> None:
    """Check the shape and the counts of downloaded data before it replaces what we have."""
    legislators = raw.get(LEGISLATORS)
    if not isinstance(legislators, list) or not legislators:
        raise DirectoryInvalid(f"{LEGISLATORS} is not a list of members")
    senators: dict[str, int] = defaultdict(int)
    seats = set()
    for i, rec in enumerate(legislators):
        try:
            term = rec["terms"][-1]
            rec["id"]["bioguide"]
            kind, state = term["type"], term["state"]
        except (KeyError, IndexError, TypeError) as exc:
            raise DirectoryInvalid(f"{LEGISLATORS}: record {i} lacks id, terms or state") from exc
        if kind == "sen":
            senators[state] += 1
        elif kind == "rep":
            seats.add((state, term.get("district")))
    total = sum(senators.values())
    if total != 100:
        raise DirectoryInvalid(f"{LEGISLATORS} lists {total} senators, not 100")
    odd = sorted(s for s, n in senators.items() if n != 2)
    if odd or len(senators) != 50:
        raise DirectoryInvalid(f"{LEGISLATORS}: not two senators in each of 50 states ({odd})")
    if len(seats) < 400:
        raise DirectoryInvalid(f"{LEGISLATORS} lists only {len(seats)} House seats")
    if not isinstance(raw.get(OFFICES), list):
        raise DirectoryInvalid(f"{OFFICES} is not a list")
    if not isinstance(raw.get(COMMITTEES), list):
        raise DirectoryInvalid(f"{COMMITTEES} is not a list")
    if not isinstance(raw.get(MEMBERSHIP), dict):
        raise DirectoryInvalid(f"{MEMBERSHIP} is not an object")


def build(raw: dict[str, Any], as_of: date) -> Directory:
    """Normalise the four parsed files into a Directory."""
    offices = {
        o["id"]["bioguide"]: o.get("offices", [])
        for o in raw[OFFICES]
        if isinstance(o, dict) and isinstance(o.get("id"), dict)
    }
    roles = _roles(raw[COMMITTEES], raw[MEMBERSHIP])
    members = [_member(r, offices, roles) for r in raw[LEGISLATORS]]
    members.sort(key=lambda m: (m.state, m.kind is not Kind.SENATOR, m.district or 0, m.last_name))
    return Directory(members=members, as_of=as_of)


def read_folder(folder: Path) -> dict[str, Any]:
    """Parse the four directory files from a folder."""
    raw = {}
    for name in FILES:
        try:
            raw[name] = json.loads((folder / name).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise DirectoryInvalid(f"{name}: {exc.__class__.__name__}: {exc}") from exc
    return raw
