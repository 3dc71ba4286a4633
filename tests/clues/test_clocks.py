"""The clocks on the official calendar across 2026's Mid-Autumn and National Day holidays:
25 September and 1-7 October are holidays; Sunday 20 September and Saturday 10 October are
working days."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from jiandu.clues import clocks, services
from jiandu.clues.models import Clue
from jiandu.clues.services import disposal
from jiandu.core.calendar import set_day
from jiandu.core.workdays import Calendar

from .conftest import People

CAL = Calendar()
D = dt.date


def test_the_official_calendar_of_national_day_2026() -> None:
    assert CAL.is_workday(D(2026, 9, 20)) and CAL.is_workday(D(2026, 10, 10))
    assert not any(CAL.is_workday(D(2026, 10, d)) for d in range(1, 8))
    assert not CAL.is_workday(D(2026, 9, 25))


@pytest.mark.parametrize(
    ("received", "due"),
    [
        (D(2026, 8, 31), D(2026, 9, 30)),  # an ordinary Wednesday
        (D(2026, 9, 1), D(2026, 10, 8)),  # 1 October is a holiday: the next working day
        (D(2026, 9, 5), D(2026, 10, 8)),  # 5 October too
        (D(2026, 9, 10), D(2026, 10, 10)),  # Saturday 10 October is a working day
        (D(2026, 9, 11), D(2026, 10, 12)),  # Sunday 11 October is not
    ],
)
def test_disposal_due_one_month_after_receipt(received: dt.date, due: dt.date) -> None:
    assert clocks.disposal_due(CAL, received) == due


@pytest.mark.parametrize(
    ("issued", "due"),
    [
        # 29, 30 Sep; 8, 9, 10 (Sat), 12-16 Oct; 19-23 Oct: the 15th is Friday 23 October.
        (D(2026, 9, 28), D(2026, 10, 23)),
        # Issued Saturday 19 Sep: Sunday 20 Sep counts, 25 Sep and 1-7 Oct do not:
        # 20-24 Sep (5), 28-30 Sep (8), 8-10 Oct (11), 12-15 Oct (15).
        (D(2026, 9, 19), D(2026, 10, 15)),
        (D(2026, 9, 30), D(2026, 10, 27)),
    ],
)
def test_written_reply_due_in_fifteen_working_days(issued: dt.date, due: dt.date) -> None:
    assert clocks.reply_due(CAL, issued) == due


def test_days_left_count_working_days_only() -> None:
    # From 30 September to 10 October: 8, 9 and 10 October.
    assert CAL.workdays_left(D(2026, 9, 30), D(2026, 10, 10)) == 3
    # Overdue: 10 October due, 14 October today: 12, 13, 14 October.
    assert CAL.workdays_left(D(2026, 10, 14), D(2026, 10, 10)) == -3


def test_transfer_feedback_due_three_months_after(people: People, register: Any) -> None:
    assert clocks.feedback_due(CAL, D(2026, 7, 1)) == D(2026, 10, 8)
    assert clocks.feedback_due(CAL, D(2026, 7, 10)) == D(2026, 10, 10)


@pytest.mark.django_db
def test_a_deployment_override_moves_the_clock(people: People, register: Any) -> None:
    # The deployment declares 8 October a holiday: the due date moves to the 9th.
    set_day(actor=None, date=D(2026, 10, 8), is_workday=False, note="local")
    clue = register(received_date=D(2026, 9, 1))
    assert clue.disposal_due == D(2026, 10, 9)


@pytest.mark.django_db
def test_the_approved_inquiry_starts_the_reply_clock_over_the_holiday(
    people: People, register: Any, monkeypatch: Any
) -> None:
    clue = register(received_date=D(2026, 9, 14))
    assert clue.disposal_due == D(2026, 10, 14)
    monkeypatch.setattr(disposal, "_today", lambda: D(2026, 9, 28))
    services.propose_disposal(
        actor=people.officer,
        clue=clue,
        way="inquiry",
        inquiry_kind="written",
        reason="函询",
        approver=people.approver,
    )
    services.decide_disposal(actor=people.approver, clue=clue, approve=True)
    clue.refresh_from_db()
    assert clue.reply_due == D(2026, 10, 23)
    [clock] = clocks.running(clue, CAL, D(2026, 9, 30))
    assert (clock.kind, clock.days_left, clock.overdue) == ("reply", 13, False)
    [clock] = clocks.running(clue, CAL, D(2026, 10, 27))
    assert (clock.days_left, clock.overdue) == (-2, True)


@pytest.mark.django_db
def test_overdue_disposals_surface_on_the_dashboard(people: People, register: Any) -> None:
    from jiandu.clues import selectors

    old = register(received_date=D(2026, 1, 5))
    register(received_date=D(2026, 2, 2))
    items = selectors.due_items(people.officer)
    assert items[0].clue == old and items[0].clock.overdue
    assert selectors.due_items(people.stranger) == []
    assert selectors.due_items(people.admin) == []
    assert Clue.objects.count() == 2
