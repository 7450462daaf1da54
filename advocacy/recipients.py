"""Anyone a letter or a call goes to: a member of Congress, or an office a campaign names.

Members come from the directory and a campaign's offices from its organizer; both are a
Recipient, and letters, calls, counts and pages read nothing else about them."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date

from .geography import EASTERN, STATES, seat_label


class Kind(enum.StrEnum):
    SENATOR = "senator"
    REPRESENTATIVE = "representative"
    DELEGATE = "delegate"
    RESIDENT_COMMISSIONER = "resident_commissioner"
    OFFICE = "office"  # an office a campaign names: an executive-branch office, say

    @property
    def chamber(self) -> str | None:
        """The chamber of Congress a member sits in; None for an office outside Congress."""
        if self is Kind.SENATOR:
            return "senate"
        return None if self is Kind.OFFICE else "house"


class Channel(enum.StrEnum):
    """Ways a letter can reach a recipient."""

    CONTACT_FORM = "contact_form"
    EMAIL = "email"
    POST = "post"


@dataclass(frozen=True)
class Office:
    """A place to reach a recipient by phone: a member's Washington office (`main`), a
    district or state office, or an office a campaign names, with the zone of its hours."""

    city: str
    address: str
    phone: str | None
    zone: str = EASTERN
    main: bool = False


@dataclass(frozen=True)
class Role:
    """A seat on a committee of Congress whose work touches the asks: the full committee
    ("SSAP"), or one of its subcommittees ("SSAP20"), with the member's title there."""

    committee: str  # the full committee's id, e.g. "SSAP"
    name: str  # "Senate Committee on Appropriations"
    title: str = ""  # "Chairman", "Ranking Member", "Vice Chair"…; "" for a member
    subcommittee: str = ""  # the subcommittee's id, e.g. "SSAP20"; "" for the full committee
    subcommittee_name: str = ""  # "State, Foreign Operations, and Related Programs"


@dataclass(frozen=True)
class Recipient:
    """Who a letter or a call goes to, and every way to reach them."""

    id: str  # a member's bioguide ID; "target-<n>" for an office a campaign names
    kind: Kind
    name: str  # a person's full name, or an office's own name
    title: str  # Senator, Representative, Delegate, Resident Commissioner, or the office's
    salutation: str  # mid-sentence: "Senator Cruz", "Samantha Power", "the Administrator"
    greeting: str = ""  # after "Dear", where it differs: "Secretary Rubio", "Administrator"
    last_name: str = ""
    state: str = ""
    district: int | None = None  # a House seat's number (0 for the only seat of a place)
    party: str = ""
    postal: tuple[str, ...] = ()  # postal address lines below the name
    offices: tuple[Office, ...] = ()  # the main office first
    contact_form: str | None = None
    website: str | None = None
    email: str | None = None
    roles: tuple[Role, ...] = ()  # seats on committees whose work touches the asks
    term_end: date | None = None
    appointed: bool = False  # an appointed senator, until a special election

    @property
    def in_congress(self) -> bool:
        return self.kind is not Kind.OFFICE

    @property
    def chamber(self) -> str | None:
        return self.kind.chamber

    @property
    def full_name(self) -> str:
        """A heading's name: "Senator John Barrasso", or an office's own name."""
        return f"{self.title} {self.name}" if self.in_congress else self.name

    @property
    def seat(self) -> str:
        """A short label of the seat: "Texas", "TX-37", "Wyoming (at large)"; an office's title."""
        if self.kind is Kind.SENATOR:
            return STATES.get(self.state, self.state)
        if self.kind is Kind.OFFICE:
            return self.title
        return seat_label(self.state, self.district or 0)

    @property
    def phones(self) -> tuple[Office, ...]:
        """Offices with a phone, the main one first."""
        return tuple(o for o in self.offices if o.phone)

    @property
    def phone(self) -> str | None:
        """The main office's phone."""
        return next((o.phone for o in self.offices if o.main and o.phone), None)

    @property
    def committees(self) -> tuple[str, ...]:
        """The names of the full committees the member sits on among those of the roles."""
        return tuple(dict.fromkeys(r.name for r in self.roles if not r.subcommittee))

    @property
    def channels(self) -> frozenset[Channel]:
        """How a letter can reach this recipient."""
        given = {
            Channel.CONTACT_FORM: self.contact_form,
            Channel.EMAIL: self.email,
            Channel.POST: self.postal,
        }
        return frozenset(c for c, present in given.items() if present)

    def term_ended(self, today: date) -> bool:
        """The directory lists a term that has ended (no successor named yet)."""
        return self.term_end is not None and self.term_end <= today
