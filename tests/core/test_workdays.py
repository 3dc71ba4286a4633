import datetime as dt

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from jiandu.core.workdays import Calendar, add_months

D = dt.date
CAL = Calendar()


@pytest.mark.parametrize(
    ("day", "working"),
    [
        (D(2026, 10, 1), False),  # National Day
        (D(2026, 10, 7), False),
        (D(2026, 10, 8), True),
        (D(2026, 10, 10), True),  # Saturday made a working day
        (D(2026, 9, 20), True),  # Sunday made a working day
        (D(2026, 9, 27), False),  # ordinary Sunday
        (D(2026, 9, 25), False),  # Mid-Autumn Festival
        (D(2026, 11, 23), True),
    ],
)
def test_official_2026(day: dt.date, working: bool) -> None:
    assert CAL.is_workday(day) is working


def test_add_workdays_across_national_day() -> None:
    # Fri 25 Sep is a holiday; 28-30 Sep count; 1-7 Oct do not; 8, 9 Oct count.
    assert CAL.add_workdays(D(2026, 9, 24), 5) == D(2026, 10, 9)
    # 15 working days from Mon 28 Sep 2026: 29, 30 Sep, 8, 9, Sat 10, 12-16, 19-23 Oct.
    assert CAL.add_workdays(D(2026, 9, 28), 15) == D(2026, 10, 23)
    assert CAL.add_workdays(D(2026, 9, 28), 0) == D(2026, 9, 28)


def test_days_left_and_overdue() -> None:
    assert CAL.workdays_left(D(2026, 9, 30), D(2026, 10, 12)) == 4
    assert CAL.workdays_left(D(2026, 10, 12), D(2026, 9, 30)) == -4
    assert CAL.workdays_left(D(2026, 10, 12), D(2026, 10, 12)) == 0


def test_unknown_year_falls_back_to_weekdays_and_overrides_win() -> None:
    assert not CAL.known(2099)
    assert CAL.is_workday(D(2099, 1, 5)) and not CAL.is_workday(D(2099, 1, 3))
    cal = Calendar({D(2099, 1, 3): True, D(2026, 10, 8): False})
    assert cal.known(2099) and cal.is_workday(D(2099, 1, 3))
    assert not cal.is_workday(D(2026, 10, 8))


@given(st.dates(D(2020, 1, 1), D(2030, 12, 31)), st.integers(0, 40))
def test_add_workdays_lands_on_a_workday_with_exact_count(start: dt.date, n: int) -> None:
    end = CAL.add_workdays(start, n)
    assert end >= start
    if n:
        assert CAL.is_workday(end)
    assert CAL.workdays_left(start, end) == n


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (D(2026, 1, 31), 1, D(2026, 2, 28)),
        (D(2026, 11, 30), 2, D(2027, 1, 30)),
        (D(2024, 12, 31), 2, D(2025, 2, 28)),
        (D(2026, 3, 15), -3, D(2025, 12, 15)),
    ],
)
def test_add_months(day: dt.date, months: int, expected: dt.date) -> None:
    assert add_months(day, months) == expected


@pytest.mark.django_db
def test_overrides_from_the_database_and_the_cli() -> None:
    from jiandu.audit.models import AuditEvent
    from jiandu.cli import main
    from jiandu.core.calendar import current

    runner = CliRunner()
    result = runner.invoke(main, ["calendar", "set", "2026-10-08", "--holiday", "--note", "local"])
    assert result.exit_code == 0, result.output
    assert not current().is_workday(D(2026, 10, 8))
    assert AuditEvent.objects.filter(action="calendar.set").count() == 1
    shown = runner.invoke(main, ["calendar", "show", "2026"])
    assert "2026-10-08 Thu  holiday [override]" in shown.output
    assert runner.invoke(main, ["calendar", "clear", "2026-10-08"]).exit_code == 0
    assert current().is_workday(D(2026, 10, 8))
    assert runner.invoke(main, ["calendar", "clear", "2026-10-08"]).exit_code != 0
