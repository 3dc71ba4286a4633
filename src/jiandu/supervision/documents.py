"""The evidence of a hit as an Excel workbook: a sheet describing the hit, then one sheet
per register with its evidence rows. Attached to the clue a hit is escalated into, and
downloadable from the hit page."""

from __future__ import annotations

import io
import re
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from .models import Hit

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET_NAME = re.compile(r"[\[\]:*?/\\]")


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float | str | bool):
        return value
    return str(value)


def evidence_workbook(hit: Hit) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _("Hit")[:31]
    rows = [
        (_("Key"), hit.key),
        (_("Model"), f"{hit.model_id} v{hit.model_version}"),
        (_("Subject"), f"{hit.subject_type} {hit.subject_id}"),
        (_("Score"), round(hit.score, 4)),
        (_("Explanation (Chinese)"), hit.explanation_zh),
        (_("Explanation (English)"), hit.explanation_en),
        (_("People (register ids)"), ", ".join(hit.person_ids)),
        (_("Organizations (register ids)"), ", ".join(hit.org_ids)),
        (_("First found"), hit.first_seen_at.strftime("%Y-%m-%d %H:%M")),
    ]
    for label, value in rows:
        sheet.append([label, _cell(value)])
    for cell in sheet["A"]:
        cell.font = Font(bold=True)
    sheet.column_dimensions["A"].width = 24
    sheet.column_dimensions["B"].width = 100
    for row in sheet.iter_rows(min_col=2, max_col=2):
        row[0].alignment = Alignment(wrap_text=True, vertical="top")
    used = {sheet.title}
    for register, columns, records in hit.evidence_tables():
        title = SHEET_NAME.sub("_", register)[:31] or "evidence"
        while title in used:
            title = f"{title[:28]}_{len(used)}"
        used.add(title)
        ws = book.create_sheet(title)
        ws.append(columns)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for record in records:
            ws.append([_cell(record.get(c)) for c in columns])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def evidence_filename(hit: Hit) -> str:
    safe = re.sub(r"[^0-9A-Za-z_.-]+", "_", f"{hit.model_id}_{hit.subject_id}")[:80]
    return f"evidence_{hit.pk}_{safe}.xlsx"
