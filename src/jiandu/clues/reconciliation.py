"""Periodic reconciliation of the ledger (对账): the clues received in a period, counted by
state and by way of disposal; both columns add up to the total received, and every
discrepancy is listed by ledger number (never by content):

- a number issued by the ledger counter with no clue behind it (a gap);
- a clue whose state does not match its way of disposal (e.g. "preliminary check"
  without that way approved), a closed clue without outcome, a transferred clue without
  its transfer record;
- the totals themselves, should they ever differ.

Overdue clocks are listed too: they are not discrepancies but belong in the report."""

from __future__ import annotations

import datetime as dt
import io
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.core.calendar import current as calendar

from . import clocks
from .models import Clue, ClueTransfer, LedgerCounter
from .services.intake import format_number

PENDING = "pending"
TRANSFER = "transfer"
# Which way each state must carry ("" = none yet).
EXPECTED_WAY: dict[str, set[str]] = {
    "registered": {""},
    "proposed": {""},
    "inquiry": {"inquiry"},
    "checking": {"check"},
    "held": {"hold"},
    "transferred": {""},
}


def way_labels() -> dict[str, str]:
    return {
        PENDING: _("Not yet disposed"),
        **{k: str(v) for k, v in Clue.Way.choices},
        TRANSFER: _("Transferred to another body"),
    }


def way_bucket(clue: Clue, transferred: set[int]) -> str:
    if clue.way:
        return clue.way
    if clue.pk in transferred:
        return TRANSFER
    return PENDING


@dataclass
class Report:
    start: dt.date
    end: dt.date
    total: int = 0
    by_state: dict[str, int] = field(default_factory=dict)
    by_way: dict[str, int] = field(default_factory=dict)
    discrepancies: list[tuple[str, str]] = field(default_factory=list)
    overdue: list[tuple[str, str, dt.date, int]] = field(default_factory=list)
    generated_at: dt.datetime = field(default_factory=timezone.now)

    @property
    def state_sum(self) -> int:
        return sum(self.by_state.values())

    @property
    def way_sum(self) -> int:
        return sum(self.by_way.values())

    @property
    def balanced(self) -> bool:
        return self.state_sum == self.total == self.way_sum and not self.discrepancies

    def to_dict(self) -> dict[str, Any]:
        return {
            "start": self.start,
            "end": self.end,
            "total": self.total,
            "by_state": self.by_state,
            "by_way": self.by_way,
            "state_sum": self.state_sum,
            "way_sum": self.way_sum,
            "balanced": self.balanced,
            "discrepancies": [{"number": n, "problem": p} for n, p in self.discrepancies],
        }


def _gaps(start: dt.date, end: dt.date, numbers: set[str]) -> list[tuple[str, str]]:
    """Numbers issued in the years of the period with no clue behind them."""
    out: list[tuple[str, str]] = []
    for counter in LedgerCounter.objects.filter(year__gte=start.year, year__lte=end.year):
        issued = {format_number(counter.year, seq) for seq in range(1, counter.last + 1)}
        present = set(
            Clue.objects.filter(received_date__year=counter.year).values_list("number", flat=True)
        )
        for number in sorted(issued - present - numbers):
            out.append((number, _("Number issued by the ledger, but no clue carries it.")))
    return out


def _consistency(clue: Clue, transferred: set[int]) -> str:
    if clue.state == Clue.State.CLOSED:
        if not clue.outcome:
            return _("Closed without an outcome.")
        return ""
    if clue.state == Clue.State.TRANSFERRED and clue.pk not in transferred:
        return _("Marked transferred, but no transfer is recorded.")
    expected = EXPECTED_WAY.get(str(clue.state), set())
    if clue.way not in expected:
        return _("State “%(state)s” does not match the way of disposal “%(way)s”.") % {
            "state": clue.get_state_display(),
            "way": clue.get_way_display() or "—",
        }
    return ""


def reconcile(actor: Any, *, start: dt.date, end: dt.date) -> Report:
    """The reconciliation of the clues received from `start` to `end` (inclusive)."""
    permissions.require(actor, "clue.reconcile")
    report = Report(start=start, end=end)
    clues = list(
        Clue.objects.filter(received_date__gte=start, received_date__lte=end)
        .select_related("transfer")
        .order_by("number")
    )
    transferred = set(
        ClueTransfer.objects.filter(clue__in=[c.pk for c in clues]).values_list(
            "clue_id", flat=True
        )
    )
    report.total = len(clues)
    states = Counter(c.state for c in clues)
    ways = Counter(way_bucket(c, transferred) for c in clues)
    report.by_state = {s: states.get(s, 0) for s in Clue.State.values}
    report.by_way = {w: ways.get(w, 0) for w in way_labels()}
    for clue in clues:
        problem = _consistency(clue, transferred)
        if problem:
            report.discrepancies.append((clue.number, problem))
    report.discrepancies.extend(_gaps(start, end, {c.number for c in clues}))
    if report.state_sum != report.total or report.way_sum != report.total:
        report.discrepancies.append(
            ("—", _("The counts by state or by way do not add up to the total received."))
        )
    cal, today = calendar(), timezone.localdate()
    for clue in clues:
        for clock in clocks.running(clue, cal, today):
            if clock.overdue:
                report.overdue.append((clue.number, clock.label, clock.due, -clock.days_left))
    return report


def workbook(report: Report) -> bytes:
    """The reconciliation as an .xlsx: the summary (by state, by way, totals and check),
    the discrepancies and the overdue clocks. Text cells are stored as text."""
    from openpyxl import Workbook
    from openpyxl.styles import Font

    bold = Font(bold=True)
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Reconciliation")[:31]
    state_labels = dict(Clue.State.choices)
    ways = way_labels()

    def row(*values: Any, strong: bool = False) -> None:
        sheet.append(list(values))
        if strong:
            for cell in sheet[sheet.max_row]:
                cell.font = bold

    row(_("Clue ledger reconciliation"), strong=True)
    row(_("Period"), f"{report.start.isoformat()} — {report.end.isoformat()}")
    row(_("Generated"), timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M"))
    row()
    row(_("Total received"), report.total, strong=True)
    row()
    row(_("By state"), _("Count"), strong=True)
    for key, count in report.by_state.items():
        row(str(state_labels[key]), count)
    row(_("Sum"), report.state_sum, strong=True)
    row()
    row(_("By way of disposal"), _("Count"), strong=True)
    for key, count in report.by_way.items():
        row(ways[key], count)
    row(_("Sum"), report.way_sum, strong=True)
    row()
    row(
        _("Check"),
        _("Balanced") if report.balanced else _("Discrepancies: see the next sheet"),
        strong=True,
    )
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["B"].width = 28

    gaps = book.create_sheet(_("Discrepancies")[:31])
    gaps.append([_("Ledger number"), _("Problem")])
    for cell in gaps[1]:
        cell.font = bold
    for number, problem in report.discrepancies:
        gaps.append([number, problem])
    gaps.column_dimensions["A"].width = 20
    gaps.column_dimensions["B"].width = 70

    late = book.create_sheet(_("Overdue")[:31])
    late.append([_("Ledger number"), _("Clock"), _("Due"), _("Working days overdue")])
    for cell in late[1]:
        cell.font = bold
    for number, label, due, days in report.overdue:
        late.append([number, label, due, days])
    for sheet_ in (gaps, late):
        for cells in sheet_.iter_rows(min_row=2, max_col=2):
            for cell in cells:
                cell.data_type = "s" if isinstance(cell.value, str) else cell.data_type
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def default_period(today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    today = today or timezone.localdate()
    return dt.date(today.year, 1, 1), today
