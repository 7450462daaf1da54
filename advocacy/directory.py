"""The directory of members of Congress, read from the unitedstates/congress-legislators files."""

from __future__ import annotations

import json
import re
import threading
from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

LEGISLATORS = "legislators-current.json"
OFFICES = "legislators-district-offices.json"
COMMITTEES = "committees-current.json"
MEMBERSHIP = "committee-membership-current.json"
FILES = (LEGISLATORS, OFFICES, COMMITTEES, MEMBERSHIP)

# Committees whose jurisdiction covers foreign aid, sanctions and security assistance.
JURISDICTION_COMMITTEES = ("SSFR", "HSFA", "SSAP", "HSAP")

DELEGATE_AREAS = frozenset({"DC", "GU", "VI", "AS", "MP"})
STATES = {
    "AL": "Alabama", "AK": "Alaska", "AZ": "Arizona", "AR": "Arkansas", "CA": "California",
    "CO": "Colorado", "CT": "Connecticut", "DE": "Delaware", "FL": "Florida", "GA": "Georgia",
    "HI": "Hawaii", "ID": "Idaho", "IL": "Illinois", "IN": "Indiana", "IA": "Iowa",
    "KS": "Kansas", "KY": "Kentucky", "LA": "Louisiana", "ME": "Maine", "MD": "Maryland",
    "MA": "Massachusetts", "MI": "Michigan", "MN": "Minnesota", "MS": "Mississippi",
    "MO": "Missouri", "MT": "Montana", "NE": "Nebraska", "NV": "Nevada", "NH": "New Hampshire",
    "NJ": "New Jersey", "NM": "New Mexico", "NY": "New York", "NC": "North Carolina",
    "ND": "North Dakota", "OH": "Ohio", "OK": "Oklahoma", "OR": "Oregon", "PA": "Pennsylvania",
    "RI": "Rhode Island", "SC": "South Carolina", "SD": "South Dakota", "TN": "Tennessee",
    "TX": "Texas", "UT": "Utah", "VT": "Vermont", "VA": "Virginia", "WA": "Washington",
    "WV": "West Virginia", "WI": "Wisconsin", "WY": "Wyoming",
    "DC": "District of Columbia", "PR": "Puerto Rico", "GU": "Guam",
    "VI": "U.S. Virgin Islands", "AS": "American Samoa", "MP": "Northern Mariana Islands",
}  # fmt: skip
# Places with one House seat under the 2020 apportionment (district 0 in the directory).
SINGLE_SEAT = frozenset({"AK", "DE", "ND", "SD", "VT", "WY"}) | DELEGATE_AREAS | {"PR"}
HAS_SENATORS = frozenset(STATES) - DELEGATE_AREAS - {"PR"}

_WASHINGTON = re.compile(r"^(?P<street>.*?)[\s,]+Washington,?\s+DC,?\s+(?P<zip>\d{5}(?:-\d{4})?)$")


class DirectoryInvalid(Exception):
    """Downloaded directory data failed validation; the message says what is wrong."""


@dataclass(frozen=True)
class Office:
    """A place to reach a member: the Washington office or a district/state office."""

    city: str
    address: str
    phone: str | None
    washington: bool = False


@dataclass(frozen=True)
class Member:
    """A sitting member of Congress, normalised from the directory."""

    bioguide: str
    name: str
    first_name: str
    last_name: str
    title: str  # Representative, Senator, Delegate or Resident Commissioner (or an office's)
    chamber: str  # house, senate, or office (a campaign's fixed target)
    state: str
    district: int | None  # None for senators; 0 for the only seat of a state or territory
    party: str
    phone: str | None
    contact_form: str | None
    website: str | None
    washington_address: tuple[str, ...]  # postal lines, without the member's name
    offices: tuple[Office, ...] = ()
    committees: tuple[str, ...] = ()  # names of committees with jurisdiction over the asks
    term_end: date | None = None
    note: str | None = None
    email: str | None = None  # only a campaign's fixed targets have one
    addressed_as: str | None = None  # a fixed target: its person, or "the" and its title

    @property
    def full_name(self) -> str:
        """A heading's name: "Senator John Barrasso", or an office's own name."""
        return self.name if self.chamber == "office" else f"{self.title} {self.name}"

    @property
    def salutation(self) -> str:
        """How a script names them mid-sentence: "Senator Cruz", or for an office a campaign
        names, its person ("Samantha Power") or "the" and its title."""
        return self.addressed_as or f"{self.title} {self.last_name}"

    @property
    def seat(self) -> str:
        """A short human label of the seat: "Texas", "TX-37", "Wyoming (at large)"."""
        if self.chamber == "senate":
            return STATES.get(self.state, self.state)
        if self.chamber == "office":
            return self.title
        return seat_label(self.state, self.district or 0)

    @property
    def phones(self) -> tuple[Office, ...]:
        """Offices with a phone, Washington first."""
        return tuple(o for o in self.offices if o.phone)


def seat_label(state: str, district: int) -> str:
    """Name a House seat as a person would: TX-37, Wyoming (at large), Puerto Rico."""
    if state in DELEGATE_AREAS or state == "PR":
        return STATES[state]
    if district == 0:
        return f"{STATES.get(state, state)} (at large)"
    return f"{state}-{district}"


def house_title(state: str) -> str:
    if state == "PR":
        return "Resident Commissioner"
    if state in DELEGATE_AREAS:
        return "Delegate"
    return "Representative"


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

    members: list[Member]
    as_of: date
    _congress: int | None = field(default=None, repr=False)
    _senate: dict[str, list[Member]] = field(default_factory=dict, repr=False)
    _house: dict[tuple[str, int], Member] = field(default_factory=dict, repr=False)
    _by_id: dict[str, Member] = field(default_factory=dict, repr=False)

    @property
    def congress(self) -> int | None:
        """The Congress whose members the data lists, from the end of most House terms."""
        return self._congress

    def __post_init__(self) -> None:
        ends = Counter(m.term_end for m in self.members if m.chamber == "house" and m.term_end)
        # A Congress's House terms end on January 3 of the odd year after its second.
        self._congress = (ends.most_common(1)[0][0].year - 1789) // 2 if ends else None
        senate: dict[str, list[Member]] = defaultdict(list)
        for m in self.members:
            self._by_id[m.bioguide] = m
            if m.chamber == "senate":
                senate[m.state].append(m)
            else:
                self._house[(m.state, m.district or 0)] = m
        self._senate = dict(senate)

    def senators(self, state: str) -> list[Member]:
        return list(self._senate.get(state, []))

    def representative(self, state: str, district: int) -> Member | None:
        return self._house.get((state, district))

    def member(self, bioguide: str) -> Member | None:
        return self._by_id.get(bioguide)

    def house_districts(self, state: str) -> list[int]:
        """The seats the directory lists for a state (vacant seats are absent from it)."""
        return sorted(d for (s, d) in self._house if s == state)

    def ended_terms(self, today: date) -> int:
        return sum(1 for m in self.members if m.term_end and m.term_end <= today)

    def is_stale(self, today: date) -> bool:
        """True when most terms the data lists have ended: a new Congress has been seated."""
        return self.ended_terms(today) * 2 > len(self.members)


def _committee_names(
    committees: list[dict[str, Any]], membership: dict[str, Any]
) -> dict[str, list[str]]:
    names = {c["thomas_id"]: c["name"] for c in committees if "thomas_id" in c}
    seats: dict[str, list[str]] = defaultdict(list)
    for cid in JURISDICTION_COMMITTEES:
        for row in membership.get(cid, []):
            if isinstance(row, dict) and row.get("bioguide") and cid in names:
                seats[row["bioguide"]].append(names[cid])
    return seats


def _member(
    record: dict[str, Any],
    offices: dict[str, list[dict[str, Any]]],
    committees: dict[str, list[str]],
    today: date,
) -> Member:
    term = record["terms"][-1]
    name = record.get("name", {})
    first = name.get("nickname") or name.get("first") or ""
    last = name.get("last") or ""
    full = name.get("official_full") or " ".join(p for p in (first, last) if p)
    bioguide = record["id"]["bioguide"]
    state = term["state"]
    senate = term["type"] == "sen"
    end = date.fromisoformat(term["end"]) if term.get("end") else None
    note = None
    if end and end <= today:
        if term.get("how") == "appointment":
            note = (
                f"Appointed; the directory lists this term as ending {end:%B %-d, %Y} "
                "(the special election) and names no successor yet."
            )
        else:
            note = f"The directory lists this term as ending {end:%B %-d, %Y}."
    phone = term.get("phone") or None
    wash = washington_lines(term.get("address"))
    all_offices = []
    if wash or phone:
        all_offices.append(Office("Washington, DC", ", ".join(wash), phone, washington=True))
    for o in offices.get(bioguide, []):
        if not isinstance(o, dict):
            continue
        all_offices.append(
            Office(str(o.get("city") or ""), _office_line(o), o.get("phone") or None)
        )
    return Member(
        bioguide=bioguide,
        name=full,
        first_name=first,
        last_name=last,
        title="Senator" if senate else house_title(state),
        chamber="senate" if senate else "house",
        state=state,
        district=None if senate else int(term.get("district") or 0),
        party=term.get("party") or "",
        phone=phone,
        contact_form=clean_url(term.get("contact_form")),
        website=clean_url(term.get("url")),
        washington_address=wash,
        offices=tuple(all_offices),
        committees=tuple(committees.get(bioguide, ())),
        term_end=end,
        note=note,
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


def build(raw: dict[str, Any], as_of: date, today: date) -> Directory:
    """Normalise the four parsed files into a Directory."""
    offices = {
        o["id"]["bioguide"]: o.get("offices", [])
        for o in raw[OFFICES]
        if isinstance(o, dict) and isinstance(o.get("id"), dict)
    }
    committees = _committee_names(raw[COMMITTEES], raw[MEMBERSHIP])
    members = [_member(r, offices, committees, today) for r in raw[LEGISLATORS]]
    members.sort(key=lambda m: (m.state, m.chamber != "senate", m.district or 0, m.last_name))
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


class DirectoryStore:
    """Loads the current synced release, and reloads it when a sync swaps in a new one."""

    def __init__(self, data_dir: Path, today: Callable[[], date] = date.today) -> None:
        self.data_dir = data_dir
        self._today = today
        self._lock = threading.Lock()
        self._loaded_from: str | None = None
        self._directory: Directory | None = None
        self._extras: dict[str, Any] = {}

    @property
    def current(self) -> Path:
        return self.data_dir / "current"

    def _target(self) -> str | None:
        try:
            return str(self.current.resolve(strict=True))
        except OSError:
            return None

    def get(self) -> Directory | None:
        """The directory, or None when no data has been synced yet."""
        target = self._target()
        if target is None:
            return None
        if target != self._loaded_from:
            with self._lock:
                if target != self._loaded_from:
                    self._load(Path(target))
        return self._directory

    def extra(self, name: str) -> Any:
        """Another parsed artefact of the same release (the ZIP table)."""
        self.get()
        return self._extras.get(name)

    def _load(self, folder: Path) -> None:
        from . import districts, sync  # late: they import this module

        manifest = sync.read_manifest(folder)
        raw = read_folder(folder)
        self._directory = build(raw, date.fromisoformat(manifest["as_of"]), self._today())
        self._extras = {"zip_table": districts.ZipTable.from_file(folder / sync.ZIP_FILE)}
        self._loaded_from = str(folder)
