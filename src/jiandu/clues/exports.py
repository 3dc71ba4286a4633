"""The Excel export of the ledger (the clues the actor may read; each one logged as a read
by `selectors.export_rows`). Text cells are stored as text, never as formulas."""

from __future__ import annotations

import io
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.core.calendar import current as calendar

from . import clocks
from .models import Clue
from .services.disposal import outcome_label


def ledger_workbook(rows: list[Clue]) -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    book = Workbook(write_only=True)
    sheet = book.create_sheet(title=_("Clue ledger")[:31])
    headers = [
        _("Ledger number"),
        _("Date received"),
        _("Subject persons"),
        _("Summary"),
        _("Category"),
        _("Source"),
        _("Confidentiality"),
        _("State"),
        _("Way of disposal"),
        _("Disposal due"),
        _("Running clocks"),
        _("Outcome"),
    ]
    bold = Font(bold=True)
    head: list[Any] = []
    for text in headers:
        cell = WriteOnlyCell(sheet, value=text)
        cell.font = bold
        head.append(cell)
    sheet.append(head)
    cal, today = calendar(), timezone.localdate()
    for clue in rows:
        running = "; ".join(
            f"{c.label} {c.due.isoformat()} ({c.days_left})"
            for c in clocks.running(clue, cal, today)
        )
        texts = [
            clue.number,
            "、".join(f"{s.name} {s.post}".strip() for s in clue.subjects.all()),
            clue.summary,
            clue.get_category_display(),
            clue.get_source_display(),
            clue.get_confidentiality_display(),
            clue.get_state_display(),
            clue.get_way_display(),
            running,
            outcome_label(clue.outcome) if clue.outcome else "",
        ]
        cells: list[Any] = []
        for text in texts:
            cell = WriteOnlyCell(sheet, value=str(text or ""))
            cell.data_type = "s"
            cells.append(cell)
        cells.insert(1, clue.received_date)
        cells.insert(9, clue.disposal_due)
        sheet.append(cells)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
