"""The rectification API under /api/rectification: plans with their lists, round
statistics, progress reports and verification. Thin; the same permissions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from django.http import HttpRequest
from ninja import Field, Path, Router, Schema
from ninja.pagination import paginate

from jiandu.accounts import permissions
from jiandu.api.pagination import Pages
from jiandu.rectification import selectors, statistics
from jiandu.rectification.models import Plan, Problem, Task
from jiandu.rectification.services import progress, verification

from .schemas import ID_MAX, ErrorOut, InputSchema

router = Router(tags=["rectification"])
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ID = Path(..., ge=1, le=ID_MAX)


class RectPlanOut(Schema):
    id: int
    round_id: int
    target_id: int
    org_unit_id: int
    org_unit_name: str
    state: str
    version: int
    report_due: dt.date
    top_leader_id: int | None
    statistics: str


class RectTaskOut(Schema):
    id: int
    number: int
    measure: str
    deliverable: str
    deadline: dt.date
    kind: str
    leader_id: int
    leader_name: str
    department: str
    person: str
    state: str
    completed_at: dt.date | None


class RectProblemOut(Schema):
    id: int
    number: int
    title: str
    status: str
    state: str
    rejections: int
    exempt: str
    finding_ids: list[int]
    tasks: list[RectTaskOut]


class RectPlanDetailOut(RectPlanOut):
    problems: list[RectProblemOut]


class RectStatisticsOut(Schema):
    round_id: int
    total: int
    done: int
    basically_done: int
    not_done: int
    completion: str
    text: str


class RectProgressIn(InputSchema):
    narrative: str = Field(min_length=1, max_length=20_000)
    completes: bool = False


class RectProgressOut(Schema):
    id: int
    task_id: int
    problem_status: str


class RectReviewIn(InputSchema):
    verdict: Literal["accept", "reject", "cancel"]
    comment: str = Field("", max_length=5_000)


def _plan_out(plan: Plan) -> dict[str, Any]:
    return {
        "id": plan.pk,
        "round_id": plan.target.round_id,
        "target_id": plan.target_id,
        "org_unit_id": plan.target.org_unit_id,
        "org_unit_name": plan.target.org_unit.name,
        "state": plan.state,
        "version": plan.version,
        "report_due": plan.report_due,
        "top_leader_id": plan.top_leader_id,
        "statistics": statistics.statistics(plan.problems.all()).describe(),
    }


def _task_out(task: Task) -> dict[str, Any]:
    return {
        **{f: getattr(task, f) for f in ("number", "measure", "deliverable", "deadline")},
        "id": task.pk,
        "kind": task.kind,
        "leader_id": task.leader_id,
        "leader_name": task.leader.name,
        "department": task.department,
        "person": task.person,
        "state": task.state,
        "completed_at": task.completed_at,
    }


def _problem_out(problem: Problem) -> dict[str, Any]:
    return {
        "id": problem.pk,
        "number": problem.number,
        "title": problem.title,
        "status": problem.status,
        "state": problem.state,
        "rejections": problem.rejections,
        "exempt": problem.exempt,
        "finding_ids": [f.pk for f in problem.findings.all()],
        "tasks": [_task_out(t) for t in problem.tasks.all()],
    }


@router.get("/plans", response={200: list[RectPlanOut], **REFUSALS})
@paginate(Pages)
def list_plans(request: HttpRequest) -> Any:
    permissions.require(request.user, "rectification.view")
    return [_plan_out(p) for p in selectors.plans(request.user)]


@router.get("/plans/{plan_id}", response={200: RectPlanDetailOut, **REFUSALS})
def get_plan(request: HttpRequest, plan_id: int = ID) -> Any:
    plan = selectors.plan(request.user, plan_id)
    return {**_plan_out(plan), "problems": [_problem_out(p) for p in selectors.plan_problems(plan)]}


@router.get("/rounds/{round_id}/statistics", response={200: RectStatisticsOut, **REFUSALS})
def round_statistics(request: HttpRequest, round_id: int = ID) -> Any:
    round = selectors.round_for(request.user, round_id)
    stats = statistics.statistics(
        selectors.problems(request.user).filter(plan__target__round=round)
    )
    return {
        "round_id": round.pk,
        "total": stats.total,
        "done": stats.done,
        "basically_done": stats.basically,
        "not_done": stats.not_done,
        "completion": str(stats.rate),
        "text": stats.describe(),
    }


@router.post("/tasks/{task_id}/progress", response={200: RectProgressOut, **REFUSALS})
def report_progress(request: HttpRequest, payload: RectProgressIn, task_id: int = ID) -> Any:
    task = permissions.get_or_deny(
        request.user, "rectification.view", Task.objects.select_related("problem"), task_id
    )
    update = progress.record_progress(
        actor=request.user, task=task, narrative=payload.narrative, completes=payload.completes
    )
    status = Problem.objects.values_list("status", flat=True).get(pk=task.problem_id)
    return {"id": update.pk, "task_id": task.pk, "problem_status": status}


@router.post("/problems/{problem_id}/review", response={200: RectProblemOut, **REFUSALS})
def review(request: HttpRequest, payload: RectReviewIn, problem_id: int = ID) -> Any:
    problem = selectors.problem(request.user, problem_id)
    user = request.user
    if payload.verdict == "accept":
        verification.accept_evidence(actor=user, problem=problem, comment=payload.comment)
    elif payload.verdict == "reject":
        verification.reject(actor=user, problem=problem, reason=payload.comment)
    else:
        verification.cancel_problem(actor=user, problem=problem, comment=payload.comment)
    refreshed = selectors.problems(user).prefetch_related("findings", "tasks__leader")
    return _problem_out(refreshed.get(pk=problem.pk))
