"""Batch writes for the unit's periodic progress report and the verifiers' reconciliation
sessions: the same rules as the one-problem services, checked problem by problem, in one
transaction with one audit event listing every change (a unit reports the progress of
dozens of tasks at once; a verifier signs off the problems checked in one session).

- `report_progress`: progress updates on tasks of one plan, with files and results;
- `submit_problems`: the unit submits problems whose tasks are all complete;
- `sign_off`: a verifier (not the submitter) accepts the evidence of submitted problems
  and cancels them, each checked on its own; any problem that fails a rule refuses the
  whole batch, naming it.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed
from jiandu.inspections.services.evidence import check_file

from ..models import (
    EvidenceDocument,
    EvidenceRevision,
    Plan,
    Problem,
    ProgressUpdate,
    Result,
    Review,
    Task,
)
from .common import require, require_approved_once, require_edit, text


@dataclass
class Entry:
    """One task's line of a progress report."""

    task: Task
    narrative: str
    completes: bool = False
    files: Sequence[Any] = field(default_factory=tuple)
    result: str = ""


def _status(tasks: list[Task], touched: bool) -> str:
    if tasks and all(t.state == Task.State.COMPLETE for t in tasks):
        return Problem.Status.DONE
    if any(t.state == Task.State.COMPLETE for t in tasks) and all(
        t.kind == Task.Kind.LONG_TERM for t in tasks if t.state == Task.State.OPEN
    ):
        return Problem.Status.BASICALLY_DONE
    return Problem.Status.IN_PROGRESS if touched else Problem.Status.NOT_STARTED


def _plan(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update()
        .select_related("target__round", "target__org_unit")
        .get(pk=plan.pk)
    )


@transaction.atomic
def report_progress(*, actor: Any, plan: Plan, entries: Sequence[Entry]) -> list[ProgressUpdate]:
    plan = _plan(plan)
    require_edit(actor, plan)
    require_approved_once(plan)
    task_ids = [e.task.pk for e in entries]
    tasks = {
        t.pk: t
        for t in Task.objects.select_for_update().filter(pk__in=task_ids, problem__plan=plan)
    }
    problems = {
        p.pk: p
        for p in Problem.objects.filter(tasks__pk__in=task_ids).prefetch_related("tasks").distinct()
    }
    errors: dict[str, str] = {}
    for entry in entries:
        task = tasks.get(entry.task.pk)
        if task is None:
            errors["tasks"] = _("Task %(id)s is not a task of this plan.") % {"id": entry.task.pk}
        elif problems[task.problem_id].state != Problem.State.OPEN:
            problem = problems[task.problem_id]
            errors["tasks"] = _("Problem %(n)s is “%(state)s”; it takes no progress now.") % {
                "n": problem.number,
                "state": problem.get_state_display(),
            }
        elif not text(entry.narrative):
            errors["narrative"] = _("Describe the progress of every task.")
    if errors:
        raise ValidationFailed(errors)
    today = timezone.localdate()
    updates, stored, report = [], [], []
    try:
        for entry in entries:
            task = tasks[entry.task.pk]
            problem = problems[task.problem_id]
            update = ProgressUpdate.objects.create(
                task=task, narrative=text(entry.narrative), completes=entry.completes, author=actor
            )
            updates.append(update)
            if entry.completes and task.state == Task.State.OPEN:
                states.apply(task, "state", Task.TRANSITIONS, Task.State.COMPLETE)
                task.completed_at = today
                task.save(update_fields=["state", "completed_at"])
                for sibling in problem.tasks.all():
                    if sibling.pk == task.pk:
                        sibling.state = task.state
            files = []
            for uploaded in entry.files:
                checked = check_file(uploaded)
                document = EvidenceDocument.objects.create(
                    problem=problem, update=update, title=checked.name.rsplit(".", 1)[0][:300]
                )
                revision = EvidenceRevision(
                    document=document,
                    number=1,
                    original_name=checked.name,
                    sha256=checked.sha256,
                    size=checked.size,
                    content_type=checked.content_type,
                    uploaded_by=actor,
                )
                revision.file.save(
                    f"{uuid.uuid4().hex}{checked.extension}", File(uploaded), save=False
                )
                stored.append(revision.file.name or "")
                revision.save()
                files.append({"name": checked.name, "sha256": checked.sha256})
            if text(entry.result):
                Result.objects.create(
                    problem=problem, text=text(entry.result), date=today, created_by=actor
                )
            report.append(
                {"task": task.pk, "update": update.pk, "completes": entry.completes, "files": files}
            )
        changed = []
        for problem in {problems[tasks[e.task.pk].problem_id] for e in entries}:
            target = _status(list(problem.tasks.all()), touched=True)
            if target != problem.status:
                states.apply(problem, "status", Problem.STATUS_TRANSITIONS, target)
                changed.append(problem)
        Problem.objects.bulk_update(changed, ["status"])
        audit.record(
            actor=actor,
            action="rectification.progress_report",
            target=plan,
            changes={"entries": report, "status": {p.pk: p.status for p in changed}},
        )
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return updates


def _problems(plan: Plan, problems: Sequence[Problem]) -> list[Problem]:
    found = list(
        Problem.objects.select_for_update()
        .filter(pk__in=[p.pk for p in problems], plan=plan)
        .prefetch_related("tasks")
        .order_by("number")
    )
    if len(found) != len({p.pk for p in problems}):
        raise ValidationFailed({"problems": _("Every problem must belong to this plan.")})
    return found


def _review(actor: Any, problems: list[Problem], verdict: str, comment: str) -> None:
    Review.objects.bulk_create(
        Review(problem=p, verdict=verdict, comment=comment, actor=actor) for p in problems
    )


@transaction.atomic
def submit_problems(*, actor: Any, plan: Plan, problems: Sequence[Problem]) -> list[Problem]:
    plan = _plan(plan)
    require_edit(actor, plan)
    require_approved_once(plan)
    found = _problems(plan, problems)
    now = timezone.now()
    for problem in found:
        tasks = list(problem.tasks.all())
        left = [f"{problem.number}.{t.number}" for t in tasks if t.state != Task.State.COMPLETE]
        if not tasks or left:
            raise ValidationFailed(
                {
                    "tasks": _("Problem %(n)s: tasks not complete yet: %(numbers)s.")
                    % {"n": problem.number, "numbers": ", ".join(left) or "-"}
                }
            )
        states.apply(problem, "state", Problem.TRANSITIONS, Problem.State.SUBMITTED)
        if problem.status != Problem.Status.DONE:  # every task is complete
            states.apply(problem, "status", Problem.STATUS_TRANSITIONS, Problem.Status.DONE)
        problem.submitted_by, problem.submitted_at = actor, now
    Problem.objects.bulk_update(found, ["state", "status", "submitted_by", "submitted_at"])
    _review(actor, found, Review.Verdict.SUBMIT, "")
    audit.record(
        actor=actor,
        action="rectification.submit_batch",
        target=plan,
        changes={"problems": [p.pk for p in found]},
    )
    return found


@transaction.atomic
def sign_off(
    *, actor: Any, plan: Plan, problems: Sequence[Problem], comment: str = ""
) -> list[Problem]:
    """Accept the evidence of each submitted problem and cancel it (销号), one by one."""
    plan = _plan(plan)
    require(
        actor,
        "rectification.verify",
        plan,
        _("Only a supervisor verifies rectification within their scope."),
    )
    found = _problems(plan, problems)
    now = timezone.now()
    for problem in found:
        if problem.submitted_by_id == getattr(actor, "pk", None):
            raise ValidationFailed(
                {
                    "verifier": _("Problem %(n)s: the submitter cannot verify and cancel it.")
                    % {"n": problem.number}
                }
            )
        if any(t.state != Task.State.COMPLETE for t in problem.tasks.all()):
            raise ValidationFailed(
                {"tasks": _("Problem %(n)s: all tasks must be complete.") % {"n": problem.number}}
            )
        states.apply(problem, "state", Problem.TRANSITIONS, Problem.State.ACCEPTED)
        states.apply(problem, "state", Problem.TRANSITIONS, Problem.State.CANCELLED)
        problem.cancelled_by, problem.cancelled_at = actor, now
    Problem.objects.bulk_update(found, ["state", "cancelled_by", "cancelled_at"])
    EvidenceDocument.objects.filter(
        problem__in=found, state=EvidenceDocument.State.SUBMITTED
    ).update(state=EvidenceDocument.State.ACCEPTED)
    _review(actor, found, Review.Verdict.ACCEPT, "")
    _review(actor, found, Review.Verdict.CANCEL, text(comment))
    audit.record(
        actor=actor,
        action="rectification.sign_off",
        target=plan,
        changes={"problems": [p.pk for p in found], "comment": text(comment)},
    )
    return found
