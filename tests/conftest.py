"""Shared fixtures. The settings of the suite are tests/settings.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest


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


# The data migrations, in migration order, whose rows a flush removes.
SEED_MIGRATIONS = [
    ("jiandu.accounts.migrations.0002_roles", "add_roles"),
    ("jiandu.audit.migrations.0002_chain_head", "create_head"),
    ("jiandu.inspections.migrations.0002_taxonomy", "add"),
    ("jiandu.inspections.migrations.0003_role_actions", "add"),
    ("jiandu.rectification.migrations.0002_role_actions", "add"),
    ("jiandu.supervision.migrations.0002_seed", "add"),
    ("jiandu.registers_ui.migrations.0001_role_actions", "add"),
    ("jiandu.clues.migrations.0002_roles", "add"),
]


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
    for module, function in SEED_MIGRATIONS:
        getattr(importlib.import_module(module), function)(apps, None)
