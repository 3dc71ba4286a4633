"""A hit about an organization whose rectification problem was cancelled raises that
problem's false-rectification (recurrence) flag."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.rectification.models import Flag, Problem
from jiandu.supervision import escalation, services, warehouse
from jiandu.supervision.models import Hit, OrgLink
from tests.inspections.conftest import _in_english, inspection, office  # noqa: F401
from tests.rectification.conftest import Rect, approved, rect  # noqa: F401
from tests.rectification.test_handover_flags import _cancel

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def flagged_world(rect: Rect, make_user: Any, make_run: Any) -> dict[str, Any]:  # noqa: F811
    approved(rect)
    problem = rect.plan.problems.order_by("number").first()
    assert problem is not None
    _cancel(rect, problem)
    unit = rect.plan.target.org_unit
    analyst = make_user("analyst1", role="analyst")
    OrgLink.objects.create(org_unit=unit, register_org_id="buyer-1")
    services.import_hits(
        actor=analyst,
        run=make_run(analyst),
        hits=[record("B04", "c9", subject_type="contract", orgs=("buyer-1",), persons=())],
        facts=warehouse.Facts(),
    )
    return {"rect": rect, "problem": problem, "hit": Hit.objects.get(), "analyst": analyst}


def test_a_hit_flags_a_cancelled_problem_as_recurring(flagged_world: dict[str, Any]) -> None:
    hit, problem, verifier = (
        flagged_world["hit"],
        flagged_world["problem"],
        flagged_world["rect"].verifier,
    )
    assert escalation.cancelled_problems(verifier, hit) == [problem]
    flag = escalation.flag_rectification(actor=verifier, hit=hit, problem=problem)
    assert (flag.kind, flag.source) == (Flag.Kind.RECURRENCE, f"hit:{hit.key}")
    assert hit.key in flag.reason or hit.explanation_zh in flag.reason
    # The same hit flags the problem once.
    again = escalation.flag_rectification(actor=verifier, hit=hit, problem=problem, reason="再次")
    assert again.pk == flag.pk and Flag.objects.filter(kind=Flag.Kind.RECURRENCE).count() == 1


def test_who_may_flag(flagged_world: dict[str, Any]) -> None:
    hit, problem = flagged_world["hit"], flagged_world["problem"]
    # The analyst sees the hit but not the rectification problems of the unit.
    assert escalation.cancelled_problems(flagged_world["analyst"], hit) == []
    with pytest.raises(ValidationFailed):
        escalation.flag_rectification(actor=flagged_world["analyst"], hit=hit, problem=problem)
    # The unit's liaison reads its problems but sees no hit.
    with pytest.raises(PermissionDenied):
        escalation.flag_rectification(actor=flagged_world["rect"].liaison, hit=hit, problem=problem)
    assert not Flag.objects.filter(kind=Flag.Kind.RECURRENCE).exists()


def test_an_open_problem_is_not_offered(flagged_world: dict[str, Any]) -> None:
    world = flagged_world["rect"]
    other = world.plan.problems.exclude(state=Problem.State.CANCELLED).first()
    assert other is not None
    with pytest.raises(ValidationFailed):
        escalation.flag_rectification(actor=world.verifier, hit=flagged_world["hit"], problem=other)


def test_the_hit_page_offers_and_raises_the_flag(
    flagged_world: dict[str, Any], client: Client
) -> None:
    hit, problem = flagged_world["hit"], flagged_world["problem"]
    client.force_login(flagged_world["rect"].verifier)
    page = client.get(f"/supervision/hits/{hit.pk}/").content.decode()
    assert f'data-problem="{problem.pk}"' in page
    response = client.post(
        f"/supervision/hits/{hit.pk}/flag/", {"problem": problem.pk, "reason": "同类问题再次出现"}
    )
    assert response.status_code == 302
    flag = Flag.objects.get(kind=Flag.Kind.RECURRENCE)
    assert flag.reason == "同类问题再次出现" and flag.problem_id == problem.pk
    client.force_login(flagged_world["analyst"])
    page = client.get(f"/supervision/hits/{hit.pk}/").content.decode()
    assert "data-problem=" not in page
