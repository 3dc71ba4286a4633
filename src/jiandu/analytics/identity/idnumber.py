"""Resident identity numbers of GB 11643-1999.

An 18-character number is six digits of administrative division, eight of birth date
(YYYYMMDD), three of sequence (odd for men, even for women) and a check character
computed with ISO 7064 MOD 11-2. The older 15-digit form has a two-digit year and no
check character; it converts to 18 characters by inserting "19" and computing one.
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"


class IdNumberError(ValueError):
    """The text is not a valid resident identity number. `code` says why, for callers
    that word the reason themselves (length, characters, date, range, checksum);
    `params` holds the values the reason names."""

    def __init__(self, code: str, message: str, **params: object) -> None:
        super().__init__(message)
        self.code = code
        self.params = params


@dataclass(frozen=True)
class IdNumber:
    value: str  # 18 characters, upper-case X

    @property
    def region_code(self) -> str:
        return self.value[:6]

    @property
    def birth_date(self) -> dt.date:
        return dt.date(int(self.value[6:10]), int(self.value[10:12]), int(self.value[12:14]))

    @property
    def gender(self) -> str:
        """ "M" or "F", from the parity of the sequence code."""
        return "M" if int(self.value[16]) % 2 else "F"


def check_character(first17: str) -> str:
    total = sum(int(c) * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def clean(text: str) -> str:
    """Full-width characters to half-width, spaces dropped, x upper-cased."""
    return unicodedata.normalize("NFKC", text).replace(" ", "").strip().upper()


def _is_digits(text: str) -> bool:
    """ASCII digits only: str.isdigit() also accepts other scripts' digits (e.g. "١")."""
    return text.isascii() and text.isdigit()


def _birth_date(digits: str) -> dt.date:
    try:
        return dt.date(int(digits[:4]), int(digits[4:6]), int(digits[6:8]))
    except ValueError:
        raise IdNumberError(
            "date", f"birth date {digits} is not a calendar date", date=digits
        ) from None


def parse(text: str) -> IdNumber:
    """Normalize and validate; 15-digit numbers are converted to 18 characters."""
    value = clean(text)
    if len(value) == 15:
        if not _is_digits(value):
            raise IdNumberError("characters", "a 15-character ID number must be all digits")
        first17 = value[:6] + "19" + value[6:]
        _birth_date(first17[6:14])
        return IdNumber(first17 + check_character(first17))
    if len(value) != 18:
        raise IdNumberError(
            "length", f"an ID number has 18 characters (or 15), not {len(value)}", length=len(value)
        )
    if not _is_digits(value[:17]) or not (_is_digits(value[17]) or value[17] == "X"):
        raise IdNumberError("characters", "an ID number is 17 digits and a digit or X")
    born = _birth_date(value[6:14])
    if born.year < 1850 or born > dt.date.today():
        raise IdNumberError(
            "range", f"birth date {born.isoformat()} is out of range", date=born.isoformat()
        )
    expected = check_character(value[:17])
    if value[17] != expected:
        raise IdNumberError(
            "checksum",
            f"check character is {value[17]}, expected {expected}",
            found=value[17],
            expected=expected,
        )
    return IdNumber(value)


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except IdNumberError:
        return False
    return True
