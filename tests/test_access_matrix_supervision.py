"""The access matrix of data-driven supervision: the triage queue, hits, runs, the model
catalogue and their API, for every demo account, allowed and refused.

`ROWS` here are run by `tests/test_access_matrix.py` together with its own rows (one demo
installation for both), and its guards count them. `objects()` adds to the demo, through
the services, a run whose hits are: "open" (new, about SOE-01), "review" (under review),
"gone" (dismissed), "cadre" (new, naming a leading cadre) and "target" (new, for merges).

Who may do what (actions of migration supervision/0002): "analyst" (global) runs models,
loads registers, sees and triages every hit except those naming leading cadres; "clues"
(the clue officer, global) sees and triages every hit, those naming leading cadres
included; "discipline" reads hits (cadres included), runs and precision, and triages
nothing; every other account nothing. A read of a hit naming a leading cadre is logged.
"rect" is about a unit with a cancelled rectification problem: "discipline" (who sees hits
and verifies rectification) flags the problem as recurring from the hit.
"""

from __future__ import annotations

from typing import Any

from tests.test_access_matrix import Row

VIEWERS = frozenset({"analyst", "clues", "discipline"})  # hit.view, run.view
CADRE_VIEWERS = frozenset({"clues", "discipline"})  # hit.view_cadre
TRIAGERS = frozenset({"analyst", "clues"})  # hit.triage
CADRE_TRIAGERS = TRIAGERS & CADRE_VIEWERS
STARTERS = frozenset({"analyst"})  # run.start
ESCALATORS = TRIAGERS  # hit.escalate and clue.register
# See the hit and verify the rectification of its unit (rectification.verify or .assess).
FLAGGERS = frozenset({"discipline"})

DISMISS = {"reason": "{reason}", "comment": "矩阵"}
DISMISS_API = {"reason": "data_error", "comment": "矩阵"}
ESCALATE = {
    "summary": "矩阵线索",
    "category": "people_facing",
    "keeper": "{keeper}",
    "confidentiality": "confidential",
    "extra_subject": "矩阵被反映人",
}
ESCALATE_API = {"summary": "矩阵线索", "category": "people_facing", "extra_subject": "矩阵被反映人"}


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
    ok = ok or (200 if path.startswith("/api/") else 302)
    return Row(path, allowed, method="POST", data=data or {}, ok=ok, logs=logs, **extra)


ROWS = [
    # --- the triage queue and hits ---------------------------------------------------------
    get("/supervision/", VIEWERS),
    get("/supervision/?theme=P&state=new&min_score=0.5&region=33", VIEWERS),
    get("/supervision/?org_unit={soe01}", VIEWERS),
    get("/supervision/overview/", VIEWERS),
    get("/supervision/hits/{hit_open}/", VIEWERS),
    get("/supervision/hits/{hit_cadre}/", CADRE_VIEWERS, "read", "(names a leading cadre)"),
    get("/supervision/hits/{hit_open}/evidence.xlsx", VIEWERS),
    get("/supervision/hits/{hit_cadre}/evidence.xlsx", CADRE_VIEWERS, "read", "(cadre)"),
    post("/supervision/hits/{hit_open}/review/", TRIAGERS, "hit.review"),
    post("/supervision/hits/{hit_cadre}/review/", CADRE_TRIAGERS, "hit.review", note="(cadre)"),
    post("/supervision/hits/{hit_review}/release/", TRIAGERS, "hit.release"),
    post("/supervision/hits/{hit_gone}/reopen/", TRIAGERS, "hit.reopen"),
    get("/supervision/hits/{hit_open}/dismiss/", TRIAGERS),
    post("/supervision/hits/{hit_open}/dismiss/", TRIAGERS, "hit.dismiss", DISMISS),
    Row(
        "/supervision/hits/{hit_open}/dismiss/",
        TRIAGERS,
        method="POST",
        data={"reason": "{reason_other}"},
        note="(reason other without a comment)",
    ),
    get("/supervision/hits/{hit_open}/merge/", TRIAGERS),
    post("/supervision/hits/{hit_open}/merge/", TRIAGERS, "hit.merge", {"into": "{hit_target}"}),
    get("/supervision/hits/{hit_open}/escalate/", ESCALATORS),
    post("/supervision/hits/{hit_open}/escalate/", ESCALATORS, "hit.escalate", ESCALATE),
    post(
        "/supervision/hits/{hit_cadre}/escalate/",
        CADRE_TRIAGERS,
        "hit.escalate",
        ESCALATE,
        note="(cadre)",
    ),
    post(
        "/supervision/hits/{hit_rect}/flag/",
        FLAGGERS,
        "rectification.flag",
        {"problem": "{cancelled_problem}", "reason": "矩阵"},
    ),
    # --- runs and the catalogue ------------------------------------------------------------
    get("/supervision/runs/", VIEWERS),
    get("/supervision/runs/{run}/", VIEWERS),
    get("/supervision/runs/upload/", STARTERS),
    Row(
        "/supervision/runs/upload/",
        STARTERS,
        method="POST",
        upload="file",
        note="(a PDF, not a zip: refused with a message)",
    ),
    get("/supervision/runs/start/", STARTERS),
    post("/supervision/runs/start/", STARTERS, "run.start"),
    get("/supervision/models/", VIEWERS),
    get("/supervision/models/P01/", VIEWERS),
    # --- API -------------------------------------------------------------------------------
    get("/api/supervision/hits", VIEWERS),
    get("/api/supervision/hits?state=new&min_score=0.5&org_unit_id={soe01}", VIEWERS),
    get("/api/supervision/hits/{hit_open}", VIEWERS),
    get("/api/supervision/hits/{hit_cadre}", CADRE_VIEWERS, "read", "(cadre)"),
    post("/api/supervision/hits/{hit_open}/review", TRIAGERS, "hit.review"),
    post("/api/supervision/hits/{hit_open}/dismiss", TRIAGERS, "hit.dismiss", DISMISS_API),
    post(
        "/api/supervision/hits/{hit_open}/merge",
        TRIAGERS,
        "hit.merge",
        {"into_id": "{hit_target}"},
    ),
    post("/api/supervision/hits/{hit_gone}/reopen", TRIAGERS, "hit.reopen"),
    post(
        "/api/supervision/hits/{hit_open}/escalate",
        ESCALATORS,
        "hit.escalate",
        {**ESCALATE_API, "keeper_id": "{keeper}"},
    ),
    get("/api/supervision/dismissal-reasons", VIEWERS),
    get("/api/supervision/precision", VIEWERS),
    get("/api/supervision/runs", VIEWERS),
    get("/api/supervision/runs/{run}", VIEWERS),
    post("/api/supervision/runs", STARTERS, "run.start", {"only": []}, ok=201),
]


def objects() -> dict[str, Any]:
    """A finished run and its hits (inside the caller's transaction, after the demo)."""
    from jiandu.accounts.models import OrgUnit, User
    from jiandu.analytics.hits import Hit as HitRecord
    from jiandu.supervision import services, warehouse
    from jiandu.supervision.models import DismissalReason, Hit, OrgLink, Run

    analyst = User.objects.get(username="analyst")
    soe01 = OrgUnit.objects.get(code="SOE-01")
    OrgLink.objects.get_or_create(register_org_id="MATRIX-ORG", defaults={"org_unit": soe01})
    run = Run.objects.create(kind=Run.Kind.MODELS, requested_by=analyst, state=Run.State.RUNNING)

    def hit(subject: str, person: str = "MATRIX-P") -> HitRecord:
        return HitRecord(
            model_id="P01",
            model_version="1",
            subject_type="payment",
            subject_id=f"MATRIX-{subject}",
            score=0.9,
            explanation_zh=f"矩阵测试疑点{subject}。",
            explanation_en=f"Matrix hit {subject}.",
            evidence={"payments": [{"payment_id": f"MATRIX-{subject}", "amount": 100.0}]},
            person_ids=(person,),
            org_ids=("MATRIX-ORG",),
        )

    # A register organization of a unit with a cancelled rectification problem.
    from jiandu.rectification.models import Problem

    cancelled = Problem.objects.filter(state=Problem.State.CANCELLED).order_by("id").first()
    assert cancelled is not None, "the demo has a cancelled rectification problem"
    OrgLink.objects.get_or_create(
        register_org_id="MATRIX-RECT", defaults={"org_unit": cancelled.plan.target.org_unit}
    )
    records = [hit(s) for s in ("open", "review", "gone", "target")] + [hit("cadre", "CADRE")]
    rect_hit = hit("rect")
    records.append(
        HitRecord(**{**rect_hit.to_dict(), "person_ids": (), "org_ids": ("MATRIX-RECT",)})
    )
    services.import_hits(
        actor=analyst, run=run, hits=records, facts=warehouse.Facts(cadres={"CADRE"})
    )
    Run.objects.filter(pk=run.pk).update(state=Run.State.SUCCEEDED)
    found = {
        h.subject_id.removeprefix("MATRIX-"): h
        for h in Hit.objects.filter(key__in=[r.key for r in records])
    }
    services.start_review(actor=analyst, hit=found["review"])
    services.dismiss(
        actor=analyst, hit=found["gone"], reason=DismissalReason.objects.get(code="data_error")
    )
    return {
        "run": run.pk,
        **{f"hit_{name}": h.pk for name, h in found.items()},
        "reason": DismissalReason.objects.get(code="data_error").pk,
        "reason_other": DismissalReason.objects.get(code="other").pk,
        "cancelled_problem": cancelled.pk,
        "keeper": User.objects.get(username="clues").pk,
    }
