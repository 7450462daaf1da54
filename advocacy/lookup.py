"""Who represents a person: from an address, a ZIP code or a chosen district to members."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from . import text
from .directory import SINGLE_SEAT, STATES, Directory, DirectoryStore, Member
from .districts import (
    AddressNotFound,
    CensusGeocoder,
    District,
    DistrictCache,
    ZipNotFound,
    ZipTable,
    target_congress,
)

MAX_ADDRESS = 200


class InvalidInput(ValueError):
    """What the person typed cannot be used; the message says how to fix it."""


class DataMissing(Exception):
    """No directory has been synced yet."""


class DirectoryOutdated(Exception):
    """The directory lists the members of another Congress than the one in office."""

    def __init__(self, listed: int, in_office: int) -> None:
        super().__init__(f"directory lists the {listed}th Congress; the {in_office}th sits")
        self.listed, self.in_office = listed, in_office


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
    cleaned = text.one_line(value)
    if len(cleaned) > limit:
        raise InvalidInput(f"That is too long: please keep it under {limit} characters.")
    return cleaned


def parse_zip(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput('Send the ZIP code as text, such as "02139".')
    found = text.zip_code(value)
    if found is None:
        raise InvalidInput("Enter a 5-digit ZIP code, such as 78701.")
    return found


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

    def _current(self) -> tuple[Directory, int]:
        """The directory and the Congress in office, refusing to join one to the other's map."""
        directory, congress = self.directory(), self.congress
        if directory.congress not in (None, congress):
            raise DirectoryOutdated(directory.congress, congress)
        return directory, congress

    def zip_table(self) -> ZipTable:
        self.directory()
        return self.store.extra("zip_table")

    def by_address(self, address: object) -> Representation:
        """Geocode a one-line address. A bare ZIP code goes to the ZIP table instead."""
        cleaned = clean_text(address, MAX_ADDRESS)
        if not cleaned:
            raise InvalidInput("Enter your street address, city and state (or ZIP code).")
        if text.ZIP_ONLY.match(cleaned):
            return self.by_zip(cleaned)
        if len(cleaned) < 5 or not re.search(r"[A-Za-z]", cleaned):
            raise InvalidInput(
                "Enter a full street address, such as 1100 Congress Ave, Austin, TX."
            )
        directory, congress = self._current()
        found = self.cache.get(cleaned, congress)
        if found is None:
            found = frozenset(self.geocoder.districts_for(cleaned, congress))
            self.cache.put(cleaned, congress, set(found))
        if not found:
            raise AddressNotFound()
        return self._represent(directory, congress, sorted(found), "address")

    def by_zip(self, zip_code: object) -> Representation:
        code = parse_zip(zip_code)
        directory, congress = self._current()
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
        """A seat the person chose: answered from the directory's own Congress."""
        directory = self.directory()
        code = state.strip().upper() if isinstance(state, str) else ""
        if code not in STATES:
            raise InvalidInput("Choose a state or territory from the list.")
        if isinstance(district, int) and not isinstance(district, bool):
            district = str(district)
        if not isinstance(district, str) or not re.fullmatch(r"[0-9]{1,2}", district.strip()):
            raise InvalidInput("Choose a district from the list.")
        number = int(district)
        if number not in self.seats(code):
            raise InvalidInput(
                f"{STATES[code]} has no district {number}: choose one from the list."
            )
        congress = directory.congress or self.congress
        return self._represent(directory, congress, [District(code, number)], "district")

    def seats(self, state: str) -> list[int]:
        """The House seats of a state: those the directory lists and any vacant ones."""
        directory = self.directory()
        known = set(directory.house_districts(state))
        if (directory.congress or self.congress) == self.zip_congress:
            known |= self.zip_table().districts_in(state)
        if state in SINGLE_SEAT:
            known.add(0)
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
