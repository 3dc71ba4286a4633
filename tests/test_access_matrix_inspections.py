"""The access matrix of the inspection module: its pages and API endpoints, for every demo
account, allowed and refused.

`ROWS` here are run by `tests/test_access_matrix.py` together with its own rows (one demo
installation for both), and its guards count them: an inspection URL pattern or API
operation without a row fails there. `objects()` adds to the demo what the rows need and
returns their ids.

The demo's reference round ("round": 15 teams, 33 targets) ends at the stage
"rectification", where findings, reports and feedback no longer change. Writes are tried on
two small rounds built here through the services, with the same accounts: "round2" at the
stage "reporting" (findings are still settled, reports drafted and adopted) and "round3"
at the stage "feedback". On each, "leader" leads and "member" is a member of the team that
inspects SOE-01 ("own" targets); another team inspects SOE-02 ("other").

Who may do what (actions of migration inspections/0003 and the services' rules):
the office everything but acknowledging receipts and reading the unit's own page; team 1
("leader": round.view, findings, reports and feedback drafts, transfers; "member": round
view, findings, reports) only on its own targets; the supervisors ("discipline",
"orgdept") read everything and acknowledge receipts; "clues" sees transfers and
acknowledges receipts; "sector" (DEP-01) reads the common-problem analysis and the
transfers sent to DEP-01; "unit" and "liaison" (SOE-01) read only the feedback delivered to
SOE-01; "admin", "handler", "analyst" and "auditor" nothing.

Every test runs in its own transaction (rolled back afterwards), so each allowed account
finds the objects as `objects()` left them: a draft stays a draft for the next account.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from tests.test_access_matrix import USERNAMES, Row, pdf

# --- who ------------------------------------------------------------------------------

OFFICE = frozenset({"office"})
SUPERVISORS = frozenset({"discipline", "orgdept"})
READERS = OFFICE | SUPERVISORS  # read all inspection material (global grants)
TEAM = frozenset({"leader", "member"})  # team 1 and the own teams of round2 and round3
ROUND_VIEWERS = READERS | TEAM
RECORDERS = OFFICE | TEAM  # finding.record
LEADS = OFFICE | {"leader"}  # finding.confirm, report.draft, feedback.draft, transfer.create
UNIT = frozenset({"unit", "liaison"})  # feedback.view_delivered on SOE-01
FEEDBACK_READERS = READERS | {"leader"}  # feedback.view (team members have not)
ANALYTICS = READERS | {"sector"}  # round.analytics
TRANSFER_VIEWERS = READERS | {"leader", "clues", "sector"}  # transfer.view
# transfer.acknowledge. The demo grants it globally, so each of them may acknowledge a
# receipt for any body (the orgdept supervisor one sent to the commission): the services
# check the grant's scope against the receiving unit, and these grants cover every unit.
ACKNOWLEDGERS = SUPERVISORS | {"clues"}

# --- what -------------------------------------------------------------------------------

FINDING = {
    "category": "{category}",
    "severity": "general",
    "source": "interview",
    "title": "矩阵发现",
    "description": "矩阵测试记录的问题。",
}
FINDING_API = {
    "category_id": "{category}",
    "source": "documents",
    "title": "矩阵发现",
    "description": "矩阵测试记录的问题。",
}
CLUE = {"kind": "clue", "receiver_kind": "discipline", "date": "2026-04-01", "summary": "矩阵线索"}
CENTRAL = {
    "date": "2026-04-01",
    "attendees": "省委巡视工作领导小组成员",
    "common_problems": "共性问题",
    "requirements": "整改要求",
}
FEEDBACK = {"date": "2026-04-02", "requirements": "限期整改。"}
REPORT_TEXT = {"title": "矩阵报告", "body": "正文", "suggestions": "建议"}

NEW_ROUND = {"code": "MATRIX-NEW", "name_zh": "矩阵轮次"}
NEW_TEAM = {"number": "16", "name_zh": "矩阵组"}
NEW_MEMBER = {"username": "analyst", "position": "member"}
PLAN = {"team": "{team1}", "entry_date": "2025-10-20", "exit_date": "2025-12-20"}
REASON = {"reason": "请补充"}
OPINION = "feedback.opinion_download"
ACKNOWLEDGE = "transfer.acknowledge"


def get(path: str, allowed: frozenset[str], logs: str = "", note: str = "") -> Row:
    return Row(path, allowed, logs=logs, note=note)


def post(
    path: str,
    allowed: frozenset[str],
    logs: str,
    data: dict[str, Any] | None = None,
    ok: int | None = None,
    **extra: Any,
) -> Row:
    """A write that takes effect (writes `logs`): a page redirects, the API answers 200,
    or `ok` (201 for a creation)."""
    ok = ok or (200 if path.startswith("/api/") else 302)
    return Row(path, allowed, method="POST", data=data or {}, ok=ok, logs=logs, **extra)


ROWS = [
    # --- planning pages --------------------------------------------------------------------
    get("/inspections/", ROUND_VIEWERS),
    get("/inspections/rounds/new/", OFFICE),
    post("/inspections/rounds/new/", OFFICE, "round.create", NEW_ROUND),
    Row("/inspections/rounds/new/", OFFICE, method="POST", note="(invalid form)"),
    get("/inspections/rounds/{round}/", ROUND_VIEWERS),
    get("/inspections/rounds/{round2}/", ROUND_VIEWERS),
    post("/inspections/rounds/{round}/advance/", OFFICE, "round.advance", {"to_state": "closed"}),
    get("/inspections/rounds/{round}/teams/new/", OFFICE),
    post("/inspections/rounds/{round}/teams/new/", OFFICE, "team.create", NEW_TEAM),
    get("/inspections/rounds/{round}/targets/new/", OFFICE),
    post(
        "/inspections/rounds/{round}/targets/new/",
        OFFICE,
        "target.create",
        {"team": "{team_other}", "org_unit": "{soe01_sub}"},
    ),
    get("/inspections/teams/{team1}/members/add/", OFFICE),
    post("/inspections/teams/{team1}/members/add/", OFFICE, "team.member_add", NEW_MEMBER),
    post("/inspections/members/{place}/remove/", OFFICE, "team.member_remove"),
    get("/inspections/targets/{own}/plan/", OFFICE),
    post("/inspections/targets/{own}/plan/", OFFICE, "target.update", PLAN),
    # --- targets, findings, evidence, the heat map -----------------------------------------
    get("/inspections/targets/{own}/", ROUND_VIEWERS),
    get("/inspections/targets/{other}/", READERS),
    get("/inspections/targets/{own2}/findings/new/", RECORDERS),
    post("/inspections/targets/{own2}/findings/new/", RECORDERS, "finding.create", FINDING),
    post(
        "/inspections/targets/{other2}/findings/new/",
        OFFICE,
        "finding.create",
        FINDING,
        note="(another team's target)",
    ),
    get("/inspections/findings/", ROUND_VIEWERS),
    get("/inspections/findings/?round={round2}&state=draft", ROUND_VIEWERS),
    get("/inspections/findings/export.xlsx?target={own}", ROUND_VIEWERS, "finding.export"),
    get("/inspections/findings/{finding}/", ROUND_VIEWERS, "read"),
    get("/inspections/findings/{finding_other}/", READERS, "read"),
    get("/inspections/findings/{draft}/edit/", RECORDERS),
    post("/inspections/findings/{draft}/edit/", RECORDERS, "finding.update", FINDING),
    post("/inspections/findings/{draft}/confirm/", LEADS, "finding.confirm"),
    post("/inspections/findings/{confirmed}/reopen/", LEADS, "finding.reopen"),
    get("/inspections/findings/{draft}/withdraw/", LEADS),
    post("/inspections/findings/{draft}/withdraw/", LEADS, "finding.withdraw", REASON),
    get("/inspections/findings/{draft}/recurrence/", RECORDERS),
    post(
        "/inspections/findings/{draft}/recurrence/",
        RECORDERS,
        "finding.recurrence",
        {"recurrence_of": "{finding}"},
    ),
    get("/inspections/findings/{confirmed}/evidence/", RECORDERS),
    post("/inspections/findings/{confirmed}/evidence/", RECORDERS, "evidence.add", upload="file"),
    post(
        "/inspections/findings/{confirmed_other}/evidence/",
        OFFICE,
        "evidence.add",
        upload="file",
        note="(another team's finding)",
    ),
    get("/inspections/evidence/{evidence}/", ROUND_VIEWERS, "evidence.download"),
    get("/inspections/evidence/{evidence_other}/", READERS, "evidence.download"),
    get("/inspections/common-problems/", ANALYTICS),
    get("/inspections/common-problems/?round={round}", ANALYTICS),
    # --- reports ---------------------------------------------------------------------------
    get("/inspections/rounds/{round}/reporting/", ROUND_VIEWERS),
    post("/inspections/rounds/{round2}/special-report/", OFFICE, "report.draft"),
    post("/inspections/targets/{own2}/report/", LEADS, "report.draft"),
    post(
        "/inspections/targets/{other2}/report/",
        OFFICE,
        "report.draft",
        note="(another team's target)",
    ),
    get("/inspections/reports/{report}/", ROUND_VIEWERS),
    get("/inspections/reports/{report_other}/", READERS),
    get("/inspections/reports/{special}/", READERS),
    get("/inspections/reports/{draft_report}/edit/", LEADS),
    post("/inspections/reports/{draft_report}/edit/", LEADS, "report.update", REPORT_TEXT),
    post("/inspections/reports/{draft_report}/submit/", LEADS, "report.submit"),
    post("/inspections/reports/{submitted}/adopt/", OFFICE, "report.adopt"),
    get("/inspections/reports/{submitted}/return/", OFFICE),
    post("/inspections/reports/{submitted}/return/", OFFICE, "report.return", REASON),
    # --- feedback --------------------------------------------------------------------------
    get("/inspections/rounds/{round3}/central-feedback/", OFFICE),
    post("/inspections/rounds/{round3}/central-feedback/", OFFICE, "feedback.central", CENTRAL),
    get("/inspections/targets/{own3}/feedback/", LEADS),
    post("/inspections/targets/{own3}/feedback/", LEADS, "feedback.redraft", FEEDBACK),
    get("/inspections/feedback/{feedback}/", FEEDBACK_READERS | UNIT),
    get("/inspections/feedback/{feedback_other}/", READERS),
    get("/inspections/feedback/{feedback_draft}/", FEEDBACK_READERS, note="(a draft)"),
    post("/inspections/feedback/{feedback_draft}/deliver/", OFFICE, "feedback.deliver"),
    get("/inspections/feedback/{feedback}/opinion/", FEEDBACK_READERS | UNIT, OPINION),
    get("/inspections/feedback/{feedback_draft}/opinion/", FEEDBACK_READERS, OPINION, "(a draft)"),
    get("/inspections/my-feedback/", UNIT),
    # --- transfers -------------------------------------------------------------------------
    get("/inspections/transfers/", TRANSFER_VIEWERS),
    get("/inspections/rounds/{round}/transfers/new/", LEADS),
    post(
        "/inspections/rounds/{round}/transfers/new/",
        LEADS,
        "transfer.create",
        {**CLUE, "receiver_unit": "{cdi}", "target": "{own}", "persons": ["{person_in}"]},
    ),
    post("/inspections/transfers/{to_cdi}/acknowledge/", ACKNOWLEDGERS, ACKNOWLEDGE),
    post("/inspections/transfers/{to_dep01}/acknowledge/", ACKNOWLEDGERS | {"sector"}, ACKNOWLEDGE),
    # --- API: planning ---------------------------------------------------------------------
    get("/api/inspections/rounds", ROUND_VIEWERS),
    get("/api/inspections/rounds/{round}", ROUND_VIEWERS),
    post("/api/inspections/rounds", OFFICE, "round.create", NEW_ROUND, ok=201),
    post(
        "/api/inspections/rounds/{round}/advance", OFFICE, "round.advance", {"to_state": "closed"}
    ),
    post(
        "/api/inspections/rounds/{round}/teams",
        OFFICE,
        "team.create",
        {**NEW_TEAM, "number": 16},
        ok=201,
    ),
    post("/api/inspections/teams/{team1}/members", OFFICE, "team.member_add", NEW_MEMBER, ok=201),
    post(
        "/api/inspections/rounds/{round}/targets",
        OFFICE,
        "target.create",
        {"team_id": "{team_other}", "org_unit_id": "{soe01_sub}"},
        ok=201,
    ),
    # --- API: findings ---------------------------------------------------------------------
    get("/api/inspections/findings?round_id={round2}", ROUND_VIEWERS),
    get("/api/inspections/findings/{finding}", ROUND_VIEWERS, "read"),
    get("/api/inspections/findings/{finding_other}", READERS, "read"),
    post(
        "/api/inspections/findings",
        RECORDERS,
        "finding.create",
        {**FINDING_API, "target_id": "{own2}"},
        ok=201,
    ),
    post(
        "/api/inspections/findings",
        OFFICE,
        "finding.create",
        {**FINDING_API, "target_id": "{other2}"},
        ok=201,
        note="(another team's target)",
    ),
    Row(
        "/api/inspections/findings/{draft}",
        RECORDERS,
        method="PATCH",
        data={"title": "改过的标题"},
        logs="finding.update",
    ),
    post("/api/inspections/findings/{draft}/confirm", LEADS, "finding.confirm"),
    post("/api/inspections/findings/{confirmed}/reopen", LEADS, "finding.reopen"),
    post("/api/inspections/findings/{draft}/withdraw", LEADS, "finding.withdraw", REASON),
    post(
        "/api/inspections/findings/{confirmed}/evidence",
        RECORDERS,
        "evidence.add",
        ok=201,
        upload="file",
    ),
    get("/api/inspections/common-problems?round_id={round}", ANALYTICS),
    # --- API: reports, feedback, transfers --------------------------------------------------
    get("/api/inspections/reports?round_id={round2}", ROUND_VIEWERS),
    get("/api/inspections/reports/{report}", ROUND_VIEWERS),
    get("/api/inspections/reports/{report_other}", READERS),
    post("/api/inspections/targets/{own2}/report", LEADS, "report.draft", ok=201),
    post("/api/inspections/rounds/{round2}/special-report", OFFICE, "report.draft", ok=201),
    Row(
        "/api/inspections/reports/{draft_report}",
        LEADS,
        method="PATCH",
        data={"title": "矩阵报告"},
        logs="report.update",
    ),
    post("/api/inspections/reports/{draft_report}/submit", LEADS, "report.submit"),
    post("/api/inspections/reports/{submitted}/adopt", OFFICE, "report.adopt"),
    post("/api/inspections/reports/{submitted}/return", OFFICE, "report.return", REASON),
    Row(
        "/api/inspections/rounds/{round3}/central-feedback",
        OFFICE,
        method="PUT",
        data=CENTRAL,
        logs="feedback.central",
    ),
    get("/api/inspections/rounds/{round}/central-feedback", READERS),
    post("/api/inspections/targets/{own3}/feedback", LEADS, "feedback.redraft", FEEDBACK),
    post(
        "/api/inspections/targets/{other3}/feedback",
        OFFICE,
        "feedback.draft",
        FEEDBACK,
        ok=201,
        note="(another team's target)",
    ),
    get("/api/inspections/feedback", FEEDBACK_READERS | UNIT),
    get("/api/inspections/feedback/{feedback}", FEEDBACK_READERS | UNIT),
    get("/api/inspections/feedback/{feedback_draft}", FEEDBACK_READERS, note="(a draft)"),
    post("/api/inspections/feedback/{feedback_draft}/deliver", OFFICE, "feedback.deliver"),
    get("/api/inspections/feedback/{feedback}/opinion", FEEDBACK_READERS | UNIT, OPINION),
    get("/api/inspections/transfers", TRANSFER_VIEWERS),
    post(
        "/api/inspections/transfers",
        LEADS,
        "transfer.create",
        {
            **CLUE,
            "round_id": "{round}",
            "receiver_unit_id": "{cdi}",
            "target_id": "{own}",
            "person_ids": ["{person_in}"],
        },
        ok=201,
    ),
    post("/api/inspections/transfers/{to_cdi}/acknowledge", ACKNOWLEDGERS, ACKNOWLEDGE),
    post(
        "/api/inspections/transfers/{to_dep01}/acknowledge",
        ACKNOWLEDGERS | {"sector"},
        ACKNOWLEDGE,
    ),
]


# --- the objects the rows name ------------------------------------------------------------


def objects() -> dict[str, Any]:
    """Ids of the demo's inspection objects and of the two rounds built here (inside the
    caller's transaction, after `jiandu.demo.load`)."""
    from jiandu.accounts.models import OrgUnit, User
    from jiandu.demo.inspections import ROUND_CODE
    from jiandu.inspections.models import (
        Finding,
        FindingCategory,
        Report,
        Round,
        TargetFeedback,
        TeamMember,
        Transfer,
    )

    demo = Round.objects.get(code=ROUND_CODE)
    assert demo.state == Round.State.RECTIFICATION
    targets = {t.org_unit.code: t for t in demo.targets.select_related("org_unit", "team")}
    own, other = targets["SOE-01"], targets["SOE-02"]
    assert own.team.number == 1 and other.team.number != 1
    place = TeamMember.objects.get(team=own.team, user__username="team01-member2")
    sent = Transfer.objects.filter(state=Transfer.State.SENT).order_by("id")
    ids = {
        "round": demo.pk,
        "team1": own.team_id,
        "team_other": other.team_id,
        "place": place.pk,
        "own": own.pk,
        "other": other.pk,
        "finding": _first(Finding.objects.filter(target=own, state="fed_back")),
        "finding_other": _first(Finding.objects.filter(target=other, state="fed_back")),
        "report": Report.objects.get(target=own).pk,
        "report_other": Report.objects.get(target=other).pk,
        "special": Report.objects.get(round=demo, kind=Report.Kind.SPECIAL).pk,
        "feedback": TargetFeedback.objects.get(target=own, state="delivered").pk,
        "feedback_other": TargetFeedback.objects.get(target=other, state="delivered").pk,
        "to_cdi": _first(sent.filter(kind="clue", receiver_unit__code="CDI")),
        "to_dep01": _first(sent.filter(kind="sector", receiver_unit__code="DEP-01")),
        "cdi": OrgUnit.objects.get(code="CDI").pk,
        "category": FindingCategory.objects.get(code="B1").pk,
    }
    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    ids.update(_reporting_round(users))
    ids.update(_feedback_round(users))
    return ids


def _first(qs: Any) -> int:
    pk = qs.values_list("pk", flat=True).first()
    assert pk is not None, qs.query
    return int(pk)


def _round(users: dict[str, Any], code: str, plan: dict[str, list[str]]) -> dict[str, Any]:
    """A round in planning whose team "own" (leader, member) and team "other" inspect the
    org units of `plan`; returns the targets by org code."""
    from jiandu.accounts.models import OrgUnit
    from jiandu.inspections.services import planning

    office = users["office"]
    round = planning.create_round(actor=office, code=code, name_zh=f"矩阵{code}")
    out: dict[str, Any] = {"round": round}
    for number, (team_key, codes) in enumerate(plan.items(), start=1):
        team = planning.create_team(actor=office, round=round, number=number, name_zh=team_key)
        if team_key == "own":
            planning.add_member(actor=office, team=team, user=users["leader"], position="leader")
            planning.add_member(actor=office, team=team, user=users["member"], position="member")
        for code_ in codes:
            unit = OrgUnit.objects.get(code=code_)
            out[code_] = planning.add_target(actor=office, round=round, team=team, org_unit=unit)
    planning.advance_round(actor=office, round=round, to_state="inspecting")
    return out


def _record(actor: Any, target: Any, confirm_by: Any = None) -> Any:
    from jiandu.inspections.models import FindingCategory
    from jiandu.inspections.services import findings

    finding = findings.record_finding(
        actor=actor,
        target=target,
        category=FindingCategory.objects.get(code="B1"),
        title="矩阵问题",
        description="矩阵测试的问题。",
        source="interview",
    )
    if confirm_by is not None:
        finding = findings.confirm_finding(actor=confirm_by, finding=finding)
    return finding


def _reporting_round(users: dict[str, Any]) -> dict[str, int]:
    """round2, at "reporting": own2 (SOE-01: a draft by member, a confirmed finding with
    evidence, no report), SOE-03 (a draft report) and SOE-05 (a submitted report) of the
    own team; other2 (SOE-02: a confirmed finding with evidence, no report) of the other."""
    from jiandu.inspections.services import evidence, planning, reporting

    office, leader, member = users["office"], users["leader"], users["member"]
    made = _round(users, "MATRIX-R2", {"own": ["SOE-01", "SOE-03", "SOE-05"], "other": ["SOE-02"]})
    draft = _record(member, made["SOE-01"])
    confirmed = _record(member, made["SOE-01"], confirm_by=leader)
    other = _record(office, made["SOE-02"], confirm_by=office)
    _record(member, made["SOE-03"], confirm_by=leader)
    _record(member, made["SOE-05"], confirm_by=leader)
    item = evidence.add_evidence(actor=member, finding=confirmed, uploaded_file=pdf("own.pdf"))
    item_other = evidence.add_evidence(actor=office, finding=other, uploaded_file=pdf("other.pdf"))
    round = planning.advance_round(actor=office, round=made["round"], to_state="reporting")
    draft_report = reporting.draft_target_report(actor=leader, target=made["SOE-03"])
    submitted = reporting.draft_target_report(actor=leader, target=made["SOE-05"])
    submitted = reporting.submit_report(actor=leader, report=submitted)
    return {
        "round2": round.pk,
        "own2": made["SOE-01"].pk,
        "other2": made["SOE-02"].pk,
        "draft": draft.pk,
        "confirmed": confirmed.pk,
        "confirmed_other": other.pk,
        "evidence": item.pk,
        "evidence_other": item_other.pk,
        "draft_report": draft_report.pk,
        "submitted": submitted.pk,
    }


def _feedback_round(users: dict[str, Any]) -> dict[str, int]:
    """round3, at "feedback": own3 (SOE-01) and other3 (SOE-02) with adopted reports; the
    feedback to own3 is a draft, other3 has none yet; no centralized meeting yet."""
    from jiandu.inspections.services import feedback, planning, reporting

    office, leader, member = users["office"], users["leader"], users["member"]
    made = _round(users, "MATRIX-R3", {"own": ["SOE-01"], "other": ["SOE-02"]})
    _record(member, made["SOE-01"], confirm_by=leader)
    _record(office, made["SOE-02"], confirm_by=office)
    round = planning.advance_round(actor=office, round=made["round"], to_state="reporting")
    for code, drafter in (("SOE-01", leader), ("SOE-02", office)):
        report = reporting.draft_target_report(actor=drafter, target=made[code])
        report = reporting.submit_report(actor=drafter, report=report)
        reporting.adopt_report(actor=office, report=report)
    round = planning.advance_round(actor=office, round=round, to_state="feedback")
    draft = feedback.draft_target_feedback(
        actor=leader, target=made["SOE-01"], date=dt.date(2026, 4, 1), requirements="限期整改。"
    )
    return {
        "round3": round.pk,
        "own3": made["SOE-01"].pk,
        "other3": made["SOE-02"].pk,
        "feedback_draft": draft.pk,
    }


# --- checks of the table itself (the rows run in tests/test_access_matrix.py) -------------


def test_rows_name_inspection_paths_and_demo_accounts() -> None:
    accounts = set(USERNAMES)
    for row in ROWS:
        assert row.path.startswith(("/inspections/", "/api/inspections/")), row.id
        assert row.allowed <= accounts, (row.id, row.allowed - accounts)
        assert row.allowed, f"{row.id}: a row nobody may use proves no refusal"


def test_rows_are_distinct() -> None:
    ids = [row.id for row in ROWS]
    assert len(ids) == len(set(ids)), sorted(i for i in ids if ids.count(i) > 1)
