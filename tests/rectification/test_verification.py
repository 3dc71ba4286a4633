"""Progress, evidence and reconcile-and-cancel: status follows the tasks; incomplete tasks
block submission and cancellation; no self-verification; a rejection sends the problem
back; reopening needs a reason; the vault keeps every revision with its SHA-256."""

from __future__ import annotations

import hashlib

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.rectification import selectors
from jiandu.rectification.models import EvidenceRevision, Problem, Review
from jiandu.rectification.services import progress, verification

from .conftest import Rect, approved, pdf, task

pytestmark = pytest.mark.django_db


def _first(r: Rect) -> Problem:
    problem = r.plan.problems.order_by("number").first()
    assert problem is not None
    return problem


def _complete(r: Rect, problem: Problem, files: int = 1) -> None:
    for t in problem.tasks.all():
        progress.record_progress(
            actor=r.liaison,
            task=t,
            narrative="已完成整改",
            completes=True,
            files=[pdf(f"p{problem.pk}-t{t.pk}-{i}.pdf") for i in range(files)],
        )


def test_work_waits_for_approval(rect: Rect) -> None:
    problem = _first(rect)
    t = task(rect, problem)
    with pytest.raises(ValidationFailed) as refused:
        progress.record_progress(actor=rect.liaison, task=t, narrative="开始")
    assert "approved" in refused.value.errors["plan"]


def test_status_follows_the_tasks(rect: Rect) -> None:
    problem = _first(rect)
    immediate = task(rect, problem)
    long_term = task(rect, problem, kind="long_term", deliverable="长效机制")
    approved(rect)
    assert Problem.objects.get(pk=problem.pk).status == "not_started"
    progress.record_progress(actor=rect.liaison, task=immediate, narrative="推进中")
    assert Problem.objects.get(pk=problem.pk).status == "in_progress"
    progress.record_progress(actor=rect.liaison, task=immediate, narrative="完成", completes=True)
    assert Problem.objects.get(pk=problem.pk).status == "basically_done"
    progress.record_progress(actor=rect.liaison, task=long_term, narrative="完成", completes=True)
    assert Problem.objects.get(pk=problem.pk).status == "done"


def test_incomplete_tasks_block_submission_and_cancellation(rect: Rect) -> None:
    approved(rect)
    problem = _first(rect)
    with pytest.raises(ValidationFailed) as refused:
        verification.submit_problem(actor=rect.liaison, problem=problem)
    assert "1.1" in refused.value.errors["tasks"]
    with pytest.raises(ValidationFailed) as refused:
        verification.cancel_problem(actor=rect.verifier, problem=problem)
    assert {"tasks", "evidence"} <= set(refused.value.errors)
    assert Problem.objects.get(pk=problem.pk).state == "open"


def test_reject_then_accept_and_cancel(rect: Rect) -> None:
    approved(rect)
    problem = _first(rect)
    _complete(rect, problem)
    verification.submit_problem(actor=rect.liaison, problem=problem)
    with pytest.raises(PermissionDenied):  # the unit does not verify itself
        verification.accept_evidence(actor=rect.liaison, problem=problem)
    with pytest.raises(ValidationFailed):
        verification.reject(actor=rect.verifier, problem=problem, reason="")
    verification.reject(actor=rect.verifier, problem=problem, reason="缺少制度文件")
    problem.refresh_from_db()
    assert (problem.state, problem.status, problem.rejections) == ("open", "in_progress", 1)
    assert problem.evidence.get().state == "rejected"
    # The unit adds a revision and submits again; the verifier accepts and cancels.
    document = problem.evidence.get()
    progress.add_evidence(
        actor=rect.liaison, problem=problem, uploaded_file=pdf("v2.pdf"), document=document
    )
    verification.submit_problem(actor=rect.liaison, problem=problem)
    verification.accept_evidence(actor=rect.verifier, problem=problem)
    verification.cancel_problem(actor=rect.verifier2, problem=problem, comment="同意销号")
    problem.refresh_from_db()
    assert (problem.state, problem.cancelled_by) == ("cancelled", rect.verifier2)
    assert list(problem.reviews.values_list("verdict", flat=True)) == [
        "submit",
        "reject",
        "submit",
        "accept",
        "cancel",
    ]
    assert document.revisions.count() == 2


def test_no_self_verification(rect: Rect, make_user: object) -> None:
    """A person who is both the unit's liaison and a verifier cannot verify and cancel
    what they submitted."""
    from jiandu.accounts import permissions
    from jiandu.accounts.models import Role, RoleAssignment

    RoleAssignment.objects.create(
        user=rect.liaison, role=Role.objects.get(code="discipline_supervisor"), scope_kind="global"
    )
    permissions.forget(rect.liaison)
    approved(rect)
    problem = _first(rect)
    _complete(rect, problem)
    verification.submit_problem(actor=rect.liaison, problem=problem)
    with pytest.raises(ValidationFailed) as refused:
        verification.accept_evidence(actor=rect.liaison, problem=problem)
    assert "verifier" in refused.value.errors
    verification.accept_evidence(actor=rect.verifier, problem=problem)
    with pytest.raises(ValidationFailed) as refused:
        verification.cancel_problem(actor=rect.liaison, problem=problem)
    assert set(refused.value.errors) == {"verifier"}
    assert Problem.objects.get(pk=problem.pk).state == "accepted"


def test_reopen_needs_a_reason(rect: Rect) -> None:
    approved(rect)
    problem = _first(rect)
    _complete(rect, problem)
    verification.submit_problem(actor=rect.liaison, problem=problem)
    verification.accept_evidence(actor=rect.verifier, problem=problem)
    verification.cancel_problem(actor=rect.verifier, problem=problem)
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationFailed):
        verification.reopen_problem(actor=rect.verifier, problem=problem, reason="  ")
    assert AuditEvent.objects.count() == before
    verification.reopen_problem(actor=rect.verifier, problem=problem, reason="回头看发现反弹")
    problem.refresh_from_db()
    assert (problem.state, problem.status, problem.cancelled_at) == ("open", "in_progress", None)
    assert problem.reviews.last().comment == "回头看发现反弹"  # type: ignore[union-attr]
    assert Review.objects.filter(problem=problem, verdict="reopen").exists()


def test_vault_keeps_revisions_with_hash_and_uploader(rect: Rect) -> None:
    approved(rect)
    problem = _first(rect)
    first = progress.add_evidence(
        actor=rect.liaison, problem=problem, uploaded_file=pdf("制度.pdf", b"one"), title="制度文件"
    )
    second = progress.add_evidence(
        actor=rect.leader,
        problem=problem,
        uploaded_file=pdf("制度v2.pdf", b"two"),
        document=first.document,
    )
    revisions = list(EvidenceRevision.objects.filter(document=first.document).order_by("number"))
    assert [r.number for r in revisions] == [1, 2]
    assert revisions[1].uploaded_by == rect.leader
    expected = hashlib.sha256(b"%PDF-1.4\n%two\ntrailer <<>>\n%%EOF\n").hexdigest()
    assert second.sha256 == expected
    with pytest.raises(ValidationFailed):  # refused file: nothing stored
        progress.add_evidence(
            actor=rect.liaison,
            problem=problem,
            uploaded_file=pdf("bad.exe"),
        )
    assert EvidenceRevision.objects.filter(document__problem=problem).count() == 2


def test_evidence_reuse_is_detected(rect: Rect) -> None:
    approved(rect)
    one, two, _three = rect.plan.problems.order_by("number")
    progress.add_evidence(
        actor=rect.liaison, problem=one, uploaded_file=pdf("同一文件.pdf", b"same")
    )
    progress.add_evidence(actor=rect.liaison, problem=two, uploaded_file=pdf("改名.pdf", b"same"))
    progress.add_evidence(actor=rect.liaison, problem=two, uploaded_file=pdf("other.pdf", b"other"))
    reuse = selectors.evidence_reuse(rect.verifier, one)
    assert list(reuse.values()) == [[two]]
    # the other unit's liaison sees the hint but not the problem of E1
    assert selectors.evidence_reuse(rect.liaison2, one) == {next(iter(reuse)): []}


def test_supervision_records(rect: Rect) -> None:
    import datetime as dt

    with pytest.raises(PermissionDenied):
        verification.record_supervision(
            actor=rect.liaison,
            plan=rect.plan,
            kind="onsite",
            date=dt.date(2026, 5, 1),
            people="纪委监委第一监督检查室",
            observations="现场查看整改台账",
        )
    record = verification.record_supervision(
        actor=rect.verifier,
        plan=rect.plan,
        kind="onsite",
        date=dt.date(2026, 5, 1),
        people="纪委监委第一监督检查室",
        observations="现场查看整改台账",
        arrangement="随机抽查三项整改任务",
        satisfaction="satisfied",
    )
    assert record.recorded_by == rect.verifier
    with pytest.raises(ValidationFailed) as refused:
        verification.record_supervision(
            actor=rect.verifier,
            plan=rect.plan,
            kind="x",
            date=None,
            people="",
            observations="",  # type: ignore[arg-type]
        )
    assert set(refused.value.errors) == {"kind", "date", "people", "observations"}
