"""An inspection from finding to feedback, in Chromium, through the real pages: a team
member records a finding and attaches evidence, the team leader confirms it, the office
assembles and adopts the report, drafts and delivers the one-to-one feedback, and the
inspected unit's liaison sees the feedback and downloads the opinion (.docx). The liaison
sees nothing while the feedback is only a draft. No console error, CSP violation or failed
request on the way.

The setup is made with the services (not the demo, which is heavy): one target in a round
at the stage "inspecting", a team of a leader and a member, the office and the liaison."""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.inspections.conftest import make_unit

from .conftest import BrowserLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "Correct-horse-9"  # make_user's password (tests/conftest.py)
SIGN_IN = ".jd-login-card form[action='/accounts/login/'] button[type=submit]"
TITLE = "物资采购未按规定公开招标"
DESCRIPTION = "2024年三批次物资采购以询价代替公开招标，合同金额合计一千二百万元。"
REQUIREMENTS = "压实整改主体责任，逐项制定整改措施，按期报送整改情况报告。"
FEEDBACK_DATE = dt.date(2025, 6, 10)


@dataclass
class Setup:
    round: Any
    target: Any
    unit: Any
    category: Any


def _minimal_pdf() -> bytes:
    """A one-page PDF with a correct cross-reference table."""
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 200] >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1)
    out += b"startxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def _build(make_user: Callable[..., Any]) -> Setup:
    from jiandu.inspections.selectors.findings import leaf_categories
    from jiandu.inspections.services import planning

    root = make_unit("GROUP", "集团公司")
    unit = make_unit("E1", "第一分公司", root)
    office = make_user("office", role="office")
    leader, member = make_user("leader"), make_user("member")
    make_user("liaison", role="unit_liaison", org=unit, include_descendants=False)
    round = planning.create_round(
        actor=office, code="2025-1", name_zh="2025年第一轮巡视", name_en="Round 1 of 2025"
    )
    team = planning.create_team(actor=office, round=round, number=1, name_zh="第一巡视组")
    planning.add_member(actor=office, team=team, user=leader, position="leader")
    planning.add_member(actor=office, team=team, user=member, position="member")
    target = planning.add_target(
        actor=office, round=round, team=team, org_unit=unit, entry_date=dt.date(2025, 3, 10)
    )
    round = planning.advance_round(actor=office, round=round, to_state="inspecting")
    category = leaf_categories().first()
    assert category is not None
    return Setup(round=round, target=target, unit=unit, category=category)


def _sign_in(page: Any, base: str, username: str, next_path: str) -> None:
    from playwright.sync_api import expect

    page.goto(f"{base}/accounts/login/?next={next_path}")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.locator(SIGN_IN).click()
    expect(page).to_have_url(f"{base}{next_path}")
    expect(page.locator("#jd-user-menu")).to_contain_text(username)


def _sign_out(page: Any, base: str) -> None:
    """The POST form in the user menu (a Bootstrap dropdown, opened by its script)."""
    from playwright.sync_api import expect

    page.locator("#jd-user-menu").click()
    button = page.locator("form[action='/accounts/logout/'] button[type=submit]")
    expect(button).to_be_visible()
    with page.expect_navigation():
        button.click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("#jd-user-menu")).to_have_count(0)


def _submit(page: Any, form: Any) -> None:
    with page.expect_navigation():
        form.locator("button[type=submit]").click()


def _open_target_from_rounds(page: Any, setup: Setup) -> None:
    """Navigation → rounds → the round → the target in the team × target matrix."""
    from playwright.sync_api import expect

    with page.expect_navigation():
        page.locator("a[data-nav='rounds']").click()
    with page.expect_navigation():
        page.locator(f"a[href='/inspections/rounds/{setup.round.pk}/']").click()
    cell = page.locator(f"#round-matrix [data-target='{setup.target.pk}']")
    with page.expect_navigation():
        cell.locator(f"a[href='/inspections/targets/{setup.target.pk}/']").click()
    expect(page.locator("h1")).to_have_text(setup.unit.name_zh)


def _advance(page: Any, base: str, setup: Setup, to_state: str) -> None:
    from playwright.sync_api import expect

    from jiandu.inspections.models import Round

    page.goto(f"{base}/inspections/rounds/{setup.round.pk}/")
    form = page.locator(
        f"form[action='/inspections/rounds/{setup.round.pk}/advance/']",
        has=page.locator(f"input[name=to_state][value='{to_state}']"),
    )
    _submit(page, form)
    expect(page.locator(".alert-success")).to_be_visible()
    assert Round.objects.get(pk=setup.round.pk).state == to_state


def test_finding_to_feedback_delivered_to_the_unit(
    page: Any,
    live_server: Any,
    browser_log: BrowserLog,
    make_user: Callable[..., Any],
    tmp_path: Path,
) -> None:
    from docx import Document
    from playwright.sync_api import expect

    from jiandu.inspections.models import Evidence, Finding, Report, TargetFeedback
    from jiandu.inspections.services.feedback import rectification_due

    setup = _build(make_user)
    base = live_server.url
    target_path = f"/inspections/targets/{setup.target.pk}/"
    # The pages ask before adopting a report or delivering feedback (data-confirm).
    dialogs: list[str] = []

    def accept(dialog: Any) -> None:
        dialogs.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)

    # --- The team member records a finding and attaches evidence. ----------------------
    _sign_in(page, base, "member", "/inspections/")
    _open_target_from_rounds(page, setup)
    expect(page.locator("main [data-finding]")).to_have_count(0)
    with page.expect_navigation():
        page.locator(f"a[href='{target_path}findings/new/']").click()
    page.select_option("#id_category", str(setup.category.pk))
    page.select_option("#id_source", "interview")
    page.fill("#id_title", TITLE)
    page.fill("#id_description", DESCRIPTION)
    _submit(page, page.locator("main form[method=post]"))
    finding = Finding.objects.get(target=setup.target)
    expect(page).to_have_url(f"{base}/inspections/findings/{finding.pk}/")
    expect(page.locator("h1")).to_have_text(TITLE)
    assert (finding.state, finding.source, finding.category_id) == (
        "draft",
        "interview",
        setup.category.pk,
    )

    pdf = _minimal_pdf()
    pdf_path = tmp_path / "采购询价记录.pdf"
    pdf_path.write_bytes(pdf)
    sha256 = hashlib.sha256(pdf).hexdigest()
    upload = page.locator(f"form[action='/inspections/findings/{finding.pk}/evidence/']")
    upload.locator("input[type=file]").set_input_files(str(pdf_path))
    _submit(page, upload)
    expect(page).to_have_url(f"{base}/inspections/findings/{finding.pk}/")
    item = Evidence.objects.get(finding=finding)
    assert (item.sha256, item.size, item.original_name) == (sha256, len(pdf), pdf_path.name)
    listed = page.locator(f"[data-evidence='{item.pk}']")
    expect(listed).to_contain_text(pdf_path.name)
    # The list shows the start of the SHA-256 (truncated with an ellipsis).
    digest = listed.locator("[title^='SHA-256']")
    shown = digest.inner_text().strip().rstrip(".…")
    assert len(shown) >= 12 and sha256.startswith(shown), shown
    assert digest.get_attribute("title") == f"SHA-256 {sha256}"
    # A member records; only the leader confirms.
    expect(
        page.locator(f"form[action='/inspections/findings/{finding.pk}/confirm/']")
    ).to_have_count(0)
    _sign_out(page, base)

    # --- The team leader confirms it on the target page. -------------------------------
    _sign_in(page, base, "leader", target_path)
    card = page.locator(f"[data-finding='{finding.pk}']")
    expect(card).to_contain_text(TITLE)
    expect(card.locator(f"[data-evidence='{item.pk}']")).to_contain_text(pdf_path.name)
    _submit(page, card.locator(f"form[action='/inspections/findings/{finding.pk}/confirm/']"))
    expect(page).to_have_url(f"{base}{target_path}")
    expect(page.locator("[data-count='confirmed']")).to_have_text("1")
    finding.refresh_from_db()
    assert finding.state == "confirmed"
    _sign_out(page, base)

    # --- The office: report assembled, submitted and adopted; feedback drafted. ---------
    _sign_in(page, base, "office", f"/inspections/rounds/{setup.round.pk}/")
    _advance(page, base, setup, "reporting")
    page.goto(f"{base}{target_path}")
    _submit(page, page.locator(f"form[action='{target_path}report/']"))
    report = Report.objects.get(target=setup.target)
    expect(page).to_have_url(f"{base}/inspections/reports/{report.pk}/")
    expect(page.locator("main")).to_contain_text(TITLE)
    _submit(page, page.locator(f"form[action='/inspections/reports/{report.pk}/submit/']"))
    expect(page.locator("[data-report-state='submitted']")).to_have_count(1)
    _submit(page, page.locator(f"form[action='/inspections/reports/{report.pk}/adopt/']"))
    expect(page.locator("[data-report-state='adopted']")).to_have_count(1)
    assert len(dialogs) == 1
    finding.refresh_from_db()
    assert finding.state == "in_report"

    _advance(page, base, setup, "feedback")
    page.goto(f"{base}{target_path}")
    with page.expect_navigation():
        page.locator(f"#target-feedback a[href='{target_path}feedback/']").click()
    page.fill("#id_date", FEEDBACK_DATE.isoformat())
    page.fill("#id_to_leadership_date", FEEDBACK_DATE.isoformat())
    page.fill("#id_participants", "巡视组全体成员；被巡视单位领导班子成员")
    page.fill("#id_requirements", REQUIREMENTS)
    _submit(page, page.locator("main form[method=post]"))
    feedback = TargetFeedback.objects.get(target=setup.target)
    feedback_path = f"/inspections/feedback/{feedback.pk}/"
    expect(page).to_have_url(f"{base}{feedback_path}")
    expect(page.locator("[data-feedback-state='draft']")).to_have_count(1)
    expect(page.locator(f"[data-finding='{finding.pk}']")).to_contain_text(TITLE)
    due = rectification_due(FEEDBACK_DATE)
    expect(page.locator("#rectification-due")).to_have_text(due.isoformat())
    _sign_out(page, base)

    # --- Before delivery the liaison sees nothing, and may not fetch the draft. -------
    _sign_in(page, base, "liaison", "/")
    expect(page.locator("a[data-nav='rounds']")).to_have_count(0)
    with page.expect_navigation():
        page.locator("a[data-nav='my_feedback']").click()
    expect(page).to_have_url(f"{base}/inspections/my-feedback/")
    expect(page.locator(".jd-empty")).to_be_visible()
    expect(page.locator("main [data-feedback]")).to_have_count(0)
    expect(page.locator("main")).not_to_contain_text(TITLE)
    for path in (feedback_path, f"{feedback_path}opinion/"):
        assert page.request.get(f"{base}{path}").status == 403, path
    _sign_out(page, base)

    # --- The office delivers the feedback. ---------------------------------------------
    _sign_in(page, base, "office", feedback_path)
    _submit(page, page.locator(f"form[action='{feedback_path}deliver/']"))
    expect(page.locator("[data-feedback-state='delivered']")).to_have_count(1)
    assert len(dialogs) == 2
    feedback.refresh_from_db()
    finding.refresh_from_db()
    assert (feedback.state, feedback.rectification_due, finding.state) == (
        "delivered",
        due,
        "fed_back",
    )
    _sign_out(page, base)

    # --- The liaison sees the feedback and downloads the opinion. ----------------------
    _sign_in(page, base, "liaison", "/")
    with page.expect_navigation():
        page.locator("a[data-nav='my_feedback']").click()
    section = page.locator(f"main [data-feedback='{feedback.pk}']")
    expect(section).to_contain_text(TITLE)
    expect(section).to_contain_text(REQUIREMENTS)
    expect(section).to_contain_text(due.isoformat())
    expect(page.locator(".jd-empty")).to_have_count(0)
    assert browser_log.problems() == []
    with page.expect_download() as info:
        section.locator(f"a[href='{feedback_path}opinion/']").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    saved = tmp_path / "opinion.docx"
    download.save_as(saved)
    document = Document(str(saved))
    text = "\n".join(p.text for p in document.paragraphs)
    assert TITLE in text
    assert setup.category.name_zh in text
    assert REQUIREMENTS in text
    assert f"{due.year}年{due.month}月{due.day}日" in text
    assert "DRAFT" not in text

    # Chromium reports a link that turns into a download as an aborted navigation; that,
    # and only that, is expected here.
    download_abort = f"failed: {base}{feedback_path}opinion/ net::ERR_ABORTED"
    assert [p for p in browser_log.problems() if p != download_abort] == []
