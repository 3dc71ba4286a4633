"""Reading one compiled release the way cardinal-rs reads it.

Every accessor checks the JSON type before it uses a value: an object member that is
missing or of another type counts as absent, an array element that is not an object has
no members. Numbers are JSON numbers (never booleans).
"""

from __future__ import annotations

import re
from typing import Any

Release = dict[str, Any]

SUBMITTED_EXCLUDED = frozenset({"invited", "withdrawn"})


def obj(value: Any, key: str) -> dict[str, Any] | None:
    got = value.get(key) if isinstance(value, dict) else None
    return got if isinstance(got, dict) else None


def arr(value: Any, key: str) -> list[Any] | None:
    got = value.get(key) if isinstance(value, dict) else None
    return got if isinstance(got, list) else None


def text(value: Any, key: str) -> str | None:
    got = value.get(key) if isinstance(value, dict) else None
    return got if isinstance(got, str) else None


def number(value: Any, key: str) -> float | None:
    """A JSON number as f64 (`as_f64`), or None."""
    got = value.get(key) if isinstance(value, dict) else None
    if isinstance(got, bool) or not isinstance(got, int | float):
        return None
    try:
        return float(got)
    except OverflowError:
        return None


def is_status(value: Any, status: str) -> bool:
    return isinstance(value, dict) and value.get("status") == status


def is_cancelled(release: Release) -> bool:
    return text(obj(release, "tender"), "status") == "cancelled"


def matches_procurement_method(tender: dict[str, Any], methods: frozenset[str]) -> bool:
    if not methods:
        return True
    method = text(tender, "procurementMethod")
    return method is not None and method in methods


def matches_procurement_method_details(
    release: Release, include: frozenset[str], exclude: frozenset[str]
) -> bool:
    details = text(obj(release, "tender"), "procurementMethodDetails")
    if details is None:
        return not include
    if not include:
        return details not in exclude
    return details in include


def complete_awards_and_bids(release: Release) -> tuple[list[Any], list[Any]] | None:
    """The active awards and all bids, if every award with a status is final."""
    awards = arr(release, "awards")
    details = arr(obj(release, "bids"), "details")
    if awards is None or details is None:
        return None
    complete = []
    for award in awards:
        status = text(award, "status")
        if status is None:
            continue
        if status == "active":
            complete.append(award)
        elif status not in ("cancelled", "unsuccessful"):
            return None
    return complete, details


def submitted_bids(release: Release) -> list[dict[str, Any]]:
    """Bids whose status is set and is not invited or withdrawn."""
    details = arr(obj(release, "bids"), "details")
    if details is None:
        return []
    out = []
    for bid in details:
        status = text(bid, "status")
        if status is not None and status not in SUBMITTED_EXCLUDED:
            out.append(bid)
    return out


def single_supplier_id(award: Any) -> str | None:
    suppliers = arr(award, "suppliers")
    if suppliers is None or len(suppliers) != 1:
        return None
    return text(suppliers[0], "id")


def valid_single_tenderer_bids(details: list[Any]) -> list[tuple[str, float, str]]:
    """(tenderer id, amount, currency) of valid bids by one tenderer with a value."""
    out = []
    for bid in details:
        status = text(bid, "status")
        value = obj(bid, "value")
        amount = number(value, "amount")
        currency = text(value, "currency")
        tenderers = arr(bid, "tenderers")
        if (
            status is None
            or value is None
            or amount is None
            or currency is None
            or tenderers is None
            or len(tenderers) != 1
        ):
            continue
        tenderer_id = text(tenderers[0], "id")
        if tenderer_id is not None and status == "valid":
            out.append((tenderer_id, amount, currency))
    return out


# RFC 3339 date-times as chrono's `DateTime::parse_from_rfc3339` accepts them.
_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?"
    r"(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)
_DAYS = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


def _days_from_civil(y: int, m: int, d: int) -> int:
    y -= m <= 2
    era = (y if y >= 0 else y - 399) // 400
    yoe = y - era * 400
    doy = (153 * (m + (-3 if m > 2 else 9)) + 2) // 5 + d - 1
    doe = yoe * 365 + yoe // 4 - yoe // 100 + doy
    return era * 146097 + doe - 719468


def parse_rfc3339(value: str) -> int | None:
    """Nanoseconds since the epoch (UTC), or None if chrono would reject the text."""
    match = _RFC3339.fullmatch(value)
    if match is None:
        return None
    year, month, day, hour, minute, second = (int(match.group(i)) for i in range(1, 7))
    if not 1 <= month <= 12:
        return None
    leap = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    limit = 29 if (month == 2 and leap) else _DAYS[month - 1]
    if not 1 <= day <= limit or hour > 23 or minute > 59 or second > 60:
        return None
    fraction = match.group(7) or ""
    nanos = int((fraction + "000000000")[:9]) if fraction else 0
    if match.group(8):
        offset = 0
    else:
        oh, om = int(match.group(10)), int(match.group(11))
        if oh > 23 or om > 59:
            return None
        offset = (oh * 3600 + om * 60) * (1 if match.group(9) == "+" else -1)
    seconds = _days_from_civil(year, month, day) * 86400 + hour * 3600 + minute * 60 + second
    return (seconds - offset) * 1_000_000_000 + nanos


def _trunc_div(a: int, b: int) -> int:
    q = abs(a) // b
    return q if a >= 0 else -q


def whole_days(start_ns: int, end_ns: int) -> int:
    """chrono's `(end - start).num_days()`: truncated toward zero."""
    seconds = _trunc_div(end_ns - start_ns, 1_000_000_000)
    return _trunc_div(seconds, 86400)
