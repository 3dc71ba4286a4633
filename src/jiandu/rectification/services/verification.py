"""Reconcile and cancel one by one (对账销号), and the supervisors' records.

- The unit submits a problem for verification once all its tasks are complete.
- A verifier (``rectification.verify`` within their scope) accepts its evidence or
  rejects it with a reason (the problem goes back to the unit, the rejection counts), or
  finds it not done.
- A verifier who is not the submitter cancels a problem whose tasks are all complete and
  whose evidence was accepted. Reopening a cancelled problem needs a reason.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed

from ..models import EvidenceDocument, Plan, Problem, Review, SupervisionRecord, Task
from .common import require, require_approved_once, require_edit, text
from .progress import refresh_status


def _verify_only() -> str:
    return _("Only a supervisor verifies rectification within their scope.")


def _locked(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update()
        .select_related("plan__target__round", "plan__target__org_unit")
        .get(pk=problem.pk)
    )


def _require_verifier(actor: Any, problem: Problem) -> None:
    require(actor, "rectification.verify", problem, _verify_only())


def _open_tasks(problem: Problem) -> list[int]:
    return list(problem.tasks.exclude(state=Task.State.COMPLETE).values_list("number", flat=True))


def _step(actor: Any, problem: Problem, target: str, verdict: str, comment: str = "") -> Review:
    before = states.apply(problem, "state", Problem.TRANSITIONS, target)
    problem.save()
    review = Review.objects.create(problem=problem, verdict=verdict, comment=comment, actor=actor)
    audit.record(
        actor=actor,
        action=f"rectification.{verdict}",
        target=problem,
        changes={
            "state": {"before": before, "after": problem.state},
            "status": problem.status,
            "comment": comment,
        },
    )
    return review


@transaction.atomic
def submit_problem(*, actor: Any, problem: Problem, comment: str = "") -> Problem:
    problem = _locked(problem)
    require_edit(actor, problem.plan)
    require_approved_once(problem.plan)
    if not problem.tasks.exists():
        raise ValidationFailed({"tasks": _("The problem has no task.")})
    left = _open_tasks(problem)
    if left:
        raise ValidationFailed(
            {
                "tasks": _("Tasks not complete yet: %(numbers)s.")
                % {"numbers": ", ".join(f"{problem.number}.{n}" for n in left)}
            }
        )
    problem.submitted_by, problem.submitted_at = actor, timezone.now()
    refresh_status(problem)  # every task is complete: done (again, after a rejection)
    _step(actor, problem, Problem.State.SUBMITTED, Review.Verdict.SUBMIT, text(comment))
    return problem


@transaction.atomic
def accept_evidence(*, actor: Any, problem: Problem, comment: str = "") -> Problem:
    problem = _locked(problem)
    _require_verifier(actor, problem)
    if problem.submitted_by_id == getattr(actor, "pk", None):
        raise ValidationFailed({"verifier": _("You submitted this problem; another verifies it.")})
    problem.evidence.filter(state=EvidenceDocument.State.SUBMITTED).update(
        state=EvidenceDocument.State.ACCEPTED
    )
    _step(actor, problem, Problem.State.ACCEPTED, Review.Verdict.ACCEPT, text(comment))
    return problem


@transaction.atomic
def reject(*, actor: Any, problem: Problem, reason: str, not_done: bool = False) -> Problem:
    """Send the problem back to the unit with a reason; `not_done` also finds it not
    done (the status says so until the unit reports progress again)."""
    problem = _locked(problem)
    _require_verifier(actor, problem)
    reason = text(reason)
    if not reason:
        raise ValidationFailed({"reason": _("Say what is missing or wrong.")})
    problem.evidence.filter(state=EvidenceDocument.State.SUBMITTED).update(
        state=EvidenceDocument.State.REJECTED
    )
    problem.rejections += 1
    target_status = Problem.Status.NOT_DONE if not_done else Problem.Status.IN_PROGRESS
    if problem.status != target_status:
        states.apply(problem, "status", Problem.STATUS_TRANSITIONS, target_status)
    verdict = Review.Verdict.NOT_DONE if not_done else Review.Verdict.REJECT
    _step(actor, problem, Problem.State.OPEN, verdict, reason)
    return problem


@transaction.atomic
def cancel_problem(*, actor: Any, problem: Problem, comment: str = "") -> Problem:
    """Sign the problem off (销号): all tasks complete, evidence accepted, and the
    verifier is not the submitter."""
    problem = _locked(problem)
    _require_verifier(actor, problem)
    errors: dict[str, str] = {}
    left = _open_tasks(problem)
    if left or not problem.tasks.exists():
        errors["tasks"] = _("All tasks must be complete; open: %(numbers)s.") % {
            "numbers": ", ".join(f"{problem.number}.{n}" for n in left) or "-"
        }
    if problem.state != Problem.State.ACCEPTED:
        errors["evidence"] = _("The evidence must be accepted before the problem is cancelled.")
    if problem.submitted_by_id == getattr(actor, "pk", None):
        errors["verifier"] = _("The submitter cannot verify and cancel their own problem.")
    if errors:
        raise ValidationFailed(errors)
    problem.cancelled_by, problem.cancelled_at = actor, timezone.now()
    _step(actor, problem, Problem.State.CANCELLED, Review.Verdict.CANCEL, text(comment))
    return problem


@transaction.atomic
def reopen_problem(*, actor: Any, problem: Problem, reason: str) -> Problem:
    problem = _locked(problem)
    _require_verifier(actor, problem)
    reason = text(reason)
    if not reason:
        raise ValidationFailed({"reason": _("Reopening a cancelled problem needs a reason.")})
    if problem.state != Problem.State.CANCELLED:
        raise ValidationFailed({"problem": _("Only a cancelled problem is reopened.")})
    problem.cancelled_by, problem.cancelled_at = None, None
    _step(actor, problem, Problem.State.OPEN, Review.Verdict.REOPEN, reason)
    if problem.status == Problem.Status.DONE:
        # The unit's work is in question again: the status follows the tasks from here.
        states.apply(problem, "status", Problem.STATUS_TRANSITIONS, Problem.Status.IN_PROGRESS)
        problem.save(update_fields=["status"])
    else:
        refresh_status(problem)
    return problem


@transaction.atomic
def record_supervision(
    *,
    actor: Any,
    plan: Plan,
    kind: str,
    date: dt.date,
    people: str,
    observations: str,
    arrangement: str = "",
    satisfaction: str = "",
) -> SupervisionRecord:
    """An on-site check (plan, date, people, what was seen, satisfaction) or a joint
    review, recorded by a supervisor."""
    plan = Plan.objects.select_related("target__org_unit").get(pk=plan.pk)
    require(actor, "rectification.verify", plan, _verify_only())
    errors: dict[str, str] = {}
    if kind not in SupervisionRecord.Kind.values:
        errors["kind"] = _("Choose an on-site check or a joint review.")
    if not isinstance(date, dt.date):
        errors["date"] = _("A date is required.")
    if not text(people):
        errors["people"] = _("Name the people who took part.")
    if not text(observations):
        errors["observations"] = _("Record what was seen.")
    if satisfaction not in SupervisionRecord.Satisfaction.values:
        errors["satisfaction"] = _("Unknown degree of satisfaction.")
    if errors:
        raise ValidationFailed(errors)
    record = SupervisionRecord.objects.create(
        plan=plan,
        kind=kind,
        date=date,
        people=text(people),
        observations=text(observations),
        arrangement=text(arrangement),
        satisfaction=satisfaction,
        recorded_by=actor,
    )
    audit.record(
        actor=actor,
        action="rectification.supervision",
        target=record,
        changes={"kind": kind, "date": date, "satisfaction": satisfaction},
    )
    return record
