"""Rectification in Chromium, through the real pages: the unit's liaison downloads the
Excel template of its lists, fills it and imports it, and submits the lists; the office
approves the plan; the liaison reports progress with an evidence file and submits the
problem; a supervisor rejects it once, then accepts the new submission and cancels the
problem; the office's round dashboard shows the new figures. No console error, CSP
violation or failed request on the way.

The setup is the `rect` fixture of tests/rectification (services, not the demo)."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook

from tests.inspections.conftest import inspection, office  # noqa: F401
from tests.rectification.conftest import Rect, rect  # noqa: F401

from .conftest import BrowserLog
from .test_inspection_flow import _minimal_pdf, _sign_in, _sign_out, _submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _fill_template(path: Path) -> bytes:
    book = load_workbook(path)
    tasks, people = book.worksheets[1], book.worksheets[2]
    for number in (1, 2, 3):
        tasks.append([number, 1, f"第{number}项整改措施", "整改报告", "2026-05-20", "立行立改"])
        people.append([number, 1, "李副总", "党委办公室", "王五"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_lists_from_excel_to_cancellation(
    page: Any,
    live_server: Any,
    browser_log: BrowserLog,
    rect: Rect,  # noqa: F811
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    from jiandu.rectification.models import EvidenceRevision, Plan, Problem, Task

    base = live_server.url
    plan_path = f"/rectification/plans/{rect.plan.pk}/"

    # --- The liaison imports the lists from the filled template and submits them. ---------
    _sign_in(page, base, "liaison", "/rectification/")
    with page.expect_navigation():
        page.locator(f"#rect-plans a[href='{plan_path}']").click()
    with page.expect_download() as download:
        page.locator(f"a[href='{plan_path}template.xlsx']").click()
    template = tmp_path / "template.xlsx"
    download.value.save_as(template)
    filled = tmp_path / "filled.xlsx"
    filled.write_bytes(_fill_template(template))
    with page.expect_navigation():
        page.locator(f"a[href='{plan_path}import/']").click()
    page.locator("input[type=file]").set_input_files(str(filled))
    _submit(page, page.locator("main form[method=post]"))
    expect(page).to_have_url(f"{base}{plan_path}")
    assert Task.objects.filter(problem__plan=rect.plan).count() == 3
    expect(page.locator("#problem-list [data-problem]")).to_have_count(3)
    _submit(page, page.locator(f"form[action='{plan_path}submit/']"))
    expect(page.locator("#plan-state")).to_have_attribute("data-state", "submitted")
    _sign_out(page, base)

    # --- The office approves the plan. ---------------------------------------------------
    _sign_in(page, base, "office", plan_path)
    _submit(page, page.locator(f"form[action='{plan_path}approve/']"))
    expect(page.locator("#plan-state")).to_have_attribute("data-state", "approved")
    _sign_out(page, base)

    # --- The liaison reports progress with evidence and submits the problem. --------------
    problem = Problem.objects.get(plan=rect.plan, number=1)
    task = problem.tasks.get()
    problem_path = f"/rectification/problems/{problem.pk}/"
    evidence = tmp_path / "整改报告.pdf"
    evidence.write_bytes(_minimal_pdf())
    _sign_in(page, base, "liaison", problem_path)
    with page.expect_navigation():
        page.locator(f"a[href='/rectification/tasks/{task.pk}/progress/']").click()
    page.fill("#id_narrative", "已完成整改，印发整改报告。")
    page.check("#id_completes")
    page.locator("#id_attachments").set_input_files(str(evidence))
    _submit(page, page.locator("main form[method=post]"))
    expect(page).to_have_url(f"{base}{problem_path}")
    expect(page.locator("#problem-status")).to_have_attribute("data-status", "done")
    assert EvidenceRevision.objects.filter(document__problem=problem).count() == 1
    _submit(page, page.locator(f"form[action='{problem_path}submit/']"))
    expect(page.locator("#problem-state")).to_have_attribute("data-state", "submitted")
    _sign_out(page, base)

    # --- A supervisor rejects once. -------------------------------------------------------
    _sign_in(page, base, "verifier", problem_path)
    with page.expect_navigation():
        page.locator(f"a[href='{problem_path}reject/']").click()
    page.fill("#id_reason", "缺少制度执行记录。")
    _submit(page, page.locator("main form[method=post]"))
    expect(page.locator("#problem-state")).to_have_attribute("data-state", "open")
    _sign_out(page, base)

    # --- The liaison submits again; the supervisor accepts and cancels. -------------------
    _sign_in(page, base, "liaison", problem_path)
    _submit(page, page.locator(f"form[action='{problem_path}submit/']"))
    expect(page.locator("#problem-state")).to_have_attribute("data-state", "submitted")
    _sign_out(page, base)
    _sign_in(page, base, "verifier", problem_path)
    _submit(page, page.locator(f"form[action='{problem_path}accept/']"))
    expect(page.locator("#problem-state")).to_have_attribute("data-state", "accepted")
    _submit(page, page.locator(f"form[action='{problem_path}cancel/']"))
    expect(page.locator("#problem-state")).to_have_attribute("data-state", "cancelled")
    expect(page.locator("#reviews li")).to_have_count(5)
    _sign_out(page, base)

    # --- The office dashboard shows the cancellation. -------------------------------------
    _sign_in(page, base, "office", f"/rectification/rounds/{rect.inspection.round.pk}/")
    expect(page.locator("[data-stat=completion]")).to_have_text("33.33%")
    expect(page.locator(f"#rect-plans [data-plan='{rect.plan.pk}'] [data-done]")).to_have_text("1")
    expect(page.locator("[data-rect-chart] canvas")).to_have_count(1)
    problem.refresh_from_db()
    assert (problem.state, problem.rejections, problem.cancelled_by) == (
        "cancelled",
        1,
        rect.verifier,
    )
    assert Plan.objects.get(pk=rect.plan.pk).state == "approved"
    # Chromium reports a link that turns into a download as an aborted navigation.
    download_abort = f"failed: {base}{plan_path}template.xlsx net::ERR_ABORTED"
    assert [p for p in browser_log.problems() if p != download_abort] == []
