"""The official working-day calendar of the PRC, with no Django import (the analytics
half uses it too).

The State Council announces each year's public holidays and the weekend days made
working days ("调休") in the previous autumn. `chinese_calendar` ships those
announcements; a deployment adds or corrects days through overrides (on the workflow
side, the `CalendarDay` table), which always win. For a year nobody has announced yet,
Monday to Friday are working days and `known(year)` is false, so pages can say that the
clock is provisional.
"""

from __future__ import annotations

import calendar as _calendar
import datetime as dt
from collections.abc import Iterator, Mapping

import chinese_calendar

ONE_DAY = dt.timedelta(days=1)


def _official(day: dt.date) -> bool | None:
    """The announced status of `day`, or None when the year is not covered."""
    try:
        return bool(chinese_calendar.is_workday(day))
    except NotImplementedError:
        return None


class Calendar:
    """Working days with optional overrides (date -> is a working day)."""

    def __init__(self, overrides: Mapping[dt.date, bool] | None = None) -> None:
        self.overrides: dict[dt.date, bool] = dict(overrides or {})

    def known(self, year: int) -> bool:
        """Whether the official calendar of `year` is known (announced or overridden)."""
        if any(day.year == year for day in self.overrides):
            return True
        return _official(dt.date(year, 6, 1)) is not None

    def is_workday(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        official = _official(day)
        if official is None:
            return day.weekday() < 5
        return official

    def is_holiday(self, day: dt.date) -> bool:
        """A non-working day: a weekend day not made a working day, or a public holiday."""
        return not self.is_workday(day)

    def workdays(self, start: dt.date, end: dt.date) -> Iterator[dt.date]:
        """Working days in [start, end]."""
        day = start
        while day <= end:
            if self.is_workday(day):
                yield day
            day += ONE_DAY

    def add_workdays(self, start: dt.date, count: int) -> dt.date:
        """The `count`-th working day after `start` (the day of `start` itself is not
        counted, as for "reply within 15 working days of receipt"). count >= 0."""
        if count < 0:
            raise ValueError("count must be >= 0")
        day = start
        while count:
            day += ONE_DAY
            if self.is_workday(day):
                count -= 1
        return day

    def workdays_left(self, today: dt.date, due: dt.date) -> int:
        """Working days from `today` (excluded) to `due` (included); negative when
        overdue, counting the working days since `due`."""
        if due >= today:
            return sum(1 for _ in self.workdays(today + ONE_DAY, due))
        return -sum(1 for _ in self.workdays(due + ONE_DAY, today))


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day `months` later; the end of a shorter month clamps (31 Jan + 1 = 28/29 Feb)."""
    month0 = day.month - 1 + months
    year, month = day.year + month0 // 12, month0 % 12 + 1
    return dt.date(year, month, min(day.day, _calendar.monthrange(year, month)[1]))


DEFAULT = Calendar()
