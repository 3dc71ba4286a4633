"""Reconciliation: counts by state and by way add up to the total received; gaps and
inconsistent rows are listed; the Excel report says the same."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from openpyxl import load_workbook

from jiandu.clues import reconciliation, services
from jiandu.clues.models import Clue
from jiandu.core.errors import PermissionDenied

from .conftest import People

pytestmark = pytest.mark.django_db
YEAR = (dt.date(2026, 1, 1), dt.date(2026, 12, 31))


def _ledger(people: People, register: Any) -> list[Clue]:
    clues = [register() for _ in range(6)]
    for clue, way in zip(clues[:4], ["inquiry", "check", "hold", "close"], strict=True):
        services.propose_disposal(
            actor=people.officer,
            clue=clue,
            way=way,
            inquiry_kind="talk" if way == "inquiry" else "",
            reason="理由",
            approver=people.approver,
        )
        services.decide_disposal(actor=people.approver, clue=clue, approve=True)
    services.propose_disposal(
        actor=people.officer, clue=clues[4], way="check", reason="理由", approver=people.approver
    )
    register(received_date=dt.date(2025, 12, 1))  # outside the period
    return clues


def test_counts_add_up_to_the_total(people: People, register: Any) -> None:
    _ledger(people, register)
    report = reconciliation.reconcile(people.officer, start=YEAR[0], end=YEAR[1])
    assert report.total == 6
    assert report.by_state == {
        "registered": 1,
        "proposed": 1,
        "inquiry": 1,
        "checking": 1,
        "held": 1,
        "transferred": 0,
        "closed": 1,
    }
    assert report.by_way == {
        "pending": 2,
        "inquiry": 1,
        "check": 1,
        "hold": 1,
        "close": 1,
        "transfer": 0,
    }
    assert report.state_sum == report.way_sum == report.total
    assert report.balanced and report.discrepancies == []


def test_discrepancies_are_listed(people: People, register: Any) -> None:
    clues = _ledger(people, register)
    # Behind the application's back: a row removed, a state changed without its way.
    Clue.objects.filter(pk=clues[5].pk).delete()
    Clue.objects.filter(pk=clues[1].pk).update(state="held")
    report = reconciliation.reconcile(people.officer, start=YEAR[0], end=YEAR[1])
    assert report.total == 5 and report.state_sum == report.way_sum == 5
    listed = dict(report.discrepancies)
    assert set(listed) == {clues[5].number, clues[1].number}
    assert "no clue carries it" in listed[clues[5].number]
    assert not report.balanced


def test_the_workbook_matches_the_report(people: People, register: Any) -> None:
    clues = _ledger(people, register)
    Clue.objects.filter(pk=clues[5].pk).delete()
    report = reconciliation.reconcile(people.officer, start=YEAR[0], end=YEAR[1])
    book = load_workbook(io.BytesIO(reconciliation.workbook(report)))
    summary = [row for row in book.worksheets[0].iter_rows(values_only=True)]
    sums = [row[1] for row in summary if row[0] in ("Sum", "合计")]
    total = next(row[1] for row in summary if row[0] in ("Total received", "收到总数"))
    assert total == 5 and sums == [5, 5]
    gaps = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [g[0] for g in gaps] == [clues[5].number]


def test_reconciliation_needs_the_action(people: People) -> None:
    for actor in (people.handler, people.approver, people.admin, people.auditor, people.office):
        with pytest.raises(PermissionDenied):
            reconciliation.reconcile(actor, start=YEAR[0], end=YEAR[1])
