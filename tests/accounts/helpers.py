"""Shared helpers of the accounts service tests: fixtures, audit-event capture and the
"a refused action changes nothing" check."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest

from jiandu.accounts.models import ApiToken, OrgUnit, Person, Post, RoleAssignment, User
from jiandu.audit.models import AuditEvent

START = dt.date(2021, 3, 1)
ID_18 = "11010519491231002X"  # GB 11643 example
ID_15 = "110105491231002"  # the same person's old 15-digit number
OTHER_ID = "440524188001010014"
PASSWORD = "Correct-horse-battery-9"


# --- helpers ------------------------------------------------------------------------------


def last_seq() -> int:
    event = AuditEvent.objects.order_by("-seq").first()
    return event.seq if event else 0


def events_after(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))


@contextmanager
def audited(*actions: str) -> Iterator[list[AuditEvent]]:
    """Assert that the block writes exactly these audit events, in this order."""
    before = last_seq()
    written: list[AuditEvent] = []
    yield written
    written.extend(events_after(before))
    assert [e.action for e in written] == list(actions)


def counts() -> tuple[int, ...]:
    return (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Post.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        ApiToken.objects.count(),
        AuditEvent.objects.count(),
    )


@contextmanager
def changes_nothing(error: type[Exception]) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block raises `error` and leaves no row and no audit event behind."""
    before = counts()
    with pytest.raises(error) as info:
        yield info
    assert counts() == before


@dataclass
class Setup:
    office: User
    admin: User
    a: OrgUnit
    b: OrgUnit
    c: OrgUnit
    d: OrgUnit


def reload(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


# --- org units ------------------------------------------------------------------------------
