"""Administrative divisions (shipped as data), unified social credit codes (GB 32100),
the official calendar, and small formatting helpers."""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import chinese_calendar

USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)


@dataclass(frozen=True)
class Division:
    code: str
    name: str
    level: str  # province, city, county
    parent_code: str
    plate: str


@lru_cache(maxsize=1)
def divisions() -> tuple[Division, ...]:
    text = resources.files(__package__).joinpath("data/hunan_divisions.csv").read_text("utf-8")
    return tuple(Division(**row) for row in csv.DictReader(text.splitlines()))


def uscc(authority: str, category: str, region: str, number: int) -> str:
    """A valid 18-character code: authority and category, region, organization code
    (8 digits + GB 11714 check character) and the GB 32100 check character."""
    digits = f"{number % 100_000_000:08d}"
    total = sum(int(c) * w for c, w in zip(digits, _ORG_WEIGHTS, strict=True))
    check = 11 - total % 11
    org_code = digits + ("X" if check == 10 else "0" if check == 11 else str(check))
    first17 = authority + category + region + org_code
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return first17 + USCC_CHARS[(31 - total % 31) % 31]


@lru_cache(maxsize=4096)
def is_workday(day: dt.date) -> bool:
    """The official calendar (holidays and adjusted working weekends)."""
    return bool(chinese_calendar.is_workday(day))


def money(value: float) -> str:
    return f"{value:.2f}"


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def month_end(year: int, month: int) -> dt.date:
    nxt = dt.date(year + (month == 12), month % 12 + 1, 1)
    return nxt - dt.timedelta(days=1)


def add_months(year: int, month: int, n: int) -> tuple[int, int]:
    k = year * 12 + month - 1 + n
    return k // 12, k % 12 + 1
