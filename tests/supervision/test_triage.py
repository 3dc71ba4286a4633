"""Triage: the state machine, dismissal reasons, merging, and who may see and act."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.utils import timezone

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.supervision import selectors, services, warehouse
from jiandu.supervision.models import DismissalReason, Hit, OrgLink

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def imported(make_user: Any, make_run: Any, unit: Any) -> dict[str, Any]:
    analyst = make_user("analyst1", role="analyst")
    soe, other = unit("SOE"), unit("OTHER")
    sub = unit("SOE-1", parent=soe)
    OrgLink.objects.create(org_unit=sub, register_org_id="o-sub")
    OrgLink.objects.create(org_unit=other, register_org_id="o-other")
    facts = warehouse.Facts(cadres={"cadre"})
    hits = [
        record(subject_id="in-sub", orgs=("o-sub",)),
        record(subject_id="in-other", orgs=("o-other",), score=0.4),
        record(subject_id="cadre", persons=("cadre",), orgs=("o-sub",)),
        record(subject_id="nowhere", orgs=("o-unknown",)),
    ]
    services.import_hits(actor=analyst, run=make_run(analyst), hits=hits, facts=facts)
    return {
        "analyst": analyst,
        "soe": soe,
        "other": other,
        **{h.subject_id: h for h in Hit.objects.all()},
    }


def reason(code: str = "data_error") -> DismissalReason:
    return DismissalReason.objects.get(code=code)


def test_analysts_see_hits_in_their_scope(imported: dict[str, Any], make_user: Any) -> None:
    scoped = make_user("scoped", role="analyst", org=imported["soe"])
    assert set(selectors.hits(scoped).values_list("subject_id", flat=True)) == {"in-sub"}
    assert set(selectors.hits(imported["analyst"]).values_list("subject_id", flat=True)) == {
        "in-sub",
        "in-other",
        "nowhere",
    }
    with pytest.raises(PermissionDenied):
        selectors.hit(scoped, imported["in-other"].pk)
    with pytest.raises(PermissionDenied):
        services.start_review(actor=scoped, hit=imported["in-other"])
    assert not selectors.hits(make_user("nobody", role="office")).exists()


def test_hits_naming_cadres_need_the_right_and_every_read_is_logged(
    imported: dict[str, Any], make_user: Any
) -> None:
    cadre = imported["cadre"]
    assert cadre.names_leading_cadre
    with pytest.raises(PermissionDenied):
        selectors.hit_read(imported["analyst"], cadre.pk)
    with pytest.raises(PermissionDenied):
        services.start_review(actor=imported["analyst"], hit=cadre)
    officer = make_user("clues1", role="clue_officer")
    before = AuditEvent.objects.filter(kind="read", target_id=str(cadre.pk)).count()
    assert selectors.hit_read(officer, cadre.pk) == cadre
    selectors.hit_read(officer, cadre.pk)
    reads = AuditEvent.objects.filter(kind="read", target_id=str(cadre.pk), actor_id=officer.pk)
    assert reads.count() == before + 2
    # An ordinary hit's read is not logged.
    selectors.hit_read(officer, imported["in-sub"].pk)
    assert not AuditEvent.objects.filter(kind="read", target_id=str(imported["in-sub"].pk)).exists()


def test_state_machine(imported: dict[str, Any]) -> None:
    analyst, hit = imported["analyst"], imported["in-sub"]
    services.start_review(actor=analyst, hit=hit)
    hit.refresh_from_db()
    assert hit.state == Hit.State.UNDER_REVIEW and hit.triaged_by == analyst
    services.release(actor=analyst, hit=hit)
    services.dismiss(actor=analyst, hit=hit, reason=reason(), comment="数据重复")
    hit.refresh_from_db()
    assert (hit.state, hit.dismissal_reason.code, hit.comment) == (
        "dismissed",
        "data_error",
        "数据重复",
    )
    with pytest.raises(InvalidTransition):
        services.dismiss(actor=analyst, hit=hit, reason=reason())
    services.reopen(actor=analyst, hit=hit, comment="新证据")
    hit.refresh_from_db()
    assert hit.state == Hit.State.UNDER_REVIEW and hit.dismissal_reason is None
    actions = list(
        AuditEvent.objects.filter(
            target_type="supervision.hit", target_id=str(hit.pk), kind="write"
        )
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == ["hit.review", "hit.release", "hit.dismiss", "hit.reopen"]


def test_dismissal_reasons_are_a_configurable_list(imported: dict[str, Any]) -> None:
    analyst, hit = imported["analyst"], imported["in-sub"]
    retired = DismissalReason.objects.create(
        code="retired", label_zh="旧", label_en="Old", is_active=False
    )
    assert retired not in selectors.dismissal_reasons()
    with pytest.raises(ValidationFailed) as exc:
        services.dismiss(actor=analyst, hit=hit, reason=retired)
    assert "reason" in exc.value.errors
    with pytest.raises(ValidationFailed) as exc:
        services.dismiss(actor=analyst, hit=hit, reason=reason("other"), comment="  ")
    assert "comment" in exc.value.errors
    hit.refresh_from_db()
    assert hit.state == Hit.State.NEW
    services.dismiss(actor=analyst, hit=hit, reason=reason("other"), comment="重复录入")


def test_merge(imported: dict[str, Any]) -> None:
    analyst = imported["analyst"]
    a, b = imported["in-sub"], imported["in-other"]
    with pytest.raises(ValidationFailed):
        services.merge(actor=analyst, hit=a, into=a)
    services.merge(actor=analyst, hit=b, into=a, comment="同一事项")
    b.refresh_from_db()
    assert b.state == Hit.State.MERGED and b.merged_into == a
    with pytest.raises(ValidationFailed):
        services.merge(actor=analyst, hit=imported["nowhere"], into=b)
    services.reopen(actor=analyst, hit=b)
    b.refresh_from_db()
    assert b.merged_into is None and b.state == Hit.State.UNDER_REVIEW


def test_refused_triage_changes_nothing(imported: dict[str, Any], make_user: Any) -> None:
    reader = make_user("disc", role="discipline_supervisor")  # sees hits, may not triage
    hit = imported["in-sub"]
    assert selectors.hit(reader, hit.pk) == hit
    before = AuditEvent.objects.count()
    with pytest.raises(PermissionDenied):
        services.dismiss(actor=reader, hit=hit, reason=reason())
    hit.refresh_from_db()
    assert hit.state == Hit.State.NEW and AuditEvent.objects.count() == before


def test_queue_filters(imported: dict[str, Any]) -> None:
    analyst = imported["analyst"]

    def keys(**f: Any) -> set[str]:
        return set(
            selectors.queue(analyst, selectors.Filters(**f)).values_list("subject_id", flat=True)
        )

    assert keys(min_score=0.5) == {"in-sub", "nowhere"}
    assert keys(org_unit=imported["soe"]) == {"in-sub"}
    assert keys(region="3301") == {"in-sub", "in-other", "nowhere"}
    assert keys(region="44") == set()
    assert keys(theme="P", model="P01") == {"in-sub", "in-other", "nowhere"}
    assert keys(theme="B") == set()
    services.start_review(actor=analyst, hit=imported["nowhere"])
    assert keys(state="under_review") == {"nowhere"}


def test_measured_precision(imported: dict[str, Any]) -> None:
    analyst = imported["analyst"]
    services.dismiss(actor=analyst, hit=imported["in-other"], reason=reason())
    services.merge(actor=analyst, hit=imported["nowhere"], into=imported["in-sub"])
    Hit.objects.filter(pk=imported["in-sub"].pk).update(state=Hit.State.ESCALATED)
    [p] = selectors.precision(analyst)
    assert (p.model_id, p.total, p.open, p.escalated, p.dismissed, p.merged) == (
        "P01",
        3,
        0,
        1,
        1,
        1,
    )
    assert p.precision == 0.5 and p.escalated_pct == 50
    assert p.reasons == [(reason().label, 1)]


def test_open_counts(imported: dict[str, Any]) -> None:
    counts = selectors.open_counts(imported["analyst"])
    assert sorted(zip(counts["orgs"]["labels"], counts["orgs"]["values"], strict=True)) == [
        ("OTHER", 1),
        ("SOE-1", 1),
    ]
    assert counts["unlinked"] == 1 and counts["total"] == 3
    assert counts["regions"]["values"] == [3]


def test_notices(imported: dict[str, Any], make_user: Any) -> None:
    analyst = imported["analyst"]
    old = timezone.now() - dt.timedelta(days=40)
    Hit.objects.filter(pk=imported["in-other"].pk).update(first_seen_at=old)
    notices = selectors.notices(analyst)
    assert notices is not None
    assert {h.subject_id for h in notices.high} == {"in-sub", "nowhere"}
    assert [h.subject_id for h in notices.overdue] == ["in-other"]
    assert selectors.notices(make_user("auditor1", role="auditor")) is None
