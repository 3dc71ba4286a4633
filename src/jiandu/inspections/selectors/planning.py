"""Planning reads: rounds, their teams and targets, and the round overview. Each returns
only what the actor may see.

Who sees a round: a global "round.view" (the office, the supervisors) sees every round;
a place on a team (a grant scoped to the team) shows that team's round, team and
targets; a grant scoped to an org unit shows the rounds that inspect units within it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import User
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.core.states import allowed

from ..models import Finding, Report, Round, Target, TargetFeedback, Team, TeamMember


def teams(actor: Any, round: Round | None = None) -> QuerySet[Team]:
    """Teams the actor may see: by a grant on the team (or the round), or globally."""
    qs = Team.objects.all() if round is None else Team.objects.filter(round=round)
    return permissions.scope_filter(actor, "round.view", qs)


def targets(actor: Any, round: Round | None = None) -> QuerySet[Target]:
    """Targets the actor may see: a team sees only its own targets."""
    qs = Target.objects.select_related("round", "team", "org_unit")
    if round is not None:
        qs = qs.filter(round=round)
    return permissions.scope_filter(actor, "round.view", qs)


def rounds(actor: Any) -> QuerySet[Round]:
    """The rounds the actor may see (newest first)."""
    if permissions.has_global(actor, "round.view"):
        return Round.objects.all()
    direct = permissions.scope_filter(actor, "round.view", Round.objects.all()).values("pk")
    via_teams = teams(actor).values("round_id")
    via_targets = targets(actor).values("round_id")
    return Round.objects.filter(Q(pk__in=direct) | Q(pk__in=via_teams) | Q(pk__in=via_targets))


def round(actor: Any, pk: int) -> Round:
    """One round, or PermissionDenied whether it exists or not."""
    found = rounds(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("round.view")
    return found


def team(actor: Any, pk: int, action: str = "round.view") -> Team:
    return permissions.get_or_deny(actor, action, Team.objects.select_related("round"), pk)


def target(actor: Any, pk: int, action: str = "round.view") -> Target:
    return permissions.get_or_deny(
        actor, action, Target.objects.select_related("round", "team", "org_unit"), pk
    )


def member(actor: Any, pk: int, action: str = "round.manage") -> TeamMember:
    return permissions.get_or_deny(
        actor, action, TeamMember.objects.select_related("team__round", "user"), pk
    )


def members(actor: Any, team: Team) -> QuerySet[TeamMember]:
    return permissions.scope_filter(
        actor, "round.view", TeamMember.objects.filter(team=team).select_related("user")
    )


def account_for_team(actor: Any, team: Team, username: str) -> User:
    """The active account named `username`, for a planner putting someone on `team`.
    Only someone who may plan the team may look accounts up this way."""
    permissions.require(actor, "round.manage", team)
    found = User.objects.filter(username=(username or "").strip(), is_active=True).first()
    if found is None:
        raise ValidationFailed(
            {"username": _("No active account has the user name %(name)s.") % {"name": username}}
        )
    return found


def next_stages(actor: Any, round: Round) -> list[tuple[str, str]]:
    """The stages the actor may move the round to now: (value, label)."""
    if not permissions.can(actor, "round.manage", round):
        return []
    labels = dict(Round.State.choices)
    return [
        (s, str(labels[s]))
        for s in Round.State.values
        if s in allowed(Round.TRANSITIONS, round.state)
    ]


# --- the overview -------------------------------------------------------------------


@dataclass
class TargetStatus:
    """One cell of the overview. `findings` maps each finding state to the number of
    findings (None: the actor may not see the target's findings); the feedback and report
    states are "none" when there is none yet, and None when the actor may not see them."""

    target: Target
    findings: dict[str, int] | None
    findings_total: int | None
    feedback_state: str | None
    report_state: str | None

    @property
    def finding_counts(self) -> list[tuple[str, str, int]]:
        """(state, label, number) of the states that have findings, in workflow order."""
        if not self.findings:
            return []
        return [
            (value, str(label), self.findings[value])
            for value, label in Finding.State.choices
            if self.findings.get(value)
        ]

    @property
    def feedback_label(self) -> str:
        return _label(TargetFeedback.State.choices, self.feedback_state)

    @property
    def report_label(self) -> str:
        return _label(Report.State.choices, self.report_state)


def _label(choices: list[tuple[str, Any]], state: str | None) -> str:
    if state is None:
        return ""
    if state == "none":
        return _("none yet")
    return str(dict(choices).get(state, state))


@dataclass
class TeamRow:
    team: Team
    members: list[TeamMember]
    cells: list[TargetStatus] = field(default_factory=list)


@dataclass
class RoundOverview:
    round: Round
    rows: list[TeamRow]
    finding_states: list[tuple[str, str]]
    totals: dict[str, int]

    @property
    def total_counts(self) -> list[tuple[str, str, int]]:
        """(state, label, number) of the visible findings, for the states that have any."""
        return [
            (v, label, self.totals[v]) for v, label in self.finding_states if self.totals.get(v)
        ]

    @property
    def target_count(self) -> int:
        return sum(len(r.cells) for r in self.rows)


def _states_of(actor: Any, action: str, qs: QuerySet[Any], ids: list[int]) -> dict[int, str]:
    """{target id: state of its row in `qs`} for the targets among `ids` on which the
    actor may perform `action`: "none" when there is no row yet. Targets the actor may
    not see this way are absent."""
    seen = permissions.scope_filter(actor, action, Target.objects.filter(pk__in=ids))
    allowed_ids = set(seen.values_list("pk", flat=True))
    if not allowed_ids:
        return {}
    out = dict.fromkeys(allowed_ids, "none")
    rows = qs.filter(target_id__in=allowed_ids).values_list("target_id", "state")
    out.update({target_id: state for target_id, state in rows})
    return out


def round_overview(actor: Any, round: Round) -> RoundOverview:
    """The team x target matrix of a round, limited to what the actor may see: a team
    member sees only their own team's row."""
    if not rounds(actor).filter(pk=round.pk).exists():
        raise PermissionDenied("round.view")
    visible_targets = list(targets(actor, round).order_by("team__number", "org_unit__code"))
    visible_teams = {t.pk: t for t in teams(actor, round)}
    team_ids = set(visible_teams) | {t.team_id for t in visible_targets}
    all_teams = Team.objects.filter(pk__in=team_ids).order_by("number")
    ids = [t.pk for t in visible_targets]

    may_see_findings = set(
        permissions.scope_filter(
            actor, "finding.view", Target.objects.filter(pk__in=ids)
        ).values_list("pk", flat=True)
    )
    counts: dict[int, dict[str, int]] = {pk: {} for pk in may_see_findings}
    findings = Finding.objects.filter(target_id__in=may_see_findings)
    for row in findings.values("target_id", "state").annotate(n=Count("id")).order_by():
        counts[row["target_id"]][row["state"]] = row["n"]
    feedback = _states_of(actor, "feedback.view", TargetFeedback.objects.all(), ids)
    reports = _states_of(actor, "report.view", Report.objects.filter(kind="target"), ids)

    team_members: dict[int, list[TeamMember]] = {}
    places = TeamMember.objects.filter(team_id__in=list(visible_teams)).select_related("user")
    for place in places.order_by("team_id", "position", "user__username"):
        team_members.setdefault(place.team_id, []).append(place)
    rows = {t.pk: TeamRow(team=t, members=team_members.get(t.pk, [])) for t in all_teams}

    totals: dict[str, int] = {s: 0 for s in Finding.State.values}
    for t in visible_targets:
        by_state = counts.get(t.pk)
        for state, n in (by_state or {}).items():
            totals[state] = totals.get(state, 0) + n
        rows[t.team_id].cells.append(
            TargetStatus(
                target=t,
                findings=by_state,
                findings_total=sum(by_state.values()) if by_state is not None else None,
                feedback_state=feedback.get(t.pk),
                report_state=reports.get(t.pk),
            )
        )
    return RoundOverview(
        round=round,
        rows=list(rows.values()),
        finding_states=[(v, str(label)) for v, label in Finding.State.choices],
        totals=totals,
    )
