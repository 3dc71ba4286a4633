"""Import of the lists from the Excel workbook (`excel.read`): all or nothing. Every bad
row is reported (sheet, row, column, reason) and nothing is imported unless every row is
valid.

What an import does to a draft plan: the problems sheet corrects the titles and
descriptions of listed problems (by number); the task and responsibility sheets together
give the whole task list: a task (problem no., task no.) is updated when it exists,
created when new, and removed when it is no longer listed (refused for a task with
progress)."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from jiandu.accounts.models import Person
from jiandu.audit import services as audit
from jiandu.core.errors import JianduError

from .. import excel
from ..excel import CellError
from ..models import Plan, Problem, Task
from .common import require_draft, require_edit, unit_people


class ImportRejected(JianduError):
    """The workbook has bad rows; `errors` lists each (nothing was imported)."""

    def __init__(self, errors: list[CellError]) -> None:
        self.errors = errors
        super().__init__("; ".join(str(e) for e in errors[:5]))


def _leaders(plan: Plan, names: set[str]) -> dict[str, list[Person]]:
    people = unit_people(plan.target.org_unit).filter(name__in=names)
    found: dict[str, list[Person]] = {n: [] for n in names}
    for p in people:
        found[p.name].append(p)
    return found


def _check(plan: Plan, parsed: excel.Parsed) -> tuple[dict[int, Problem], dict[str, Person]]:
    errors = parsed.errors
    names = excel.sheet_names()
    p_head, t_head, r_head = (
        excel.problem_headers(),
        excel.task_headers(),
        excel.responsibility_headers(),
    )
    if parsed.plan_id is not None and parsed.plan_id != plan.pk:
        errors.append(
            CellError("-", 0, "-", _("This workbook belongs to another organization's plan."))
        )
    problems = {
        p.number: p for p in plan.problems.filter(state=Problem.State.OPEN).order_by("number")
    }
    seen = Counter(r["number"] for r in parsed.problems)
    for r in parsed.problems:
        if r["number"] is not None and r["number"] not in problems:
            errors.append(
                CellError(names[0], r["row"], p_head[0], _("No open problem has this number."))
            )
        elif r["number"] is not None and seen[r["number"]] > 1:
            errors.append(CellError(names[0], r["row"], p_head[0], _("The number appears twice.")))
    keys = Counter((t["problem"], t["number"]) for t in parsed.tasks)
    for t in parsed.tasks:
        if t["problem"] is not None and t["problem"] not in problems:
            errors.append(
                CellError(names[1], t["row"], t_head[0], _("No open problem has this number."))
            )
        if keys[(t["problem"], t["number"])] > 1:
            errors.append(CellError(names[1], t["row"], t_head[1], _("The task appears twice.")))
    owners = Counter((r["problem"], r["number"]) for r in parsed.responsibilities)
    for t in parsed.tasks:
        if (t["problem"], t["number"]) not in owners and t["problem"] in problems:
            errors.append(
                CellError(
                    names[1],
                    t["row"],
                    t_head[1],
                    _("The task has no row in the responsibility list."),
                )
            )
    leaders = _leaders(plan, {r["leader"] for r in parsed.responsibilities if r["leader"]})
    chosen: dict[str, Person] = {}
    for r in parsed.responsibilities:
        key = (r["problem"], r["number"])
        if key not in keys:
            errors.append(
                CellError(names[2], r["row"], r_head[1], _("No such task in the task list."))
            )
        elif owners[key] > 1:
            errors.append(CellError(names[2], r["row"], r_head[1], _("The task appears twice.")))
        if not r["leader"]:
            continue
        matches = leaders.get(r["leader"], [])
        if not matches:
            errors.append(
                CellError(
                    names[2],
                    r["row"],
                    r_head[2],
                    _("Nobody named %(name)s holds a current post in %(unit)s.")
                    % {"name": r["leader"], "unit": plan.target.org_unit.name},
                )
            )
        elif len(matches) > 1:
            errors.append(
                CellError(
                    names[2],
                    r["row"],
                    r_head[2],
                    _("%(count)d people named %(name)s hold posts here; the name is ambiguous.")
                    % {"count": len(matches), "name": r["leader"]},
                )
            )
        else:
            chosen[r["leader"]] = matches[0]
    listed = {(t["problem"], t["number"]) for t in parsed.tasks}
    for task in Task.objects.filter(problem__in=problems.values()).select_related("problem"):
        if (task.problem.number, task.number) not in listed and task.updates.exists():
            errors.append(
                CellError(
                    names[1],
                    0,
                    t_head[1],
                    _("Task %(key)s has progress updates and cannot be removed.")
                    % {"key": f"{task.problem.number}.{task.number}"},
                )
            )
    return problems, chosen


def import_lists(*, actor: Any, plan: Plan, data: bytes) -> dict[str, int]:
    """Import the workbook `data` into the draft `plan`; returns counts of what changed.
    Raises ImportRejected (nothing written) when any row is bad."""
    return import_rows(actor=actor, plan=plan, parsed=excel.read(data))


@transaction.atomic
def import_rows(*, actor: Any, plan: Plan, parsed: excel.Parsed) -> dict[str, int]:
    """Import rows read from a workbook (or given as `excel.Parsed` by another bulk
    source), with the same checks: all or nothing."""
    plan = Plan.objects.select_for_update().select_related("target__org_unit").get(pk=plan.pk)
    require_edit(actor, plan)
    require_draft(plan)
    problems, leaders = _check(plan, parsed)
    if parsed.errors:
        raise ImportRejected(parsed.errors)
    counts = {"problems": 0, "created": 0, "updated": 0, "removed": 0}
    for r in parsed.problems:
        problem = problems[r["number"]]
        if (problem.title, problem.description) != (r["title"][:300], r["description"]):
            problem.title, problem.description = r["title"][:300], r["description"]
            problem.save(update_fields=["title", "description"])
            counts["problems"] += 1
    owners = {(r["problem"], r["number"]): r for r in parsed.responsibilities}
    existing = {
        (t.problem.number, t.number): t
        for t in Task.objects.filter(problem__in=problems.values()).select_related("problem")
    }
    for t in parsed.tasks:
        key = (t["problem"], t["number"])
        owner = owners[key]
        values = {
            "measure": t["measure"],
            "deliverable": t["deliverable"],
            "deadline": t["deadline"],
            "kind": t["kind"],
            "leader": leaders[owner["leader"]],
            "department": owner["department"][:200],
            "person": owner["person"][:100],
        }
        task = existing.pop(key, None)
        if task is None:
            Task.objects.create(problem=problems[t["problem"]], number=t["number"], **values)
            counts["created"] += 1
        elif any(getattr(task, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(task, k, v)
            task.save()
            counts["updated"] += 1
    for task in existing.values():
        task.delete()
        counts["removed"] += 1
    audit.record(actor=actor, action="rectification.import", target=plan, changes=counts)
    return counts
