"""The working-day calendar as the workflow half sees it: the official calendar plus
the deployment's overrides from `CalendarDay`. Every clock (rectification deadlines,
clue disposal, inquiry replies) asks `current()`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction

from .models import CalendarDay
from .workdays import Calendar


def current() -> Calendar:
    """The calendar with every override (one small query)."""
    return Calendar(dict(CalendarDay.objects.values_list("date", "is_workday")))


def set_day(*, actor: Any, date: dt.date, is_workday: bool, note: str = "") -> CalendarDay:
    """Record (or correct) the status of one day. Operators do this from the command
    line (`jiandu calendar set`) after the State Council's annual announcement."""
    from jiandu.audit.services import record

    with transaction.atomic():
        day, created = CalendarDay.objects.update_or_create(
            date=date, defaults={"is_workday": is_workday, "note": note[:200]}
        )
        record(
            actor=actor,
            action="calendar.set",
            target=day,
            changes={"is_workday": [None if created else not is_workday, is_workday], "note": note},
        )
    return day


def clear_day(*, actor: Any, date: dt.date) -> bool:
    from jiandu.audit.services import record

    with transaction.atomic():
        day = CalendarDay.objects.filter(date=date).first()
        if day is None:
            return False
        record(actor=actor, action="calendar.clear", target=day)
        day.delete()
    return True
