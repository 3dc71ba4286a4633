"""The real pages in Chromium: sign-in, the language switch, the org tree, and a clean
console (no Content-Security-Policy violation, no script error, no failed request)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.conf import settings

from .conftest import BrowserLog

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _lang(page: Any) -> str | None:
    return page.locator("html").get_attribute("lang")


def _switch_language(page: Any, code: str) -> None:
    with page.expect_navigation():
        page.locator(f"button[data-language='{code}']").first.click()
    page.wait_for_load_state("load")


def test_sign_in_switch_language_and_expand_the_org_tree(
    page: Any, live_server: Any, browser_log: BrowserLog
) -> None:
    from playwright.sync_api import expect

    from jiandu import demo
    from jiandu.accounts.models import OrgUnit

    demo.load()
    group = OrgUnit.objects.get(code="SOE-01")
    child = OrgUnit.objects.filter(parent=group).order_by("path").first()
    assert child is not None
    base = live_server.url

    # Signed out, every page leads to the sign-in page, in Chinese.
    page.goto(f"{base}/org/")
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/org/$"))
    assert _lang(page) == "zh-hans"
    expect(page.locator("button[data-language='zh-hans']")).to_have_class(
        re.compile(r"\bbtn-secondary\b")
    )
    title_zh = page.title()

    # Switch the sign-in page to English and back.
    _switch_language(page, "en")
    assert _lang(page) == "en"
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/org/$"))
    expect(page.locator("button[data-language='en']")).to_have_class(
        re.compile(r"\bbtn-secondary\b")
    )
    assert page.title().startswith("Sign in")
    _switch_language(page, "zh-hans")
    assert _lang(page) == "zh-hans"
    assert page.title() == title_zh

    # A wrong password is refused on the page itself.
    page.fill("#id_username", "office")
    page.fill("#id_password", "not-the-password")
    with page.expect_navigation():
        page.locator(".jd-login-card form[action='/accounts/login/'] button[type=submit]").click()
    expect(page.locator(".alert-danger")).to_be_visible()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))

    # Sign in with the demo account; back to the page asked for.
    page.fill("#id_username", "office")
    page.fill("#id_password", settings.JIANDU["DEMO_PASSWORD"])
    with page.expect_navigation():
        page.locator(".jd-login-card form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(f"{base}/org/")
    expect(page.locator("#jd-user-menu")).to_contain_text("巡视办干部")

    # The tree, in Chinese: units by their Chinese names, all collapsed (many roots).
    tree = page.locator("#org-tree")
    group_link = tree.locator(f"a[href='/org/{group.pk}/']")
    child_link = tree.locator(f"a[href='/org/{child.pk}/']")
    expect(group_link).to_have_text(group.name_zh)
    expect(child_link).to_be_hidden()

    # Expand one node by its summary (not its link, which opens the unit).
    in_group = page.locator(f"a[href='/org/{group.pk}/']")
    summary = tree.locator("summary", has=in_group)
    expect(summary).to_have_count(1)
    details = tree.locator("details", has=page.locator("> summary", has=in_group))
    expect(details).not_to_have_attribute("open", "")
    summary.locator(".badge").first.click()
    expect(details).to_have_attribute("open", "")
    expect(child_link).to_be_visible()
    expect(child_link).to_have_text(child.name_zh)
    assert page.url == f"{base}/org/"

    # The page's own script (Collapse all / Expand all) runs under the CSP.
    page.locator("[data-tree-toggle='close']").click()
    expect(child_link).to_be_hidden()
    page.locator("[data-tree-toggle='open']").click()
    expect(child_link).to_be_visible()

    # Switch the application to English: the same page, English names and labels.
    _switch_language(page, "en")
    assert _lang(page) == "en"
    expect(page).to_have_url(f"{base}/org/")
    expect(group_link).to_have_text(group.name_en)
    expect(page.locator("h1")).to_have_text("Organizations")
    # The choice is kept (a cookie) over the browser's own preference for Chinese.
    page.goto(f"{base}/")
    assert _lang(page) == "en"
    page.goto(f"{base}/org/")
    assert _lang(page) == "en"
    # ...and back to Chinese.
    _switch_language(page, "zh-hans")
    assert _lang(page) == "zh-hans"
    expect(page).to_have_url(f"{base}/org/")
    expect(group_link).to_have_text(group.name_zh)

    # Open the unit from the tree.
    summary.locator(".badge").first.click()
    with page.expect_navigation():
        child_link.click()
    expect(page).to_have_url(f"{base}/org/{child.pk}/")
    expect(page.locator("main")).to_contain_text(child.name_zh)

    assert browser_log.problems() == []


def test_console_listener_catches_a_csp_violation(
    page: Any, live_server: Any, browser_log: BrowserLog
) -> None:
    """The check above could not fail if violations were not reported: inject an inline
    script, which the policy forbids, and see it refused and reported."""
    page.goto(f"{live_server.url}/accounts/login/")
    assert browser_log.problems() == []
    ran = page.evaluate(
        """() => {
            window.__inlineRan = false;
            const s = document.createElement("script");
            s.textContent = "window.__inlineRan = true;";
            document.body.appendChild(s);
            return window.__inlineRan;
        }"""
    )
    assert ran is False
    page.wait_for_timeout(200)
    assert any("Content Security Policy" in line for line in browser_log.console), (
        browser_log.problems()
    )


def test_the_auditor_sees_the_activity_chart(
    page: Any, live_server: Any, browser_log: BrowserLog
) -> None:
    """ECharts, vendored, draws the auditor's events-per-day chart under the CSP."""
    from playwright.sync_api import expect

    from jiandu import demo

    demo.load()
    page.goto(f"{live_server.url}/accounts/login/?next=/audit/")
    page.fill("#id_username", "auditor")
    page.fill("#id_password", settings.JIANDU["DEMO_PASSWORD"])
    with page.expect_navigation():
        page.locator(".jd-login-card form[action='/accounts/login/'] button[type=submit]").click()
    expect(page).to_have_url(f"{live_server.url}/audit/")
    chart = page.locator("[data-chart='stacked-days']")
    expect(chart.locator("canvas")).to_have_count(1)
    box = chart.bounding_box()
    assert box is not None and box["width"] > 300 and box["height"] > 150
    assert browser_log.problems() == []
