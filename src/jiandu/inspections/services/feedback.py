"""Feedback: the round's centralized feedback meeting and the one-to-one feedback to each
target, drafted by the team and delivered by the office. Delivery starts the
rectification clock (feedback date + settings.JIANDU["RECTIFICATION_MONTHS"] months) and
moves the findings of the adopted report to "fed back"; only then does the inspected
unit see the feedback.

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction."""

from __future__ import annotations

import calendar
import datetime as dt
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed

from ..models import CentralFeedback, Finding, Round, Target, TargetFeedback
from . import findings as findings_service
from .reporting import require_stage

CENTRAL_FIELDS = ("round", "date", "attendees", "common_problems", "requirements")
FEEDBACK_FIELDS = (
    "target",
    "state",
    "date",
    "to_leadership_date",
    "to_top_leader_date",
    "participants",
    "requirements",
    "rectification_due",
)
FEEDBACK_STAGE = (Round.State.FEEDBACK,)
# A target may receive feedback only when it has findings of these states.
FEEDBACK_SOURCES = (Finding.State.CONFIRMED, Finding.State.IN_REPORT)


def add_months(date: dt.date, months: int) -> dt.date:
    """`date` plus `months` calendar months; the day is clamped to the month's end
    (2025-12-31 + 2 months = 2026-02-28)."""
    index = date.year * 12 + (date.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(date.day, calendar.monthrange(year, month)[1])
    return dt.date(year, month, day)


def rectification_due(feedback_date: dt.date) -> dt.date:
    """When the rectification report of a feedback given on `feedback_date` is due."""
    return add_months(feedback_date, int(settings.JIANDU["RECTIFICATION_MONTHS"]))


def _text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def _require_date(errors: dict[str, str], name: str, value: Any, required: bool) -> None:
    if value is None:
        if required:
            errors[name] = _("A date is required.")
    elif not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        errors[name] = _("Not a date.")


# --- the centralized meeting ---------------------------------------------------------


@transaction.atomic
def record_central_feedback(
    *,
    actor: Any,
    round: Round,
    date: dt.date,
    attendees: str,
    common_problems: str,
    requirements: str,
) -> CentralFeedback:
    """Record (or correct) the round's centralized feedback meeting."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    permissions.require(actor, "feedback.deliver", round)
    require_stage(round, FEEDBACK_STAGE)
    fields = {
        "attendees": _text(attendees),
        "common_problems": _text(common_problems),
        "requirements": _text(requirements),
    }
    errors: dict[str, str] = {}
    _require_date(errors, "date", date, required=True)
    if not fields["attendees"]:
        errors["attendees"] = _("Name who attended the meeting.")
    if not fields["common_problems"]:
        errors["common_problems"] = _("State the common problems fed back.")
    if not fields["requirements"]:
        errors["requirements"] = _("State the requirements made.")
    if errors:
        raise ValidationFailed(errors)
    meeting = CentralFeedback.objects.filter(round=round).first()
    before = audit.snapshot(meeting, CENTRAL_FIELDS) if meeting else None
    if meeting is None:
        meeting = CentralFeedback.objects.create(round=round, date=date, **fields)
    else:
        meeting.date = date
        for name, value in fields.items():
            setattr(meeting, name, value)
        meeting.save()
    after = audit.snapshot(meeting, CENTRAL_FIELDS)
    audit.record(
        actor=actor,
        action="feedback.central" if before is None else "feedback.central_update",
        target=meeting,
        changes={"after": after} if before is None else audit.diff(before, after),
    )
    return meeting


# --- one-to-one feedback -----------------------------------------------------------------


@transaction.atomic
def draft_target_feedback(
    *,
    actor: Any,
    target: Target,
    date: dt.date,
    requirements: str,
    to_leadership_date: dt.date | None = None,
    to_top_leader_date: dt.date | None = None,
    participants: str = "",
) -> TargetFeedback:
    """Draft (or redraft) the one-to-one feedback to `target`. Refused when the target
    has no confirmed finding to feed back."""
    target = Target.objects.select_for_update().select_related("round").get(pk=target.pk)
    permissions.require(actor, "feedback.draft", target)
    require_stage(target.round, FEEDBACK_STAGE)
    existing = TargetFeedback.objects.filter(target=target).first()
    if existing is not None and existing.state != TargetFeedback.State.DRAFT:
        raise ValidationFailed(
            {"state": _("The feedback has been delivered; it can no longer change.")}
        )
    if not target.findings.filter(state__in=FEEDBACK_SOURCES).exists():
        raise ValidationFailed(
            {
                "findings": _(
                    "Feedback without confirmed findings: the target has no confirmed "
                    "finding or finding in a report to feed back."
                )
            }
        )
    errors: dict[str, str] = {}
    _require_date(errors, "date", date, required=True)
    _require_date(errors, "to_leadership_date", to_leadership_date, required=False)
    _require_date(errors, "to_top_leader_date", to_top_leader_date, required=False)
    requirements, participants = _text(requirements), _text(participants)
    if not requirements:
        errors["requirements"] = _("State the requirements of the feedback.")
    if errors:
        raise ValidationFailed(errors)
    values = {
        "date": date,
        "to_leadership_date": to_leadership_date,
        "to_top_leader_date": to_top_leader_date,
        "participants": participants,
        "requirements": requirements,
    }
    if existing is None:
        feedback = TargetFeedback.objects.create(target=target, **values)
        action, changes = "feedback.draft", {"after": audit.snapshot(feedback, FEEDBACK_FIELDS)}
    else:
        feedback = existing
        before = audit.snapshot(feedback, FEEDBACK_FIELDS)
        for name, value in values.items():
            setattr(feedback, name, value)
        feedback.save()
        action = "feedback.redraft"
        changes = audit.diff(before, audit.snapshot(feedback, FEEDBACK_FIELDS))
    audit.record(actor=actor, action=action, target=feedback, changes=changes)
    return feedback


@transaction.atomic
def deliver_feedback(*, actor: Any, feedback: TargetFeedback) -> TargetFeedback:
    """The office delivers the feedback: the unit sees it from now on, the findings of
    the adopted report are fed back and the rectification report falls due."""
    feedback = (
        TargetFeedback.objects.select_for_update()
        .select_related("target__round")
        .get(pk=feedback.pk)
    )
    permissions.require(actor, "feedback.deliver", feedback)
    require_stage(feedback.target.round, FEEDBACK_STAGE)
    before = states.apply(
        feedback, "state", TargetFeedback.TRANSITIONS, TargetFeedback.State.DELIVERED
    )
    findings = list(
        Finding.objects.select_for_update()
        .filter(target_id=feedback.target_id, state=Finding.State.IN_REPORT)
        .order_by("id")
    )
    if not findings:
        raise ValidationFailed(
            {
                "findings": _(
                    "No finding of this target is in an adopted report: adopt the "
                    "inspection report before delivering the feedback."
                )
            }
        )
    feedback.rectification_due = rectification_due(feedback.date)
    feedback.delivered_by = actor
    feedback.delivered_at = timezone.now()
    feedback.save(update_fields=["state", "rectification_due", "delivered_by", "delivered_at"])
    findings_service.mark_fed_back(findings)
    audit.record(
        actor=actor,
        action="feedback.deliver",
        target=feedback,
        changes={
            "state": {"before": before, "after": feedback.state},
            "rectification_due": feedback.rectification_due,
            "findings_fed_back": [f.pk for f in findings],
        },
    )
    return feedback
