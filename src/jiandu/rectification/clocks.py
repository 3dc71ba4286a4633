"""The clocks of rectification, on the official working-day calendar
(`jiandu.core.calendar.current()`: chinese-calendar plus the deployment's overrides).

- The rectification report is due `RECTIFICATION_MONTHS` (a setting, 2) months after the
  one-to-one feedback date.
- A deadline that falls on a non-working day moves to the next working day, as official
  time limits do; a task is overdue from the first working day after that.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone

from jiandu.core import calendar
from jiandu.core.workdays import Calendar, add_months


def report_due(feedback_date: dt.date) -> dt.date:
    return add_months(feedback_date, int(settings.JIANDU["RECTIFICATION_MONTHS"]))


def effective_due(deadline: dt.date, cal: Calendar) -> dt.date:
    """The deadline itself when a working day, else the next working day."""
    day = deadline
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


@dataclass(frozen=True)
class Clock:
    due: dt.date  # the effective due date (a working day)
    workdays_left: int  # negative: working days overdue
    provisional: bool  # the official calendar of the due year is not yet announced

    @property
    def overdue(self) -> bool:
        return self.workdays_left < 0

    @property
    def overdue_days(self) -> int:
        return max(0, -self.workdays_left)


def clock(deadline: dt.date, *, today: dt.date | None = None, cal: Calendar | None = None) -> Clock:
    cal = cal or calendar.current()
    today = today or timezone.localdate()
    due = effective_due(deadline, cal)
    return Clock(
        due=due, workdays_left=cal.workdays_left(today, due), provisional=not cal.known(due.year)
    )


def is_overdue(
    deadline: dt.date, *, today: dt.date | None = None, cal: Calendar | None = None
) -> bool:
    cal = cal or calendar.current()
    today = today or timezone.localdate()
    return today > effective_due(deadline, cal)
