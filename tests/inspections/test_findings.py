"""Finding services and selectors: recording within the team's scope and the round's
stage, every transition of the state machine (allowed and refused), edits, recurrences,
the helpers the reporting services call, and the common-problem heat map."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.db import transaction

from jiandu.accounts.models import Person, Post, User
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.inspections.models import Finding, FindingCategory, Round
from jiandu.inspections.selectors import findings as selectors
from jiandu.inspections.services import findings as services
from jiandu.inspections.services import planning

from .conftest import Inspection, make_unit

pytestmark = pytest.mark.django_db


def counts() -> tuple[int, int, int]:
    return (
        Finding.objects.count(),
        Finding.leaders.through.objects.count(),
        AuditEvent.objects.count(),
    )


def cat(code: str) -> FindingCategory:
    return FindingCategory.objects.get(code=code)


def leader_in(unit: Any, name: str = "张三") -> Person:
    person = Person.objects.create(name=name)
    Post.objects.create(
        person=person, org_unit=unit, title="总经理", start_date=dt.date(2020, 1, 1)
    )
    return person


def advance(inspection: Inspection, *stages: str) -> None:
    for stage in stages:
        planning.advance_round(actor=inspection.office, round=inspection.round, to_state=stage)
    inspection.round.refresh_from_db()


@pytest.fixture
def insp(inspection: Inspection) -> Inspection:
    """The shared round, at the stage of on-site inspection."""
    advance(inspection, "inspecting")
    return inspection


def record(insp: Inspection, actor: User | None = None, target: int = 0, **kw: Any) -> Finding:
    fields: dict[str, Any] = {
        "category": cat("B3"),
        "title": "违规发放津贴补贴",
        "description": "2023年以来违规发放各类补贴共计120万元。",
        "source": "documents",
    }
    fields.update(kw)
    return services.record_finding(
        actor=actor or insp.members[0], target=insp.targets[target], **fields
    )


# --- recording ------------------------------------------------------------------------------


def test_member_records_a_draft_for_own_team(insp: Inspection) -> None:
    person = leader_in(insp.units[0])
    before = AuditEvent.objects.count()
    finding = record(insp, leaders=[person], severity="serious")
    assert finding.state == "draft"
    assert finding.created_by == insp.members[0]
    assert list(finding.leaders.all()) == [person]
    event = AuditEvent.objects.get(seq__gt=before)
    assert event.action == "finding.create"
    assert event.target_id == str(finding.pk)
    assert event.changes["after"]["leaders"] == [person.pk]
    assert event.changes["after"]["severity"] == "serious"


def test_member_of_other_team_is_refused_and_nothing_written(insp: Inspection) -> None:
    before = counts()
    with pytest.raises(PermissionDenied) as err:
        record(insp, actor=insp.members[1], target=0)
    assert "your team" in str(err.value)
    assert counts() == before


def test_user_without_role_is_refused(insp: Inspection, make_user: Callable[..., Any]) -> None:
    before = counts()
    with pytest.raises(PermissionDenied):
        record(insp, actor=make_user("nobody"))
    assert counts() == before


@pytest.mark.parametrize("stage_path", [(), ("inspecting", "reporting", "feedback")])
def test_recording_outside_inspection_and_reporting_is_refused(
    inspection: Inspection, stage_path: tuple[str, ...]
) -> None:
    advance(inspection, *stage_path)
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        record(inspection)
    message = err.value.errors["round"]
    assert inspection.round.get_state_display() in message
    assert counts() == before


def test_recording_during_reporting_is_allowed(insp: Inspection) -> None:
    advance(insp, "reporting")
    assert record(insp).state == "draft"


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"category": "B"}, "category"),  # has subcategories
        ({"category": "inactive"}, "category"),
        ({"category": None}, "category"),
        ({"title": "  "}, "title"),
        ({"title": "x" * 301}, "title"),
        ({"description": ""}, "description"),
        ({"source": "rumour"}, "source"),
        ({"severity": "huge"}, "severity"),
    ],
)
def test_bad_input_is_refused_naming_the_field(
    insp: Inspection, change: dict[str, Any], field: str
) -> None:
    if change.get("category") == "B":
        change = {"category": cat("B")}
    elif change.get("category") == "inactive":
        leaf = cat("A1")
        leaf.is_active = False
        leaf.save()
        change = {"category": leaf}
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        record(insp, **change)
    assert field in err.value.errors
    assert counts() == before


def test_leader_must_hold_a_post_in_the_target(insp: Inspection) -> None:
    outsider = leader_in(insp.units[2], "李四")
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        record(insp, leaders=[outsider])
    assert "李四" in err.value.errors["leaders"]
    assert counts() == before


def test_leader_in_a_subordinate_unit_is_accepted(insp: Inspection) -> None:
    sub = make_unit("E1-1", "第一分公司下属单位", insp.units[0])
    person = leader_in(sub)
    assert list(record(insp, leaders=[person]).leaders.all()) == [person]


# --- transitions -------------------------------------------------------------------------


def test_leader_confirms_a_draft(insp: Inspection) -> None:
    finding = record(insp)
    done = services.confirm_finding(actor=insp.leaders[0], finding=finding)
    assert done.state == "confirmed"
    finding.refresh_from_db()
    assert finding.state == "confirmed"
    assert finding.confirmed_by == insp.leaders[0]
    assert finding.confirmed_at is not None
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "finding.confirm"
    assert event.changes["state"] == {"before": "draft", "after": "confirmed"}


def test_member_cannot_confirm(insp: Inspection) -> None:
    finding = record(insp)
    before = counts()
    with pytest.raises(PermissionDenied):
        services.confirm_finding(actor=insp.members[0], finding=finding)
    with pytest.raises(PermissionDenied):
        services.confirm_finding(actor=insp.leaders[1], finding=finding)  # other team
    finding.refresh_from_db()
    assert finding.state == "draft"
    assert counts() == before


def test_confirm_twice_is_an_invalid_transition(insp: Inspection) -> None:
    finding = record(insp)
    services.confirm_finding(actor=insp.leaders[0], finding=finding)
    before = counts()
    with pytest.raises(InvalidTransition):
        services.confirm_finding(actor=insp.leaders[0], finding=finding)
    assert counts() == before


def test_reopen_sends_confirmed_back_to_draft(insp: Inspection) -> None:
    finding = record(insp)
    services.confirm_finding(actor=insp.leaders[0], finding=finding)
    services.reopen_finding(actor=insp.leaders[0], finding=finding)
    finding.refresh_from_db()
    assert finding.state == "draft"
    assert finding.confirmed_by is None and finding.confirmed_at is None
    assert services.reopen is services.reopen_finding


def test_reopen_a_draft_is_refused(insp: Inspection) -> None:
    finding = record(insp)
    with pytest.raises(InvalidTransition):
        services.reopen_finding(actor=insp.leaders[0], finding=finding)
    with pytest.raises(PermissionDenied):
        services.reopen_finding(actor=insp.members[0], finding=finding)


@pytest.mark.parametrize("start", ["draft", "confirmed", "in_report"])
def test_withdraw_with_reason(insp: Inspection, start: str) -> None:
    finding = record(insp)
    if start != "draft":
        services.confirm_finding(actor=insp.leaders[0], finding=finding)
    if start == "in_report":
        with transaction.atomic():
            services.mark_in_report([finding])
    services.withdraw_finding(actor=insp.leaders[0], finding=finding, reason=" 证据不足 ")
    finding.refresh_from_db()
    assert finding.state == "withdrawn"
    assert finding.withdrawn_reason == "证据不足"
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "finding.withdraw"
    assert event.changes["reason"] == "证据不足"


def test_withdraw_without_reason_is_refused(insp: Inspection) -> None:
    finding = record(insp)
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        services.withdraw_finding(actor=insp.leaders[0], finding=finding, reason="   ")
    assert "reason" in err.value.errors
    finding.refresh_from_db()
    assert finding.state == "draft"
    assert counts() == before


def test_withdrawn_and_fed_back_are_final(insp: Inspection) -> None:
    gone = record(insp)
    services.withdraw_finding(actor=insp.leaders[0], finding=gone, reason="重复")
    done = record(insp)
    services.confirm_finding(actor=insp.leaders[0], finding=done)
    with transaction.atomic():
        services.mark_in_report([done])
        services.mark_fed_back([done])
    done.refresh_from_db()
    assert done.state == "fed_back"
    before = counts()
    for finding in (gone, done):
        with pytest.raises(InvalidTransition):
            services.withdraw_finding(actor=insp.leaders[0], finding=finding, reason="再撤回")
        with pytest.raises(InvalidTransition):
            services.confirm_finding(actor=insp.leaders[0], finding=finding)
        with pytest.raises(InvalidTransition):
            services.reopen_finding(actor=insp.leaders[0], finding=finding)
    assert counts() == before


def test_reporting_helpers(insp: Inspection) -> None:
    draft = record(insp)
    confirmed = record(insp)
    services.confirm_finding(actor=insp.leaders[0], finding=confirmed)
    with pytest.raises(InvalidTransition), transaction.atomic():
        services.mark_in_report([confirmed, draft])  # a draft cannot go into a report
    confirmed.refresh_from_db()
    assert confirmed.state == "confirmed"
    with transaction.atomic():
        assert [f.state for f in services.mark_in_report([confirmed])] == ["in_report"]
    with transaction.atomic():
        services.return_to_confirmed([confirmed])
    confirmed.refresh_from_db()
    assert confirmed.state == "confirmed"
    with pytest.raises(InvalidTransition), transaction.atomic():
        services.mark_fed_back([confirmed])  # only from the report


# --- edits -----------------------------------------------------------------------------------


def test_recorder_and_leader_edit_drafts(insp: Inspection) -> None:
    finding = record(insp)
    services.update_finding(actor=insp.members[0], finding=finding, title=" 新标题 ")
    services.update_finding(actor=insp.leaders[0], finding=finding, category=cat("B4"))
    finding.refresh_from_db()
    assert (finding.title, finding.category.code) == ("新标题", "B4")
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None and event.action == "finding.update"
    assert set(event.changes) == {"category"}


def test_other_member_cannot_edit(insp: Inspection, make_user: Callable[..., Any]) -> None:
    finding = record(insp)
    colleague = make_user("colleague")
    planning.add_member(actor=insp.office, team=insp.teams[0], user=colleague, position="member")
    before = counts()
    with pytest.raises(PermissionDenied) as err:
        services.update_finding(actor=colleague, finding=finding, title="改")
    assert "recorder" in str(err.value)
    with pytest.raises(PermissionDenied):
        services.update_finding(actor=insp.members[1], finding=finding, title="改")
    assert counts() == before


def test_only_drafts_are_edited(insp: Inspection) -> None:
    finding = record(insp)
    services.confirm_finding(actor=insp.leaders[0], finding=finding)
    before = counts()
    with pytest.raises(ValidationFailed) as err:
        services.update_finding(actor=insp.leaders[0], finding=finding, title="改")
    assert "state" in err.value.errors
    with pytest.raises(ValidationFailed):
        services.update_finding(actor=insp.leaders[0], finding=finding, description="")
    assert counts() == before


def test_bad_edit_changes_nothing(insp: Inspection) -> None:
    finding = record(insp)
    with pytest.raises(ValidationFailed) as err:
        services.update_finding(
            actor=insp.members[0], finding=finding, title="好标题", category=cat("A")
        )
    assert set(err.value.errors) == {"category"}
    finding.refresh_from_db()
    assert finding.title == "违规发放津贴补贴"


# --- recurrences ----------------------------------------------------------------------------


def earlier_round_finding(insp: Inspection) -> Finding:
    """A confirmed finding on units[0] in an earlier round, recorded by the office."""
    old = planning.create_round(actor=insp.office, code="2022-1", name_zh="2022年第一轮巡视")
    team = planning.create_team(actor=insp.office, round=old, number=1, name_zh="组")
    target = planning.add_target(actor=insp.office, round=old, team=team, org_unit=insp.units[0])
    planning.advance_round(actor=insp.office, round=old, to_state="inspecting")
    return services.record_finding(
        actor=insp.office,
        target=target,
        category=cat("B3"),
        title="旧问题",
        description="2021年违规发放补贴。",
        source="documents",
    )


def test_mark_recurrence_of_an_earlier_finding(insp: Inspection) -> None:
    old = earlier_round_finding(insp)
    finding = record(insp)
    services.mark_recurrence(actor=insp.office, finding=finding, earlier=old)
    finding.refresh_from_db()
    assert finding.recurrence_of == old
    assert list(selectors.recurrence_candidates(insp.office, finding.target, before=finding)) == [
        old
    ]
    services.mark_recurrence(actor=insp.office, finding=finding, earlier=None)
    finding.refresh_from_db()
    assert finding.recurrence_of is None


def test_recurrence_refusals(insp: Inspection) -> None:
    old = earlier_round_finding(insp)
    elsewhere = record(insp, target=1)
    first = record(insp)
    second = record(insp)
    services.mark_recurrence(actor=insp.office, finding=second, earlier=first)
    cases = [
        (first, first, "itself"),
        (first, second, "later"),  # second was recorded after first
        (first, elsewhere, "subordinate"),
    ]
    for finding, earlier, words in cases:
        with pytest.raises(ValidationFailed) as err:
            services.mark_recurrence(actor=insp.office, finding=finding, earlier=earlier)
        assert words in err.value.errors["recurrence_of"]
    # The member may not see the earlier round's finding: refused as not permitted.
    with pytest.raises(PermissionDenied):
        services.mark_recurrence(actor=insp.members[0], finding=first, earlier=old)
    services.withdraw_finding(actor=insp.office, finding=old, reason="错误")
    with pytest.raises(ValidationFailed):
        services.mark_recurrence(actor=insp.office, finding=first, earlier=old)
    first.refresh_from_db()
    assert first.recurrence_of is None


def test_recurrence_cycle_is_refused(insp: Inspection) -> None:
    first = record(insp)
    second = record(insp)
    # Data that bypassed the services: the earlier finding already points at the later one.
    Finding.objects.filter(pk=first.pk).update(recurrence_of=second)
    with pytest.raises(ValidationFailed) as err:
        services.mark_recurrence(actor=insp.office, finding=second, earlier=first)
    assert "cycle" in err.value.errors["recurrence_of"]
    second.refresh_from_db()
    assert second.recurrence_of is None


def test_record_with_recurrence(insp: Inspection) -> None:
    old = earlier_round_finding(insp)
    finding = record(insp, actor=insp.office, recurrence_of=old)
    assert finding.recurrence_of == old


# --- selectors ------------------------------------------------------------------------------


def test_findings_are_scoped_and_filtered(insp: Inspection) -> None:
    a = record(insp, title="甲问题", severity="grave")
    b = record(insp, target=1, category=cat("A1"), source="interview")
    c = record(insp, actor=insp.members[1], target=2)
    assert set(selectors.findings(insp.members[0])) == {a, b}
    assert set(selectors.findings(insp.leaders[1])) == {c}
    assert set(selectors.findings(insp.office)) == {a, b, c}
    office = insp.office
    assert list(selectors.findings(office, target=insp.targets[1])) == [b]
    assert set(selectors.findings(office, category=cat("B"))) == {a, c}
    assert list(selectors.findings(office, category=cat("A1"))) == [b]
    assert list(selectors.findings(office, severity="grave")) == [a]
    assert list(selectors.findings(office, source="interview")) == [b]
    assert list(selectors.findings(office, q="甲")) == [a]
    assert list(selectors.findings(office, state="confirmed")) == []
    with pytest.raises(PermissionDenied):
        selectors.finding(insp.members[1], a.pk)


def test_heatmap_counts(insp: Inspection, make_user: Callable[..., Any]) -> None:
    record(insp, target=0)
    record(insp, target=0)
    record(insp, target=1)
    record(insp, target=1, category=cat("A2"))
    gone = record(insp, actor=insp.members[1], target=2)
    services.withdraw_finding(actor=insp.leaders[1], finding=gone, reason="不实")
    heat = selectors.heatmap(insp.office, insp.round)
    assert [t.pk for t in heat.targets] == [t.pk for t in insp.targets]
    rows = {r.category.code: r for r in heat.rows}
    assert rows["B3"].counts == [2, 1, 0] and rows["B3"].total == 3
    assert rows["B"].is_top and rows["B"].counts == [2, 1, 0]
    assert rows["A2"].counts == [0, 1, 0]
    assert rows["A"].counts == [0, 1, 0]
    assert rows["C1"].counts == [0, 0, 0]
    assert heat.target_totals == [2, 2, 0] and heat.total == 4
    chart = heat.chart()
    assert chart["max"] == 2
    assert len(chart["y"]) == len([r for r in heat.rows if not r.is_top])
    b3 = chart["y"].index(f"B3 {cat('B3').name}")
    assert [0, b3, 2] in chart["data"]


def test_heatmap_permissions(insp: Inspection, make_user: Callable[..., Any]) -> None:
    sector = make_user("sector", role="functional_dept", org=insp.root)
    assert selectors.heatmap(sector, insp.round).total == 0
    assert selectors.latest_analytics_round(sector) == insp.round
    for refused in (insp.leaders[0], insp.members[0], make_user("unit", role="unit_leader")):
        with pytest.raises(PermissionDenied):
            selectors.heatmap(refused, insp.round)
        assert selectors.latest_analytics_round(refused) is None


def test_latest_round_is_the_newest(insp: Inspection) -> None:
    newer = planning.create_round(
        actor=insp.office, code="2026-1", name_zh="新一轮", start_date=dt.date(2026, 3, 1)
    )
    assert selectors.latest_analytics_round(insp.office) == newer
    assert isinstance(selectors.analytics_round(insp.office, insp.round.pk), Round)
