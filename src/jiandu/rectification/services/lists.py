"""Writes of the lists: open the plan of a target from its fed-back findings, split and
merge problems (the links are kept), tasks with their responsibility entries, results
and archive entries; submit, approve and revise the plan (each approval is a version).

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import Person
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed
from jiandu.inspections.models import Finding, Target, TargetFeedback

from .. import clocks
from ..models import ArchiveItem, Plan, PlanVersion, Problem, Result, Task
from .common import (
    check_leader,
    require,
    require_approved_once,
    require_draft,
    require_edit,
    require_rectification_stage,
    text,
    top_leader,
)

TASK_FIELDS = ("measure", "deliverable", "deadline", "kind", "leader", "department", "person")


def _plan(plan: Plan) -> Plan:
    return (
        Plan.objects.select_for_update()
        .select_related("target__round", "target__org_unit")
        .get(pk=plan.pk)
    )


def _next_number(queryset: Any) -> int:
    return int(queryset.aggregate(n=Max("number"))["n"] or 0) + 1


@transaction.atomic
def open_plan(*, actor: Any, target: Target) -> Plan:
    """The plan of `target` with one problem per fed-back finding (or the existing plan).
    The unit (``rectification.edit``) or the office (``rectification.approve``) opens it."""
    target = Target.objects.select_related("round", "org_unit").get(pk=target.pk)
    if not (
        permissions.can(actor, "rectification.edit", target)
        or permissions.can(actor, "rectification.approve", target)
    ):
        require(actor, "rectification.edit", target, _("You may not open this plan."))
    existing = Plan.objects.filter(target=target).first()
    if existing is not None:
        return existing
    feedback = TargetFeedback.objects.filter(
        target=target, state=TargetFeedback.State.DELIVERED
    ).first()
    if feedback is None:
        raise ValidationFailed(
            {"target": _("No feedback has been delivered to this organization yet.")}
        )
    plan = Plan(
        target=target,
        report_due=feedback.rectification_due or clocks.report_due(feedback.date),
        top_leader=top_leader(target.org_unit),
    )
    require_rectification_stage(plan)
    plan.save()
    findings = list(
        Finding.objects.filter(target=target, state=Finding.State.FED_BACK).order_by(
            "category__sort_order", "category__code", "id"
        )
    )
    problems = Problem.objects.bulk_create(
        Problem(
            plan=plan,
            number=i,
            title=f.title,
            description=f.description,
            category_id=f.category_id,
        )
        for i, f in enumerate(findings, start=1)
    )
    links = Problem.findings.through
    links.objects.bulk_create(
        links(problem_id=p.pk, finding_id=f.pk) for p, f in zip(problems, findings, strict=True)
    )
    audit.record(
        actor=actor,
        action="rectification.plan_open",
        target=plan,
        changes={"problems": len(problems), "report_due": plan.report_due},
    )
    return plan


@transaction.atomic
def update_problem(*, actor: Any, problem: Problem, title: str, description: str = "") -> Problem:
    plan = _plan(problem.plan)
    require_edit(actor, plan)
    require_draft(plan)
    problem = Problem.objects.get(pk=problem.pk, plan=plan)
    title = text(title)
    if not title:
        raise ValidationFailed({"title": _("A title is required.")})
    before = audit.snapshot(problem, ("title", "description"))
    problem.title, problem.description = title[:300], text(description)
    problem.save(update_fields=["title", "description"])
    audit.record(
        actor=actor,
        action="rectification.problem_update",
        target=problem,
        changes=audit.diff(before, audit.snapshot(problem, ("title", "description"))),
    )
    return problem


@transaction.atomic
def split_problem(*, actor: Any, problem: Problem, titles: Sequence[str]) -> list[Problem]:
    """Split `problem` into parts: the problem keeps the first title, each further title
    becomes a new problem linked to it (`split_from`) and to its findings."""
    plan = _plan(problem.plan)
    require_edit(actor, plan)
    require_draft(plan)
    problem = Problem.objects.get(pk=problem.pk, plan=plan)
    if problem.state != Problem.State.OPEN:
        raise ValidationFailed({"problem": _("Only an open problem can be split.")})
    names = [text(t)[:300] for t in titles if text(t)]
    if len(names) < 2:
        raise ValidationFailed({"titles": _("Give at least two parts, one per line.")})
    problem.title = names[0]
    problem.save(update_fields=["title"])
    number = _next_number(plan.problems)
    findings = list(problem.findings.all())
    parts = [problem]
    for offset, name in enumerate(names[1:]):
        part = Problem.objects.create(
            plan=plan,
            number=number + offset,
            title=name,
            description=problem.description,
            category_id=problem.category_id,
            split_from=problem,
        )
        part.findings.set(findings)
        parts.append(part)
    audit.record(
        actor=actor,
        action="rectification.problem_split",
        target=problem,
        changes={"parts": [p.pk for p in parts], "titles": names},
    )
    return parts


@transaction.atomic
def merge_problems(
    *, actor: Any, plan: Plan, problems: Iterable[Problem], title: str = ""
) -> Problem:
    """Merge problems into the first (lowest number): it takes their findings and tasks;
    the others become "merged" and point to it."""
    plan = _plan(plan)
    require_edit(actor, plan)
    require_draft(plan)
    chosen = list(
        Problem.objects.filter(pk__in=[p.pk for p in problems], plan=plan).order_by("number")
    )
    if len(chosen) < 2:
        raise ValidationFailed({"problems": _("Choose at least two problems of this plan.")})
    if any(p.state != Problem.State.OPEN for p in chosen):
        raise ValidationFailed({"problems": _("Only open problems can be merged.")})
    keeper, others = chosen[0], chosen[1:]
    if text(title):
        keeper.title = text(title)[:300]
        keeper.save(update_fields=["title"])
    number = _next_number(keeper.tasks)
    for other in others:
        keeper.findings.add(*other.findings.all())
        for task in other.tasks.order_by("number"):
            task.problem, task.number = keeper, number
            task.save(update_fields=["problem", "number"])
            number += 1
        states.apply(other, "state", Problem.TRANSITIONS, Problem.State.MERGED)
        other.merged_into = keeper
        other.save(update_fields=["state", "merged_into"])
    audit.record(
        actor=actor,
        action="rectification.problem_merge",
        target=keeper,
        changes={"merged": [p.pk for p in others], "title": keeper.title},
    )
    return keeper


def _clean_task(plan: Plan, values: dict[str, Any]) -> dict[str, Any]:
    errors: dict[str, str] = {}
    clean = dict(values)
    for name in ("measure", "deliverable", "department", "person"):
        clean[name] = text(values.get(name))
        if not clean[name]:
            errors[name] = _("This field is required.")
    if len(clean["deliverable"]) > 300:
        errors["deliverable"] = _("At most 300 characters.")
    deadline = values.get("deadline")
    if not isinstance(deadline, dt.date):
        errors["deadline"] = _("A date is required.")
    if values.get("kind") not in Task.Kind.values:
        errors["kind"] = _("Choose immediate or long-term.")
    check_leader(plan.target.org_unit, values.get("leader"), errors)
    if errors:
        raise ValidationFailed(errors)
    return clean


@transaction.atomic
def add_task(
    *,
    actor: Any,
    problem: Problem,
    measure: str,
    deliverable: str,
    deadline: dt.date,
    kind: str,
    leader: Person,
    department: str,
    person: str,
) -> Task:
    plan = _plan(problem.plan)
    require_edit(actor, plan)
    require_draft(plan)
    problem = Problem.objects.get(pk=problem.pk, plan=plan)
    if problem.state != Problem.State.OPEN:
        raise ValidationFailed({"problem": _("Tasks are added only to open problems.")})
    values = _clean_task(
        plan,
        {
            "measure": measure,
            "deliverable": deliverable,
            "deadline": deadline,
            "kind": kind,
            "leader": leader,
            "department": department,
            "person": person,
        },
    )
    task = Task.objects.create(problem=problem, number=_next_number(problem.tasks), **values)
    audit.record(
        actor=actor,
        action="rectification.task_add",
        target=task,
        changes={"after": audit.snapshot(task, ("problem", "number", *TASK_FIELDS))},
    )
    return task


@transaction.atomic
def delete_task(*, actor: Any, task: Task) -> None:
    plan = _plan(task.problem.plan)
    require_edit(actor, plan)
    require_draft(plan)
    task = Task.objects.get(pk=task.pk, problem__plan=plan)
    if task.updates.exists():
        raise ValidationFailed({"task": _("A task with progress updates cannot be deleted.")})
    audit.record(
        actor=actor,
        action="rectification.task_delete",
        target=task,
        changes={"before": audit.snapshot(task, ("problem", "number", *TASK_FIELDS))},
    )
    task.delete()


def _snapshot(plan: Plan) -> dict[str, Any]:
    problems = []
    for p in plan.problems.exclude(state=Problem.State.MERGED).prefetch_related("tasks"):
        problems.append(
            {
                "number": p.number,
                "title": p.title,
                "tasks": [
                    audit.snapshot(t, ("number", *TASK_FIELDS)) for t in p.tasks.order_by("number")
                ],
            }
        )
    return {
        "top_leader": plan.top_leader_id,
        "report_due": str(plan.report_due),
        "problems": problems,
    }


@transaction.atomic
def submit_plan(*, actor: Any, plan: Plan) -> Plan:
    """The unit submits its draft lists for approval; every problem needs a task."""
    plan = _plan(plan)
    require_edit(actor, plan)
    require_rectification_stage(plan)
    missing = list(
        plan.problems.filter(state=Problem.State.OPEN, tasks__isnull=True).values_list(
            "number", flat=True
        )
    )
    if missing:
        raise ValidationFailed(
            {
                "tasks": _("These problems have no task yet: %(numbers)s.")
                % {"numbers": ", ".join(str(n) for n in missing)}
            }
        )
    if plan.top_leader_id is None:
        raise ValidationFailed({"top_leader": _("Name the top leader, first responsible.")})
    before = states.apply(plan, "state", Plan.TRANSITIONS, Plan.State.SUBMITTED)
    plan.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="rectification.plan_submit",
        target=plan,
        changes={"state": {"before": before, "after": plan.state}, "version": plan.version},
    )
    return plan


@transaction.atomic
def approve_plan(*, actor: Any, plan: Plan) -> Plan:
    """The office approves the submitted lists: a new version is kept and work starts."""
    plan = _plan(plan)
    require(actor, "rectification.approve", plan, _("Only the office approves plans."))
    before = states.apply(plan, "state", Plan.TRANSITIONS, Plan.State.APPROVED)
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save(update_fields=["state", "approved_by", "approved_at"])
    # Each version is approved once: after approval only a revision (a new number) reopens it.
    PlanVersion.objects.create(
        plan=plan,
        number=plan.version,
        snapshot=_snapshot(plan),
        reason=_revision_reason(plan) if plan.version > 1 else "",
        approved_by=actor,
        approved_at=plan.approved_at,
    )
    audit.record(
        actor=actor,
        action="rectification.plan_approve",
        target=plan,
        changes={"state": {"before": before, "after": plan.state}, "version": plan.version},
    )
    return plan


def _revision_reason(plan: Plan) -> str:
    from jiandu.audit.models import AuditEvent

    event = (
        AuditEvent.objects.filter(
            action="rectification.plan_revise",
            target_type="rectification.plan",
            target_id=str(plan.pk),
        )
        .order_by("-seq")
        .first()
    )
    return str(event.changes.get("reason", "")) if event else ""


@transaction.atomic
def return_plan(*, actor: Any, plan: Plan, reason: str) -> Plan:
    plan = _plan(plan)
    require(actor, "rectification.approve", plan, _("Only the office returns plans."))
    if not text(reason):
        raise ValidationFailed({"reason": _("Say why the plan is returned.")})
    if plan.state != Plan.State.SUBMITTED:
        raise ValidationFailed({"plan": _("Only a submitted plan is returned.")})
    before = states.apply(plan, "state", Plan.TRANSITIONS, Plan.State.DRAFT)
    plan.save(update_fields=["state"])
    audit.record(
        actor=actor,
        action="rectification.plan_return",
        target=plan,
        changes={"state": {"before": before, "after": plan.state}, "reason": text(reason)},
    )
    return plan


@transaction.atomic
def revise_plan(*, actor: Any, plan: Plan, reason: str) -> Plan:
    """Reopen an approved plan as the draft of its next version (the reason is kept)."""
    plan = _plan(plan)
    require_edit(actor, plan)
    require_rectification_stage(plan)
    if not text(reason):
        raise ValidationFailed({"reason": _("Say why the approved plan is revised.")})
    if plan.state != Plan.State.APPROVED:
        raise ValidationFailed({"plan": _("Only an approved plan is revised.")})
    states.apply(plan, "state", Plan.TRANSITIONS, Plan.State.DRAFT)
    plan.version += 1
    plan.save(update_fields=["state", "version"])
    audit.record(
        actor=actor,
        action="rectification.plan_revise",
        target=plan,
        changes={"version": plan.version, "reason": text(reason)},
    )
    return plan


@transaction.atomic
def add_result(*, actor: Any, problem: Problem, text_: str, date: dt.date) -> Result:
    plan = _plan(problem.plan)
    require_edit(actor, plan)
    require_approved_once(plan)
    if not text(text_):
        raise ValidationFailed({"text_": _("Describe what was achieved.")})
    result = Result.objects.create(
        problem_id=problem.pk, text=text(text_), date=date, created_by=actor
    )
    audit.record(actor=actor, action="rectification.result_add", target=result)
    return result


@transaction.atomic
def add_archive_item(
    *,
    actor: Any,
    plan: Plan,
    title: str,
    date: dt.date,
    reference: str = "",
    kept_by: str = "",
    problem: Problem | None = None,
) -> ArchiveItem:
    plan = _plan(plan)
    require_edit(actor, plan)
    if not text(title):
        raise ValidationFailed({"title": _("A title is required.")})
    if problem is not None and problem.plan_id != plan.pk:
        raise ValidationFailed({"problem": _("The problem belongs to another plan.")})
    item = ArchiveItem.objects.create(
        plan=plan,
        problem=problem,
        title=text(title)[:300],
        reference=text(reference)[:100],
        date=date,
        kept_by=text(kept_by)[:100],
    )
    audit.record(actor=actor, action="rectification.archive_add", target=item)
    return item


@transaction.atomic
def mark_exempt(*, actor: Any, problem: Problem, exempt: str) -> Problem:
    """Mark (or unmark, with "") a problem as withheld from the public disclosure."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    require(actor, "rectification.assess", problem, _("Only the office decides what is disclosed."))
    if exempt not in Problem.Exempt.values:
        raise ValidationFailed({"exempt": _("Unknown kind of exempt content.")})
    before = problem.exempt
    problem.exempt = exempt
    problem.save(update_fields=["exempt"])
    audit.record(
        actor=actor,
        action="rectification.exempt",
        target=problem,
        changes={"exempt": {"before": before, "after": exempt}},
    )
    return problem
