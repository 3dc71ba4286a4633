from __future__ import annotations

from pathlib import Path

from django.conf import settings


def test_the_suite_runs_on_its_own_settings() -> None:
    """A throw-away data directory and plain HTTP, never the working copy's ./var."""
    assert Path("var").resolve() != settings.DATA_DIR
    assert settings.SECURE_SSL_REDIRECT is False
    assert settings.SESSION_COOKIE_SECURE is False
    assert settings.DEBUG is False
