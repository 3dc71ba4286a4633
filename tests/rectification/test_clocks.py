"""The clocks on the official working-day calendar: report due = feedback + months
(setting); a deadline on a holiday moves to the next working day; overdue after that."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.core.workdays import Calendar
from jiandu.rectification import clocks, statistics
from jiandu.rectification.models import Task

from .conftest import Rect, approved, task

CAL = Calendar()
NATIONAL_DAY = dt.date(2026, 10, 1)  # the 2026 National Day holiday: 1-7 October


def test_report_due_follows_the_setting(settings: Any) -> None:
    assert clocks.report_due(dt.date(2026, 3, 26)) == dt.date(2026, 5, 26)
    settings.JIANDU = {**settings.JIANDU, "RECTIFICATION_MONTHS": 3}
    assert clocks.report_due(dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)


def test_deadline_on_a_holiday_moves_to_the_next_working_day() -> None:
    assert not CAL.is_workday(NATIONAL_DAY)
    due = clocks.effective_due(NATIONAL_DAY, CAL)
    assert due == dt.date(2026, 10, 8)
    # Not overdue during the holiday nor on the first working day after it...
    for today in (dt.date(2026, 10, 5), dt.date(2026, 10, 8)):
        assert not clocks.is_overdue(NATIONAL_DAY, today=today, cal=CAL)
    # ...overdue the day after, by one working day.
    clock = clocks.clock(NATIONAL_DAY, today=dt.date(2026, 10, 9), cal=CAL)
    assert clock.overdue and clock.workdays_left == -1
    assert not clock.provisional


def test_overrides_of_the_deployment_win() -> None:
    extra = Calendar({dt.date(2026, 10, 8): False})
    assert clocks.effective_due(NATIONAL_DAY, extra) == dt.date(2026, 10, 9)


def test_unknown_year_is_provisional() -> None:
    clock = clocks.clock(dt.date(2030, 5, 6), today=dt.date(2030, 5, 1), cal=CAL)
    assert clock.provisional and clock.workdays_left == 3


@pytest.mark.django_db
def test_overdue_tasks_across_a_holiday(rect: Rect) -> None:
    problem = rect.plan.problems.order_by("number").first()
    assert problem is not None
    holiday = task(rect, problem, deadline=NATIONAL_DAY)
    plain = task(rect, problem, deadline=dt.date(2026, 9, 29))
    approved(rect)
    tasks = Task.objects.filter(problem=problem)
    during = statistics.overdue_tasks(tasks, today=dt.date(2026, 10, 8), cal=CAL)
    assert {t.pk for t in during} == {plain.pk}
    after = statistics.overdue_tasks(tasks, today=dt.date(2026, 10, 9), cal=CAL)
    assert {t.pk for t in after} == {plain.pk, holiday.pk}
