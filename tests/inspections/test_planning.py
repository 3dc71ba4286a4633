"""Planning services and selectors: rounds and their stages, teams and members (with the
role each place grants), targets, and what each actor sees of a round."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.contrib.contenttypes.models import ContentType

from jiandu.accounts import permissions
from jiandu.accounts.models import RoleAssignment, User
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.inspections.models import (
    Finding,
    FindingCategory,
    Report,
    Round,
    Target,
    TargetFeedback,
    Team,
    TeamMember,
)
from jiandu.inspections.selectors import planning as selectors
from jiandu.inspections.services import planning

from .conftest import Inspection, make_unit

pytestmark = pytest.mark.django_db

STAGES = list(Round.State.values)
MODELS = (Round, Team, TeamMember, Target, RoleAssignment, AuditEvent)


def counts() -> dict[str, int]:
    return {m.__name__: m.objects.count() for m in MODELS}


@contextmanager
def unchanged() -> Iterator[None]:
    """The block must change no row of the planning tables and write no audit event."""
    before = counts()
    yield
    assert counts() == before


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


def refused(exc: pytest.ExceptionInfo[ValidationFailed], field: str) -> str:
    assert field in exc.value.errors, exc.value.errors
    return exc.value.errors[field]


# --- rounds ------------------------------------------------------------------------------


def test_create_round_is_audited(office: Any) -> None:
    round = planning.create_round(
        actor=office, code=" R-1 ", name_zh="第一轮", start_date=dt.date(2025, 1, 1)
    )
    assert (round.code, round.name_zh, round.state) == ("R-1", "第一轮", "planning")
    event = last_event()
    assert (event.action, event.target_id, event.actor_id) == (
        "round.create",
        str(round.pk),
        office.pk,
    )
    assert event.changes["after"]["code"] == "R-1"


def test_create_round_refuses_bad_input(office: Any) -> None:
    planning.create_round(actor=office, code="R-1", name_zh="第一轮")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.create_round(actor=office, code="R-1", name_zh="又一轮")
    assert "R-1" in refused(exc, "code")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.create_round(actor=office, code="R-2", name_zh="  ")
    refused(exc, "name_zh")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.create_round(
            actor=office,
            code="R-2",
            name_zh="第二轮",
            start_date=dt.date(2025, 5, 1),
            end_date=dt.date(2025, 4, 1),
        )
    refused(exc, "end_date")


@pytest.mark.parametrize("role", [None, "team_leader", "discipline_supervisor", "unit_leader"])
def test_only_a_global_planner_creates_rounds(make_user: Callable, role: str | None) -> None:
    user = make_user("someone", role=role)
    with unchanged(), pytest.raises(PermissionDenied):
        planning.create_round(actor=user, code="R-1", name_zh="第一轮")


def _round_at(inspection: Inspection, stage: str) -> Round:
    round = inspection.round
    for step in STAGES[1 : STAGES.index(stage) + 1]:
        round = planning.advance_round(actor=inspection.office, round=round, to_state=step)
    assert round.state == stage
    return round


@pytest.mark.parametrize("current", STAGES)
@pytest.mark.parametrize("target", STAGES)
def test_round_moves_only_to_its_next_stage(
    inspection: Inspection, current: str, target: str
) -> None:
    round = _round_at(inspection, current)
    i = STAGES.index(current)
    if i + 1 < len(STAGES) and STAGES[i + 1] == target:
        planning.advance_round(actor=inspection.office, round=round, to_state=target)
        round.refresh_from_db()
        assert round.state == target
        event = last_event()
        assert event.action == "round.advance"
        assert event.changes["state"] == {"before": current, "after": target}
    else:
        with unchanged(), pytest.raises(InvalidTransition):
            planning.advance_round(actor=inspection.office, round=round, to_state=target)
        round.refresh_from_db()
        assert round.state == current


def test_inspection_needs_a_target(office: Any) -> None:
    round = planning.create_round(actor=office, code="R-1", name_zh="第一轮")
    planning.create_team(actor=office, round=round, number=1, name_zh="第一组")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.advance_round(actor=office, round=round, to_state="inspecting")
    assert "target" in refused(exc, "state")
    round.refresh_from_db()
    assert round.state == "planning"


def test_unknown_stage_and_outsiders_are_refused(inspection: Inspection) -> None:
    with unchanged(), pytest.raises(InvalidTransition):
        planning.advance_round(actor=inspection.office, round=inspection.round, to_state="done")
    for user in (inspection.leaders[0], inspection.members[0]):
        with unchanged(), pytest.raises(PermissionDenied):
            planning.advance_round(actor=user, round=inspection.round, to_state="inspecting")
    inspection.round.refresh_from_db()
    assert inspection.round.state == "planning"


def test_a_closed_round_cannot_change(inspection: Inspection, make_user: Callable) -> None:
    round = _round_at(inspection, "closed")
    office = inspection.office
    with unchanged(), pytest.raises(ValidationFailed):
        planning.create_team(actor=office, round=round, number=3, name_zh="第三组")
    with unchanged(), pytest.raises(ValidationFailed):
        planning.add_member(
            actor=office, team=inspection.teams[0], user=make_user("x"), position="member"
        )
    with unchanged(), pytest.raises(ValidationFailed):
        planning.update_target(actor=office, target=inspection.targets[0], exit_date=None)


# --- teams and members --------------------------------------------------------------------


def test_create_team_refuses_duplicates_and_outsiders(inspection: Inspection) -> None:
    office, round = inspection.office, inspection.round
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.create_team(actor=office, round=round, number=1, name_zh="重复")
    refused(exc, "number")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.create_team(actor=office, round=round, number=0, name_zh="零")
    refused(exc, "number")
    with unchanged(), pytest.raises(PermissionDenied):
        planning.create_team(actor=inspection.leaders[0], round=round, number=3, name_zh="三")
    team = planning.create_team(actor=office, round=round, number=3, name_zh="第三组")
    assert (team.number, last_event().action) == (3, "team.create")


@pytest.mark.parametrize(
    ("position", "role"),
    [("leader", "team_leader"), ("deputy", "team_leader"), ("member", "team_member")],
)
def test_add_member_grants_exactly_the_team_scope(
    office: Any, make_user: Callable, position: str, role: str
) -> None:
    round = planning.create_round(actor=office, code="R-1", name_zh="第一轮")
    team = planning.create_team(actor=office, round=round, number=1, name_zh="第一组")
    user = make_user("newcomer")
    member = planning.add_member(actor=office, team=team, user=user, position=position)
    assert (member.team, member.user, member.position) == (team, user, position)
    [assignment] = RoleAssignment.objects.filter(user=user)
    assert assignment.role.code == role
    assert assignment.scope_kind == "object"
    assert assignment.object_type == ContentType.objects.get_for_model(Team)
    assert assignment.object_id == str(team.pk)
    assert assignment.granted_by == office
    assert permissions.has_global(user, "round.view") is False
    event = last_event()
    assert (event.action, event.target_id) == ("team.member_add", str(team.pk))
    assert event.changes == {"user": "newcomer", "position": position, "role": role}


def test_add_member_refuses_bad_input(inspection: Inspection, make_user: Callable) -> None:
    office, team = inspection.office, inspection.teams[0]
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.add_member(actor=office, team=team, user=inspection.members[0], position="member")
    assert "member1" in refused(exc, "user")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.add_member(actor=office, team=team, user=make_user("x"), position="leader")
    refused(exc, "position")  # the team has a leader already
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.add_member(actor=office, team=team, user=make_user("y"), position="boss")
    refused(exc, "position")
    inactive = make_user("z")
    inactive.is_active = False
    inactive.save()
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.add_member(actor=office, team=team, user=inactive, position="member")
    refused(exc, "user")
    with unchanged(), pytest.raises(PermissionDenied):
        planning.add_member(
            actor=inspection.leaders[0], team=team, user=make_user("w"), position="member"
        )


def test_a_user_may_sit_on_teams_of_several_rounds(inspection: Inspection) -> None:
    office = inspection.office
    other = planning.create_round(actor=office, code="R-2", name_zh="第二轮")
    team = planning.create_team(actor=office, round=other, number=1, name_zh="第一组")
    planning.add_member(actor=office, team=team, user=inspection.members[0], position="deputy")
    assert set(selectors.rounds(inspection.members[0])) == {inspection.round, other}


def test_remove_member_removes_the_role(inspection: Inspection) -> None:
    user = inspection.members[0]
    member = TeamMember.objects.get(user=user)
    assert selectors.targets(user).count() == 2
    planning.remove_member(actor=inspection.office, member=member)
    assert not TeamMember.objects.filter(user=user).exists()
    assert not RoleAssignment.objects.filter(user=user).exists()
    user = User.objects.get(pk=user.pk)  # as the next request loads it
    assert selectors.targets(user).count() == 0
    assert not selectors.rounds(user).exists()
    event = last_event()
    assert event.action == "team.member_remove"
    assert event.changes == {"user": "member1", "position": "member", "role": "team_member"}


def test_remove_member_is_refused_to_the_team(inspection: Inspection) -> None:
    member = TeamMember.objects.get(user=inspection.members[0])
    with unchanged(), pytest.raises(PermissionDenied):
        planning.remove_member(actor=inspection.leaders[0], member=member)


# --- targets ------------------------------------------------------------------------------


def test_add_target_records_the_inspection_record(inspection: Inspection) -> None:
    target = inspection.targets[0]
    assert (target.team, target.org_unit) == (inspection.teams[0], inspection.units[0])
    assert target.sources_consulted == ["discipline", "audit"]
    assert AuditEvent.objects.filter(action="target.create", target_id=str(target.pk)).exists()


def test_add_target_refuses_bad_input(inspection: Inspection) -> None:
    office, round = inspection.office, inspection.round
    other = planning.create_round(actor=office, code="R-2", name_zh="第二轮")
    foreign = planning.create_team(actor=office, round=other, number=1, name_zh="他组")
    unit = make_unit("E4", "第四分公司", inspection.root)
    team = inspection.teams[0]
    cases: list[tuple[dict[str, Any], str]] = [
        ({"team": foreign, "org_unit": unit}, "team"),
        ({"team": team, "org_unit": inspection.units[0]}, "org_unit"),
        ({"team": team, "org_unit": unit, "sources_consulted": ["gossip"]}, "sources_consulted"),
        (
            {
                "team": team,
                "org_unit": unit,
                "entry_date": dt.date(2025, 4, 1),
                "exit_date": dt.date(2025, 3, 1),
            },
            "exit_date",
        ),
        (
            {
                "team": team,
                "org_unit": unit,
                "entry_date": dt.date(2025, 4, 1),
                "entry_meeting_date": dt.date(2025, 3, 1),
            },
            "entry_meeting_date",
        ),
    ]
    for kwargs, field in cases:
        with unchanged(), pytest.raises(ValidationFailed) as exc:
            planning.add_target(actor=office, round=round, **kwargs)
        refused(exc, field)
    with unchanged(), pytest.raises(PermissionDenied):
        planning.add_target(actor=inspection.leaders[0], round=round, team=team, org_unit=unit)


def test_update_target(inspection: Inspection) -> None:
    target = inspection.targets[1]
    planning.update_target(
        actor=inspection.office,
        target=target,
        team=inspection.teams[1],
        entry_date=dt.date(2025, 3, 12),
        exit_date=dt.date(2025, 5, 12),
        sources_consulted=["petition", "petition", "organization"],
    )
    target.refresh_from_db()
    assert target.team == inspection.teams[1]
    assert target.sources_consulted == ["petition", "organization"]
    event = last_event()
    assert event.action == "target.update"
    assert event.changes["team"] == {
        "before": inspection.teams[0].pk,
        "after": inspection.teams[1].pk,
    }
    # The team changed: team 1 no longer sees it, team 2 does.
    assert target not in selectors.targets(inspection.members[0])
    assert target in selectors.targets(inspection.members[1])


def test_update_target_refuses_bad_input(inspection: Inspection) -> None:
    office, target = inspection.office, inspection.targets[0]  # entry 2025-03-10
    other = planning.create_round(actor=office, code="R-2", name_zh="第二轮")
    foreign = planning.create_team(actor=office, round=other, number=1, name_zh="他组")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.update_target(actor=office, target=target, team=foreign)
    refused(exc, "team")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.update_target(actor=office, target=target, exit_date=dt.date(2025, 3, 1))
    refused(exc, "exit_date")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        planning.update_target(actor=office, target=target, sources_consulted=["x"])
    refused(exc, "sources_consulted")
    with unchanged(), pytest.raises(PermissionDenied):
        planning.update_target(actor=inspection.leaders[0], target=target, exit_date=None)
    target.refresh_from_db()
    assert target.team == inspection.teams[0]


# --- selectors ----------------------------------------------------------------------------


def test_office_sees_everything(inspection: Inspection) -> None:
    office = inspection.office
    assert list(selectors.rounds(office)) == [inspection.round]
    assert set(selectors.targets(office, inspection.round)) == set(inspection.targets)
    overview = selectors.round_overview(office, inspection.round)
    assert [row.team for row in overview.rows] == inspection.teams
    assert [[c.target for c in row.cells] for row in overview.rows] == [
        inspection.targets[:2],
        inspection.targets[2:],
    ]
    assert [[m.user for m in row.members] for row in overview.rows] == [
        [inspection.leaders[0], inspection.members[0]],
        [inspection.leaders[1], inspection.members[1]],
    ]


@pytest.mark.parametrize("who", ["leaders", "members"])
@pytest.mark.parametrize("index", [0, 1])
def test_a_team_sees_only_its_own_row(inspection: Inspection, who: str, index: int) -> None:
    user = getattr(inspection, who)[index]
    own = [t for t in inspection.targets if t.team == inspection.teams[index]]
    assert list(selectors.rounds(user)) == [inspection.round]
    assert set(selectors.targets(user)) == set(own)
    assert set(selectors.teams(user)) == {inspection.teams[index]}
    overview = selectors.round_overview(user, inspection.round)
    assert [row.team for row in overview.rows] == [inspection.teams[index]]
    assert [c.target for c in overview.rows[0].cells] == own
    other = inspection.targets[2] if index == 0 else inspection.targets[0]
    with pytest.raises(PermissionDenied):
        selectors.target(user, other.pk)
    assert selectors.target(user, own[0].pk) == own[0]


def test_outsiders_see_no_round(inspection: Inspection, make_user: Callable) -> None:
    for user in (make_user("nobody"), make_user("liaison", role="unit_liaison")):
        assert not selectors.rounds(user).exists()
        with pytest.raises(PermissionDenied):
            selectors.round(user, inspection.round.pk)
        with pytest.raises(PermissionDenied):
            selectors.round_overview(user, inspection.round)
    with pytest.raises(PermissionDenied):  # absent looks like refused
        selectors.round(inspection.office, inspection.round.pk + 1000)


def test_supervisors_see_rounds(inspection: Inspection, make_user: Callable) -> None:
    everywhere = make_user("disc", role="discipline_supervisor")
    assert list(selectors.rounds(everywhere)) == [inspection.round]
    assert len(selectors.round_overview(everywhere, inspection.round).rows) == 2
    # Scoped to one unit: only the round and target of that unit, no team members.
    local = make_user("local", role="orgdept_supervisor", org=inspection.units[2])
    assert list(selectors.rounds(local)) == [inspection.round]
    overview = selectors.round_overview(local, inspection.round)
    assert [(row.team, row.members) for row in overview.rows] == [(inspection.teams[1], [])]
    assert [c.target for c in overview.rows[0].cells] == [inspection.targets[2]]


def test_overview_counts_findings_reports_and_feedback(inspection: Inspection) -> None:
    category = FindingCategory.objects.filter(parent__isnull=False).first()
    assert category is not None
    t0, t1, t2 = inspection.targets
    for target, state in [(t0, "draft"), (t0, "draft"), (t0, "confirmed"), (t2, "withdrawn")]:
        Finding.objects.create(
            target=target,
            category=category,
            title="问题",
            description="描述",
            source="interview",
            state=state,
        )
    TargetFeedback.objects.create(target=t0, date=dt.date(2025, 7, 1), requirements="要求")
    Report.objects.create(round=inspection.round, target=t1, kind="target", title="报告")

    overview = selectors.round_overview(inspection.office, inspection.round)
    cells = {c.target: c for row in overview.rows for c in row.cells}
    assert cells[t0].findings == {"draft": 2, "confirmed": 1}
    assert cells[t0].findings_total == 3
    assert [(v, n) for v, _label, n in cells[t0].finding_counts] == [("draft", 2), ("confirmed", 1)]
    assert (cells[t0].feedback_state, cells[t0].report_state) == ("draft", "none")
    assert (cells[t1].feedback_state, cells[t1].report_state) == ("none", "draft")
    assert cells[t1].findings_total == 0
    assert overview.totals["draft"] == 2 and overview.totals["withdrawn"] == 1

    # A team member: own targets only, and no feedback (no feedback.view).
    member_view = selectors.round_overview(inspection.members[0], inspection.round)
    cells = {c.target: c for row in member_view.rows for c in row.cells}
    assert set(cells) == {t0, t1}
    assert cells[t0].findings == {"draft": 2, "confirmed": 1}
    assert (cells[t0].feedback_state, cells[t0].report_state) == (None, "none")
    assert member_view.totals["withdrawn"] == 0  # team 2's finding is not counted
    # The leader may read feedback drafts of the team.
    leader_view = selectors.round_overview(inspection.leaders[0], inspection.round)
    assert leader_view.rows[0].cells[0].feedback_state == "draft"
