"""Fixtures of the clue-ledger tests: one account per capacity and a few outsiders.

`people.officer` keeps clues (clue_officer), `handler` handles them (clue_handler),
`approver` and `approver2` approve disposals (clue_approver); `stranger` is another clue
officer assigned to nothing; `admin`, `office` and `auditor` hold roles that never open a
clue. `register(...)` registers a petition with a whistleblower through the service."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from jiandu.clues import services
from jiandu.clues.models import Clue

RECEIVED = dt.date(2026, 3, 2)
WHISTLEBLOWER = {"name": "举报人甲乙丙", "contact": "13912345678 / 某市某区某路88号"}


@pytest.fixture(autouse=True)
def _english() -> Any:
    """Messages are checked in English (the source language)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@dataclass
class People:
    officer: Any
    handler: Any
    approver: Any
    approver2: Any
    stranger: Any
    admin: Any
    office: Any
    auditor: Any


@pytest.fixture
def people(make_user: Callable[..., Any]) -> People:
    return People(
        officer=make_user("officer", role="clue_officer"),
        handler=make_user("handler", role="clue_handler"),
        approver=make_user("approver", role="clue_approver"),
        approver2=make_user("approver2", role="clue_approver"),
        stranger=make_user("stranger", role="clue_officer"),
        admin=make_user("admin", role="system_admin"),
        office=make_user("office", role="office"),
        auditor=make_user("auditor", role="auditor"),
    )


def petition(actor: Any, **overrides: Any) -> Clue:
    args: dict[str, Any] = {
        "summary": "反映某公司副总经理张某利用职务便利为亲属公司承揽工程提供帮助。",
        "category": Clue.Category.POLITICS_BUSINESS,
        "source": Clue.Source.PETITION,
        "received_date": RECEIVED,
        "subjects": [{"name": "张某某", "post": "副总经理", "rank": "enterprise_executive"}],
        "whistleblower": WHISTLEBLOWER,
    }
    args.update(overrides)
    return services.register_clue(actor=actor, **args)


@pytest.fixture
def register(people: People) -> Callable[..., Clue]:
    def make(**overrides: Any) -> Clue:
        return petition(people.officer, **overrides)

    return make
