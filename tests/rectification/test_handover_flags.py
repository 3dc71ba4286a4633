"""Handover when a responsible leader leaves the post; flags of perfunctory and false
rectification; the statistics formula and the assessment score; the escalation ladder."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from jiandu.accounts import services as accounts
from jiandu.accounts.models import Post
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.inspections.models import Finding
from jiandu.rectification import selectors, statistics
from jiandu.rectification.models import Flag, Handover, Plan, Problem, Task
from jiandu.rectification.services import escalation, flag_recurrence, flags, progress, verification
from jiandu.rectification.services.escalation import next_level

from .conftest import Rect, approved, pdf

pytestmark = pytest.mark.django_db


def _cancel(r: Rect, problem: Problem, files: int = 1) -> None:
    for t in problem.tasks.all():
        progress.record_progress(
            actor=r.liaison,
            task=t,
            narrative="完成",
            completes=True,
            files=[pdf(f"{problem.pk}-{t.pk}-{i}.pdf") for i in range(files)],
        )
    verification.submit_problem(actor=r.liaison, problem=problem)
    verification.accept_evidence(actor=r.verifier, problem=problem)
    verification.cancel_problem(actor=r.verifier, problem=problem)


# --- handover ---------------------------------------------------------------------------


def test_leaving_the_post_needs_a_successor_for_open_tasks(rect: Rect) -> None:
    approved(rect)  # every task has the deputy as responsible leader
    post = Post.objects.get(person=rect.deputy)
    office = rect.office
    with pytest.raises(ValidationFailed) as refused:
        accounts.end_post(actor=office, post=post, end_date=dt.date(2026, 6, 1))
    assert "3 open rectification tasks" in refused.value.errors["successor"]
    post.refresh_from_db()
    assert post.end_date is None  # nothing saved
    accounts.end_post(actor=office, post=post, end_date=dt.date(2026, 6, 1), successor=rect.head)
    assert set(Task.objects.values_list("leader", flat=True)) == {rect.head.pk}
    assert Handover.objects.filter(from_person=rect.deputy, to_person=rect.head).count() == 3


def test_successor_must_be_in_the_organization(rect: Rect) -> None:
    approved(rect)
    from tests.rectification.conftest import person

    stranger = person("外人", rect.inspection.units[1], "总经理")
    post = Post.objects.get(person=rect.deputy)
    with pytest.raises(ValidationFailed):
        accounts.end_post(
            actor=rect.office, post=post, end_date=dt.date(2026, 6, 1), successor=stranger
        )
    assert Task.objects.filter(leader=rect.deputy).count() == 3


def test_no_open_tasks_no_successor_needed(rect: Rect) -> None:
    post = Post.objects.get(person=rect.head)
    accounts.end_post(actor=rect.office, post=post, end_date=dt.date(2026, 6, 1))
    post.refresh_from_db()
    assert post.end_date == dt.date(2026, 6, 1)


def test_top_leader_hands_over_the_plan(rect: Rect) -> None:
    post = Post.objects.get(person=rect.secretary)
    with pytest.raises(ValidationFailed):
        accounts.end_post(actor=rect.office, post=post, end_date=dt.date(2026, 6, 1))
    accounts.end_post(
        actor=rect.office, post=post, end_date=dt.date(2026, 6, 1), successor=rect.deputy
    )
    assert Plan.objects.get(pk=rect.plan.pk).top_leader == rect.deputy


# --- flags ------------------------------------------------------------------------------


def test_flags_reuse_thin_and_no_evidence(rect: Rect) -> None:
    approved(rect)
    one, two, three = rect.plan.problems.order_by("number")
    _cancel(rect, one, files=0)
    _cancel(rect, two, files=1)
    progress.add_evidence(actor=rect.liaison, problem=three, uploaded_file=pdf("a.pdf", b"same"))
    progress.add_evidence(actor=rect.liaison, problem=three, uploaded_file=pdf("b.pdf", b"x"))
    # the same file again, for another problem
    verification.reopen_problem(actor=rect.verifier, problem=two, reason="复查")
    progress.add_evidence(actor=rect.liaison, problem=two, uploaded_file=pdf("copy.pdf", b"same"))
    assert flags.scan(actor=rect.office, round=rect.inspection.round) >= 3
    kinds = {(f.problem.number, f.kind) for f in Flag.objects.all()}
    assert (1, "no_evidence") in kinds
    assert (2, "reused_evidence") in kinds and (3, "reused_evidence") in kinds
    reason = Flag.objects.filter(kind="reused_evidence", problem=two).get().reason
    assert "3" in reason and "copy.pdf" in reason
    # Idempotent
    assert flags.scan(actor=rect.office, round=rect.inspection.round) == 0
    with pytest.raises(PermissionDenied):
        flags.scan(actor=rect.liaison, round=rect.inspection.round)


def test_thin_evidence(rect: Rect) -> None:
    approved(rect)
    one = rect.plan.problems.order_by("number").first()
    assert one is not None
    _cancel(rect, one, files=1)
    flags.scan(actor=rect.office, round=rect.inspection.round)
    flag = Flag.objects.get(problem=one)
    assert flag.kind == "thin_evidence" and "1 evidence file" in flag.reason


def test_mass_closure_before_the_deadline(rect: Rect) -> None:
    approved(rect)
    problems = list(rect.plan.problems.all())
    for p in problems:
        _cancel(rect, p, files=2)
    due = rect.plan.report_due
    Problem.objects.filter(plan=rect.plan).update(
        submitted_at=dt.datetime(due.year, due.month, due.day - 1, 10, tzinfo=dt.UTC)
    )
    flags.scan(actor=rect.office, round=rect.inspection.round)
    assert not Flag.objects.filter(kind="deadline_rush").exists()  # three are not a rush
    flags.RUSH_COUNT, saved = 3, flags.RUSH_COUNT
    try:
        flags.scan(actor=rect.office, round=rect.inspection.round)
    finally:
        flags.RUSH_COUNT = saved
    assert Flag.objects.filter(kind="deadline_rush").count() == 3


def test_recurrence_by_a_later_finding_and_by_a_hit(rect: Rect) -> None:
    approved(rect)
    one = rect.plan.problems.order_by("number").first()
    assert one is not None
    with pytest.raises(ValidationFailed):
        flag_recurrence(actor=rect.office, problem=one, source="hit:X", reason="复发")
    _cancel(rect, one, files=2)
    earlier = one.findings.get()
    later = Finding.objects.create(
        target=rect.inspection.targets[0],
        category=earlier.category,
        title="同类问题再次出现",
        description="回头看发现",
        source="documents",
        recurrence_of=earlier,
    )
    flags.scan(actor=rect.office, round=rect.inspection.round)
    flag = Flag.objects.get(kind="recurrence")
    assert flag.source == f"finding:{later.pk}" and later.title in flag.reason
    with pytest.raises(PermissionDenied):
        flag_recurrence(actor=rect.liaison, problem=one, source="hit:M1:org:9", reason="模型命中")
    hit = flag_recurrence(
        actor=rect.verifier, problem=one, source="hit:M1:org:9", reason="模型命中"
    )
    again = flag_recurrence(actor=rect.office, problem=one, source="hit:M1:org:9", reason="再次")
    assert hit == again and hit.reason == "模型命中"
    listed = selectors.cancelled_problems(actor=rect.verifier, org_unit=rect.inspection.root)
    assert list(listed) == [one]
    assert not selectors.cancelled_problems(
        actor=rect.liaison2, org_unit=rect.inspection.root
    ).exists()


# --- statistics, assessment, escalation --------------------------------------------------


def test_statistics_formula() -> None:
    stats = statistics.Stats(total=697, done=688, basically=4)
    assert stats.not_done == 5
    assert stats.rate == Decimal("98.71")
    assert (
        stats.describe()
        == "697 problems: 688 done, 4 basically done, 5 not done; completion 98.71%"
    )
    assert statistics.Stats(0, 0, 0).rate == Decimal("0.00")
    assert statistics.Stats(3, 2, 0).rate == Decimal("66.67")


def test_statistics_and_score_of_a_plan(rect: Rect) -> None:
    approved(rect)
    one = rect.plan.problems.order_by("number")[0]
    _cancel(rect, one, files=2)
    Task.objects.filter(problem=one).update(completed_at=dt.date(2026, 5, 10))
    stats = statistics.statistics(rect.plan.problems.all())
    assert (stats.total, stats.done, stats.basically, stats.not_done) == (3, 1, 0, 2)
    score = statistics.score("E1", rect.plan.problems.all(), today=dt.date(2026, 5, 1))
    # completion 1/3, timeliness 1/1 (the others are not yet due), quality 1/1
    assert score.completion == Decimal("0.3333") and score.timeliness == 1 and score.quality == 1
    assert score.score == Decimal("73.3")
    flag_recurrence(actor=rect.office, problem=one, source="lookback:1", reason="回头看")
    assert statistics.score(
        "E1", rect.plan.problems.all(), today=dt.date(2026, 5, 1)
    ).score == Decimal("38.3")


def test_escalation_ladder_and_suggestion(rect: Rect) -> None:
    assert next_level(None) == "notice" and next_level("notice") == "guidance"
    assert next_level("case") == "case"
    approved(rect)
    Task.objects.update(deadline=dt.date(2026, 4, 1))
    row = next(r for r in selectors.dashboard(rect.office, rect.inspection.round))
    assert row.overdue == 3 and row.suggestion == "notice"
    with pytest.raises(PermissionDenied):
        escalation.issue_escalation(
            actor=rect.liaison, plan=rect.plan, level="notice", reason="r", requirements="q"
        )
    with pytest.raises(ValidationFailed):
        escalation.issue_escalation(
            actor=rect.verifier, plan=rect.plan, level="x", reason="", requirements=""
        )
    item = escalation.issue_escalation(
        actor=rect.verifier,
        plan=rect.plan,
        level="notice",
        reason="整改逾期",
        requirements="限期完成",
    )
    assert item.reference.startswith("督办〔")
    row = next(r for r in selectors.dashboard(rect.office, rect.inspection.round))
    assert (row.escalations, row.suggestion) == (1, "guidance")
