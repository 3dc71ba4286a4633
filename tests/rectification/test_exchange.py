"""Excel exchange: the prefilled template, the round trip (export, fill, import), and a
workbook with one bad row rejected whole (sheet, row, column, reason; nothing imported)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.rectification import excel
from jiandu.rectification.models import Problem, Task
from jiandu.rectification.services import exchange, lists

from .conftest import Rect, approved, task

pytestmark = pytest.mark.django_db


def _fill(data: bytes, tasks: list[list[object]], people: list[list[object]]) -> bytes:
    book = load_workbook(io.BytesIO(data))
    problems, task_sheet, people_sheet = book.worksheets[:3]
    problems.cell(row=2, column=2).value = "修改后的问题标题"
    for row in tasks:
        task_sheet.append(row)
    for row in people:
        people_sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_template_is_prefilled(rect: Rect) -> None:
    data = excel.build(rect.plan)
    book = load_workbook(io.BytesIO(data))
    assert [s.title for s in book.worksheets] == [*excel.sheet_names(), "jiandu"]
    problems = book.worksheets[0]
    titles = [problems.cell(row=r, column=2).value for r in range(2, 5)]
    assert titles == list(rect.plan.problems.order_by("number").values_list("title", flat=True))
    assert book["jiandu"].sheet_state == "hidden"


def test_round_trip(rect: Rect) -> None:
    template = excel.build(rect.plan)
    filled = _fill(
        template,
        tasks=[
            [1, 1, "清理非主业投资", "清理报告", dt.date(2026, 5, 20), "immediate"],
            [1, 2, "建立投资负面清单", "制度文件", "2026-12-31", "长期坚持"],
            [2, 1, "整改措施二", "工作方案", "2026-05-25", "立行立改"],
            [3, 1, "整改措施三", "通报", "2026/05/25", "long-term"],
        ],
        people=[
            [1, 1, "李副总", "投资部", "王五"],
            [1, 2, "张书记", "投资部", "王五"],
            [2, 1, "李副总", "办公室", "赵六"],
            [3, 1, "李副总", "纪检部", "钱七"],
        ],
    )
    counts = exchange.import_lists(actor=rect.liaison, plan=rect.plan, data=filled)
    assert counts == {"problems": 1, "created": 4, "updated": 0, "removed": 0}
    first = rect.plan.problems.get(number=1)
    assert first.title == "修改后的问题标题"
    second = first.tasks.get(number=2)
    assert (second.kind, second.deadline, second.leader) == (
        "long_term",
        dt.date(2026, 12, 31),
        rect.secretary,
    )
    # Export, import unchanged: nothing changes. Export again: same lists.
    exported = excel.build(rect.plan, full=True)
    again = exchange.import_lists(actor=rect.liaison, plan=rect.plan, data=exported)
    assert again == {"problems": 0, "created": 0, "updated": 0, "removed": 0}
    book = load_workbook(io.BytesIO(exported))
    assert len(book.worksheets) == 6  # five lists and the hidden sheet
    rows = list(book.worksheets[1].iter_rows(min_row=2, values_only=True))
    assert [(r[0], r[1], r[3]) for r in rows] == [
        (1, 1, "清理报告"),
        (1, 2, "制度文件"),
        (2, 1, "工作方案"),
        (3, 1, "通报"),
    ]
    # The lists are complete: the plan can be submitted.
    lists.submit_plan(actor=rect.liaison, plan=rect.plan)


def test_one_bad_row_rejects_the_whole_workbook(rect: Rect) -> None:
    filled = _fill(
        excel.build(rect.plan),
        tasks=[
            [1, 1, "清理非主业投资", "清理报告", "2026-05-20", "immediate"],
            [2, 1, "整改措施二", "工作方案", "下个月", "immediate"],
        ],
        people=[[1, 1, "李副总", "投资部", "王五"], [2, 1, "查无此人", "办公室", "赵六"]],
    )
    before = AuditEvent.objects.count()
    with pytest.raises(exchange.ImportRejected) as rejected:
        exchange.import_lists(actor=rect.liaison, plan=rect.plan, data=filled)
    errors = {(e.sheet, e.row, e.column) for e in rejected.value.errors}
    assert errors == {
        ("Task list", 3, "Deadline"),
        ("Responsibility list", 3, "Responsible leader"),
    }
    assert "查无此人" in str(rejected.value)
    assert not Task.objects.exists()
    assert rect.plan.problems.get(number=1).title != "修改后的问题标题"
    assert AuditEvent.objects.count() == before


def test_import_refusals(rect: Rect) -> None:
    with pytest.raises(exchange.ImportRejected) as rejected:
        exchange.import_lists(actor=rect.liaison, plan=rect.plan, data=b"not a workbook")
    assert "not an Excel workbook" in str(rejected.value)
    with pytest.raises(PermissionDenied):
        exchange.import_lists(actor=rect.liaison2, plan=rect.plan, data=excel.build(rect.plan))
    approved(rect)
    with pytest.raises(ValidationFailed):  # an approved plan is revised first
        exchange.import_lists(actor=rect.liaison, plan=rect.plan, data=excel.build(rect.plan))


def test_workbook_of_another_plan_and_missing_responsibility(rect: Rect) -> None:
    problem = rect.plan.problems.get(number=1)
    task(rect, problem)
    data = excel.build(rect.plan)
    book = load_workbook(io.BytesIO(data))
    book["jiandu"]["B1"] = rect.plan.pk + 100
    book.worksheets[2].delete_rows(2)
    out = io.BytesIO()
    book.save(out)
    with pytest.raises(exchange.ImportRejected) as rejected:
        exchange.import_lists(actor=rect.liaison, plan=rect.plan, data=out.getvalue())
    reasons = [e.reason for e in rejected.value.errors]
    assert any("another organization" in r for r in reasons)
    assert any("no row in the responsibility list" in r for r in reasons)
    assert Problem.objects.filter(plan=rect.plan).count() == 3
