"""Shared fixtures. The environment is set before Django reads its settings."""

from __future__ import annotations

import os
import tempfile

os.environ.setdefault("JIANDU_DATA_DIR", tempfile.mkdtemp(prefix="jiandu-test-"))
os.environ["JIANDU_HTTPS"] = "0"
os.environ.setdefault("JIANDU_DEBUG", "0")

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from django.test import override_settings

TEST_SETTINGS = {
    "STORAGES": {
        "default": {"BACKEND": "django.core.files.storage.InMemoryStorage"},
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    },
    "PASSWORD_HASHERS": ["django.contrib.auth.hashers.MD5PasswordHasher"],
    "TASKS": {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
    "WHITENOISE_USE_FINDERS": True,
    "WHITENOISE_AUTOREFRESH": True,
}


@pytest.fixture(scope="session", autouse=True)
def _test_settings() -> Iterator[None]:
    with override_settings(**TEST_SETTINGS):
        yield


@pytest.fixture
def make_user(db: Any) -> Callable[..., Any]:
    """make_user("name", role="office", org=unit, include_descendants=True)."""
    from jiandu.accounts.models import Role, RoleAssignment, User

    def make(username: str, role: str | None = None, org: Any = None, **scope: Any) -> User:
        user = User.objects.create_user(username=username, password="Correct-horse-9")
        if role is not None:
            RoleAssignment.objects.create(
                user=user,
                role=Role.objects.get(code=role),
                scope_kind="org_unit" if org is not None else "global",
                org_unit=org,
                include_descendants=scope.get("include_descendants", True),
            )
        return user

    return make


@pytest.fixture(autouse=True)
def _seed_data_after_flush(request: pytest.FixtureRequest) -> None:
    """Transactional tests flush every table, including the rows data migrations made
    (the roles, the audit chain head); put them back before such a test runs."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or any(
        name in request.fixturenames for name in ("transactional_db", "live_server")
    )
    if not transactional:
        return
    import importlib

    from django.apps import apps

    request.getfixturevalue("transactional_db")
    importlib.import_module("jiandu.accounts.migrations.0002_roles").add_roles(apps, None)
    importlib.import_module("jiandu.audit.migrations.0002_chain_head").create_head(apps, None)
