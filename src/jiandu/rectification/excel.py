"""The Excel workbook of a plan's lists, and reading it back.

`build(plan, full=False)` writes the problem, task and responsibility lists (the template
a unit fills in, prefilled with what the plan has); `full=True` adds the status columns
and the results and archive lists (the export). Both read back with `read`: columns are
taken by position under the header row, extra columns are ignored, so an export is also
a valid upload. A hidden sheet names the plan, so a workbook of another target is refused.

`read` only parses and checks the shape of each cell; it returns rows and the errors
(sheet, row, column, reason). The import service checks the rules and writes.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from .models import ArchiveItem, Plan, Problem, Result, Task

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
META = "jiandu"
HEADER = Font(bold=True)
FILL = PatternFill("solid", fgColor="F3E3E3")


def problem_headers() -> list[str]:
    return [_("No."), _("Problem"), _("Description"), _("Category"), _("From findings")]


def task_headers() -> list[str]:
    return [
        _("Problem no."),
        _("Task no."),
        _("Measure"),
        _("Deliverable"),
        _("Deadline"),
        _("Kind (immediate / long-term)"),
    ]


def responsibility_headers() -> list[str]:
    return [
        _("Problem no."),
        _("Task no."),
        _("Responsible leader"),
        _("Responsible department"),
        _("Responsible person"),
    ]


def sheet_names() -> list[str]:
    return [_("Problem list"), _("Task list"), _("Responsibility list")]


def _sheet(book: Workbook, title: str, headers: list[str], widths: list[int], first: bool) -> Any:
    sheet = book.active if first else book.create_sheet()
    sheet.title = title
    sheet.append(headers)
    for i, width in enumerate(widths, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = width
        cell = sheet.cell(row=1, column=i)
        cell.font, cell.fill = HEADER, FILL
    sheet.freeze_panes = "A2"
    return sheet


def kind_label(kind: str) -> str:
    return _("immediate") if kind == Task.Kind.IMMEDIATE else _("long-term")


def build(plan: Plan, *, full: bool = False) -> bytes:
    book = Workbook()
    names = sheet_names()
    problems = list(
        plan.problems.exclude(state=Problem.State.MERGED)
        .select_related("category")
        .prefetch_related("findings")
        .order_by("number")
    )
    extra = [_("Status"), _("State"), _("Withheld from the public version")] if full else []
    sheet = _sheet(book, names[0], problem_headers() + extra, [8, 40, 60, 24, 16, 12, 16, 20], True)
    for p in problems:
        row: list[Any] = [
            p.number,
            p.title,
            p.description,
            p.category.name if p.category else "",
            ", ".join(str(f.pk) for f in p.findings.all()),
        ]
        if full:
            row += [
                p.get_status_display(),
                p.get_state_display(),
                p.get_exempt_display() if p.exempt else "",
            ]
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=3).alignment = Alignment(wrap_text=True)
    tasks = list(
        Task.objects.filter(problem__in=problems)
        .select_related("problem", "leader")
        .order_by("problem__number", "number")
    )
    extra = [_("State"), _("Completed on")] if full else []
    sheet = _sheet(book, names[1], task_headers() + extra, [10, 10, 50, 30, 14, 20, 10, 14], False)
    for t in tasks:
        row = [
            t.problem.number,
            t.number,
            t.measure,
            t.deliverable,
            t.deadline,
            kind_label(t.kind),
        ]
        if full:
            row += [t.get_state_display(), t.completed_at]
        sheet.append(row)
        sheet.cell(row=sheet.max_row, column=5).number_format = "yyyy-mm-dd"
    sheet = _sheet(book, names[2], responsibility_headers(), [10, 10, 16, 24, 16], False)
    for t in tasks:
        sheet.append([t.problem.number, t.number, t.leader.name, t.department, t.person])
    if full:
        sheet = _sheet(
            book, _("Results list"), [_("Problem no."), _("Result"), _("Date")], [10, 60, 14], False
        )
        for r in Result.objects.filter(problem__in=problems).select_related("problem"):
            sheet.append([r.problem.number, r.text, r.date])
        sheet = _sheet(
            book,
            _("Archive list"),
            [_("Title"), _("Document number"), _("Date"), _("Kept by"), _("Problem no.")],
            [40, 20, 14, 16, 10],
            False,
        )
        for a in ArchiveItem.objects.filter(plan=plan).select_related("problem"):
            sheet.append(
                [a.title, a.reference, a.date, a.kept_by, a.problem.number if a.problem else ""]
            )
    meta = book.create_sheet(META)
    meta.append(["plan", plan.pk])
    meta.append(["version", plan.version])
    meta.sheet_state = "hidden"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --- reading ------------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str
    reason: str

    def __str__(self) -> str:
        return _("Sheet “%(sheet)s”, row %(row)d, column “%(column)s”: %(reason)s") % {
            "sheet": self.sheet,
            "row": self.row,
            "column": self.column,
            "reason": self.reason,
        }


@dataclass
class Parsed:
    plan_id: int | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    tasks: list[dict[str, Any]] = field(default_factory=list)
    responsibilities: list[dict[str, Any]] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _int(value: Any) -> int | None:
    text = _text(value)
    return int(text) if text.isdigit() else None


def _date(value: Any) -> dt.date | None:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    text = _text(value).replace("/", "-").replace(".", "-")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        return None


KINDS = {
    "immediate": Task.Kind.IMMEDIATE,
    "立行立改": Task.Kind.IMMEDIATE,
    "long-term": Task.Kind.LONG_TERM,
    "long_term": Task.Kind.LONG_TERM,
    "长期坚持": Task.Kind.LONG_TERM,
}


def _kind(value: Any) -> str | None:
    labels = {
        **KINDS,
        _("immediate").lower(): Task.Kind.IMMEDIATE,
        _("long-term").lower(): Task.Kind.LONG_TERM,
    }
    return labels.get(_text(value).lower())


def _rows(sheet: Any, width: int) -> list[tuple[int, list[Any]]]:
    out = []
    for number, row in enumerate(sheet.iter_rows(min_row=2, values_only=True), start=2):
        cells = list(row[:width]) + [None] * max(0, width - len(row))
        if any(_text(c) for c in cells):
            out.append((number, cells))
    return out


def read(data: bytes) -> Parsed:
    parsed = Parsed()
    names = sheet_names()
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # any unreadable upload is reported the same way
        parsed.errors.append(
            CellError("-", 0, "-", _("The file is not an Excel workbook (.xlsx)."))
        )
        return parsed
    visible = [s for s in book.worksheets if s.title != META]
    if META in book.sheetnames:
        meta = {(_text(r[0])): r[1] for r in book[META].iter_rows(max_col=2, values_only=True) if r}
        parsed.plan_id = _int(meta.get("plan"))
    if len(visible) < 3:
        parsed.errors.append(
            CellError(
                "-",
                0,
                "-",
                _("The workbook needs the sheets %(names)s.") % {"names": "、".join(names)},
            )
        )
        return parsed
    problems, tasks, people = visible[:3]
    headers = problem_headers()
    for row, cells in _rows(problems, 3):
        number, title = _int(cells[0]), _text(cells[1])
        if number is None:
            parsed.errors.append(
                CellError(problems.title, row, headers[0], _("Not a problem number."))
            )
        if not title:
            parsed.errors.append(
                CellError(problems.title, row, headers[1], _("The problem is empty."))
            )
        parsed.problems.append(
            {"row": row, "number": number, "title": title, "description": _text(cells[2])}
        )
    headers = task_headers()
    for row, cells in _rows(tasks, 6):
        item: dict[str, Any] = {
            "row": row,
            "problem": _int(cells[0]),
            "number": _int(cells[1]),
            "measure": _text(cells[2]),
            "deliverable": _text(cells[3]),
            "deadline": _date(cells[4]),
            "kind": _kind(cells[5]),
        }
        checks = [
            (item["problem"] is None, 0, _("Not a problem number.")),
            (item["number"] is None, 1, _("Not a task number.")),
            (not item["measure"], 2, _("The measure is empty.")),
            (not item["deliverable"], 3, _("The deliverable is empty.")),
            (len(item["deliverable"]) > 300, 3, _("At most 300 characters.")),
            (item["deadline"] is None, 4, _("Not a date (use YYYY-MM-DD).")),
            (item["kind"] is None, 5, _("Write “immediate” or “long-term”.")),
        ]
        for failed, column, reason in checks:
            if failed:
                parsed.errors.append(CellError(tasks.title, row, headers[column], reason))
        parsed.tasks.append(item)
    headers = responsibility_headers()
    for row, cells in _rows(people, 5):
        item = {
            "row": row,
            "problem": _int(cells[0]),
            "number": _int(cells[1]),
            "leader": _text(cells[2]),
            "department": _text(cells[3]),
            "person": _text(cells[4]),
        }
        checks = [
            (item["problem"] is None, 0, _("Not a problem number.")),
            (item["number"] is None, 1, _("Not a task number.")),
            (not item["leader"], 2, _("Name the responsible leader.")),
            (not item["department"], 3, _("Name the responsible department.")),
            (not item["person"], 4, _("Name the responsible person.")),
        ]
        for failed, column, reason in checks:
            if failed:
                parsed.errors.append(CellError(people.title, row, headers[column], reason))
        parsed.responsibilities.append(item)
    return parsed
