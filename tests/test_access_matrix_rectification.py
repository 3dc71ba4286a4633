"""The access matrix of rectification: its pages and API endpoints, for every demo account,
allowed and refused.

`ROWS` run in `tests/test_access_matrix.py` on the same demo installation; `objects()`
prepares what they need. The demo puts the reference round in rectification with an
approved plan per target. Here, on the plan of SOE-01 (the scope of "unit" and
"liaison"), the discipline supervisor reopens four cancelled problems; the unit submits
one ("submitted"), another is submitted and accepted ("accepted"), one stays open
("open"), and one more problem stays cancelled ("cancelled"); one escalation letter is
issued and one recurrence flag raised on it.

Who may do what (migration rectification/0002): "unit" and "liaison" view and keep the
lists of SOE-01 only; "discipline" and "orgdept" (global) view, verify and escalate; the
office views everything, approves, escalates and assesses (scan, flags, exempt marking,
disclosure, assessment). Everybody else nothing. Steps the plan's state refuses (the
approved plan of SOE-01 changes problems and tasks only after a revision) answer the
allowed accounts with the page and its message, and write nothing.
"""

from __future__ import annotations

from typing import Any

from tests.test_access_matrix import USERNAMES, Row

UNIT = frozenset({"unit", "liaison"})
SUPERVISORS = frozenset({"discipline", "orgdept"})
OFFICE = frozenset({"office"})
VIEWERS = UNIT | SUPERVISORS | OFFICE
GLOBAL_VIEWERS = SUPERVISORS | OFFICE
ESCALATORS = SUPERVISORS | OFFICE
REASON = {"reason": "矩阵测试理由"}
R = "/rectification"
API = "/api/rectification"


def get(path: str, allowed: frozenset[str], logs: str = "", note: str = "") -> Row:
    return Row(path, allowed, logs=logs, note=note)


def post(
    path: str,
    allowed: frozenset[str],
    logs: str = "",
    data: dict[str, Any] | None = None,
    ok: int | None = None,
    **extra: Any,
) -> Row:
    ok = ok or (200 if path.startswith("/api/") else 302)
    return Row(path, allowed, method="POST", data=data or {}, ok=ok, logs=logs, **extra)


ROWS = [
    # --- overview and round --------------------------------------------------------------
    get(f"{R}/", VIEWERS),
    get(f"{R}/rounds/{{round}}/", VIEWERS),
    post(f"{R}/rounds/{{round}}/scan/", OFFICE, "rectification.flag_scan"),
    get(f"{R}/rounds/{{round}}/assessment.xlsx", OFFICE, "rectification.assessment_export"),
    post(f"{R}/targets/{{own}}/open/", UNIT | OFFICE, note="(the plan exists: shown)"),
    # --- the plan --------------------------------------------------------------------------
    get(f"{R}/plans/{{rect_plan}}/", VIEWERS, "rectification.plan_read"),
    get(f"{R}/plans/{{rect_plan_other}}/", GLOBAL_VIEWERS, "rectification.plan_read"),
    post(f"{R}/plans/{{rect_plan}}/submit/", UNIT, note="(approved: refused with a message)"),
    post(f"{R}/plans/{{rect_plan_submitted}}/approve/", OFFICE, "rectification.plan_approve"),
    get(f"{R}/plans/{{rect_plan_submitted}}/return/", OFFICE),
    post(f"{R}/plans/{{rect_plan_submitted}}/return/", OFFICE, "rectification.plan_return", REASON),
    get(f"{R}/plans/{{rect_plan}}/revise/", UNIT),
    post(f"{R}/plans/{{rect_plan}}/revise/", UNIT, "rectification.plan_revise", REASON),
    get(f"{R}/plans/{{rect_plan}}/template.xlsx", UNIT),
    get(f"{R}/plans/{{rect_plan}}/lists.xlsx", VIEWERS, "rectification.plan_read"),
    get(f"{R}/plans/{{rect_plan}}/import/", UNIT),
    post(f"{R}/plans/{{rect_plan}}/import/", UNIT, ok=200, upload="file", note="(not a workbook)"),
    post(
        f"{R}/plans/{{rect_plan}}/merge/",
        UNIT,
        data={"problems": ["{rect_open}", "{rect_submitted}"]},
        note="(approved: refused with a message)",
    ),
    get(f"{R}/plans/{{rect_plan}}/archive/new/", UNIT),
    post(
        f"{R}/plans/{{rect_plan}}/archive/new/",
        UNIT,
        "rectification.archive_add",
        {"title": "矩阵制度", "date": "2026-05-01", "reference": "矩阵〔2026〕1号"},
    ),
    get(f"{R}/plans/{{rect_plan}}/supervision/new/", SUPERVISORS),
    post(
        f"{R}/plans/{{rect_plan}}/supervision/new/",
        SUPERVISORS,
        "rectification.supervision",
        {"kind": "onsite", "date": "2026-05-10", "people": "监督组", "observations": "查看台账"},
    ),
    get(f"{R}/plans/{{rect_plan}}/escalations/new/", ESCALATORS),
    post(
        f"{R}/plans/{{rect_plan}}/escalations/new/",
        ESCALATORS,
        "rectification.escalate",
        {"level": "notice", "reason": "逾期", "requirements": "限期完成"},
    ),
    get(f"{R}/plans/{{rect_plan}}/report.docx", VIEWERS, "rectification.report_download"),
    get(
        f"{R}/plans/{{rect_plan}}/leader-report.docx",
        VIEWERS,
        "rectification.leader-report_download",
    ),
    get(f"{R}/plans/{{rect_plan}}/internal.docx", OFFICE, "rectification.internal_download"),
    get(f"{R}/plans/{{rect_plan}}/public.docx", OFFICE, "rectification.public_download"),
    get(
        f"{R}/escalations/{{rect_escalation}}/letter.docx", VIEWERS, "rectification.letter_download"
    ),
    # --- problems ---------------------------------------------------------------------------
    get(f"{R}/problems/{{rect_open}}/", VIEWERS),
    get(f"{R}/problems/{{rect_problem_other}}/", GLOBAL_VIEWERS),
    get(f"{R}/problems/{{rect_open}}/tasks/new/", UNIT),
    post(
        f"{R}/problems/{{rect_open}}/tasks/new/",
        UNIT,
        ok=200,
        data={"measure": "矩阵"},
        note="(invalid form)",
    ),
    get(f"{R}/problems/{{rect_open}}/split/", UNIT),
    post(
        f"{R}/problems/{{rect_open}}/split/",
        UNIT,
        ok=200,
        data={"titles": "甲\n乙"},
        note="(approved: refused with a message)",
    ),
    post(
        f"{R}/problems/{{rect_open}}/evidence/",
        UNIT,
        "rectification.evidence_add",
        {"title": "矩阵证明"},
        upload="file",
    ),
    get(f"{R}/problems/{{rect_open}}/results/new/", UNIT),
    post(
        f"{R}/problems/{{rect_open}}/results/new/",
        UNIT,
        "rectification.result_add",
        {"text_": "矩阵成果", "date": "2026-05-01"},
    ),
    post(f"{R}/problems/{{rect_open}}/submit/", UNIT, "rectification.submit"),
    post(f"{R}/problems/{{rect_submitted}}/accept/", SUPERVISORS, "rectification.accept"),
    get(f"{R}/problems/{{rect_submitted}}/reject/", SUPERVISORS),
    post(f"{R}/problems/{{rect_submitted}}/reject/", SUPERVISORS, "rectification.reject", REASON),
    post(f"{R}/problems/{{rect_accepted}}/cancel/", SUPERVISORS, "rectification.cancel"),
    get(f"{R}/problems/{{rect_cancelled}}/reopen/", SUPERVISORS),
    post(f"{R}/problems/{{rect_cancelled}}/reopen/", SUPERVISORS, "rectification.reopen", REASON),
    post(
        f"{R}/problems/{{rect_open}}/exempt/",
        OFFICE,
        "rectification.exempt",
        {"exempt": "negative_hype"},
    ),
    get(f"{R}/problems/{{rect_cancelled}}/recurrence/", ESCALATORS),
    post(
        f"{R}/problems/{{rect_cancelled}}/recurrence/",
        ESCALATORS,
        "rectification.flag",
        {"source": "hit:matrix", "reason": "模型命中"},
    ),
    get(f"{R}/tasks/{{rect_task}}/progress/", UNIT),
    post(
        f"{R}/tasks/{{rect_task}}/progress/",
        UNIT,
        "rectification.progress",
        {"narrative": "矩阵进展"},
    ),
    post(f"{R}/tasks/{{rect_task}}/delete/", UNIT, note="(approved: refused with a message)"),
    get(f"{R}/evidence/{{rect_revision}}/", VIEWERS, "rectification.evidence_download"),
    get(f"{R}/flags/{{rect_flag}}/dismiss/", OFFICE),
    post(f"{R}/flags/{{rect_flag}}/dismiss/", OFFICE, "rectification.flag_dismiss", REASON),
    # --- API --------------------------------------------------------------------------------
    get(f"{API}/plans", VIEWERS),
    get(f"{API}/plans/{{rect_plan}}", VIEWERS, "rectification.plan_read"),
    get(f"{API}/plans/{{rect_plan_other}}", GLOBAL_VIEWERS),
    get(f"{API}/rounds/{{round}}/statistics", VIEWERS),
    post(
        f"{API}/tasks/{{rect_task}}/progress", UNIT, "rectification.progress", {"narrative": "进展"}
    ),
    post(
        f"{API}/problems/{{rect_submitted}}/review",
        SUPERVISORS,
        "rectification.accept",
        {"verdict": "accept"},
    ),
]


def objects() -> dict[str, Any]:
    """Ids of the demo's rectification objects and of the states prepared here."""
    from jiandu.accounts.models import User
    from jiandu.demo.inspections import ROUND_CODE
    from jiandu.rectification.models import EvidenceRevision, Plan, Problem, Task
    from jiandu.rectification.services import escalation, flags, lists, verification

    users = {u.username: u for u in User.objects.filter(username__in=USERNAMES)}
    plans = {
        p.target.org_unit.code: p
        for p in Plan.objects.filter(target__round__code=ROUND_CODE).select_related(
            "target__org_unit"
        )
    }
    plan, other = plans["SOE-01"], plans["SOE-02"]
    assert plan.state == Plan.State.APPROVED
    cancelled = list(plan.problems.filter(state=Problem.State.CANCELLED).order_by("number")[:4])
    assert len(cancelled) == 4, "the demo cancels at least four problems of SOE-01"
    discipline, liaison = users["discipline"], users["liaison"]
    for problem in cancelled[:3]:
        verification.reopen_problem(actor=discipline, problem=problem, reason="矩阵复查")
    open_, submitted, accepted = cancelled[:3]
    verification.submit_problem(actor=liaison, problem=submitted)
    verification.submit_problem(actor=liaison, problem=accepted)
    verification.accept_evidence(actor=discipline, problem=accepted)
    # The other plan is revised and submitted again by its unit; the office decides.
    other_liaison = User.objects.get(username="liaison-soe-02")
    lists.revise_plan(actor=other_liaison, plan=other, reason="矩阵修订")
    lists.submit_plan(actor=other_liaison, plan=other)
    letter = escalation.issue_escalation(
        actor=discipline, plan=plan, level="notice", reason="矩阵", requirements="矩阵"
    )
    flag = flags.flag_recurrence(
        actor=users["office"], problem=cancelled[3], source="lookback:matrix", reason="矩阵"
    )
    task = Task.objects.filter(problem=open_).order_by("number").first()
    revision = EvidenceRevision.objects.filter(document__problem__plan=plan).order_by("id").first()
    assert task is not None and revision is not None
    return {
        "rect_plan": plan.pk,
        "rect_plan_other": other.pk,
        "rect_plan_submitted": other.pk,
        "rect_open": open_.pk,
        "rect_submitted": submitted.pk,
        "rect_accepted": accepted.pk,
        "rect_cancelled": cancelled[3].pk,
        "rect_problem_other": other.problems.order_by("number").values_list("pk", flat=True)[0],
        "rect_task": task.pk,
        "rect_revision": revision.pk,
        "rect_escalation": letter.pk,
        "rect_flag": flag.pk,
    }
