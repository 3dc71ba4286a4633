from __future__ import annotations

from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from jiandu.audit import selectors, services
from jiandu.core.errors import PermissionDenied


@pytest.mark.django_db
def test_daily_counts_per_kind(make_user: Any) -> None:
    auditor = make_user("daily-auditor", role="auditor")
    with transaction.atomic():
        services.record(actor=auditor, action="x.write")
        services.record(actor=auditor, action="x.write")
        services.record(actor=auditor, action="x.read", kind="read")
    data = selectors.daily_counts(auditor, days=7)
    assert len(data["days"]) == 7
    assert data["days"][-1] == timezone.localdate().isoformat()
    by_kind = {s["kind"]: s["data"] for s in data["series"]}
    assert by_kind["write"][-1] == 2 and by_kind["read"][-1] == 1 and by_kind["auth"][-1] == 0
    assert sum(by_kind["write"][:-1]) == 0


@pytest.mark.django_db
def test_daily_counts_are_for_auditors_only(make_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        selectors.daily_counts(make_user("daily-office", role="office"))
