"""Unified social credit codes of GB 32100-2015.

Eighteen characters from the 31 of `CHARSET` (digits and upper-case letters without
I, O, S, V, Z): registration authority (1), organization type (1), administrative
division (6), organization code (9) and a check character computed with the weights of
`_WEIGHTS` modulo 31.
"""

from __future__ import annotations

import unicodedata

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_VALUE = {c: i for i, c in enumerate(CHARSET)}
_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class UsccError(ValueError):
    """Not a valid credit code; `code` is length, characters or checksum."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


def clean(text: str) -> str:
    """Full-width to half-width, whitespace dropped, upper-cased."""
    return "".join(unicodedata.normalize("NFKC", text).split()).upper()


def check_character(first17: str) -> str:
    total = sum(_VALUE[c] * w for c, w in zip(first17, _WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def parse(text: str) -> str:
    """The normalized code, or UsccError saying why it is not one."""
    value = clean(text)
    if len(value) != 18:
        raise UsccError("length", f"a credit code has 18 characters, not {len(value)}")
    if any(c not in _VALUE for c in value):
        raise UsccError("characters", "a credit code uses digits and letters other than I O S V Z")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise UsccError("checksum", f"check character is {value[17]}, expected {expected}")
    return value


def is_valid(text: str) -> bool:
    try:
        parse(text)
    except UsccError:
        return False
    return True
