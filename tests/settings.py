"""Settings of the test suite: the real settings, with a throw-away data directory,
plain HTTP (the test client and the live server speak no TLS), fast password hashing and
tasks run at once. pytest-django imports this before any conftest, so the environment
is set here."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("JIANDU_DATA_DIR", tempfile.mkdtemp(prefix="jiandu-test-"))
os.environ["JIANDU_HTTPS"] = "0"

from jiandu.settings import *  # noqa: F403

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = True
