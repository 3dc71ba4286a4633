"""Shared fixtures of the inspections tests.

`office`: a user with the global "office" role.
`inspection`: a small round in the planning stage, built through the planning services:

- units[0..2]: three enterprises under a root unit (`root`);
- teams[0] (number 1) and teams[1] (number 2);
- leaders[i] leads teams[i], members[i] is a plain member of teams[i] (add_member,
  so each has the role team_leader / team_member scoped to their team);
- targets[0] (units[0]) and targets[1] (units[1]) are assigned to teams[0],
  targets[2] (units[2]) to teams[1].
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pytest

from jiandu.accounts.models import OrgUnit, User
from jiandu.inspections.models import Round, Target, Team
from jiandu.inspections.services import planning


def make_unit(code: str, name_zh: str, parent: OrgUnit | None = None) -> OrgUnit:
    """An org unit with its materialized path (no service: tests' scaffolding)."""
    unit = OrgUnit.objects.create(
        code=code,
        name_zh=name_zh,
        kind=OrgUnit.Kind.ENTERPRISE if parent else OrgUnit.Kind.OTHER,
        parent=parent,
    )
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


@dataclass
class Inspection:
    round: Round
    root: OrgUnit
    units: list[OrgUnit]
    teams: list[Team]
    targets: list[Target]
    leaders: list[User]
    members: list[User]
    office: User
    extra: dict[str, Any] = field(default_factory=dict)


@pytest.fixture(autouse=True)
def _in_english(settings: Any) -> Any:
    """These tests read the module's messages in English: the default language of the
    installation (Chinese) is replaced for them, in services and in requests alike.
    Tests of the Chinese texts switch explicitly (translation.override)."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def office(make_user: Callable[..., Any]) -> User:
    user: User = make_user("office", role="office")
    return user


@pytest.fixture
def inspection(office: User, make_user: Callable[..., Any]) -> Inspection:
    root = make_unit("GROUP", "集团公司")
    units = [
        make_unit("E1", "第一分公司", root),
        make_unit("E2", "第二分公司", root),
        make_unit("E3", "第三分公司", root),
    ]
    round = planning.create_round(
        actor=office,
        code="2025-1",
        name_zh="2025年第一轮巡视",
        name_en="Round 1 of 2025",
        start_date=dt.date(2025, 3, 1),
        end_date=dt.date(2025, 6, 30),
    )
    teams = [
        planning.create_team(actor=office, round=round, number=1, name_zh="第一巡视组"),
        planning.create_team(actor=office, round=round, number=2, name_zh="第二巡视组"),
    ]
    leaders = [make_user("leader1"), make_user("leader2")]
    members = [make_user("member1"), make_user("member2")]
    for team, leader, member in zip(teams, leaders, members, strict=True):
        planning.add_member(actor=office, team=team, user=leader, position="leader")
        planning.add_member(actor=office, team=team, user=member, position="member")
    targets = [
        planning.add_target(
            actor=office,
            round=round,
            team=teams[0],
            org_unit=units[0],
            entry_date=dt.date(2025, 3, 10),
            entry_meeting_date=dt.date(2025, 3, 10),
            sources_consulted=["discipline", "audit"],
        ),
        planning.add_target(actor=office, round=round, team=teams[0], org_unit=units[1]),
        planning.add_target(actor=office, round=round, team=teams[1], org_unit=units[2]),
    ]
    return Inspection(
        round=round,
        root=root,
        units=units,
        teams=teams,
        targets=targets,
        leaders=leaders,
        members=members,
        office=office,
    )
