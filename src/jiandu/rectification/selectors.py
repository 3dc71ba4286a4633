"""Reads of rectification. Each returns only what the actor may see: the inspected unit
its own plans (``rectification.view`` on its org unit), supervisors within their scope,
the office everything. Reading a plan or downloading evidence is logged."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from django.db.models import Count, Prefetch, QuerySet
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit
from jiandu.audit import services as audit
from jiandu.core.errors import PermissionDenied
from jiandu.inspections.models import Round, Target, TargetFeedback

from . import statistics
from .models import (
    Escalation,
    EvidenceRevision,
    Flag,
    Plan,
    Problem,
    Task,
)
from .services.escalation import next_level

VIEW = "rectification.view"
# Actions that read problems; `cancelled_problems` accepts any of them.
READ_ACTIONS = ("rectification.view", "rectification.verify", "rectification.assess")
REPEATED_REJECTIONS = 2


def plans(actor: Any, round: Round | None = None) -> QuerySet[Plan]:
    qs = Plan.objects.select_related("target__round", "target__org_unit", "target__team")
    if round is not None:
        qs = qs.filter(target__round=round)
    return permissions.scope_filter(actor, VIEW, qs)


def get_plan(actor: Any, pk: int) -> Plan:
    """The plan `pk` if the actor may view it (not logged: for the steps that act on it
    or log their own read)."""
    return permissions.get_or_deny(actor, VIEW, plans(actor), pk)


def plan(actor: Any, pk: int) -> Plan:
    """The plan `pk` to read; the read is logged."""
    found = get_plan(actor, pk)
    audit.record_read(actor=actor, target=found, action="rectification.plan_read")
    return found


def problems(actor: Any, plan: Plan | None = None) -> QuerySet[Problem]:
    qs = Problem.objects.select_related("plan__target__org_unit", "plan__target__round", "category")
    if plan is not None:
        qs = qs.filter(plan=plan)
    return permissions.scope_filter(actor, VIEW, qs)


def problem(actor: Any, pk: int) -> Problem:
    return permissions.get_or_deny(actor, VIEW, problems(actor), pk)


def plan_problems(plan: Plan) -> list[Problem]:
    """The problem list with tasks, leaders and evidence counts, in order."""
    tasks = Task.objects.select_related("leader").order_by("number")
    return list(
        plan.problems.exclude(state=Problem.State.MERGED)
        .select_related("category")
        .prefetch_related(Prefetch("tasks", queryset=tasks), "findings", "flags")
        .annotate(files=Count("evidence__revisions", distinct=True))
        .order_by("number")
    )


def cancelled_problems(*, actor: Any, org_unit: OrgUnit) -> QuerySet[Problem]:
    """The cancelled problems of the plans of `org_unit` and its subordinate units that the
    actor may read (view, verify or assess), newest cancellation first."""
    qs = Problem.objects.filter(
        state=Problem.State.CANCELLED, plan__target__org_unit__path__startswith=org_unit.path
    ).select_related("plan__target__org_unit", "plan__target__round", "category")
    allowed = Problem.objects.none()
    for action in READ_ACTIONS:
        allowed = allowed | permissions.scope_filter(actor, action, qs)
    return qs.filter(pk__in=allowed.values("pk")).order_by("-cancelled_at", "-id")


def revision(actor: Any, pk: int) -> EvidenceRevision:
    found = permissions.get_or_deny(
        actor, VIEW, EvidenceRevision.objects.select_related("document__problem"), pk
    )
    audit.record_read(
        actor=actor,
        target=found,
        action="rectification.evidence_download",
        detail={"problem": found.document.problem_id, "sha256": found.sha256},
    )
    return found


def evidence_reuse(actor: Any, problem: Problem) -> dict[str, list[Problem]]:
    """SHA-256 of each of the problem's files filed for other problems too -> those
    problems (the actor sees the ones in their scope; the count is the hint)."""
    mine = set(
        EvidenceRevision.objects.filter(document__problem=problem).values_list("sha256", flat=True)
    )
    rows = (
        EvidenceRevision.objects.filter(sha256__in=mine)
        .exclude(document__problem=problem)
        .values_list("sha256", "document__problem_id")
    )
    found: dict[str, set[int]] = defaultdict(set)
    for sha, pid in rows:
        found[sha].add(pid)
    visible = {
        p.pk: p for p in problems(actor).filter(pk__in={p for s in found.values() for p in s})
    }
    return {
        sha: [visible[p] for p in sorted(ids) if p in visible] or [] for sha, ids in found.items()
    }


def targets_without_plan(actor: Any, round: Round) -> QuerySet[Target]:
    """Targets of the round with delivered feedback and no plan yet, in the actor's scope."""
    qs = Target.objects.filter(
        round=round,
        feedback__state=TargetFeedback.State.DELIVERED,
        rectification_plan__isnull=True,
    ).select_related("org_unit")
    return permissions.scope_filter(actor, VIEW, qs)


def my_plans(actor: Any) -> QuerySet[Plan]:
    return plans(actor).filter(target__round__state=Round.State.RECTIFICATION)


def rounds(actor: Any) -> list[Round]:
    ids = plans(actor).values_list("target__round_id", flat=True)
    return list(Round.objects.filter(pk__in=ids).order_by("-start_date", "-id"))


# --- dashboards and suggestions ---------------------------------------------------------


@dataclass
class PlanRow:
    plan: Plan
    stats: statistics.Stats
    overdue: int
    escalations: int
    flags: int
    suggestion: str = ""
    suggestion_reason: str = ""

    @property
    def suggestion_label(self) -> str:
        return str(Escalation.Level(self.suggestion).label) if self.suggestion else ""


def dashboard(actor: Any, round: Round) -> list[PlanRow]:
    """One row per plan of the round in the actor's scope: statistics, overdue tasks,
    escalations, open flags and the suggested next escalation step."""
    rows = []
    visible = plans(actor, round).order_by("target__team__number", "target__org_unit__code")
    escalations = dict(
        Escalation.objects.filter(plan__in=visible)
        .values("plan")
        .annotate(n=Count("id"))
        .values_list("plan", "n")
    )
    flags = dict(
        Flag.objects.filter(problem__plan__in=visible, state=Flag.State.OPEN)
        .values("problem__plan")
        .annotate(n=Count("id"))
        .values_list("problem__plan", "n")
    )
    for item in visible:
        problems_qs = item.problems.all()
        overdue = statistics.overdue_tasks(Task.objects.filter(problem__plan=item))
        row = PlanRow(
            plan=item,
            stats=statistics.statistics(problems_qs),
            overdue=len(overdue),
            escalations=escalations.get(item.pk, 0),
            flags=flags.get(item.pk, 0),
        )
        row.suggestion, row.suggestion_reason = suggestion(item, len(overdue))
        rows.append(row)
    return rows


def suggestion(plan: Plan, overdue: int) -> tuple[str, str]:
    """The next escalation step suggested for overdue or repeatedly rejected work
    ("" when nothing calls for one)."""
    rejected = plan.problems.filter(rejections__gte=REPEATED_REJECTIONS).count()
    if not overdue and not rejected:
        return "", ""
    last = plan.escalations.order_by("-issued_at", "-id").values_list("level", flat=True).first()
    reasons = []
    if overdue:
        reasons.append(_("%(n)d overdue task(s)") % {"n": overdue})
    if rejected:
        reasons.append(
            _("%(n)d problem(s) rejected %(times)d times or more")
            % {"n": rejected, "times": REPEATED_REJECTIONS}
        )
    return next_level(last), "; ".join(reasons)


def flags(actor: Any, round: Round | None = None) -> QuerySet[Flag]:
    qs = Flag.objects.select_related("problem__plan__target__org_unit")
    if round is not None:
        qs = qs.filter(problem__plan__target__round=round)
    return permissions.scope_filter(actor, VIEW, qs)


def escalation(actor: Any, pk: int) -> Escalation:
    return permissions.get_or_deny(
        actor, VIEW, Escalation.objects.select_related("plan__target__org_unit", "problem"), pk
    )


def round_for(actor: Any, pk: int) -> Round:
    """A round the actor sees some rectification of (otherwise refused)."""
    found = Round.objects.filter(pk=pk).first()
    if found is None or not (permissions.has_global(actor, VIEW) or plans(actor, found).exists()):
        raise PermissionDenied(VIEW)
    return found


def assessment(actor: Any, round: Round) -> list[statistics.Score]:
    permissions.require(actor, "rectification.assess", round)
    out = []
    for item in plans(actor, round).order_by("target__org_unit__code"):
        out.append(statistics.score(item.target.org_unit.name, item.problems.all()))
    return out
