"""The lists: opening a plan from the fed-back findings, split and merge with the links
kept, tasks with their responsibility entries, submission, approval and versioned
revision; scope of the unit."""

from __future__ import annotations

import datetime as dt

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.rectification.models import Plan, PlanVersion, Problem
from jiandu.rectification.services import lists

from .conftest import Rect, approved, task

pytestmark = pytest.mark.django_db


def test_open_plan_lists_the_fed_back_findings(rect: Rect) -> None:
    plan = rect.plan
    f = rect.inspection.extra["findings"]
    problems = list(plan.problems.order_by("number"))
    assert [p.number for p in problems] == [1, 2, 3]
    assert {p.title for p in problems} == {f["a1"].title, f["a1b"].title, f["b3"].title}
    assert all(p.findings.count() == 1 for p in problems)
    assert plan.report_due == dt.date(2026, 5, 26)
    assert plan.top_leader == rect.secretary
    assert plan.state == "draft"
    # Opening again returns the same plan.
    assert lists.open_plan(actor=rect.liaison, target=rect.inspection.targets[0]) == plan


def test_other_unit_cannot_touch_the_lists(rect: Rect) -> None:
    problem = rect.plan.problems.first()
    assert problem is not None
    with pytest.raises(PermissionDenied):
        task(rect, problem, actor=rect.liaison2)
    with pytest.raises(PermissionDenied):
        lists.open_plan(actor=rect.liaison2, target=rect.inspection.targets[0])
    assert not problem.tasks.exists()


def test_split_and_merge_keep_the_links(rect: Rect) -> None:
    first, second, third = rect.plan.problems.order_by("number")
    parts = lists.split_problem(actor=rect.liaison, problem=first, titles=["甲部分", "乙部分"])
    assert [p.title for p in parts] == ["甲部分", "乙部分"]
    assert parts[1].split_from == first
    assert list(parts[1].findings.all()) == list(first.findings.all())
    task(rect, third)
    keeper = lists.merge_problems(
        actor=rect.liaison, plan=rect.plan, problems=[second, third], title="合并问题"
    )
    third.refresh_from_db()
    assert keeper == second and keeper.title == "合并问题"
    assert (third.state, third.merged_into) == ("merged", second)
    assert keeper.findings.count() == 2
    assert keeper.tasks.count() == 1  # the task of the merged problem moved over
    with pytest.raises(ValidationFailed):
        lists.split_problem(actor=rect.liaison, problem=first, titles=["只有一个"])


def test_submission_needs_a_task_per_problem(rect: Rect) -> None:
    with pytest.raises(ValidationFailed) as refused:
        lists.submit_plan(actor=rect.liaison, plan=rect.plan)
    assert "1, 2, 3" in refused.value.errors["tasks"]
    assert Plan.objects.get(pk=rect.plan.pk).state == "draft"


def test_task_checks_the_responsible_leader(rect: Rect) -> None:
    from tests.rectification.conftest import person

    outsider = person("外单位领导", rect.inspection.units[1], "总经理")
    problem = rect.plan.problems.first()
    assert problem is not None
    with pytest.raises(ValidationFailed) as refused:
        task(rect, problem, leader=outsider, measure="  ")
    assert set(refused.value.errors) == {"leader", "measure"}
    assert not problem.tasks.exists()


def test_approval_versions_and_revision(rect: Rect) -> None:
    with pytest.raises(PermissionDenied):
        lists.approve_plan(actor=rect.liaison, plan=rect.plan)
    plan = approved(rect)
    assert (plan.state, plan.version) == ("approved", 1)
    first = PlanVersion.objects.get(plan=plan)
    assert len(first.snapshot["problems"]) == 3
    problem = plan.problems.first()
    assert problem is not None
    with pytest.raises(ValidationFailed):  # an approved plan changes only through a revision
        task(rect, problem)
    with pytest.raises(ValidationFailed):
        lists.revise_plan(actor=rect.liaison, plan=plan, reason=" ")
    plan = lists.revise_plan(actor=rect.liaison, plan=plan, reason="新增整改措施")
    assert (plan.state, plan.version) == ("draft", 2)
    task(rect, problem, deliverable="新增制度")
    lists.submit_plan(actor=rect.leader, plan=plan)
    lists.approve_plan(actor=rect.office, plan=plan)
    second = PlanVersion.objects.get(plan=plan, number=2)
    assert second.reason == "新增整改措施"
    assert len(second.snapshot["problems"][0]["tasks"]) == 2
    assert len(first.snapshot["problems"][0]["tasks"]) == 1  # the old version is kept


def test_return_needs_a_reason_and_state_machine_refuses(rect: Rect) -> None:
    with pytest.raises(InvalidTransition):
        lists.approve_plan(actor=rect.office, plan=rect.plan)  # a draft is not approved
    approved(rect)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        lists.return_plan(actor=rect.office, plan=rect.plan, reason="退回")
    assert AuditEvent.objects.count() == before


def test_exempt_marking_is_the_office_s(rect: Rect) -> None:
    problem = rect.plan.problems.first()
    assert problem is not None
    with pytest.raises(PermissionDenied):
        lists.mark_exempt(actor=rect.liaison, problem=problem, exempt="state_secret")
    lists.mark_exempt(actor=rect.office, problem=problem, exempt="state_secret")
    assert Problem.objects.get(pk=problem.pk).exempt == "state_secret"
    with pytest.raises(ValidationFailed):
        lists.mark_exempt(actor=rect.office, problem=problem, exempt="whatever")
