"""Progress and the evidence vault: task updates with narrative and files; every
revision of an evidence document is kept with its SHA-256, uploader and time.

A problem's status follows its tasks: none touched, not started; some progress, in
progress; every immediate task complete and only long-term tasks left, basically done;
every task complete, done. A verifier may find it "not done" (see verification)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed
from jiandu.inspections.services.evidence import check_file

from ..models import EvidenceDocument, EvidenceRevision, Problem, ProgressUpdate, Task
from .common import require_approved_once, require_edit, require_workable, text

# A problem accepts new evidence and progress only while the unit holds it.
UNIT_HOLDS = frozenset({Problem.State.OPEN})


def derived_status(problem: Problem) -> str:
    tasks = list(problem.tasks.all())
    if tasks and all(t.state == Task.State.COMPLETE for t in tasks):
        return Problem.Status.DONE
    open_tasks = [t for t in tasks if t.state == Task.State.OPEN]
    if (
        tasks
        and all(t.kind == Task.Kind.LONG_TERM for t in open_tasks)
        and any(t.state == Task.State.COMPLETE for t in tasks)
    ):
        return Problem.Status.BASICALLY_DONE
    if ProgressUpdate.objects.filter(task__problem=problem).exists():
        return Problem.Status.IN_PROGRESS
    return Problem.Status.NOT_STARTED


def refresh_status(problem: Problem) -> str:
    """Move the status to what the tasks say (inside the caller's transaction)."""
    target = derived_status(problem)
    if target != problem.status:
        states.apply(problem, "status", Problem.STATUS_TRANSITIONS, target)
        problem.save(update_fields=["status"])
    return problem.status


def _locked_problem(problem: Problem) -> Problem:
    return (
        Problem.objects.select_for_update()
        .select_related("plan__target__round", "plan__target__org_unit")
        .get(pk=problem.pk)
    )


def _store(
    actor: Any, document: EvidenceDocument, uploaded_file: Any, number: int
) -> tuple[EvidenceRevision, str]:
    checked = check_file(uploaded_file)
    revision = EvidenceRevision(
        document=document,
        number=number,
        original_name=checked.name,
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=actor,
    )
    revision.file.save(f"{uuid.uuid4().hex}{checked.extension}", File(uploaded_file), save=False)
    stored = revision.file.name or ""
    revision.save()
    return revision, stored


def _check_unit_holds(problem: Problem) -> None:
    require_workable(problem)
    if problem.state not in UNIT_HOLDS:
        raise ValidationFailed(
            {
                "problem": _(
                    "Problem %(n)s is “%(state)s”: wait for the verifier's decision before "
                    "adding progress or evidence."
                )
                % {"n": problem.number, "state": problem.get_state_display()}
            }
        )


@transaction.atomic
def record_progress(
    *,
    actor: Any,
    task: Task,
    narrative: str,
    completes: bool = False,
    files: Sequence[Any] = (),
) -> ProgressUpdate:
    """A progress update on a task, with evidence files for its problem. `completes`
    marks the task complete (today). Refused files leave nothing behind."""
    task = Task.objects.select_for_update().get(pk=task.pk)
    problem = _locked_problem(task.problem)
    plan = problem.plan
    require_edit(actor, plan)
    require_approved_once(plan)
    _check_unit_holds(problem)
    narrative = text(narrative)
    if not narrative:
        raise ValidationFailed({"narrative": _("Describe the progress made.")})
    update = ProgressUpdate.objects.create(
        task=task, narrative=narrative, completes=bool(completes), author=actor
    )
    if completes and task.state == Task.State.OPEN:
        states.apply(task, "state", Task.TRANSITIONS, Task.State.COMPLETE)
        task.completed_at = timezone.localdate()
        task.save(update_fields=["state", "completed_at"])
    stored: list[str] = []
    try:
        revisions = []
        for uploaded in files:
            document = EvidenceDocument.objects.create(
                problem=problem, update=update, title=_title(uploaded)
            )
            revision, path = _store(actor, document, uploaded, 1)
            stored.append(path)
            revisions.append(revision)
        status = refresh_status(problem)
        audit.record(
            actor=actor,
            action="rectification.progress",
            target=task,
            changes={
                "update": update.pk,
                "completes": bool(completes),
                "status": status,
                "files": [{"name": r.original_name, "sha256": r.sha256} for r in revisions],
            },
        )
    except BaseException:
        for path in stored:
            default_storage.delete(path)
        raise
    return update


def _title(uploaded: Any) -> str:
    name = str(getattr(uploaded, "name", "") or "").replace("\\", "/").rsplit("/", 1)[-1]
    return name.rsplit(".", 1)[0][:300] or _("Evidence")


@transaction.atomic
def add_evidence(
    *,
    actor: Any,
    problem: Problem,
    uploaded_file: Any,
    title: str = "",
    document: EvidenceDocument | None = None,
) -> EvidenceRevision:
    """A new evidence document of `problem`, or (with `document`) a new revision of it;
    earlier revisions stay in the vault."""
    problem = _locked_problem(problem)
    require_edit(actor, problem.plan)
    require_approved_once(problem.plan)
    _check_unit_holds(problem)
    if document is not None:
        document = EvidenceDocument.objects.select_for_update().get(pk=document.pk)
        if document.problem_id != problem.pk:
            raise ValidationFailed({"document": _("The document belongs to another problem.")})
        number = int(document.revisions.aggregate(n=Max("number"))["n"] or 0) + 1
        if document.state != EvidenceDocument.State.SUBMITTED:
            document.state = EvidenceDocument.State.SUBMITTED
            document.save(update_fields=["state"])
    else:
        document = EvidenceDocument.objects.create(
            problem=problem, title=text(title)[:300] or _title(uploaded_file)
        )
        number = 1
    stored = ""
    try:
        revision, stored = _store(actor, document, uploaded_file, number)
        audit.record(
            actor=actor,
            action="rectification.evidence_add",
            target=revision,
            changes={
                "problem": problem.pk,
                "document": document.pk,
                "revision": number,
                "name": revision.original_name,
                "sha256": revision.sha256,
                "size": revision.size,
            },
        )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return revision
