"""Browser fixtures: the system Chromium driven by Playwright against pytest-django's
live server. Playwright cannot download its own browsers here, so /usr/bin/chromium is
used; without it the tests are skipped, or fail when JIANDU_REQUIRE_BROWSER=1 (CI)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path(os.environ.get("JIANDU_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def chromium() -> Iterator[Any]:
    """One browser per test module. Playwright's sync API runs an event loop in this thread,
    which Django's ORM takes for async code; DJANGO_ALLOW_ASYNC_UNSAFE lets the test's own
    queries through while the browser is up (the live server answers from its own thread)."""
    if not CHROMIUM.exists():
        message = f"{CHROMIUM} is not installed (apt-get install chromium)"
        if os.environ.get("JIANDU_REQUIRE_BROWSER") == "1":
            pytest.fail(message + " and JIANDU_REQUIRE_BROWSER=1")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    saved = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
            )
            try:
                yield browser
            finally:
                browser.close()
    finally:
        if saved is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = saved


@dataclass
class BrowserLog:
    """What the page reported: console errors and warnings, uncaught exceptions, failed or
    refused requests. Content-Security-Policy violations show up as console errors."""

    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)

    def problems(self) -> list[str]:
        return [*self.console, *self.errors, *self.failed]

    def clear(self) -> None:
        self.console.clear()
        self.errors.clear()
        self.failed.clear()


@pytest.fixture
def browser_log() -> BrowserLog:
    return BrowserLog()


@pytest.fixture
def page(chromium: Any, live_server: Any, browser_log: BrowserLog) -> Iterator[Any]:
    """A fresh browser context per test (a Chinese-language browser, as the users have),
    with every console message, page error and failed request recorded in browser_log."""
    context = chromium.new_context(locale="zh-CN", viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    page = context.new_page()

    def on_console(message: Any) -> None:
        if message.type in {"error", "warning"}:
            where = message.location.get("url", "") if message.location else ""
            browser_log.console.append(f"{message.type}: {message.text} ({where or page.url})")

    def on_response(response: Any) -> None:
        if response.status >= 400:
            browser_log.failed.append(f"HTTP {response.status} {response.url}")

    page.on("console", on_console)
    page.on("pageerror", lambda error: browser_log.errors.append(f"page error: {error}"))
    page.on("requestfailed", lambda r: browser_log.failed.append(f"failed: {r.url} {r.failure}"))
    page.on("response", on_response)
    try:
        yield page
    finally:
        context.close()
