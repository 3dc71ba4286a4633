"""The escalation ladder for late or poor rectification: supervision notice, stage
guidance letter, reminder, warning, accountability letter, accountability case. Each
step is recorded with a document number and issued as a Word document
(`documents.escalation_letter`)."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed

from ..models import Escalation, Plan, Problem
from .common import require, text

LADDER: tuple[str, ...] = tuple(Escalation.Level.values)
# Document-number prefixes (the issuing office's conventions; data, not code elsewhere).
PREFIX = {
    "notice": "督办",
    "guidance": "督导",
    "reminder": "提醒",
    "warning": "警示",
    "letter": "问责函",
    "case": "问责",
}


def next_level(current: str | None) -> str:
    """The step after `current` (the first step when none was issued; the last stays)."""
    if current is None:
        return LADDER[0]
    return LADDER[min(LADDER.index(current) + 1, len(LADDER) - 1)]


@transaction.atomic
def issue_escalation(
    *,
    actor: Any,
    plan: Plan,
    level: str,
    reason: str,
    requirements: str,
    problem: Problem | None = None,
) -> Escalation:
    plan = Plan.objects.select_for_update().select_related("target__org_unit").get(pk=plan.pk)
    require(
        actor,
        "rectification.escalate",
        plan,
        _("Only the office and the supervisors issue escalation letters."),
    )
    errors: dict[str, str] = {}
    if level not in LADDER:
        errors["level"] = _("Choose a step of the escalation ladder.")
    if not text(reason):
        errors["reason"] = _("State the reason (what is late or poor).")
    if not text(requirements):
        errors["requirements"] = _("State what the unit must do and by when.")
    if problem is not None and problem.plan_id != plan.pk:
        errors["problem"] = _("The problem belongs to another plan.")
    if errors:
        raise ValidationFailed(errors)
    now = timezone.now()
    count = Escalation.objects.filter(level=level, issued_at__year=now.year).count() + 1
    escalation = Escalation.objects.create(
        plan=plan,
        problem=problem,
        level=level,
        reference=f"{PREFIX[level]}〔{now.year}〕{count}号",
        reason=text(reason),
        requirements=text(requirements),
        issued_by=actor,
        issued_at=now,
    )
    audit.record(
        actor=actor,
        action="rectification.escalate",
        target=escalation,
        changes={
            "level": level,
            "reference": escalation.reference,
            "problem": getattr(problem, "pk", None),
        },
    )
    return escalation
