"""The demo's reference inspection round (jiandu.demo.inspections), loaded once for the
module by `jiandu.demo.load()` and rolled back afterwards."""

from __future__ import annotations

import datetime as dt
import re
import time
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from jiandu.accounts import permissions
from jiandu.accounts.models import RoleAssignment, User
from jiandu.audit import services as audit
from jiandu.audit.models import AuditEvent
from jiandu.demo import findings_text
from jiandu.demo.inspections import ROUND_CODE, team_plan
from jiandu.inspections.models import (
    CentralFeedback,
    Finding,
    FindingCategory,
    Report,
    Round,
    Target,
    TargetFeedback,
    TeamMember,
    Transfer,
)
from jiandu.inspections.selectors import planning as planning_selectors

CJK = re.compile(r"[\u4e00-\u9fff]")
# A bound against a hanging load, not a speed budget: the demo's load time is measured
# (docs/performance.md, "Demo load"), and a slow machine must not fail the suite.
HANG_BOUND_CPU_SECONDS = 120.0


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from jiandu.demo import load

    with django_db_blocker.unblock(), transaction.atomic():
        start, cpu = time.monotonic(), time.process_time()
        summary = load()
        times = {"seconds": time.monotonic() - start, "cpu": time.process_time() - cpu}
        yield {"summary": summary, **times, "round": Round.objects.get(code=ROUND_CODE)}
        transaction.set_rollback(True)


def _targets(round: Round) -> dict[str, Target]:
    return {t.org_unit.code: t for t in round.targets.select_related("org_unit", "team")}


@pytest.mark.django_db
def test_load_finishes(demo: dict[str, Any]) -> None:
    """The whole demo loads within a bound against a hang, in CPU time of this process (all
    of the work on SQLite; on PostgreSQL the server's share is left out)."""
    print(f"demo load: {demo['seconds']:.1f} s, {demo['cpu']:.1f} s CPU")
    assert demo["cpu"] < HANG_BOUND_CPU_SECONDS, f"demo load took {demo['cpu']:.1f} s of CPU"


@pytest.mark.django_db
def test_plan_of_the_round(demo: dict[str, Any]) -> None:
    round: Round = demo["round"]
    assert round.state == Round.State.RECTIFICATION
    assert (round.start_date, round.end_date) == (dt.date(2025, 10, 9), dt.date(2026, 3, 31))
    assert CJK.search(round.name_zh)
    teams = list(round.teams.order_by("number"))
    assert [t.number for t in teams] == list(range(1, 16))
    for team in teams:
        positions = Counter(team.members.values_list("position", flat=True))
        assert positions["leader"] == 1, team
        assert positions["deputy"] >= 1, team
        assert positions["member"] >= 1, team
        # Every place comes with its role, scoped to the team.
        for place in team.members.all():
            assert RoleAssignment.objects.filter(
                user=place.user, scope_kind="object", object_id=str(team.pk)
            ).exists()
    targets = _targets(round)
    expected = {f"SOE-{i:02d}" for i in range(1, 28)} | {f"DEP-{i:02d}" for i in range(1, 7)}
    assert set(targets) == expected
    assert len(targets) == 33
    for number, codes in enumerate(team_plan(), start=1):
        assert {targets[c].team.number for c in codes} == {number}
    for target in targets.values():
        assert target.entry_date and target.exit_date and target.entry_meeting_date
        assert dt.date(2025, 10, 20) <= target.entry_date < target.exit_date
        assert target.exit_date <= dt.date(2025, 12, 20)
        assert {"discipline", "organization", "audit"} <= set(target.sources_consulted)


@pytest.mark.django_db
def test_findings_cover_every_category(demo: dict[str, Any]) -> None:
    round: Round = demo["round"]
    all_findings = list(
        Finding.objects.filter(target__round=round).select_related("target__team", "category")
    )
    per_target = Counter(f.target_id for f in all_findings)
    assert len(per_target) == 33
    assert all(8 <= n <= 20 for n in per_target.values()), sorted(per_target.values())

    leaves = set(
        FindingCategory.objects.filter(parent__isnull=False).values_list("code", flat=True)
    )
    assert {f.category.code for f in all_findings} == leaves
    # The common problems: several categories recur across most targets.
    spread = Counter(code for code, _t in {(f.category.code, f.target_id) for f in all_findings})
    assert sum(1 for n in spread.values() if n >= 20) >= 4, spread

    states = Counter(f.state for f in all_findings)
    assert set(states) <= {Finding.State.FED_BACK, Finding.State.WITHDRAWN}
    assert states[Finding.State.FED_BACK] > 300
    assert 0 < states[Finding.State.WITHDRAWN] < 15
    assert {f.severity for f in all_findings} == set(Finding.Severity.values)
    assert {f.source for f in all_findings} == set(Finding.Source.values)

    places = {
        (m.team_id, m.user_id): m.position for m in TeamMember.objects.filter(team__round=round)
    }
    for finding in all_findings:
        team = finding.target.team_id
        assert CJK.search(finding.title) and CJK.search(finding.description)
        assert "{" not in finding.title + finding.description, finding.description
        # Recorded by a team member on site, confirmed by the team leader.
        assert places[(team, finding.created_by_id)] in ("deputy", "member")
        on_site = timezone.localdate(finding.created_at)
        assert finding.target.entry_date <= on_site <= finding.target.exit_date
        if finding.state == Finding.State.WITHDRAWN:
            assert finding.withdrawn_reason
        else:
            assert places[(team, finding.confirmed_by_id)] == "leader"
            assert finding.confirmed_at and finding.confirmed_at > finding.created_at
            assert timezone.localdate(finding.confirmed_at) <= finding.target.exit_date
    # Leaders concerned are named where the wording speaks of them.
    assert Finding.leaders.through.objects.filter(finding__target__round=round).count() > 30


@pytest.mark.django_db
def test_reports_adopted(demo: dict[str, Any]) -> None:
    round: Round = demo["round"]
    reports = list(round.reports.all())
    target_reports = [r for r in reports if r.kind == Report.Kind.TARGET]
    assert len(target_reports) == 33
    assert [r.kind for r in reports].count(Report.Kind.SPECIAL) == 1
    for report in reports:
        assert report.state == Report.State.ADOPTED
        assert report.adopted_by is not None and report.adopted_by.username == "office"
        assert report.adopted_at is not None
        assert dt.date(2026, 1, 1) <= timezone.localdate(report.adopted_at) < dt.date(2026, 3, 25)
        assert report.body and report.findings.exists()


@pytest.mark.django_db
def test_feedback_delivered(demo: dict[str, Any]) -> None:
    round: Round = demo["round"]
    central = CentralFeedback.objects.get(round=round)
    assert central.date == dt.date(2026, 3, 25)
    assert CJK.search(central.attendees) and CJK.search(central.common_problems)
    assert central.requirements
    feedback = list(TargetFeedback.objects.filter(target__round=round))
    assert len(feedback) == 33
    months = settings.JIANDU["RECTIFICATION_MONTHS"]
    for item in feedback:
        assert item.state == TargetFeedback.State.DELIVERED
        assert dt.date(2026, 3, 26) <= item.date <= dt.date(2026, 3, 29)
        assert item.to_leadership_date and item.to_top_leader_date
        assert item.rectification_due == item.date.replace(month=item.date.month + months)
        assert item.delivered_by is not None and item.delivered_by.username == "office"
        assert item.delivered_at is not None
        assert timezone.localdate(item.delivered_at) == item.date
        assert item.participants and item.requirements


@pytest.mark.django_db
def test_transfers(demo: dict[str, Any]) -> None:
    round: Round = demo["round"]
    transfers = list(round.transfers.select_related("receiver_unit", "acknowledged_by"))
    received = Counter((t.kind, t.receiver_unit.code) for t in transfers)
    assert received[("clue", "CDI")] >= 3
    assert received[("clue", "ORG-DEPT")] >= 2
    sector = [t for t in transfers if t.kind == Transfer.Kind.SECTOR]
    assert sector and all(t.receiver_unit.code.startswith("DEP-") for t in sector)
    assert all(t.receiver_kind == Transfer.Receiver.FUNCTIONAL for t in sector)
    for clue in (t for t in transfers if t.kind == Transfer.Kind.CLUE):
        assert clue.persons.exists() and clue.findings.exists() and clue.target is not None
        expected = "discipline" if clue.receiver_unit.code == "CDI" else "organization"
        assert clue.receiver_kind == expected
    states = Counter(t.state for t in transfers)
    assert states[Transfer.State.ACKNOWLEDGED] >= 3 and states[Transfer.State.SENT] >= 1
    for transfer in transfers:
        if transfer.state == Transfer.State.ACKNOWLEDGED:
            assert transfer.acknowledged_by is not None and transfer.acknowledged_at is not None
            assert timezone.localdate(transfer.acknowledged_at) > transfer.date


@pytest.mark.django_db
def test_demo_accounts_see_their_team_only(demo: dict[str, Any]) -> None:
    round: Round = demo["round"]
    targets = _targets(round)
    team1 = {t.pk for t in targets.values() if t.team.number == 1}
    team2 = {t.pk for t in targets.values() if t.team.number == 2}
    assert targets["SOE-01"].pk in team1 and team2
    for username, position in (("leader", "leader"), ("member", "member")):
        user = User.objects.get(username=username)
        assert TeamMember.objects.get(user=user, team__round=round).position == position
        seen = set(planning_selectors.targets(user, round).values_list("pk", flat=True))
        assert seen == team1, username
        found = permissions.scope_filter(user, "finding.view", Finding.objects.all())
        assert set(found.values_list("target_id", flat=True)) == team1
        assert not found.filter(target_id__in=team2).exists()
    other = User.objects.get(username="team02-leader")
    assert set(planning_selectors.targets(other, round).values_list("pk", flat=True)) == team2
    assert other.check_password(settings.JIANDU["DEMO_PASSWORD"])
    # The inspected unit's account reads only its own delivered feedback.
    unit = User.objects.get(username="unit")
    readable = permissions.scope_filter(
        unit, "feedback.view_delivered", TargetFeedback.objects.all()
    )
    assert list(readable.values_list("target__org_unit__code", flat=True)) == ["SOE-01"]


@pytest.mark.django_db
def test_audit_trail_of_the_round(demo: dict[str, Any]) -> None:
    assert audit.verify_chain().ok
    actors = dict(
        AuditEvent.objects.filter(action="finding.create")
        .values_list("actor_username", "action")
        .distinct()
    )
    assert "member" in actors and len(actors) > 15
    by_action = Counter(AuditEvent.objects.values_list("action", flat=True))
    assert by_action["finding.create"] == Finding.objects.count()
    assert by_action["feedback.deliver"] == 33
    assert by_action["report.adopt"] == 34
    assert by_action["round.advance"] == 4
    assert by_action["demo.load"] == 1
    confirmers = set(
        AuditEvent.objects.filter(action="finding.confirm").values_list("actor_username", flat=True)
    )
    assert "leader" in confirmers and "member" not in confirmers


def _row_counts() -> dict[str, int]:
    return {m._meta.label: m._default_manager.count() for m in apps.get_models()}


@pytest.mark.django_db
def test_second_load_adds_nothing(demo: dict[str, Any]) -> None:
    from jiandu.demo import load

    before = _row_counts()
    last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first()
    summary = load()
    assert _row_counts() == before
    assert AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() == last
    assert not summary.round.created
    assert (summary.round.teams, summary.round.targets) == (15, 33)
    assert f"Inspection round {ROUND_CODE} (already present)" in summary.describe()
    assert "(0 new;" in summary.round.describe()
    assert audit.verify_chain().ok


def test_texts_offer_four_wordings_per_category() -> None:
    leaves = {"A1", "A2", "A3", "A4", "B1", "B2", "B3", "B4", "C1", "C2", "C3", "D1", "D2"}
    assert set(findings_text.TEMPLATES) == leaves
    for code in leaves:
        assert len(findings_text.TEMPLATES[code]) >= 4, code
        assert len(findings_text.usable(code, "soe")) >= 4, code
        assert len(findings_text.usable(code, "dep")) >= 2, code
        for template in findings_text.TEMPLATES[code]:
            assert CJK.search(template.title) and CJK.search(template.text)
