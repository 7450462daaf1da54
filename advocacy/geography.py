"""US geography the app needs: states and territories, their FIPS codes, single seats, zones."""

from __future__ import annotations

import re
from dataclasses import dataclass

from . import text

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
# Areas whose only member is a non-voting delegate (Puerto Rico's is the Resident Commissioner).
DELEGATE_AREAS = frozenset({"DC", "GU", "VI", "AS", "MP"})
# Places with one House seat under the 2020 apportionment (district 0 in the directory).
SINGLE_SEAT = frozenset({"AK", "DE", "ND", "SD", "VT", "WY"}) | DELEGATE_AREAS | {"PR"}
HAS_SENATORS = frozenset(STATES) - DELEGATE_AREAS - {"PR"}

FIPS = {
    "01": "AL", "02": "AK", "04": "AZ", "05": "AR", "06": "CA", "08": "CO", "09": "CT",
    "10": "DE", "11": "DC", "12": "FL", "13": "GA", "15": "HI", "16": "ID", "17": "IL",
    "18": "IN", "19": "IA", "20": "KS", "21": "KY", "22": "LA", "23": "ME", "24": "MD",
    "25": "MA", "26": "MI", "27": "MN", "28": "MS", "29": "MO", "30": "MT", "31": "NE",
    "32": "NV", "33": "NH", "34": "NJ", "35": "NM", "36": "NY", "37": "NC", "38": "ND",
    "39": "OH", "40": "OK", "41": "OR", "42": "PA", "44": "RI", "45": "SC", "46": "SD",
    "47": "TN", "48": "TX", "49": "UT", "50": "VT", "51": "VA", "53": "WA", "54": "WV",
    "55": "WI", "56": "WY", "60": "AS", "66": "GU", "69": "MP", "72": "PR", "78": "VI",
}  # fmt: skip
_STATE_NAMES = {name.upper(): code for code, name in STATES.items()} | {
    "VIRGIN ISLANDS": "VI", "US VIRGIN ISLANDS": "VI", "USVI": "VI", "CNMI": "MP",
    "NORTHERN MARIANAS": "MP", "SAIPAN": "MP", "WASHINGTON DC": "DC", "D.C.": "DC",
}  # fmt: skip

# Washington offices keep Eastern business hours; district and state offices keep their
# state's. A state split between zones is given the zone most of its people live in.
EASTERN = "America/New_York"
STATE_ZONES = {
    "AL": "America/Chicago", "AK": "America/Anchorage", "AZ": "America/Phoenix",
    "AR": "America/Chicago", "CA": "America/Los_Angeles", "CO": "America/Denver",
    "CT": EASTERN, "DE": EASTERN, "DC": EASTERN, "FL": EASTERN, "GA": EASTERN,
    "HI": "Pacific/Honolulu", "ID": "America/Boise", "IL": "America/Chicago",
    "IN": "America/Indiana/Indianapolis", "IA": "America/Chicago", "KS": "America/Chicago",
    "KY": EASTERN, "LA": "America/Chicago", "ME": EASTERN, "MD": EASTERN, "MA": EASTERN,
    "MI": "America/Detroit", "MN": "America/Chicago", "MS": "America/Chicago",
    "MO": "America/Chicago", "MT": "America/Denver", "NE": "America/Chicago",
    "NV": "America/Los_Angeles", "NH": EASTERN, "NJ": EASTERN, "NM": "America/Denver",
    "NY": EASTERN, "NC": EASTERN, "ND": "America/Chicago", "OH": EASTERN,
    "OK": "America/Chicago", "OR": "America/Los_Angeles", "PA": EASTERN, "RI": EASTERN,
    "SC": EASTERN, "SD": "America/Chicago", "TN": "America/Chicago", "TX": "America/Chicago",
    "UT": "America/Denver", "VT": EASTERN, "VA": EASTERN, "WA": "America/Los_Angeles",
    "WV": EASTERN, "WI": "America/Chicago", "WY": "America/Denver",
    "PR": "America/Puerto_Rico", "VI": "America/St_Thomas", "GU": "Pacific/Guam",
    "MP": "Pacific/Saipan", "AS": "Pacific/Pago_Pago",
}  # fmt: skip


@dataclass(frozen=True, order=True)
class District:
    """A House seat: a state's USPS code and its number, 0 for the only seat of a place."""

    state: str
    number: int


def zone_of(state: str) -> str:
    """The time zone of a state's offices (Eastern for a place we don't know)."""
    return STATE_ZONES.get(state, EASTERN)


def seat_label(state: str, district: int) -> str:
    """Name a House seat as a person would: TX-37, Wyoming (at large), Puerto Rico."""
    if state in DELEGATE_AREAS or state == "PR":
        return STATES[state]
    if district == 0:
        return f"{STATES.get(state, state)} (at large)"
    return f"{state}-{district}"


def island_area_for_zip(zip_code: str) -> str | None:
    """USPS ZIP codes of the Island Areas, which the Census address ranges don't cover."""
    z = int(zip_code[:5])
    if z == 96799:
        return "AS"
    if 96910 <= z <= 96932:
        return "GU"
    if 96950 <= z <= 96952:
        return "MP"
    if zip_code.startswith("008"):
        return "VI"
    return None


def single_seat_state(address: str) -> str | None:
    """The single-seat state or territory an address ends with, if any (for a no-match answer)."""
    zip_code = text.trailing_zip(address)
    if zip_code:
        island = island_area_for_zip(zip_code)
        if island:
            return island
    parts = [p.strip() for p in re.split(r"[,\n]", address) if p.strip()]
    last = text.ZIP.sub("", parts[-1]).strip(" .").upper() if parts else ""
    words = last.split()
    if words and words[-1] in STATES:
        code = words[-1]  # "Cheyenne, WY" or "…, Cheyenne WY 82001"
    elif len(parts) >= 3 and last in _STATE_NAMES:
        code = _STATE_NAMES[last]  # "…, Cheyenne, Wyoming": a name alone could be a city
    else:
        return None
    return code if code in SINGLE_SEAT else None
