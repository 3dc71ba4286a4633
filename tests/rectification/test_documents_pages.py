"""Word documents (the disclosure leaves out every exempt problem in its public version),
the batch services, and the pages of the main flow."""

from __future__ import annotations

import io

import docx
import pytest
from django.test import Client

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.rectification import documents
from jiandu.rectification.models import Escalation, Problem
from jiandu.rectification.services import batch, escalation, lists

from .conftest import Rect, approved, pdf

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(content)).paragraphs)


def _client(user: object) -> Client:
    client = Client()
    client.force_login(user)  # type: ignore[arg-type]
    return client


def test_public_disclosure_leaves_out_exempt_problems(rect: Rect) -> None:
    approved(rect)
    one, two, three = rect.plan.problems.order_by("number")
    lists.mark_exempt(actor=rect.office, problem=two, exempt="case_pending")
    lists.mark_exempt(actor=rect.office, problem=three, exempt="state_secret")
    public = _text(documents.disclosure(rect.plan, public=True))
    internal = _text(documents.disclosure(rect.plan, public=False))
    assert one.title in public
    assert two.title not in public and three.title not in public
    assert all(p.title in internal for p in (one, two, three))
    assert "Not for public disclosure" in internal and "Not for public disclosure" not in public


def test_reports_and_letter_are_generated_from_the_lists(rect: Rect) -> None:
    approved(rect)
    report = _text(documents.rectification_report(rect.plan))
    assert "3 problems: 0 done, 0 basically done, 3 not done; completion 0.00%" in report
    assert rect.secretary.name in report and "李副总" in report
    leader = _text(documents.leader_report(rect.plan))
    assert rect.secretary.name in leader and "3 problems" in leader
    letter = escalation.issue_escalation(
        actor=rect.verifier,
        plan=rect.plan,
        level="warning",
        reason="整改不力",
        requirements="立即整改",
    )
    text = _text(documents.escalation_letter(letter))
    assert letter.reference in text and "整改不力" in text and "立即整改" in text
    assert Escalation.objects.count() == 1


def test_batch_progress_submission_and_sign_off(rect: Rect) -> None:
    approved(rect)
    problems = list(rect.plan.problems.order_by("number"))
    entries = [
        batch.Entry(
            task=p.tasks.get(), narrative="完成", completes=True, files=[pdf(f"{p.pk}.pdf")]
        )
        for p in problems[:2]
    ]
    batch.report_progress(actor=rect.liaison, plan=rect.plan, entries=entries)
    assert [Problem.objects.get(pk=p.pk).status for p in problems] == [
        "done",
        "done",
        "not_started",
    ]
    with pytest.raises(ValidationFailed):  # the third problem's task is open
        batch.submit_problems(actor=rect.liaison, plan=rect.plan, problems=problems)
    assert not Problem.objects.filter(state="submitted").exists()
    batch.submit_problems(actor=rect.liaison, plan=rect.plan, problems=problems[:2])
    with pytest.raises(PermissionDenied):  # the unit does not verify itself
        batch.sign_off(actor=rect.liaison, plan=rect.plan, problems=problems[:2])
    batch.sign_off(actor=rect.verifier, plan=rect.plan, problems=problems[:2])
    assert list(
        Problem.objects.filter(state="cancelled")
        .order_by("number")
        .values_list("number", flat=True)
    ) == [1, 2]
    assert AuditEvent.objects.filter(action="rectification.sign_off").count() == 1


def test_main_flow_pages(rect: Rect) -> None:
    approved(rect)
    problem = rect.plan.problems.order_by("number").first()
    assert problem is not None
    task = problem.tasks.get()
    unit = _client(rect.liaison)
    page = unit.get(f"/rectification/plans/{rect.plan.pk}/")
    assert page.status_code == 200 and problem.title in page.content.decode()
    assert AuditEvent.objects.filter(action="rectification.plan_read").exists()
    response = unit.post(
        f"/rectification/tasks/{task.pk}/progress/",
        {"narrative": "已完成", "completes": "on", "attachments": [pdf("a.pdf"), pdf("b.pdf")]},
    )
    assert response.status_code == 302
    assert problem.evidence.count() == 2
    assert unit.post(f"/rectification/problems/{problem.pk}/submit/").status_code == 302
    verifier = _client(rect.verifier)
    response = verifier.post(
        f"/rectification/problems/{problem.pk}/reject/", {"reason": "材料不全"}
    )
    assert response.status_code == 302
    unit.post(f"/rectification/problems/{problem.pk}/submit/")
    verifier.post(f"/rectification/problems/{problem.pk}/accept/")
    verifier.post(f"/rectification/problems/{problem.pk}/cancel/")
    problem.refresh_from_db()
    assert (problem.state, problem.rejections) == ("cancelled", 1)
    dashboard = _client(rect.office).get(f"/rectification/rounds/{rect.inspection.round.pk}/")
    assert (
        "3 problems: 1 done, 0 basically done, 2 not done; completion 33.33%"
        in dashboard.content.decode()
    )
    assert _client(rect.liaison2).get(f"/rectification/plans/{rect.plan.pk}/").status_code == 403
