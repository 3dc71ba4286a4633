"""The demo's clue ledger: every state, overdue clocks, transfers awaiting feedback,
protected petitions, a balanced reconciliation, and a second load that creates nothing."""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.db import transaction
from django.utils import timezone

from jiandu.clues.models import Clue, ClueTransfer, LedgerCounter


@pytest.fixture(scope="module")
def ledger(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from jiandu.demo import load
    from jiandu.demo.clues import load_clues

    with django_db_blocker.unblock(), transaction.atomic():
        load()
        Clue.objects.all().delete()  # measure the ledger alone, numbered from 1 again
        LedgerCounter.objects.all().delete()
        cpu = time.process_time()
        created = load_clues().created
        yield {"created": created, "cpu": time.process_time() - cpu}
        transaction.set_rollback(True)


@pytest.mark.django_db
def test_every_state_and_the_clocks(ledger: dict[str, Any]) -> None:
    from jiandu.accounts.models import User
    from jiandu.clues import selectors

    assert ledger["created"] == Clue.objects.count() >= 30
    assert ledger["cpu"] < 5, f"the demo ledger took {ledger['cpu']:.1f} s of CPU"
    assert set(Counter(Clue.objects.values_list("state", flat=True))) == set(Clue.State.values)
    items = selectors.due_items(User.objects.get(username="clues"), limit=500)
    overdue = Counter(i.clock.kind for i in items if i.clock.overdue)
    assert overdue["disposal"] >= 2 and overdue["reply"] >= 1
    assert overdue["review"] >= 1 and overdue["feedback"] >= 1
    awaiting = ClueTransfer.objects.exclude(state="fed_back")
    assert awaiting.filter(state="sent").exists() and awaiting.filter(state="acknowledged").exists()
    assert Clue.objects.filter(source="petition").exclude(whistleblower_name=None).exists()


@pytest.mark.django_db
def test_the_demo_ledger_reconciles_and_loads_once(ledger: dict[str, Any]) -> None:
    from jiandu.accounts.models import User
    from jiandu.clues import reconciliation
    from jiandu.demo.clues import load_clues

    today = timezone.localdate()
    report = reconciliation.reconcile(
        User.objects.get(username="clues"), start=today.replace(year=today.year - 1), end=today
    )
    assert report.total == Clue.objects.count() and report.balanced, report.discrepancies
    assert load_clues().created == 0
