"""Feedback: the centralized meeting, one-to-one feedback (draft -> delivered), the
rectification deadline, the Word feedback opinion, and what the inspected unit sees: its
delivered feedback with the problems fed back, nothing else."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import docx
import pytest
from django.urls import reverse
from django.utils import translation

from jiandu.accounts.models import User
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.inspections import documents
from jiandu.inspections.models import (
    CentralFeedback,
    Evidence,
    Finding,
    FindingCategory,
    TargetFeedback,
)
from jiandu.inspections.selectors import reporting as selectors
from jiandu.inspections.services import feedback as services

from .conftest import Inspection
from .test_reporting import (
    adopted_report,
    advance,
    api_client,
    client_for,
    last_event,
    post_json,
    seed_findings,
    unchanged,
)

pytestmark = pytest.mark.django_db

FEEDBACK_DATE = dt.date(2026, 3, 26)
REQUIREMENTS = "切实履行整改主体责任，逐条制定整改措施。"


@pytest.fixture
def fb(inspection: Inspection) -> Inspection:
    """The round in the feedback stage; the report of targets[0] adopted (its three
    confirmed findings in report); targets[1] and targets[2] with confirmed findings."""
    advance(inspection, "reporting")
    inspection.extra["findings"] = seed_findings(inspection)
    adopted_report(inspection, inspection.targets[0], inspection.leaders[0])
    advance(inspection, "feedback")
    return inspection


def draft(inspection: Inspection, **kw: Any) -> TargetFeedback:
    values: dict[str, Any] = {
        "actor": inspection.leaders[0],
        "target": inspection.targets[0],
        "date": FEEDBACK_DATE,
        "to_leadership_date": FEEDBACK_DATE,
        "to_top_leader_date": dt.date(2026, 3, 25),
        "participants": "巡视组全体成员；被巡视单位领导班子",
        "requirements": REQUIREMENTS,
    }
    values.update(kw)
    return services.draft_target_feedback(**values)


def unit_user(make_user: Callable, inspection: Inspection, index: int = 0) -> User:
    user: User = make_user(f"unit{index}", role="unit_leader", org=inspection.units[index])
    return user


# --- the deadline -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "months", "due"),
    [
        (dt.date(2026, 3, 26), 2, dt.date(2026, 5, 26)),
        (dt.date(2025, 12, 31), 2, dt.date(2026, 2, 28)),
        (dt.date(2023, 12, 31), 2, dt.date(2024, 2, 29)),
        (dt.date(2025, 11, 15), 2, dt.date(2026, 1, 15)),
        (dt.date(2025, 8, 31), 1, dt.date(2025, 9, 30)),
        (dt.date(2025, 1, 31), 12, dt.date(2026, 1, 31)),
        (dt.date(2025, 5, 10), 0, dt.date(2025, 5, 10)),
    ],
)
def test_add_months(start: dt.date, months: int, due: dt.date) -> None:
    assert services.add_months(start, months) == due


def test_rectification_due_follows_the_setting(settings: Any) -> None:
    assert services.rectification_due(dt.date(2026, 3, 26)) == dt.date(2026, 5, 26)
    settings.JIANDU = {**settings.JIANDU, "RECTIFICATION_MONTHS": 3}
    assert services.rectification_due(dt.date(2025, 11, 30)) == dt.date(2026, 2, 28)


# --- the centralized meeting ------------------------------------------------------------------


def test_central_feedback(fb: Inspection) -> None:
    meeting = services.record_central_feedback(
        actor=fb.office,
        round=fb.round,
        date=dt.date(2026, 3, 20),
        attendees="巡视办、各巡视组组长",
        common_problems="主业不聚焦；违反八项规定",
        requirements="抓好整改",
    )
    assert meeting.round == fb.round and last_event().action == "feedback.central"
    meeting = services.record_central_feedback(
        actor=fb.office,
        round=fb.round,
        date=dt.date(2026, 3, 21),
        attendees="巡视办",
        common_problems="主业不聚焦",
        requirements="抓好整改",
    )
    assert CentralFeedback.objects.count() == 1 and meeting.date == dt.date(2026, 3, 21)
    event = last_event()
    assert event.action == "feedback.central_update"
    assert event.changes["date"] == {"before": "2026-03-20", "after": "2026-03-21"}


def test_central_feedback_refused(fb: Inspection) -> None:
    args = {"date": dt.date(2026, 3, 20), "attendees": "a", "common_problems": "b"}
    with unchanged():
        for actor in (fb.leaders[0], fb.members[0]):
            with pytest.raises(PermissionDenied):
                services.record_central_feedback(
                    actor=actor, round=fb.round, requirements="c", **args
                )
        with pytest.raises(ValidationFailed) as exc:
            services.record_central_feedback(
                actor=fb.office,
                round=fb.round,
                date=None,  # type: ignore[arg-type]
                attendees=" ",
                common_problems="",
                requirements="",
            )
        assert set(exc.value.errors) == {"date", "attendees", "common_problems", "requirements"}
    advance(fb, "rectification")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.record_central_feedback(actor=fb.office, round=fb.round, requirements="c", **args)
    assert "round" in exc.value.errors


# --- one-to-one feedback ----------------------------------------------------------------------


def test_draft_and_redraft(fb: Inspection) -> None:
    feedback = draft(fb)
    assert (feedback.state, feedback.date, feedback.requirements) == (
        "draft",
        FEEDBACK_DATE,
        REQUIREMENTS,
    )
    assert feedback.rectification_due is None
    assert last_event().action == "feedback.draft"
    feedback = draft(fb, requirements="新的要求", participants="")
    assert TargetFeedback.objects.count() == 1 and feedback.requirements == "新的要求"
    event = last_event()
    assert event.action == "feedback.redraft"
    assert event.changes["requirements"] == {"before": REQUIREMENTS, "after": "新的要求"}
    # Before the report is adopted, confirmed findings are enough to draft.
    other = draft(fb, target=fb.targets[1])
    assert other.state == "draft"


def test_feedback_without_confirmed_findings_is_refused(fb: Inspection) -> None:
    Finding.objects.filter(target=fb.targets[1]).update(state="withdrawn")
    finding = Finding.objects.filter(target=fb.targets[1]).first()
    assert finding is not None
    Finding.objects.create(
        target=fb.targets[1],
        category=FindingCategory.objects.get(code="A2"),
        title="草稿问题",
        description="尚未确认",
        source="interview",
        state="draft",
    )
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        draft(fb, target=fb.targets[1])
    assert "without confirmed findings" in exc.value.errors["findings"]
    assert not TargetFeedback.objects.filter(target=fb.targets[1]).exists()


def test_drafting_refused(fb: Inspection, make_user: Callable) -> None:
    with unchanged():
        for actor in (fb.leaders[1], fb.members[0], make_user("outsider")):
            with pytest.raises(PermissionDenied):
                draft(fb, actor=actor)
        with pytest.raises(ValidationFailed) as exc:
            draft(fb, requirements=" ", date=None)
        assert set(exc.value.errors) == {"requirements", "date"}
        with pytest.raises(ValidationFailed) as exc:
            draft(fb, to_top_leader_date="2026-01-01")
        assert "to_top_leader_date" in exc.value.errors
    advance(fb, "rectification")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        draft(fb)
    assert "round" in exc.value.errors


def test_deliver(fb: Inspection) -> None:
    f = fb.extra["findings"]
    feedback = draft(fb)
    with unchanged():
        for actor in (fb.leaders[0], fb.leaders[1], fb.members[0]):
            with pytest.raises(PermissionDenied):
                services.deliver_feedback(actor=actor, feedback=feedback)
    feedback = services.deliver_feedback(actor=fb.office, feedback=feedback)
    assert (feedback.state, feedback.delivered_by) == ("delivered", fb.office)
    assert feedback.delivered_at is not None
    assert feedback.rectification_due == dt.date(2026, 5, 26)
    states = dict(Finding.objects.values_list("pk", "state"))
    assert states[f["a1"].pk] == states[f["a1b"].pk] == states[f["b3"].pk] == "fed_back"
    assert states[f["draft"].pk] == "draft" and states[f["t1_a1"].pk] == "confirmed"
    event = last_event()
    assert event.action == "feedback.deliver"
    assert event.changes["rectification_due"] == "2026-05-26"
    assert sorted(event.changes["findings_fed_back"]) == sorted(
        [f["a1"].pk, f["a1b"].pk, f["b3"].pk]
    )
    with unchanged():
        with pytest.raises(InvalidTransition):
            services.deliver_feedback(actor=fb.office, feedback=feedback)
        with pytest.raises(ValidationFailed) as exc:
            draft(fb, requirements="改")
        assert "state" in exc.value.errors


def test_delivery_needs_an_adopted_report(fb: Inspection) -> None:
    feedback = draft(fb, target=fb.targets[1])  # confirmed findings, no adopted report
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.deliver_feedback(actor=fb.office, feedback=feedback)
    assert "findings" in exc.value.errors
    assert TargetFeedback.objects.get(pk=feedback.pk).state == "draft"


# --- the inspected unit ---------------------------------------------------------------------


def test_unit_sees_delivered_feedback_only(fb: Inspection, make_user: Callable) -> None:
    f = fb.extra["findings"]
    unit, neighbour = unit_user(make_user, fb, 0), unit_user(make_user, fb, 1)
    feedback = draft(fb)
    assert list(selectors.delivered_feedback(unit)) == []
    assert list(selectors.visible_feedback(unit)) == []
    with pytest.raises(PermissionDenied):
        selectors.feedback(unit, feedback.pk)
    client = client_for(unit)
    page = client.get(reverse("my_feedback"))
    assert page.status_code == 200 and f["a1"].title not in page.content.decode()
    for name in ("feedback_detail", "feedback_opinion"):
        assert client.get(reverse(name, args=[feedback.pk])).status_code == 403
    assert client.get(f"/api/inspections/feedback/{feedback.pk}").status_code == 403
    assert client.get("/api/inspections/feedback").json()["items"] == []

    Evidence.objects.create(
        finding=f["a1"],
        file="evidence/2026/03/secret.pdf",
        original_name="secret-evidence.pdf",
        sha256="0" * 64,
        size=10,
        content_type="application/pdf",
    )
    services.deliver_feedback(actor=fb.office, feedback=feedback)
    assert list(selectors.delivered_feedback(unit)) == [feedback]
    assert list(selectors.delivered_feedback(neighbour)) == []
    html = client.get(reverse("my_feedback")).content.decode()
    for key in ("a1", "a1b", "b3"):
        assert f[key].title in html
    for hidden in (f["draft"].title, f["t1_a1"].title, "secret-evidence.pdf"):
        assert hidden not in html
    assert reverse("feedback_opinion", args=[feedback.pk]) in html
    assert REQUIREMENTS in html and "2026-05-26" in html
    detail = client.get(reverse("feedback_detail", args=[feedback.pk]))
    assert detail.status_code == 200 and f["b3"].title in detail.content.decode()
    assert reverse("round_reporting", args=[fb.round.pk]) not in detail.content.decode()
    assert client.get(reverse("feedback_opinion", args=[feedback.pk])).status_code == 200
    api = client.get(f"/api/inspections/feedback/{feedback.pk}").json()
    assert {p["title"] for p in api["problems"]} == {f["a1"].title, f["a1b"].title, f["b3"].title}
    assert "secret-evidence" not in str(api)
    neighbour_client = client_for(neighbour)
    assert neighbour_client.get(reverse("feedback_detail", args=[feedback.pk])).status_code == 403
    assert f["a1"].title not in neighbour_client.get(reverse("my_feedback")).content.decode()
    # Never transfers, reports, findings or the round's pages.
    for url in (
        reverse("transfers"),
        reverse("round_reporting", args=[fb.round.pk]),
        "/api/inspections/transfers",
        "/api/inspections/reports",
    ):
        assert client.get(url).status_code == 403, url


def test_my_feedback_needs_the_role(fb: Inspection, make_user: Callable) -> None:
    assert client_for(make_user("nobody")).get(reverse("my_feedback")).status_code == 403
    assert client_for(fb.leaders[0]).get(reverse("my_feedback")).status_code == 403


# --- the feedback opinion ---------------------------------------------------------------------


def _texts(content: bytes) -> str:
    document = docx.Document(io.BytesIO(content))
    return "\n".join(p.text for p in document.paragraphs)


def test_opinion_document(fb: Inspection) -> None:
    f = fb.extra["findings"]
    feedback = services.deliver_feedback(actor=fb.office, feedback=draft(fb))
    with translation.override("zh-hans"):
        text = _texts(documents.build_feedback_opinion(feedback))
    unit = fb.units[0].name_zh
    assert unit in text.splitlines()[0]
    a1, b3 = FindingCategory.objects.get(code="A1"), FindingCategory.objects.get(code="B3")
    assert text.index(a1.name_zh) < text.index(f["a1"].title) < text.index(b3.name_zh)
    assert text.index(b3.name_zh) < text.index(f["b3"].title)
    for key in ("a1", "a1b", "b3"):
        assert f[key].title in text and f[key].description in text
    assert f["draft"].title not in text and f["t1_a1"].title not in text
    assert REQUIREMENTS in text
    assert "2026年5月26日" in text
    assert fb.round.name_zh in text and "2026年3月26日" in text
    with translation.override("en"):
        english = _texts(documents.build_feedback_opinion(feedback))
    assert f"Feedback opinion on the inspection of {unit}" in english
    assert "Please submit the rectification report by 26 May 2026." in english
    assert a1.name_en in english and "DRAFT" not in english


def test_draft_opinion_is_marked(fb: Inspection) -> None:
    f = fb.extra["findings"]
    feedback = draft(fb)
    with translation.override("en"):
        text = _texts(documents.build_feedback_opinion(feedback))
    assert text.startswith("DRAFT")
    assert f["a1"].title in text  # in the adopted report: what delivery will feed back
    assert "26 May 2026" in text


def test_opinion_download_is_logged(fb: Inspection, make_user: Callable) -> None:
    feedback = draft(fb)
    url = reverse("feedback_opinion", args=[feedback.pk])
    for user in (fb.office, fb.leaders[0], make_user("disc", role="discipline_supervisor")):
        before = AuditEvent.objects.count()
        response = client_for(user).get(url)
        assert response.status_code == 200
        assert response["Content-Type"] == documents.DOCX_TYPE
        disposition = response["Content-Disposition"]
        assert disposition.startswith("attachment; filename=")
        assert "filename*=UTF-8''" in disposition and "%E" in disposition
        assert AuditEvent.objects.count() == before + 1
        event = last_event()
        assert (event.kind, event.action, event.actor_username) == (
            "read",
            "feedback.opinion_download",
            user.username,
        )
        assert event.target_id == str(feedback.pk)
        assert _texts(response.content)
    for user in (fb.leaders[1], fb.members[0], unit_user(make_user, fb)):
        with unchanged():
            assert client_for(user).get(url).status_code == 403


# --- pages ----------------------------------------------------------------------------------


def test_feedback_pages(fb: Inspection) -> None:
    office, leader, other = (client_for(u) for u in (fb.office, fb.leaders[0], fb.leaders[1]))
    central = reverse("central_feedback", args=[fb.round.pk])
    assert office.get(central).status_code == 200
    data = {
        "date": "2026-03-20",
        "attendees": "巡视办",
        "common_problems": "共性问题",
        "requirements": "要求",
    }
    with unchanged():
        assert leader.post(central, data).status_code == 403
        assert office.post(central, {**data, "attendees": ""}).status_code == 200
    assert office.post(central, data).status_code == 302
    assert CentralFeedback.objects.get().attendees == "巡视办"
    page = reverse("target_feedback", args=[fb.targets[0].pk])
    assert leader.get(page).status_code == 200
    assert other.get(page).status_code == 403
    form = {"date": "2026-03-26", "requirements": REQUIREMENTS, "participants": "全体"}
    with unchanged():
        assert other.post(page, form).status_code == 403
        bad = leader.post(page, {**form, "requirements": ""})
        assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
    Finding.objects.filter(target=fb.targets[1]).update(state="withdrawn")
    with unchanged():
        refused = leader.post(reverse("target_feedback", args=[fb.targets[1].pk]), form)
        assert refused.status_code == 200
        assert "without confirmed findings" in refused.content.decode()
    response = leader.post(page, form)
    feedback = TargetFeedback.objects.get(target=fb.targets[0])
    assert response.url == reverse("feedback_detail", args=[feedback.pk])
    detail = leader.get(response.url).content.decode()
    assert reverse("feedback_deliver", args=[feedback.pk]) not in detail
    assert (
        reverse("feedback_deliver", args=[feedback.pk]) in office.get(response.url).content.decode()
    )
    assert other.get(response.url).status_code == 403
    with unchanged():
        assert leader.post(reverse("feedback_deliver", args=[feedback.pk])).status_code == 403
    assert office.post(reverse("feedback_deliver", args=[feedback.pk])).status_code == 302
    assert TargetFeedback.objects.get(pk=feedback.pk).state == "delivered"
    with unchanged():
        again = office.post(reverse("feedback_deliver", args=[feedback.pk]), follow=True)
        assert "alert-danger" in again.content.decode()
    round_page = office.get(reverse("round_reporting", args=[fb.round.pk])).content.decode()
    assert "共性问题" in round_page and reverse("feedback_detail", args=[feedback.pk]) in round_page


# --- API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["session", "token"])
def test_feedback_api(fb: Inspection, mode: str, make_user: Callable) -> None:
    base = "/api/inspections"
    office, leader, other = (api_client(u, mode) for u in (fb.office, fb.leaders[0], fb.leaders[1]))
    unit = api_client(unit_user(make_user, fb), mode)
    meeting = {
        "date": "2026-03-20",
        "attendees": "巡视办",
        "common_problems": "共性问题",
        "requirements": "要求",
    }
    url = f"{base}/rounds/{fb.round.pk}/central-feedback"
    with unchanged():
        assert leader.put(url, meeting, content_type="application/json").status_code == 403
    put = office.put(url, meeting, content_type="application/json")
    assert put.status_code == 200 and put.json()["attendees"] == "巡视办"
    assert office.get(url).json()["common_problems"] == "共性问题"
    assert leader.get(url).status_code == 403
    body = {"date": "2026-03-26", "requirements": REQUIREMENTS}
    Finding.objects.filter(target=fb.targets[1]).update(state="withdrawn")
    with unchanged():
        assert (
            post_json(other, f"{base}/targets/{fb.targets[0].pk}/feedback", body).status_code == 403
        )
        refused = post_json(leader, f"{base}/targets/{fb.targets[1].pk}/feedback", body)
        assert refused.status_code == 422
        assert "without confirmed findings" in refused.json()["errors"]["findings"]
    created = post_json(leader, f"{base}/targets/{fb.targets[0].pk}/feedback", body)
    assert created.status_code == 201, created.content
    fid = created.json()["id"]
    assert created.json()["rectification_due"] == "2026-05-26"
    redraft = post_json(leader, f"{base}/targets/{fb.targets[0].pk}/feedback", body)
    assert redraft.status_code == 200 and redraft.json()["id"] == fid
    assert unit.get(f"{base}/feedback/{fid}").status_code == 403
    assert unit.get(f"{base}/feedback/{fid}/opinion").status_code == 403
    with unchanged():
        assert post_json(leader, f"{base}/feedback/{fid}/deliver").status_code == 403
        assert post_json(unit, f"{base}/feedback/{fid}/deliver").status_code == 403
    delivered = post_json(office, f"{base}/feedback/{fid}/deliver")
    assert delivered.status_code == 200 and delivered.json()["state"] == "delivered"
    with unchanged():
        assert post_json(office, f"{base}/feedback/{fid}/deliver").status_code == 422
    listed = unit.get(f"{base}/feedback").json()
    assert [item["id"] for item in listed["items"]] == [fid]
    before = AuditEvent.objects.filter(kind="read").count()
    opinion = unit.get(f"{base}/feedback/{fid}/opinion")
    assert opinion.status_code == 200 and opinion["Content-Type"] == documents.DOCX_TYPE
    assert "filename*=UTF-8''" in opinion["Content-Disposition"]
    assert AuditEvent.objects.filter(kind="read").count() == before + 1
    assert last_event().action == "feedback.opinion_download"
    assert client_for(make_user("nobody")).get(f"{base}/feedback").status_code == 403
