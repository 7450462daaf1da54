"""Who represents a person: from an address, a ZIP code or a chosen district to members."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from .directory import STATES, Directory, DirectoryStore, Member
from .districts import (
    ZIP_ONLY,
    AddressNotFound,
    CensusGeocoder,
    District,
    DistrictCache,
    ZipNotFound,
    ZipTable,
    target_congress,
)

MAX_ADDRESS = 200
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\ufeff]+")


class InvalidInput(ValueError):
    """What the person typed cannot be used; the message says how to fix it."""


class DataMissing(Exception):
    """No directory has been synced yet."""


class ZipTableOutdated(Exception):
    """The ZIP table describes another Congress's districts than the one in office."""


@dataclass(frozen=True)
class Representation:
    """The members who represent one place (or, for a split ZIP, every candidate place)."""

    congress: int
    directory: Directory
    districts: tuple[District, ...]
    members: tuple[Member, ...]
    vacancies: tuple[District, ...]
    source: str  # address, zip or district

    @property
    def ambiguous(self) -> bool:
        return len(self.districts) > 1

    @property
    def as_of(self) -> date:
        return self.directory.as_of

    def representative(self, district: District) -> Member | None:
        return self.directory.representative(district.state, district.number)


def clean_text(value: object, limit: int) -> str:
    """Strip control characters and surrounding space; refuse text over `limit` characters."""
    if not isinstance(value, str):
        raise InvalidInput("Please type text.")
    text = " ".join(_CONTROL.sub(" ", value).split())
    if len(text) > limit:
        raise InvalidInput(f"That is too long: please keep it under {limit} characters.")
    return text


def parse_zip(value: object) -> str:
    text = clean_text(value, 20)
    m = ZIP_ONLY.match(text)
    if not m:
        raise InvalidInput("Enter a 5-digit ZIP code, such as 78701.")
    return m.group(1)


class Lookup:
    """Finds districts and members; the one place that knows the order of the fallbacks."""

    def __init__(
        self,
        store: DirectoryStore,
        geocoder: CensusGeocoder,
        cache: DistrictCache,
        *,
        congress: int | str | None = None,
        zip_congress: int = 119,
        today: Callable[[], date] = date.today,
    ) -> None:
        self.store = store
        self.geocoder = geocoder
        self.cache = cache
        self.congress_override = congress
        self.zip_congress = zip_congress
        self.today = today

    @property
    def congress(self) -> int:
        return target_congress(self.today(), self.congress_override)

    def directory(self) -> Directory:
        found = self.store.get()
        if found is None:
            raise DataMissing()
        return found

    def zip_table(self) -> ZipTable:
        self.directory()
        return self.store.extra("zip_table")

    def by_address(self, address: object) -> Representation:
        """Geocode a one-line address. A bare ZIP code goes to the ZIP table instead."""
        text = clean_text(address, MAX_ADDRESS)
        if not text:
            raise InvalidInput("Enter your street address, city and state (or ZIP code).")
        if ZIP_ONLY.match(text):
            return self.by_zip(text)
        if len(text) < 5 or not re.search(r"[A-Za-z]", text):
            raise InvalidInput(
                "Enter a full street address, such as 1100 Congress Ave, Austin, TX."
            )
        directory = self.directory()
        congress = self.congress
        found = self.cache.get(text, congress)
        if found is None:
            found = frozenset(self.geocoder.districts_for(text, congress))
            self.cache.put(text, congress, set(found))
        if not found:
            raise AddressNotFound()
        return self._represent(directory, congress, sorted(found), "address")

    def by_zip(self, zip_code: object) -> Representation:
        code = parse_zip(zip_code)
        directory = self.directory()
        congress = self.congress
        if congress != self.zip_congress:
            raise ZipTableOutdated()
        try:
            found = self.zip_table().districts_for(code)
        except ZipNotFound:
            raise InvalidInput(
                f"We don't know ZIP code {code}. Check it, or enter your street address."
            ) from None
        return self._represent(directory, congress, list(found), "zip")

    def by_district(self, state: object, district: object) -> Representation:
        directory = self.directory()
        code = str(state or "").strip().upper()
        if code not in STATES:
            raise InvalidInput("Choose a state or territory from the list.")
        try:
            number = int(str(district).strip())
        except ValueError:
            raise InvalidInput("Choose a district from the list.") from None
        if number not in self.seats(code):
            raise InvalidInput(
                f"{STATES[code]} has no district {number}: choose one from the list."
            )
        return self._represent(directory, self.congress, [District(code, number)], "district")

    def seats(self, state: str) -> list[int]:
        """The House seats of a state: those the directory lists and any vacant ones."""
        directory = self.directory()
        known = set(directory.house_districts(state))
        if self.congress == self.zip_congress:
            known |= self.zip_table().districts_in(state)
        return sorted(known)

    def _represent(
        self, directory: Directory, congress: int, found: list[District], source: str
    ) -> Representation:
        members: list[Member] = []
        for state in dict.fromkeys(d.state for d in found):
            members.extend(directory.senators(state))
        vacancies = []
        for d in found:
            rep = directory.representative(d.state, d.number)
            if rep:
                members.append(rep)
            else:
                vacancies.append(d)
        return Representation(
            congress=congress,
            directory=directory,
            districts=tuple(found),
            members=tuple(members),
            vacancies=tuple(vacancies),
            source=source,
        )
