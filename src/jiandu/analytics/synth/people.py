"""People of the synthetic world as pure functions of (seed, role, index).

Nobody is kept in memory: a person's name, birth date, region and ID number are computed
from the index whenever a register needs them, so a province of millions streams to disk
in bounded memory. Indices are laid out so that two people never share an ID number, nor
the triple (name, birth date, region) that identity resolution falls back on.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from jiandu.analytics.identity.idnumber import check_character

from .vocab import GIVEN_CHARS, SURNAMES, TYPOS

MASK = (1 << 64) - 1
STRIDE = 1_000_003  # prime, larger than any factor of a key space below


def mix(*values: int) -> int:
    """A fast, well-spread, stable 64-bit hash of the values (multiply-xorshift rounds and
    a splitmix64 finalizer)."""
    x = 0x243F6A8885A308D3
    for v in values:
        x = ((x ^ v) * 0x9E3779B97F4A7C15) & MASK
        x ^= x >> 29
    x = ((x ^ (x >> 30)) * 0xBF58476D1CE4E5B9) & MASK
    x = ((x ^ (x >> 27)) * 0x94D049BB133111EB) & MASK
    return x ^ (x >> 31)


def unit(*values: int) -> float:
    """A number in [0, 1) from the values."""
    return (mix(*values) >> 11) / float(1 << 53)


# Roles own disjoint slices of the three-digit sequence code, so ID numbers never clash.
# role: (first slot, number of slots, earliest birth year, latest birth year)
ROLES: dict[str, tuple[int, int, int, int]] = {
    "official": (0, 60, 1964, 1998),
    "business": (60, 60, 1958, 1995),
    "relative": (120, 80, 1940, 2012),
    "citizen": (200, 250, 1935, 2010),
    "plant": (450, 50, 1950, 1996),
}
ROLE_SALT = {name: n + 1 for n, name in enumerate(ROLES)}


@dataclass(frozen=True)
class Person:
    person_id: str
    name: str
    id_number: str
    birth_date: dt.date
    gender: str
    region_code: str
    surname: int
    given: tuple[int, ...]


def given_names() -> list[tuple[int, ...]]:
    """Every given name (one or two characters), in a fixed order."""
    n = len(GIVEN_CHARS)
    return [(a, b) for a in range(n) for b in range(n) if a != b] + [(a,) for a in range(n)]


_GIVEN = given_names()


@lru_cache(maxsize=8)
def _epoch(year: int) -> dt.date:
    return dt.date(year, 1, 1)


def make_person(
    seed: int, role: str, index: int, regions: tuple[str, ...], person_id: str
) -> Person:
    first_slot, slots, y0, y1 = ROLES[role]
    days = (_epoch(y1 + 1) - _epoch(y0)).days
    space = len(regions) * days * slots
    k = (index * STRIDE + mix(seed, ROLE_SALT[role]) % space) % space
    key, slot = divmod(k, slots)
    region_i, day = divmod(key, days)
    born = _epoch(y0) + dt.timedelta(days=day)
    h = mix(seed, key, 7)
    gender = "M" if (h >> 3) & 1 else "F"
    surname = h % len(SURNAMES)
    # the slot varies fastest, so people sharing a birth date and region differ in name
    given = _GIVEN[(slot + first_slot + (h >> 8)) % len(_GIVEN)]
    sequence = (first_slot + slot) * 2 + (1 if gender == "M" else 0)
    region = regions[region_i]
    first17 = f"{region}{born:%Y%m%d}{sequence:03d}"
    name = SURNAMES[surname][0] + "".join(GIVEN_CHARS[g][0] for g in given)
    return Person(
        person_id=person_id,
        name=name,
        id_number=first17 + check_character(first17),
        birth_date=born,
        gender=gender,
        region_code=region,
        surname=surname,
        given=given,
    )


def romanized(p: Person, surname_first: bool, upper_surname: bool) -> str:
    surname = SURNAMES[p.surname][1]
    surname = surname.upper() if upper_surname else surname.capitalize()
    given = "".join(GIVEN_CHARS[g][1] for g in p.given).capitalize()
    return f"{surname} {given}" if surname_first else f"{given} {surname}"


def with_typo(p: Person) -> str:
    chars = list(p.name)
    for pos in range(len(chars) - 1, 0, -1):
        if chars[pos] in TYPOS:
            chars[pos] = TYPOS[chars[pos]]
            return "".join(chars)
    chars[-1] = "晓" if chars[-1] != "晓" else "小"
    return "".join(chars)


def id15(id18: str) -> str | None:
    """The 15-digit form of an 18-character number of someone born in the 1900s."""
    if id18[6:8] != "19":
        return None
    return id18[:6] + id18[8:17]
