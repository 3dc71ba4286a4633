"""The planning API under /api/inspections: rounds, stages, teams, members, targets.
Endpoints are thin and obey the same permissions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema, Status
from ninja.pagination import paginate

from jiandu.accounts import permissions
from jiandu.accounts import selectors as accounts
from jiandu.api.pagination import Pages
from jiandu.inspections.models import Round, Target, TeamMember
from jiandu.inspections.selectors import planning as selectors
from jiandu.inspections.services import planning as services

from .schemas import ID_MAX, ErrorOut, InputSchema

router = Router(tags=["inspection rounds"])

# The same refusals as api.REFUSALS (not imported: api.py imports this module).
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}


# --- schemas ---------------------------------------------------------------------


class RoundOut(Schema):
    id: int
    code: str
    name_zh: str
    name_en: str
    state: str
    start_date: dt.date | None
    end_date: dt.date | None


class MemberOut(Schema):
    id: int
    user_id: int
    username: str
    position: str


class TeamOut(Schema):
    id: int
    round_id: int
    number: int
    name_zh: str
    name_en: str
    members: list[MemberOut]


class TargetOut(Schema):
    id: int
    round_id: int
    team_id: int
    org_unit_id: int
    org_unit_name: str
    entry_date: dt.date | None
    exit_date: dt.date | None
    entry_meeting_date: dt.date | None
    sources_consulted: list[str]


class RoundDetailOut(RoundOut):
    teams: list[TeamOut]
    targets: list[TargetOut]


class RoundIn(InputSchema):
    code: str = Field(min_length=1, max_length=40)
    name_zh: str = Field(min_length=1, max_length=200)
    name_en: str = Field("", max_length=200)
    start_date: dt.date | None = None
    end_date: dt.date | None = None


class AdvanceIn(InputSchema):
    to_state: str = Field(max_length=16, json_schema_extra={"enum": [*Round.State.values]})


class TeamIn(InputSchema):
    number: int = Field(ge=1, le=999)
    name_zh: str = Field(min_length=1, max_length=100)
    name_en: str = Field("", max_length=100)


class MemberIn(InputSchema):
    username: str = Field(min_length=1, max_length=150)
    position: str = Field(max_length=8, json_schema_extra={"enum": [*TeamMember.Position.values]})


class TargetIn(InputSchema):
    team_id: int = Field(ge=1, le=ID_MAX)
    org_unit_id: int = Field(ge=1, le=ID_MAX)
    entry_date: dt.date | None = None
    exit_date: dt.date | None = None
    entry_meeting_date: dt.date | None = None
    sources_consulted: list[str] = Field(
        default_factory=list,
        max_length=len(Target.Source.values),
        json_schema_extra={"items": {"type": "string", "enum": [*Target.Source.values]}},
    )


# --- conversions -----------------------------------------------------------------


def _member_out(m: TeamMember) -> MemberOut:
    return MemberOut(id=m.pk, user_id=m.user_id, username=m.user.username, position=m.position)


def _team_out(team: Any, members: list[TeamMember]) -> TeamOut:
    return TeamOut(
        id=team.pk,
        round_id=team.round_id,
        number=team.number,
        name_zh=team.name_zh,
        name_en=team.name_en,
        members=[_member_out(m) for m in members],
    )


def _target_out(t: Target) -> TargetOut:
    return TargetOut(
        id=t.pk,
        round_id=t.round_id,
        team_id=t.team_id,
        org_unit_id=t.org_unit_id,
        org_unit_name=t.org_unit.name,
        entry_date=t.entry_date,
        exit_date=t.exit_date,
        entry_meeting_date=t.entry_meeting_date,
        sources_consulted=list(t.sources_consulted or []),
    )


# --- endpoints -------------------------------------------------------------------


@router.get("/rounds", response={200: list[RoundOut], **REFUSALS})
@paginate(Pages)
def list_rounds(request: HttpRequest) -> Any:
    permissions.require(request.user, "round.view")
    return selectors.rounds(request.user)


@router.get("/rounds/{round_id}", response={200: RoundDetailOut, **REFUSALS})
def get_round(request: HttpRequest, round_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    round = selectors.round(request.user, round_id)
    overview = selectors.round_overview(request.user, round)
    return RoundDetailOut(
        **RoundOut.model_validate(round).model_dump(),
        teams=[_team_out(row.team, row.members) for row in overview.rows],
        targets=[_target_out(cell.target) for row in overview.rows for cell in row.cells],
    )


@router.post("/rounds", response={201: RoundOut, **REFUSALS})
def create_round(request: HttpRequest, payload: RoundIn) -> Any:
    return Status(201, services.create_round(actor=request.user, **payload.dict()))


@router.post("/rounds/{round_id}/advance", response={200: RoundOut, **REFUSALS})
def advance_round(
    request: HttpRequest, payload: AdvanceIn, round_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    round = selectors.round(request.user, round_id)
    return services.advance_round(actor=request.user, round=round, to_state=payload.to_state)


@router.post("/rounds/{round_id}/teams", response={201: TeamOut, **REFUSALS})
def create_team(
    request: HttpRequest, payload: TeamIn, round_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    round = selectors.round(request.user, round_id)
    team = services.create_team(actor=request.user, round=round, **payload.dict())
    return Status(201, _team_out(team, []))


@router.post("/teams/{team_id}/members", response={201: MemberOut, **REFUSALS})
def add_member(
    request: HttpRequest, payload: MemberIn, team_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    team = selectors.team(request.user, team_id, action="round.manage")
    user = selectors.account_for_team(request.user, team, payload.username)
    member = services.add_member(
        actor=request.user, team=team, user=user, position=payload.position
    )
    return Status(201, _member_out(member))


@router.post("/rounds/{round_id}/targets", response={201: TargetOut, **REFUSALS})
def add_target(
    request: HttpRequest, payload: TargetIn, round_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    round = selectors.round(request.user, round_id)
    permissions.require(request.user, "round.manage", round)
    team = selectors.team(request.user, payload.team_id)
    unit = accounts.org_unit(request.user, payload.org_unit_id)
    data = payload.dict(exclude={"team_id", "org_unit_id"})
    target = services.add_target(actor=request.user, round=round, team=team, org_unit=unit, **data)
    return Status(201, _target_out(target))
