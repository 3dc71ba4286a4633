"""Planning writes: rounds and their stages, teams and their members, targets.

Each service: keyword-only arguments, `actor` first, one transaction, a permission
check and an audit event inside that transaction. Stages change only through
`jiandu.core.states.apply` with `Round.TRANSITIONS`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.db import transaction
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit, Role, RoleAssignment, User
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import InvalidTransition, ValidationFailed

from ..models import Round, Target, Team, TeamMember

ROUND_FIELDS = ("code", "name_zh", "name_en", "state", "start_date", "end_date")
TEAM_FIELDS = ("round", "number", "name_zh", "name_en")
TARGET_FIELDS = (
    "round",
    "team",
    "org_unit",
    "entry_date",
    "exit_date",
    "entry_meeting_date",
    "sources_consulted",
)
TARGET_EDITABLE = frozenset(
    {"team", "entry_date", "exit_date", "entry_meeting_date", "sources_consulted"}
)
# The role a place on a team gives, scoped to the team.
POSITION_ROLES = {
    TeamMember.Position.LEADER: "team_leader",
    TeamMember.Position.DEPUTY: "team_leader",
    TeamMember.Position.MEMBER: "team_member",
}


def _require_open(round: Round) -> None:
    if round.state == Round.State.CLOSED:
        raise ValidationFailed({"round": _("The round is closed; its plan can no longer change.")})


# --- rounds ---------------------------------------------------------------------


@transaction.atomic
def create_round(
    *,
    actor: Any,
    code: str,
    name_zh: str,
    name_en: str = "",
    start_date: dt.date | None = None,
    end_date: dt.date | None = None,
) -> Round:
    permissions.require_global(actor, "round.manage")
    code, name_zh = (code or "").strip(), (name_zh or "").strip()
    errors: dict[str, str] = {}
    if not code:
        errors["code"] = _("A code is required.")
    elif len(code) > Round._meta.get_field("code").max_length:  # type: ignore[operator]
        errors["code"] = _("The code is too long.")
    elif Round.objects.filter(code=code).exists():
        errors["code"] = _("The code %(code)s is already in use.") % {"code": code}
    if not name_zh:
        errors["name_zh"] = _("A Chinese name is required.")
    if start_date and end_date and end_date < start_date:
        errors["end_date"] = _("The end date is before the start date.")
    if errors:
        raise ValidationFailed(errors)
    round = Round.objects.create(
        code=code,
        name_zh=name_zh,
        name_en=(name_en or "").strip(),
        start_date=start_date,
        end_date=end_date,
    )
    audit.record(
        actor=actor,
        action="round.create",
        target=round,
        changes={"after": audit.snapshot(round, ROUND_FIELDS)},
    )
    return round


@transaction.atomic
def advance_round(*, actor: Any, round: Round, to_state: str) -> Round:
    """Move the round to its next stage; stages cannot be skipped or reversed."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    permissions.require(actor, "round.manage", round)
    if to_state not in Round.State.values:
        raise InvalidTransition(_("Unknown stage: %(stage)s") % {"stage": to_state})
    moving_on = to_state in states.allowed(Round.TRANSITIONS, round.state)
    if moving_on and to_state == Round.State.INSPECTING and not round.targets.exists():
        raise ValidationFailed(
            {"state": _("On-site inspection cannot begin before a target is assigned.")}
        )
    before = states.apply(round, "state", Round.TRANSITIONS, to_state)
    round.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="round.advance",
        target=round,
        changes={"state": {"before": before, "after": round.state}},
    )
    return round


# --- teams and members ------------------------------------------------------------


@transaction.atomic
def create_team(*, actor: Any, round: Round, number: int, name_zh: str, name_en: str = "") -> Team:
    round = Round.objects.select_for_update().get(pk=round.pk)
    permissions.require(actor, "round.manage", round)
    _require_open(round)
    name_zh = (name_zh or "").strip()
    errors: dict[str, str] = {}
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 999:
        errors["number"] = _("The team number must be between 1 and 999.")
    elif round.teams.filter(number=number).exists():
        errors["number"] = _("This round already has a team number %(number)s.") % {
            "number": number
        }
    if not name_zh:
        errors["name_zh"] = _("A Chinese name is required.")
    if errors:
        raise ValidationFailed(errors)
    team = Team.objects.create(
        round=round, number=number, name_zh=name_zh, name_en=(name_en or "").strip()
    )
    audit.record(
        actor=actor,
        action="team.create",
        target=team,
        changes={"after": audit.snapshot(team, TEAM_FIELDS)},
    )
    return team


def _team_assignment(member: TeamMember) -> RoleAssignment | None:
    return RoleAssignment.objects.filter(
        user_id=member.user_id,
        role__code=POSITION_ROLES[TeamMember.Position(member.position)],
        scope_kind=RoleAssignment.ScopeKind.OBJECT,
        object_type=ContentType.objects.get_for_model(Team),
        object_id=str(member.team_id),
    ).first()


@transaction.atomic
def add_member(*, actor: Any, team: Team, user: User, position: str) -> TeamMember:
    """Put `user` on `team`; the place comes with the role of its position, scoped to
    the team (leader and deputy: team_leader; member: team_member)."""
    team = Team.objects.select_for_update().select_related("round").get(pk=team.pk)
    permissions.require(actor, "round.manage", team)
    _require_open(team.round)
    errors: dict[str, str] = {}
    if position not in TeamMember.Position.values:
        errors["position"] = _("Unknown position: %(position)s") % {"position": position}
    elif (
        position == TeamMember.Position.LEADER
        and team.members.filter(position=TeamMember.Position.LEADER).exists()
    ):
        errors["position"] = _("The team already has a leader.")
    if not getattr(user, "is_active", False):
        errors["user"] = _("The account is not active.")
    elif team.members.filter(user_id=user.pk).exists():
        errors["user"] = _("%(user)s is already on this team.") % {"user": user}
    if errors:
        raise ValidationFailed(errors)
    member = TeamMember.objects.create(team=team, user=user, position=position)
    role = Role.objects.get(code=POSITION_ROLES[TeamMember.Position(position)])
    RoleAssignment.objects.create(
        user=user,
        role=role,
        scope_kind=RoleAssignment.ScopeKind.OBJECT,
        object_type=ContentType.objects.get_for_model(Team),
        object_id=str(team.pk),
        granted_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    permissions.forget(user)
    audit.record(
        actor=actor,
        action="team.member_add",
        target=team,
        changes={"user": user.get_username(), "position": position, "role": role.code},
    )
    return member


@transaction.atomic
def remove_member(*, actor: Any, member: TeamMember) -> None:
    """Take `member` off the team, with the role the place gave."""
    member = TeamMember.objects.select_related("team__round", "user").get(pk=member.pk)
    permissions.require(actor, "round.manage", member.team)
    _require_open(member.team.round)
    assignment = _team_assignment(member)
    detail = {
        "user": member.user.get_username(),
        "position": member.position,
        "role": assignment.role.code if assignment else None,
    }
    team, user = member.team, member.user
    if assignment is not None:
        assignment.delete()
    member.delete()
    permissions.forget(user)
    audit.record(actor=actor, action="team.member_remove", target=team, changes=detail)


# --- targets ---------------------------------------------------------------------


def _check_sources(values: Iterable[str]) -> list[str]:
    if isinstance(values, str):
        values = [values]
    out: list[str] = []
    for value in values:
        if value not in Target.Source.values:
            raise ValidationFailed(
                {"sources_consulted": _("Unknown source: %(source)s") % {"source": value}}
            )
        if value not in out:
            out.append(value)
    return out


def _check_dates(
    entry_date: dt.date | None, exit_date: dt.date | None, meeting: dt.date | None
) -> None:
    errors: dict[str, str] = {}
    if entry_date and exit_date and exit_date < entry_date:
        errors["exit_date"] = _("The exit date is before the entry date.")
    if meeting and entry_date and meeting < entry_date:
        errors["entry_meeting_date"] = _("The entry meeting is before the entry date.")
    elif meeting and exit_date and meeting > exit_date:
        errors["entry_meeting_date"] = _("The entry meeting is after the exit date.")
    if errors:
        raise ValidationFailed(errors)


@transaction.atomic
def add_target(
    *,
    actor: Any,
    round: Round,
    team: Team,
    org_unit: OrgUnit,
    entry_date: dt.date | None = None,
    exit_date: dt.date | None = None,
    entry_meeting_date: dt.date | None = None,
    sources_consulted: Iterable[str] = (),
) -> Target:
    round = Round.objects.select_for_update().get(pk=round.pk)
    permissions.require(actor, "round.manage", round)
    _require_open(round)
    if team.round_id != round.pk:
        raise ValidationFailed({"team": _("The team does not belong to this round.")})
    if round.targets.filter(org_unit_id=org_unit.pk).exists():
        raise ValidationFailed(
            {"org_unit": _("%(unit)s is already a target of this round.") % {"unit": org_unit.name}}
        )
    sources = _check_sources(sources_consulted)
    _check_dates(entry_date, exit_date, entry_meeting_date)
    target = Target.objects.create(
        round=round,
        team=team,
        org_unit=org_unit,
        entry_date=entry_date,
        exit_date=exit_date,
        entry_meeting_date=entry_meeting_date,
        sources_consulted=sources,
    )
    audit.record(
        actor=actor,
        action="target.create",
        target=target,
        changes={"after": audit.snapshot(target, TARGET_FIELDS)},
    )
    return target


@transaction.atomic
def update_target(*, actor: Any, target: Target, **fields: Any) -> Target:
    """Change a target's team, dates or sources consulted."""
    target = Target.objects.select_for_update().select_related("round").get(pk=target.pk)
    permissions.require(actor, "round.manage", target)
    unknown = set(fields) - TARGET_EDITABLE
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    _require_open(target.round)
    before = audit.snapshot(target, TARGET_FIELDS)
    if "team" in fields and fields["team"].round_id != target.round_id:
        raise ValidationFailed({"team": _("The team does not belong to this round.")})
    if "sources_consulted" in fields:
        fields["sources_consulted"] = _check_sources(fields["sources_consulted"] or ())
    _check_dates(
        fields.get("entry_date", target.entry_date),
        fields.get("exit_date", target.exit_date),
        fields.get("entry_meeting_date", target.entry_meeting_date),
    )
    for name, value in fields.items():
        setattr(target, name, value)
    target.save()
    audit.record(
        actor=actor,
        action="target.update",
        target=target,
        changes=audit.diff(before, audit.snapshot(target, TARGET_FIELDS)),
    )
    return target
