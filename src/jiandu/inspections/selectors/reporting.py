"""Reads of reports, feedback and transfers. Each returns only what the actor may see.

- Reports: "report.view" on the report (a team: its targets' reports; the office: all).
- Feedback: "feedback.view" shows drafts and delivered feedback in scope; an inspected
  unit ("feedback.view_delivered" on its org unit) sees its delivered feedback only, and
  of the findings only those fed back.
- Transfers: "transfer.view" globally (the office: all), on a team or a round (its
  targets' transfers), or on an org unit (the transfers sent to a receiving unit within
  it; not those about it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Q, QuerySet

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied
from jiandu.core.states import allowed

from ..documents import due_date, opinion_findings
from ..models import (
    CentralFeedback,
    Finding,
    Report,
    Round,
    Target,
    TargetFeedback,
    Team,
    Transfer,
)
from ..services.feedback import FEEDBACK_STAGE
from ..services.reporting import REPORTING_STAGES, common_problems

# --- reports ---------------------------------------------------------------------------


def reports(actor: Any, round: Round | None = None) -> QuerySet[Report]:
    qs = Report.objects.select_related("round", "target__org_unit", "target__team")
    if round is not None:
        qs = qs.filter(round=round)
    return permissions.scope_filter(actor, "report.view", qs)


def report(actor: Any, pk: int) -> Report:
    return permissions.get_or_deny(actor, "report.view", reports(actor), pk)


def return_reason(report: Report) -> str:
    """Why the office last returned this draft (empty when it never did)."""
    if report.state != Report.State.DRAFT:
        return ""
    event = (
        AuditEvent.objects.filter(
            action="report.return", target_type="inspections.report", target_id=str(report.pk)
        )
        .order_by("-seq")
        .first()
    )
    return str(event.changes.get("reason", "")) if event else ""


@dataclass
class ReportActions:
    edit: bool = False
    submit: bool = False
    adopt: bool = False
    give_back: bool = False


def report_actions(actor: Any, report: Report) -> ReportActions:
    if report.round.state not in REPORTING_STAGES:
        return ReportActions()
    can_draft = permissions.can(actor, "report.draft", report)
    can_adopt = permissions.can(actor, "report.adopt", report)
    nxt = allowed(Report.TRANSITIONS, report.state)
    return ReportActions(
        edit=can_draft and report.state == Report.State.DRAFT,
        submit=can_draft and Report.State.SUBMITTED in nxt,
        adopt=can_adopt and Report.State.ADOPTED in nxt,
        give_back=can_adopt and report.state == Report.State.SUBMITTED,
    )


# --- feedback --------------------------------------------------------------------------


def central_feedback(actor: Any, round: Round) -> CentralFeedback | None:
    meeting = CentralFeedback.objects.filter(round=round)
    return permissions.scope_filter(actor, "feedback.view", meeting).first()


def visible_feedback(actor: Any) -> QuerySet[TargetFeedback]:
    """Feedback in the actor's "feedback.view" scope (drafts included), and the
    delivered feedback in their "feedback.view_delivered" scope."""
    qs = TargetFeedback.objects.select_related("target__org_unit", "target__round", "target__team")
    full = permissions.scope_filter(actor, "feedback.view", qs).values("pk")
    delivered = permissions.scope_filter(
        actor, "feedback.view_delivered", qs.filter(state=TargetFeedback.State.DELIVERED)
    ).values("pk")
    return qs.filter(Q(pk__in=full) | Q(pk__in=delivered))


def feedback(actor: Any, pk: int) -> TargetFeedback:
    found = visible_feedback(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("feedback.view")
    return found


def sees_drafts(actor: Any, feedback: TargetFeedback) -> bool:
    """True for the office, the team and the supervisors; false for the unit."""
    return permissions.can(actor, "feedback.view", feedback)


def delivered_feedback(actor: Any) -> QuerySet[TargetFeedback]:
    """The delivered feedback addressed to the actor's own unit(s): the "my feedback"
    page of an inspected organization."""
    qs = TargetFeedback.objects.filter(state=TargetFeedback.State.DELIVERED).select_related(
        "target__org_unit", "target__round", "target__team"
    )
    return permissions.scope_filter(actor, "feedback.view_delivered", qs).order_by("-date", "-id")


@dataclass
class DeliveredFeedback:
    feedback: TargetFeedback
    groups: list[tuple[Any, list[Finding]]]


def my_feedback(actor: Any) -> list[DeliveredFeedback]:
    """Each delivered feedback of the actor's unit with the problems fed back, by
    category; nothing else (no drafts, no other findings, no evidence, no transfers)."""
    from ..services.reporting import group_by_category

    return [
        DeliveredFeedback(feedback=f, groups=group_by_category(opinion_findings(f)))
        for f in delivered_feedback(actor)
    ]


def can_download_opinion(actor: Any, feedback: TargetFeedback) -> bool:
    if sees_drafts(actor, feedback):
        return True
    return feedback.state == TargetFeedback.State.DELIVERED and permissions.can(
        actor, "feedback.view_delivered", feedback
    )


# --- transfers -------------------------------------------------------------------------


def transfers(actor: Any) -> QuerySet[Transfer]:
    qs = Transfer.objects.select_related(
        "round", "target__org_unit", "receiver_unit", "acknowledged_by", "created_by"
    )
    if permissions.has_global(actor, "transfer.view"):
        return qs
    # A grant on a team or a round shows the transfers of its targets; a grant on an org
    # unit only those the unit received, never those about it (an inspected department
    # must not read the clues about its own leaders).
    teams = permissions.scope_filter(actor, "transfer.view", Team.objects.all()).values("pk")
    rounds = permissions.scope_filter(actor, "transfer.view", Round.objects.all()).values("pk")
    receivers = permissions.scope_filter(actor, "transfer.view", OrgUnit.objects.all())
    return qs.filter(
        Q(target__team__in=teams)
        | Q(round__in=rounds)
        | Q(receiver_unit__in=receivers.values("pk"))
    )


def transfer(actor: Any, pk: int) -> Transfer:
    found = transfers(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("transfer.view")
    return found


def can_acknowledge(actor: Any, transfer: Transfer) -> bool:
    return transfer.state == Transfer.State.SENT and permissions.can(
        actor, "transfer.acknowledge", transfer.receiver_unit
    )


# --- the target page and the round ----------------------------------------------------------


@dataclass
class TargetSection:
    """What the target page shows of reporting, feedback and transfers."""

    target: Target
    report: Report | None = None
    report_actions: ReportActions = field(default_factory=ReportActions)
    can_draft_report: bool = False
    feedback: TargetFeedback | None = None
    feedback_due: Any = None
    can_draft_feedback: bool = False
    can_deliver_feedback: bool = False
    can_download_opinion: bool = False
    transfers: list[Transfer] = field(default_factory=list)
    can_transfer: bool = False
    shows_reports: bool = False
    shows_feedback: bool = False
    shows_transfers: bool = False


def target_section(actor: Any, target: Target) -> dict[str, TargetSection]:
    """Context of `inspections/reporting/_target_section.html` (as `reporting`): the
    target's report, its one-to-one feedback and its transfers, each only if the actor
    may see it, and the actions the actor may take."""
    round = Round.objects.get(pk=target.round_id)
    section = TargetSection(target=target)
    section.shows_reports = permissions.can(actor, "report.view", target)
    if section.shows_reports:
        section.report = reports(actor).filter(target=target).first()
        if section.report is not None:
            section.report_actions = report_actions(actor, section.report)
        else:
            section.can_draft_report = round.state in REPORTING_STAGES and permissions.can(
                actor, "report.draft", target
            )
    shown = visible_feedback(actor).filter(target=target).first()
    section.shows_feedback = shown is not None or permissions.can(actor, "feedback.view", target)
    if shown is not None:
        section.feedback = shown
        section.feedback_due = due_date(shown)
        section.can_download_opinion = can_download_opinion(actor, shown)
        drafting = shown.state == TargetFeedback.State.DRAFT and round.state in FEEDBACK_STAGE
        section.can_deliver_feedback = drafting and permissions.can(
            actor, "feedback.deliver", shown
        )
        section.can_draft_feedback = drafting and permissions.can(actor, "feedback.draft", shown)
    elif round.state in FEEDBACK_STAGE:
        section.can_draft_feedback = permissions.can(actor, "feedback.draft", target)
    section.shows_transfers = permissions.can(actor, "transfer.view", target)
    if section.shows_transfers:
        section.transfers = list(transfers(actor).filter(target=target))
    section.can_transfer = permissions.can(actor, "transfer.create", target)
    return {"reporting": section}


@dataclass
class RoundReporting:
    round: Round
    reports: list[Report]
    special: Report | None
    can_draft_special: bool
    common: list[Any]
    central: CentralFeedback | None
    can_record_central: bool
    feedback: list[TargetFeedback]
    transfers: list[Transfer]
    can_transfer: bool


def round_reporting(actor: Any, round: Round) -> RoundReporting:
    """The round's reports, special report, feedback and transfers the actor may see."""
    visible = list(reports(actor, round))
    special = next((r for r in visible if r.kind == Report.Kind.SPECIAL), None)
    may_draft = round.state in REPORTING_STAGES and permissions.can(actor, "report.draft", round)
    return RoundReporting(
        round=round,
        reports=[r for r in visible if r.kind == Report.Kind.TARGET],
        special=special,
        can_draft_special=may_draft and special is None,
        common=common_problems(round) if may_draft and special is None else [],
        central=central_feedback(actor, round),
        can_record_central=round.state in FEEDBACK_STAGE
        and permissions.can(actor, "feedback.deliver", round),
        feedback=list(visible_feedback(actor).filter(target__round=round)),
        transfers=list(transfers(actor).filter(round=round)),
        can_transfer=round.state != Round.State.PLANNING
        and round.state != Round.State.CLOSED
        and (
            permissions.can(actor, "transfer.create", round)
            or permissions.scope_filter(actor, "transfer.create", round.targets.all()).exists()
        ),
    )
