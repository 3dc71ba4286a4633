"""Reports: the target report and the special report on common problems, their state
machine (draft -> submitted -> adopted, or back to draft), the findings they move, the
target section of the target page, pages and API.

The helpers here (`advance`, `finding`, `unchanged`, `client_for`, ...) serve the feedback
and transfer tests too."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse

from jiandu.accounts import services as accounts
from jiandu.accounts.models import User
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.inspections.models import (
    CentralFeedback,
    Finding,
    FindingCategory,
    Report,
    Round,
    Target,
    TargetFeedback,
    Transfer,
)
from jiandu.inspections.selectors import reporting as selectors
from jiandu.inspections.services import planning
from jiandu.inspections.services import reporting as services

from .conftest import Inspection

pytestmark = pytest.mark.django_db

STAGES = ["inspecting", "reporting", "feedback", "rectification", "closed"]


@pytest.fixture
def _in_chinese(settings: Any) -> Any:
    """Reports are assembled in the installation's language; these read the Chinese."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "zh-hans"
    with translation.override("zh-hans"):
        yield


# --- helpers (shared with test_feedback and test_transfers) ---------------------------------


def advance(inspection: Inspection, to: str) -> Round:
    """Move the round stage by stage up to `to`."""
    round = inspection.round
    round.refresh_from_db()
    while round.state != to:
        following = STAGES[STAGES.index(round.state) + 1] if round.state in STAGES else STAGES[0]
        round = planning.advance_round(actor=inspection.office, round=round, to_state=following)
    inspection.round = round
    return round


def finding(target: Target, code: str, title: str, state: str = "confirmed", **kw: Any) -> Finding:
    return Finding.objects.create(
        target=target,
        category=FindingCategory.objects.get(code=code),
        title=title,
        description=kw.pop("description", f"{title}的具体情况。"),
        source=kw.pop("source", "interview"),
        state=state,
        **kw,
    )


def counts() -> tuple[Any, ...]:
    return (
        Report.objects.count(),
        Report.findings.through.objects.count(),
        CentralFeedback.objects.count(),
        TargetFeedback.objects.count(),
        sorted(TargetFeedback.objects.values_list("pk", "state", "date", "requirements")),
        Transfer.objects.count(),
        Transfer.findings.through.objects.count(),
        Transfer.persons.through.objects.count(),
        sorted(Report.objects.values_list("pk", "state", "title")),
        sorted(Finding.objects.values_list("pk", "state")),
        AuditEvent.objects.count(),
    )


@contextmanager
def unchanged() -> Iterator[None]:
    """The block changes no report, feedback, transfer or finding and writes no event."""
    before = counts()
    yield
    assert counts() == before


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User, mode: str) -> Client:
    if mode == "session":
        return client_for(user)
    _token, raw = accounts.create_api_token(actor=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post_json(client: Client, path: str, data: dict[str, Any] | None = None) -> Any:
    return client.post(path, data or {}, content_type="application/json")


def last_event() -> AuditEvent:
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    return event


def seed_findings(inspection: Inspection) -> dict[str, Finding]:
    """targets[0]: A1 x2, B3; targets[1]: A1; targets[2]: B3, C1; plus a draft on
    targets[0]. Common to two or more targets: A1 (0, 1) and B3 (0, 2)."""
    t = inspection.targets
    return {
        "a1": finding(t[0], "A1", "主业投资偏离"),
        "a1b": finding(t[0], "A1", "非主业扩张"),
        "b3": finding(t[0], "B3", "违规公款吃喝", severity="serious"),
        "draft": finding(t[0], "B4", "尚未核实的问题", state="draft"),
        "t1_a1": finding(t[1], "A1", "二公司主业不聚焦"),
        "t2_b3": finding(t[2], "B3", "三公司超标准接待"),
        "t2_c1": finding(t[2], "C1", "三公司班子不团结"),
    }


@pytest.fixture
def reporting(inspection: Inspection) -> Inspection:
    """The round in the reporting stage with the findings of `seed_findings`."""
    advance(inspection, "reporting")
    inspection.extra["findings"] = seed_findings(inspection)
    return inspection


def adopted_report(inspection: Inspection, target: Target, leader: User) -> Report:
    report = services.draft_target_report(actor=leader, target=target)
    services.submit_report(actor=leader, report=report)
    return services.adopt_report(actor=inspection.office, report=report)


# --- the target report ----------------------------------------------------------------------


@pytest.mark.usefixtures("_in_chinese")
def test_draft_assembles_the_confirmed_findings_by_category(reporting: Inspection) -> None:
    f = reporting.extra["findings"]
    target = reporting.targets[0]
    report = services.draft_target_report(actor=reporting.leaders[0], target=target)
    assert (report.kind, report.state, report.round, report.target) == (
        "target",
        "draft",
        reporting.round,
        target,
    )
    assert target.org_unit.name_zh in report.title
    a1, b3 = FindingCategory.objects.get(code="A1"), FindingCategory.objects.get(code="B3")
    body = report.body
    assert body.index(a1.name_zh) < body.index(f["a1"].title) < body.index(b3.name_zh)
    for key in ("a1", "a1b", "b3"):
        assert f[key].title in body
        assert f[key].description in body
    assert f["draft"].title not in body
    assert set(report.findings.all()) == {f["a1"], f["a1b"], f["b3"]}
    assert report.suggestions.strip()
    # Drafting changes no finding: they move into the report only on adoption.
    assert Finding.objects.get(pk=f["a1"].pk).state == "confirmed"
    event = last_event()
    assert (event.action, event.target_id) == ("report.draft", str(report.pk))
    assert sorted(event.changes["findings"]) == sorted([f["a1"].pk, f["a1b"].pk, f["b3"].pk])


def test_default_suggestions_name_the_leaders_and_recurrences(reporting: Inspection) -> None:
    from jiandu.accounts.models import Person

    f = reporting.extra["findings"]
    person = Person.objects.create(name="张总")
    f["a1"].leaders.add(person)
    f["a1b"].recurrence_of = f["t1_a1"]
    f["a1b"].save()
    report = services.draft_target_report(actor=reporting.leaders[0], target=reporting.targets[0])
    assert "张总" in report.suggestions
    assert len(report.suggestions.splitlines()) == 4  # rectify, clues, recurrence, serious


def test_drafting_refused(reporting: Inspection, make_user: Callable) -> None:
    leader1, leader2 = reporting.leaders
    target = reporting.targets[0]
    with unchanged():
        for actor in (leader2, reporting.members[0], make_user("outsider")):
            with pytest.raises(PermissionDenied):
                services.draft_target_report(actor=actor, target=target)
    # A target without a confirmed finding.
    Finding.objects.filter(target=reporting.targets[1]).update(state="withdrawn")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.draft_target_report(actor=leader1, target=reporting.targets[1])
    assert "findings" in exc.value.errors
    # A second report for the same target.
    services.draft_target_report(actor=leader1, target=target)
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.draft_target_report(actor=leader1, target=target)
    assert "target" in exc.value.errors


@pytest.mark.parametrize("stage", ["planning", "inspecting", "closed"])
def test_drafting_needs_the_reporting_stage(inspection: Inspection, stage: str) -> None:
    if stage != "planning":
        advance(inspection, stage)
    finding(inspection.targets[0], "A1", "问题")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.draft_target_report(actor=inspection.office, target=inspection.targets[0])
    assert "round" in exc.value.errors


def test_edit_only_while_draft(reporting: Inspection) -> None:
    leader = reporting.leaders[0]
    report = services.draft_target_report(actor=leader, target=reporting.targets[0])
    report = services.update_report(
        actor=leader, report=report, title=" 新标题 ", body="正文\r\n第二行", suggestions="建议"
    )
    assert (report.title, report.body, report.suggestions) == ("新标题", "正文\n第二行", "建议")
    event = last_event()
    assert event.action == "report.update"
    assert event.changes["title"]["after"] == "新标题"
    with unchanged():
        with pytest.raises(ValidationFailed) as exc:
            services.update_report(actor=leader, report=report, title="  ")
        assert "title" in exc.value.errors
        with pytest.raises(ValidationFailed) as exc:
            services.update_report(actor=leader, report=report, title="长" * 301)
        assert "title" in exc.value.errors
        with pytest.raises(PermissionDenied):
            services.update_report(actor=reporting.leaders[1], report=report, body="x")
        with pytest.raises(PermissionDenied):
            services.update_report(actor=reporting.members[0], report=report, body="x")
    services.update_report(actor=leader, report=report, body="")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.submit_report(actor=leader, report=report)  # an empty report
    assert "body" in exc.value.errors
    services.update_report(actor=leader, report=report, body="正文")
    services.submit_report(actor=leader, report=report)
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.update_report(actor=leader, report=report, body="改")
    assert "state" in exc.value.errors


def test_submit_return_submit_adopt(reporting: Inspection) -> None:
    f = reporting.extra["findings"]
    leader, office = reporting.leaders[0], reporting.office
    report = services.draft_target_report(actor=leader, target=reporting.targets[0])
    report = services.submit_report(actor=leader, report=report)
    assert report.state == "submitted"
    assert last_event().changes["state"] == {"before": "draft", "after": "submitted"}
    report = services.return_report(actor=office, report=report, reason="请补充问题依据")
    assert report.state == "draft"
    assert last_event().changes["reason"] == "请补充问题依据"
    assert selectors.return_reason(report) == "请补充问题依据"
    # A finding withdrawn meanwhile stays withdrawn; the others move into the report.
    Finding.objects.filter(pk=f["a1b"].pk).update(state="withdrawn")
    services.submit_report(actor=leader, report=report)
    report = services.adopt_report(actor=office, report=report)
    assert (report.state, report.adopted_by) == ("adopted", office)
    assert report.adopted_at is not None
    assert selectors.return_reason(report) == ""
    states = dict(Finding.objects.values_list("pk", "state"))
    assert states[f["a1"].pk] == states[f["b3"].pk] == "in_report"
    assert states[f["a1b"].pk] == "withdrawn"
    assert states[f["t1_a1"].pk] == "confirmed"  # another target's report
    event = last_event()
    assert event.action == "report.adopt"
    assert sorted(event.changes["findings_in_report"]) == sorted([f["a1"].pk, f["b3"].pk])


def test_transitions_refused(reporting: Inspection) -> None:
    leader, office = reporting.leaders[0], reporting.office
    report = services.draft_target_report(actor=leader, target=reporting.targets[0])
    with unchanged():
        with pytest.raises(InvalidTransition):
            services.adopt_report(actor=office, report=report)  # draft -> adopted
        with pytest.raises(InvalidTransition):
            services.return_report(actor=office, report=report, reason="x")  # draft -> draft
    services.submit_report(actor=leader, report=report)
    with unchanged():
        with pytest.raises(InvalidTransition):
            services.submit_report(actor=leader, report=report)
        with pytest.raises(PermissionDenied):
            services.adopt_report(actor=leader, report=report)
        with pytest.raises(PermissionDenied):
            services.return_report(actor=leader, report=report, reason="x")
        with pytest.raises(ValidationFailed) as exc:
            services.return_report(actor=office, report=report, reason="  ")
        assert "reason" in exc.value.errors
    services.adopt_report(actor=office, report=report)
    with unchanged():
        for step in (services.submit_report, services.adopt_report):
            with pytest.raises(InvalidTransition):
                step(actor=office, report=report)
        with pytest.raises(InvalidTransition):
            services.return_report(actor=office, report=report, reason="x")
        with pytest.raises(ValidationFailed):
            services.update_report(actor=office, report=report, body="x")


# --- the special report ----------------------------------------------------------------------


@pytest.mark.usefixtures("_in_chinese")
def test_special_report_on_categories_of_two_or_more_targets(reporting: Inspection) -> None:
    f = reporting.extra["findings"]
    office = reporting.office
    report = services.draft_special_report(actor=office, round=reporting.round)
    assert (report.kind, report.target, report.state) == ("special", None, "draft")
    a1, b3, c1 = (FindingCategory.objects.get(code=c) for c in ("A1", "B3", "C1"))
    assert a1.name_zh in report.body and b3.name_zh in report.body
    assert c1.name_zh not in report.body
    for unit in reporting.units:
        assert unit.name_zh in report.body
    assert "3" in report.body.splitlines()[1]  # three A1 problems...
    assert set(report.findings.all()) == {f["a1"], f["a1b"], f["t1_a1"], f["b3"], f["t2_b3"]}
    assert last_event().changes["categories"] == ["A1", "B3"]
    services.submit_report(actor=office, report=report)
    services.adopt_report(actor=office, report=report)
    # The special report moves no finding.
    assert not Finding.objects.filter(state="in_report").exists()
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.draft_special_report(actor=office, round=reporting.round)
    assert "round" in exc.value.errors


def test_special_report_refused(reporting: Inspection) -> None:
    with unchanged():
        for actor in (reporting.leaders[0], reporting.members[0]):
            with pytest.raises(PermissionDenied):
                services.draft_special_report(actor=actor, round=reporting.round)
    Finding.objects.filter(target=reporting.targets[0]).update(state="withdrawn")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.draft_special_report(actor=reporting.office, round=reporting.round)
    assert "findings" in exc.value.errors


# --- who sees what ----------------------------------------------------------------------------


def test_report_visibility(reporting: Inspection, make_user: Callable) -> None:
    report = services.draft_target_report(actor=reporting.leaders[0], target=reporting.targets[0])
    special = services.draft_special_report(actor=reporting.office, round=reporting.round)
    unit = make_user("unit", role="unit_leader", org=reporting.units[0])
    assert set(selectors.reports(reporting.office)) == {report, special}
    assert set(selectors.reports(reporting.members[0])) == {report}
    assert set(selectors.reports(reporting.leaders[1])) == set()
    for actor in (reporting.leaders[1], unit):
        with pytest.raises(PermissionDenied):
            selectors.report(actor, report.pk)
    with pytest.raises(PermissionDenied):
        selectors.report(reporting.leaders[0], special.pk)


def test_target_section(reporting: Inspection) -> None:
    leader, office, other = reporting.leaders[0], reporting.office, reporting.leaders[1]
    target = reporting.targets[0]

    def section(actor: User) -> tuple[Any, str]:
        context = selectors.target_section(actor, target)
        html = render_to_string("inspections/reporting/_target_section.html", context)
        return context["reporting"], html

    before, html = section(leader)
    assert before.shows_reports and before.can_draft_report and before.report is None
    assert reverse("report_draft", args=[target.pk]) in html
    report = services.draft_target_report(actor=leader, target=target)
    services.submit_report(actor=leader, report=report)
    seen, html = section(office)
    assert seen.report == report and not seen.report_actions.edit
    assert seen.report_actions.adopt and seen.report_actions.give_back
    assert report.title in html and reverse("report_adopt", args=[report.pk]) in html
    seen, html = section(leader)
    assert not seen.report_actions.adopt and not seen.report_actions.submit
    seen, html = section(other)
    assert not (seen.shows_reports or seen.shows_feedback or seen.shows_transfers)
    assert seen.report is None and seen.transfers == [] and report.title not in html
    seen, html = section(reporting.members[0])
    assert seen.report == report and not seen.shows_feedback and not seen.shows_transfers
    page = client_for(office).get(reverse("target_detail", args=[target.pk])).content.decode()
    assert reverse("report_adopt", args=[report.pk]) in page


# --- pages --------------------------------------------------------------------------------


def test_report_pages(reporting: Inspection, make_user: Callable) -> None:
    leader, office = client_for(reporting.leaders[0]), client_for(reporting.office)
    other, unit = (
        client_for(reporting.leaders[1]),
        client_for(make_user("unit", role="unit_leader", org=reporting.units[0])),
    )
    target = reporting.targets[0]
    with unchanged():
        assert other.post(reverse("report_draft", args=[target.pk])).status_code == 403
        assert unit.post(reverse("report_draft", args=[target.pk])).status_code == 403
    response = leader.post(reverse("report_draft", args=[target.pk]))
    report = Report.objects.get(target=target)
    assert response.status_code == 302 and response.url == reverse(
        "report_detail", args=[report.pk]
    )
    page = leader.get(response.url)
    assert page.status_code == 200 and report.title in page.content.decode()
    for client in (other, unit):
        assert client.get(response.url).status_code == 403
    edit = reverse("report_edit", args=[report.pk])
    assert leader.get(edit).status_code == 200
    with unchanged():
        bad = leader.post(edit, {"title": " ", "body": "x"})
        assert bad.status_code == 200 and "is-invalid" in bad.content.decode()
        assert other.post(edit, {"title": "t"}).status_code == 403
    assert leader.post(edit, {"title": "修改后的标题", "body": "正文"}).status_code == 302
    assert Report.objects.get(pk=report.pk).title == "修改后的标题"
    with unchanged():
        assert leader.post(reverse("report_adopt", args=[report.pk])).status_code == 403
    assert leader.post(reverse("report_submit", args=[report.pk])).status_code == 302
    back = reverse("report_return", args=[report.pk])
    assert leader.get(back).status_code == 403
    assert office.get(back).status_code == 200
    assert office.post(back, {"reason": "补充依据"}).status_code == 302
    assert Report.objects.get(pk=report.pk).state == "draft"
    assert "补充依据" in leader.get(reverse("report_detail", args=[report.pk])).content.decode()
    leader.post(reverse("report_submit", args=[report.pk]))
    assert office.post(reverse("report_adopt", args=[report.pk])).status_code == 302
    assert Report.objects.get(pk=report.pk).state == "adopted"
    # A refused transition is a message, not a change.
    with unchanged():
        again = office.post(reverse("report_adopt", args=[report.pk]), follow=True)
        assert again.status_code == 200 and "alert-danger" in again.content.decode()
    assert unit.get(reverse("report_detail", args=[report.pk])).status_code == 403


def test_round_reporting_page(reporting: Inspection, make_user: Callable) -> None:
    report = services.draft_target_report(actor=reporting.leaders[0], target=reporting.targets[0])
    url = reverse("round_reporting", args=[reporting.round.pk])
    office = client_for(reporting.office).get(url).content.decode()
    assert reverse("report_detail", args=[report.pk]) in office
    assert reverse("special_report_draft", args=[reporting.round.pk]) in office
    other = client_for(reporting.leaders[1]).get(url)
    assert other.status_code == 200
    assert reverse("report_detail", args=[report.pk]) not in other.content.decode()
    assert reverse("special_report_draft", args=[reporting.round.pk]) not in other.content.decode()
    unit = make_user("unit", role="unit_leader", org=reporting.units[0])
    assert client_for(unit).get(url).status_code == 403
    with unchanged():
        response = client_for(reporting.leaders[0]).post(
            reverse("special_report_draft", args=[reporting.round.pk])
        )
        assert response.status_code == 403
    response = client_for(reporting.office).post(
        reverse("special_report_draft", args=[reporting.round.pk])
    )
    special = Report.objects.get(kind="special")
    assert response.url == reverse("report_detail", args=[special.pk])


# --- API ----------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["session", "token"])
def test_report_api(reporting: Inspection, mode: str, make_user: Callable) -> None:
    leader = api_client(reporting.leaders[0], mode)
    office = api_client(reporting.office, mode)
    other = api_client(reporting.leaders[1], mode)
    target = reporting.targets[0]
    base = "/api/inspections"
    with unchanged():
        assert post_json(other, f"{base}/targets/{target.pk}/report").status_code == 403
        assert post_json(leader, f"{base}/targets/999999/report").status_code == 403
    created = post_json(leader, f"{base}/targets/{target.pk}/report")
    assert created.status_code == 201, created.content
    body = created.json()
    rid = body["id"]
    assert body["state"] == "draft" and len(body["finding_ids"]) == 3
    again = post_json(leader, f"{base}/targets/{target.pk}/report")
    assert again.status_code == 422 and "target" in again.json()["errors"]
    assert leader.get(f"{base}/reports/{rid}").json()["title"] == body["title"]
    assert other.get(f"{base}/reports/{rid}").status_code == 403
    listed = leader.get(f"{base}/reports").json()
    assert [r["id"] for r in listed["items"]] == [rid]
    assert other.get(f"{base}/reports").json()["items"] == []
    patched = leader.patch(
        f"{base}/reports/{rid}", {"title": "新"}, content_type="application/json"
    )
    assert patched.status_code == 200 and patched.json()["title"] == "新"
    bad = leader.patch(f"{base}/reports/{rid}", {"title": ""}, content_type="application/json")
    assert bad.status_code == 422 and "title" in bad.json()["errors"]
    assert post_json(leader, f"{base}/reports/{rid}/submit").json()["state"] == "submitted"
    with unchanged():
        assert post_json(leader, f"{base}/reports/{rid}/adopt").status_code == 403
        assert post_json(leader, f"{base}/reports/{rid}/submit").status_code == 422
        refused = post_json(office, f"{base}/reports/{rid}/return", {"reason": ""})
        assert refused.status_code == 422 and "reason" in refused.json()["errors"]
    returned = post_json(office, f"{base}/reports/{rid}/return", {"reason": "补充"})
    assert returned.json()["state"] == "draft"
    post_json(leader, f"{base}/reports/{rid}/submit")
    adopted = post_json(office, f"{base}/reports/{rid}/adopt")
    assert adopted.status_code == 200 and adopted.json()["adopted_at"]
    assert Finding.objects.filter(target=target, state="in_report").count() == 3
    special = post_json(office, f"{base}/rounds/{reporting.round.pk}/special-report")
    assert special.status_code == 201 and special.json()["kind"] == "special"
    refused = post_json(leader, f"{base}/rounds/{reporting.round.pk}/special-report")
    assert refused.status_code == 403


def test_report_in_closed_round_cannot_change(reporting: Inspection) -> None:
    leader = reporting.leaders[0]
    report = services.draft_target_report(actor=leader, target=reporting.targets[0])
    advance(reporting, "closed")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.submit_report(actor=leader, report=report)
    assert "round" in exc.value.errors
