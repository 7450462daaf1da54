"""Why a person's members could not be found. Each failure has a code (for the API and the
logs), an HTTP status and the key of its message; templates word the messages."""

from __future__ import annotations

from typing import Any


class LookupFailed(Exception):
    """The base of every lookup failure. `key` and `params` say what the message is about;
    `place` says where a form shows it: next to what was typed ("input"), on the ZIP code
    field ("zip"), or above the form (None)."""

    code = "lookup_failed"
    status = 400
    place: str | None = None

    def __init__(self, key: str | None = None, /, **params: Any) -> None:
        self.key = key or self.code
        self.params = params
        super().__init__(self.key)

    @property
    def form_status(self) -> int:
        """A form shown again with the message: 422 when the person can fix it."""
        return 422 if self.status < 500 else self.status


class InvalidInput(LookupFailed):
    """What the person typed can't be used (an empty address, a ZIP code we don't know)."""

    code, status, place = "invalid_input", 400, "input"


class AddressNotFound(LookupFailed):
    """The geocoder found no district for this address."""

    code, status, place = "address_not_found", 404, "input"


class GeocoderFailed(LookupFailed):
    """The geocoder failed, timed out or answered with something we can't trust. The detail
    is for the log: it never holds the address."""

    code, status = "geocoder_unavailable", 503

    def __init__(self, detail: str) -> None:
        super().__init__()
        self.args = (detail,)


class DataMissing(LookupFailed):
    """No directory has been synced yet."""

    code, status = "no_data", 503


class DirectoryOutdated(LookupFailed):
    """The directory lists the members of another Congress than the one in office."""

    code, status = "data_outdated", 503

    def __init__(self, listed: int, in_office: int) -> None:
        super().__init__(listed=listed, in_office=in_office)
        self.listed, self.in_office = listed, in_office
        self.args = (f"directory lists the {listed}th Congress; the {in_office}th sits",)


class ZipTableOutdated(LookupFailed):
    """The ZIP table describes another Congress's districts than the one in office."""

    code, status, place = "zip_outdated", 422, "zip"


class Ambiguous(LookupFailed):
    """A place that matches several districts where one is needed (`source`: zip or address);
    a street address tells them apart."""

    code, status, place = "ambiguous", 409, "address"
