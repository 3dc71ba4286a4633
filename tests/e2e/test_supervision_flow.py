"""Data-driven supervision in Chromium, through the real pages: the analyst uploads a
register directory as a zip, runs the models, opens a hit, dismisses one with a reason and
escalates another into the clue ledger; the clue officer sees the new clue. The worker is
the test settings' immediate task backend, so a run finishes within its request. No
console error, CSP violation or failed request on the way."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.apps import apps

from tests.supervision import world

from .conftest import BrowserLog
from .test_inspection_flow import _sign_in, _sign_out

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LONG = 180_000  # a run executes inside its request here


def test_upload_run_triage_escalate(
    page: Any,
    live_server: Any,
    browser_log: BrowserLog,
    make_user: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from playwright.sync_api import expect

    from jiandu.supervision.models import Hit, Run

    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path))
    make_user("analyst1", role="analyst")
    officer = make_user("officer1", role="clue_officer")
    base = live_server.url
    archive = tmp_path / "registers.zip"
    archive.write_bytes(world.zip_bytes())

    # The analyst uploads the registers: the ingest runs and its record shows the registers.
    _sign_in(page, base, "analyst1", "/supervision/runs/")
    page.set_input_files("#upload-form input[type=file]", str(archive))
    with page.expect_navigation(timeout=LONG):
        page.locator("#upload-form button[type=submit]").click(timeout=LONG)
    expect(page.locator("#run-status")).to_have_attribute("data-state", "succeeded")
    expect(page.locator("#run-status")).to_contain_text("payments")

    # The models run; the run record lists them, and the hits are in the queue.
    page.goto(f"{base}/supervision/runs/")
    with page.expect_navigation(timeout=LONG):
        page.locator("#run-form button[type=submit]").click(timeout=LONG)
    expect(page.locator("#run-status")).to_have_attribute("data-state", "succeeded")
    expect(page.locator("#run-status")).to_contain_text("B04")
    run = Run.objects.get(kind="models")
    assert run.new_hits == Hit.objects.count() >= 2

    page.goto(f"{base}/supervision/")
    rows = page.locator("#hit-queue tbody tr")
    expect(rows).to_have_count(Hit.objects.filter(names_leading_cadre=False).count())

    # Open the payment hit and dismiss it with a reason.
    paid = Hit.objects.get(key="P01:payment:pay1")
    page.locator(f"tr[data-hit='{paid.pk}'] a").click()
    expect(page.locator("[data-explanation]")).to_contain_text("王芳")
    expect(page.locator("#involved")).to_contain_text("2023-11-30")
    page.locator("[data-action=dismiss]").click()
    page.select_option("#id_reason", label="有合理解释并经核实")
    page.fill("#id_comment", "经核实为补发死亡前应发款项。")
    with page.expect_navigation():
        page.locator("#supervision-form button[type=submit]").click()
    expect(page.locator("#hit-state [data-state]")).to_have_attribute("data-state", "dismissed")
    expect(page.locator("[data-reason]")).to_contain_text("有合理解释并经核实")
    paid.refresh_from_db()
    assert paid.state == "dismissed" and paid.comment == "经核实为补发死亡前应发款项。"

    if apps.is_installed("jiandu.clues"):
        # Escalate the new company's contract into a clue kept by the clue officer.
        contract = Hit.objects.get(key="B04:contract:c1")
        page.goto(f"{base}/supervision/hits/{contract.pk}/")
        page.locator("[data-action=escalate]").click()
        page.select_option("#id_keeper", label=str(officer))
        page.fill("#id_extra_subject", "鑫源贸易有限公司实际控制人")
        with page.expect_navigation():
            page.locator("#supervision-form button[type=submit]").click()
        expect(page.locator("[data-clue]")).not_to_be_empty()
        contract.refresh_from_db()
        assert contract.state == "escalated" and contract.clue_number
        _sign_out(page, base)

        # The clue officer finds the new clue in the ledger.
        _sign_in(page, base, "officer1", "/clues/")
        expect(page.locator("body")).to_contain_text(contract.clue_number)
    assert browser_log.problems() == []
