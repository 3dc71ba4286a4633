"""A petition through the clue ledger, in Chromium, through the real pages: the clue officer
registers a petition with its whistleblower and an attachment, proposes a written inquiry
to a leader, the leader approves it, the officer records the reply and closes the clue. A
clue handler not assigned to the clue sees an empty ledger and is refused the clue even by
its URL. No console error, CSP violation or unexpected failed request on the way."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from django.db import connection
from django.utils import timezone

from .conftest import BrowserLog
from .test_inspection_flow import _minimal_pdf, _sign_in, _sign_out, _submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUMMARY = "反映某集团副总经理周某利用职务便利为其妻弟承揽工程提供帮助，收受好处费。"
WHISTLEBLOWER = "实名举报人孙某某"
CONTACT = "13700001234"


def test_petition_to_written_inquiry_to_closing(
    page: Any,
    live_server: Any,
    browser_log: BrowserLog,
    make_user: Callable[..., Any],
    tmp_path: Path,
) -> None:
    from playwright.sync_api import expect

    from jiandu.audit.models import AuditEvent
    from jiandu.clues.models import Clue

    make_user("officer", role="clue_officer")
    leader = make_user("leader", role="clue_approver")
    outsider = make_user("outsider", role="clue_handler")
    base = live_server.url
    today = timezone.localdate().isoformat()

    # --- The clue officer registers the petition. ----------------------------------------
    _sign_in(page, base, "officer", "/")
    with page.expect_navigation():
        page.locator("a[data-nav='clue_ledger']").click()
    with page.expect_navigation():
        page.locator("a[href='/clues/new/']").click()
    page.fill("#id_summary", SUMMARY)
    page.fill("#id_subject_name_1", "周某某")
    page.fill("#id_subject_post_1", "党委委员、副总经理")
    page.select_option("#id_subject_rank_1", "enterprise_executive")
    page.select_option("#id_category", "politics_business")
    page.select_option("#id_source", "petition")
    page.fill("#id_received_date", today)
    page.fill("#id_whistleblower_name", WHISTLEBLOWER)
    page.fill("#id_whistleblower_contact", CONTACT)
    pdf = tmp_path / "举报信.pdf"
    pdf.write_bytes(_minimal_pdf())
    page.locator("#id_attachment").set_input_files(str(pdf))
    _submit(page, page.locator("main form[method=post]"))
    clue = Clue.objects.get()
    expect(page).to_have_url(f"{base}/clues/{clue.pk}/")
    expect(page.locator("[data-clue-number]")).to_have_text(clue.number)
    expect(page.locator("[data-clue-state]")).to_have_attribute("data-clue-state", "registered")
    expect(page.locator("[data-protected]")).to_be_visible()
    assert WHISTLEBLOWER not in page.content()
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT whistleblower_name FROM {Clue._meta.db_table}")
        assert WHISTLEBLOWER.encode() not in bytes(cursor.fetchone()[0])

    # The officer's role may reveal the identity; the reveal is logged.
    with page.expect_navigation():
        page.locator(f"form[action='/clues/{clue.pk}/reveal/'] button").click()
    expect(page.locator("[data-whistleblower]")).to_contain_text(WHISTLEBLOWER)
    expect(page.locator("[data-whistleblower]")).to_contain_text(CONTACT)
    page.goto(f"{base}/clues/{clue.pk}/")

    # --- ... and proposes a written inquiry to the leader. --------------------------------
    with page.expect_navigation():
        page.locator(f"a[href='/clues/{clue.pk}/propose/']").click()
    page.select_option("#id_way", "inquiry")
    page.select_option("#id_inquiry_kind", "written")
    page.fill("#id_reason", "反映问题较为具体，建议函询本人。")
    page.select_option("#id_approver", str(leader.pk))
    _submit(page, page.locator("main form[method=post]"))
    expect(page.locator("[data-clue-state]")).to_have_attribute("data-clue-state", "proposed")
    _sign_out(page, base)

    # --- The leader approves. -------------------------------------------------------------
    _sign_in(page, base, "leader", "/clues/")
    with page.expect_navigation():
        page.locator(f"[data-clue-table] a[href='/clues/{clue.pk}/']").click()
    with page.expect_navigation():
        page.locator(f"a[href='/clues/{clue.pk}/decide/']").click()
    page.locator("input[name=decision][value=approve]").check()
    _submit(page, page.locator("main form[method=post]"))
    expect(page.locator("[data-clue-state]")).to_have_attribute("data-clue-state", "inquiry")
    expect(page.locator("[data-clock='reply']")).to_be_visible()
    clue.refresh_from_db()
    assert clue.reply_due is not None
    _sign_out(page, base)

    # --- The officer records the reply and closes the clue. -------------------------------
    _sign_in(page, base, "officer", f"/clues/{clue.pk}/")
    with page.expect_navigation():
        page.locator(f"a[href='/clues/{clue.pk}/reply/']").click()
    page.fill("#id_received_on", today)
    page.fill("#id_text", "本人书面说明：其妻弟所在公司系通过公开招标中标，本人未打招呼。")
    _submit(page, page.locator("main form[method=post]"))
    expect(page.locator("[data-reply]")).to_be_visible()
    with page.expect_navigation():
        page.locator(f"a[href='/clues/{clue.pk}/outcome/']").click()
    page.select_option("#id_outcome", "clarified")
    page.fill("#id_note", "经核对招标材料，说明属实，予以了结。")
    _submit(page, page.locator("main form[method=post]"))
    expect(page.locator("[data-clue-state]")).to_have_attribute("data-clue-state", "closed")
    expect(page.locator("[data-outcome]")).to_have_attribute("data-outcome", "clarified")
    expect(page.locator("[data-chain] tbody tr")).to_have_count(1)
    _sign_out(page, base)
    assert browser_log.problems() == []

    # --- A handler not assigned sees nothing, even by URL. --------------------------------
    _sign_in(page, base, "outsider", "/clues/")
    expect(page.locator("[data-clue-table] a")).to_have_count(0)
    response = page.goto(f"{base}/clues/{clue.pk}/")
    assert response is not None and response.status == 403
    assert SUMMARY not in page.content()
    assert browser_log.failed == [f"HTTP 403 {base}/clues/{clue.pk}/"]
    assert not AuditEvent.objects.filter(actor_id=outsider.pk, kind="read").exists()
    writes = list(
        AuditEvent.objects.filter(target_id=str(clue.pk), kind="write")
        .order_by("seq")
        .values_list("action", "actor_username")
    )
    assert writes == [
        ("clue.register", "officer"),
        ("clue.attach", "officer"),
        ("clue.propose", "officer"),
        ("clue.approve", "leader"),
        ("clue.reply", "officer"),
        ("clue.outcome", "officer"),
    ]
