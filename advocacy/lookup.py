"""Who represents a person: from an address, a ZIP code or a chosen district to members."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from . import text
from .clock import Clock
from .directory import Directory
from .districts import DistrictCache, DistrictLookup, ZipNotFound, target_congress
from .failures import (
    AddressNotFound,
    DataMissing,
    DirectoryOutdated,
    InvalidInput,
    ZipTableOutdated,
)
from .geography import SINGLE_SEAT, STATES, District
from .recipients import Recipient
from .release import Release, ReleaseStore

MAX_ADDRESS = 200


@dataclass(frozen=True)
class Representation:
    """The members who represent one place (or, for a split ZIP, every candidate place)."""

    congress: int
    release: Release
    districts: tuple[District, ...]
    members: tuple[Recipient, ...]
    vacancies: tuple[District, ...]
    source: str  # address, zip or district

    @property
    def ambiguous(self) -> bool:
        return len(self.districts) > 1

    @property
    def directory(self) -> Directory:
        return self.release.directory

    @property
    def as_of(self) -> date:
        return self.release.as_of

    def representative(self, district: District) -> Recipient | None:
        return self.directory.representative(district.state, district.number)


def clean_text(value: object, limit: int) -> str:
    """Strip control characters and surrounding space; refuse text over `limit` characters."""
    if not isinstance(value, str):
        raise InvalidInput("not_text")
    cleaned = text.one_line(value)
    if len(cleaned) > limit:
        raise InvalidInput("too_long", limit=limit)
    return cleaned


def parse_zip(value: object) -> str:
    if not isinstance(value, str):
        raise InvalidInput("zip_not_text")
    found = text.zip_code(value)
    if found is None:
        raise InvalidInput("zip_format")
    return found


class Lookup:
    """Finds districts and members; the one place that knows the order of the fallbacks."""

    def __init__(
        self,
        releases: ReleaseStore,
        geocoder: DistrictLookup,
        cache: DistrictCache,
        clock: Clock,
        *,
        congress: int | str | None = None,
        zip_congress: int = 119,
    ) -> None:
        self.releases = releases
        self.geocoder = geocoder
        self.cache = cache
        self.clock = clock
        self.congress_override = congress
        self.zip_congress = zip_congress

    @property
    def congress(self) -> int:
        return target_congress(self.clock.today(), self.congress_override)

    def release(self, release_id: str | None = None) -> Release:
        """The current release; with an id, that release if this instance still has it."""
        found = self.releases.get(release_id) if release_id else None
        found = found or self.releases.current()
        if found is None:
            raise DataMissing()
        return found

    def directory(self) -> Directory:
        return self.release().directory

    def _current(self) -> tuple[Release, int]:
        """The release and the Congress in office, refusing to join one to the other's map."""
        release, congress = self.release(), self.congress
        if release.directory.congress not in (None, congress):
            raise DirectoryOutdated(release.directory.congress, congress)
        return release, congress

    def by_address(self, address: object) -> Representation:
        """Geocode a one-line address. A bare ZIP code goes to the ZIP table instead."""
        cleaned = clean_text(address, MAX_ADDRESS)
        if not cleaned:
            raise InvalidInput("enter_address")
        if text.ZIP_ONLY.match(cleaned):
            return self.by_zip(cleaned)
        if len(cleaned) < 5 or not re.search(r"[A-Za-z]", cleaned):
            raise InvalidInput("full_address")
        release, congress = self._current()
        found = self.cache.get(cleaned, congress)
        if found is None:
            found = frozenset(self.geocoder.districts_for(cleaned, congress))
            self.cache.put(cleaned, congress, set(found))
        if not found:
            raise AddressNotFound()
        return self._represent(release, congress, sorted(found), "address")

    def by_zip(self, zip_code: object) -> Representation:
        code = parse_zip(zip_code)
        release, congress = self._current()
        if congress != self.zip_congress:
            raise ZipTableOutdated()
        try:
            found = release.zip_table.districts_for(code)
        except ZipNotFound:
            raise InvalidInput("unknown_zip", zip=code) from None
        return self._represent(release, congress, list(found), "zip")

    def by_district(
        self, state: object, district: object, release_id: str | None = None
    ) -> Representation:
        """A seat the person chose: answered from the directory's own Congress (from the
        release `release_id` when this instance still has it, for a visit that began on it)."""
        release = self.release(release_id)
        code = state.strip().upper() if isinstance(state, str) else ""
        if code not in STATES:
            raise InvalidInput("choose_state")
        if isinstance(district, int) and not isinstance(district, bool):
            district = str(district)
        if not isinstance(district, str) or not re.fullmatch(r"[0-9]{1,2}", district.strip()):
            raise InvalidInput("choose_district")
        number = int(district)
        if number not in self.seats(code, release):
            raise InvalidInput("no_such_district", state=code, number=number)
        congress = release.directory.congress or self.congress
        return self._represent(release, congress, [District(code, number)], "district")

    def seats(self, state: str, release: Release | None = None) -> list[int]:
        """The House seats of a state: those the directory lists and any vacant ones."""
        release = release or self.release()
        known = set(release.directory.house_districts(state))
        if (release.directory.congress or self.congress) == self.zip_congress:
            known |= release.zip_table.districts_in(state)
        if state in SINGLE_SEAT:
            known.add(0)
        return sorted(known)

    def _represent(
        self, release: Release, congress: int, found: list[District], source: str
    ) -> Representation:
        directory = release.directory
        members: list[Recipient] = []
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
            release=release,
            districts=tuple(found),
            members=tuple(members),
            vacancies=tuple(vacancies),
            source=source,
        )
