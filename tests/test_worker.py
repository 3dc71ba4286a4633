"""`jiandu worker` runs what the pages queue: here, a check of the audit chain."""

from __future__ import annotations

from typing import Any

import pytest
from django.db import connection
from django.test import override_settings

from jiandu.audit import services
from jiandu.audit.models import Verification

DB_TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


@pytest.mark.django_db(transaction=True)
def test_worker_runs_a_queued_chain_verification(make_user: Any) -> None:
    from click.testing import CliRunner

    from jiandu.cli import main

    auditor = make_user("auditor1", role="auditor")
    with override_settings(TASKS=DB_TASKS):
        row = services.request_verification(actor=auditor)
        assert row.status == Verification.Status.QUEUED
        result = CliRunner().invoke(main, ["worker", "--batch"])
    assert result.exit_code == 0, result.output
    row.refresh_from_db()
    assert row.status == Verification.Status.PASSED
    assert row.checked >= 1 and row.finished_at is not None


@pytest.mark.django_db(transaction=True)
def test_worker_reports_a_broken_chain(make_user: Any) -> None:
    from click.testing import CliRunner

    from jiandu.cli import main

    auditor = make_user("auditor2", role="auditor")
    with override_settings(TASKS=DB_TASKS):
        first = services.request_verification(actor=auditor)
        with connection.cursor() as cursor:
            cursor.execute("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["forged", 1])
        second = services.request_verification(actor=auditor)
        result = CliRunner().invoke(main, ["worker", "--batch"])
    assert result.exit_code == 0, result.output
    for row in (first, second):
        row.refresh_from_db()
        assert row.status == Verification.Status.BROKEN
        assert row.first_broken_seq == 1
        assert "changed" in row.reason
