"""The access matrix of the clue ledger: every page, endpoint and export, for every demo
account, allowed and refused. Run by `tests/test_access_matrix.py` with its own rows, on the
same demo installation; its guards count these rows.

Need to know: a clue opens only to the accounts assigned to it. `objects()` registers,
through the services, five clues kept by the demo clue officer ("clues"):

- "a": a petition with a whistleblower, handled by "handler", a check proposed to
  "approver": readable by clues, handler and approver; the identity by clues and approver
  (clue.reveal), not by the handler; only the approver decides;
- "b": awaiting disposal, handled by "handler": proposals, attachments by clues and handler;
  hand-over and transfer by its keeper only;
- "c": a written inquiry approved, handled by "handler": reply and outcome;
- "d": transferred to the commission, "f" transferred and its receipt acknowledged: the
  receipt and the feedback are recorded by the keeper;
- "e": awaiting disposal, kept by clues alone: no one else reads it.

The office, the supervisors, the auditor and the administrator read no clue anywhere;
team leaders and analysts register clues (for a keeper) but read none; the auditor reads
the log of clue reads."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tests.test_access_matrix import Row, pdf

KEEPER = frozenset({"clues"})
TEAM = frozenset({"clues", "handler"})  # keeper and handler of a, b, c
READERS_A = TEAM | {"approver"}
REVEALERS = frozenset({"clues", "approver"})
APPROVER = frozenset({"approver"})
REGISTRARS = frozenset({"clues", "leader", "analyst"})
LEDGER = REGISTRARS | {"handler", "approver"}
AUDITOR = frozenset({"auditor"})
YEAR = "start=2026-01-01&end=2026-12-31"

NEW_CLUE = {
    "summary": "矩阵测试线索",
    "category": "corruption",
    "source": "petition",
    "received_date": "2026-03-02",
    "confidentiality": "confidential",
    "subject_name_1": "矩阵某某",
    "subject_post_1": "副总经理",
    "keeper": "{clues_user}",
    "whistleblower_name": "矩阵举报人",
}
NEW_CLUE_API = {
    "summary": "矩阵测试线索",
    "category": "corruption",
    "source": "petition",
    "received_date": "2026-03-02",
    "subjects": [{"name": "矩阵某某", "post": "副总经理"}],
    "keeper": "clues",
}


@dataclass(frozen=True)
class ProposerRow(Row):
    """A decision tried by everyone: the proposer ("clues") is told, specifically, that
    someone else approves (422); the others are refused (403)."""

    def expected(self, username: str) -> int:
        if username == "clues":
            return 422
        return super().expected(username)


def get(path: str, allowed: frozenset[str], logs: str = "", note: str = "") -> Row:
    return Row(path, allowed, logs=logs, note=note)


def post(
    path: str, allowed: frozenset[str], logs: str, data: dict[str, Any] | None = None, **extra: Any
) -> Row:
    ok = extra.pop("ok", None) or (200 if path.startswith("/api/") else 302)
    return Row(path, allowed, method="POST", data=data or {}, ok=ok, logs=logs, **extra)


ROWS = [
    # --- ledger, registration, export --------------------------------------------------------
    get("/clues/", LEDGER),
    get("/clues/?q=XS&state=registered", LEDGER, note="(search)"),
    get("/clues/new/", REGISTRARS),
    post("/clues/new/", REGISTRARS, "clue.register", NEW_CLUE),
    Row("/clues/new/", REGISTRARS, method="POST", note="(invalid form)"),
    get("/clues/new/?finding={finding}", frozenset({"leader"}), note="(from a finding)"),
    get("/clues/export.xlsx", LEDGER),
    get("/clues/reconciliation/", KEEPER),
    get(f"/clues/reconciliation/?{YEAR}", KEEPER),
    get(f"/clues/reconciliation.xlsx?{YEAR}", KEEPER),
    get("/clues/reads/", AUDITOR),
    # --- one clue ----------------------------------------------------------------------------
    get("/clues/{clue_a}/", READERS_A, "clue.read"),
    get("/clues/{clue_e}/", KEEPER, "clue.read", note="(kept alone)"),
    post("/clues/{clue_a}/reveal/", REVEALERS, "clue.reveal", ok=200),
    get("/clues/{clue_b}/attachments/new/", TEAM),
    post("/clues/{clue_b}/attachments/new/", TEAM, "clue.attach", upload="attachment"),
    get("/clues/attachments/{attachment}/", TEAM, "clue.attachment_read"),
    get("/clues/{clue_b}/propose/", TEAM),
    post(
        "/clues/{clue_b}/propose/",
        TEAM,
        "clue.propose",
        {"way": "check", "reason": "需要核实", "approver": "{approver_user}"},
    ),
    get("/clues/{clue_a}/decide/", APPROVER),
    post("/clues/{clue_a}/decide/", APPROVER, "clue.approve", {"decision": "approve"}),
    get("/clues/{clue_c}/reply/", TEAM),
    post("/clues/{clue_c}/reply/", TEAM, "clue.reply", {"received_on": "{today}", "text": "答复"}),
    get("/clues/{clue_c}/outcome/", TEAM),
    post(
        "/clues/{clue_c}/outcome/",
        TEAM,
        "clue.outcome",
        {"outcome": "escalated", "note": "说明不清"},
    ),
    get("/clues/{clue_e}/handover/", KEEPER),
    post(
        "/clues/{clue_e}/handover/",
        KEEPER,
        "clue.handover",
        {"capacity": "handler", "to_user": "{handler_user}", "confirmed": "on"},
    ),
    get("/clues/{clue_b}/transfer/", KEEPER),
    post(
        "/clues/{clue_b}/transfer/",
        KEEPER,
        "clue.transfer",
        {
            "receiver_kind": "discipline",
            "receiver_unit": "{cdi}",
            "sent_on": "{today}",
            "confirmed": "on",
        },
    ),
    get("/clues/{clue_d}/transfer/receipt/", KEEPER),
    post(
        "/clues/{clue_d}/transfer/receipt/",
        KEEPER,
        "clue.transfer_receipt",
        {"acknowledged_on": "{today}"},
    ),
    get("/clues/{clue_f}/transfer/feedback/", KEEPER),
    post(
        "/clues/{clue_f}/transfer/feedback/",
        KEEPER,
        "clue.transfer_feedback",
        {"fed_back_on": "{today}", "result": "已立案"},
    ),
    # --- API ---------------------------------------------------------------------------------
    get("/api/clues", LEDGER),
    get("/api/clues?state=proposed", LEDGER),
    get(f"/api/clues/reconciliation?{YEAR}", KEEPER),
    get("/api/clues/{clue_a}", READERS_A, "clue.read"),
    get("/api/clues/{clue_e}", KEEPER, "clue.read"),
    post("/api/clues", REGISTRARS, "clue.register", NEW_CLUE_API, ok=201),
    post(
        "/api/clues/{clue_b}/proposal",
        TEAM,
        "clue.propose",
        {"way": "hold", "reason": "暂存", "approver": "approver"},
    ),
    ProposerRow(
        "/api/clues/{clue_a}/decision",
        APPROVER,
        method="POST",
        data={"approve": True},
        logs="clue.approve",
    ),
    post("/api/clues/{clue_a}/reveal", REVEALERS, "clue.reveal"),
]


def objects() -> dict[str, Any]:
    """The five clues of the rows, registered through the services (inside the caller's
    transaction, after the demo is loaded), and the ids the rows name."""
    from django.utils import timezone

    from jiandu.accounts.models import OrgUnit, User
    from jiandu.clues import services

    users = {
        u.username: u for u in User.objects.filter(username__in=["clues", "handler", "approver"])
    }
    officer, handler, approver = users["clues"], users["handler"], users["approver"]
    today = timezone.localdate()

    def register(handled: bool, **extra: Any) -> Any:
        clue = services.register_clue(
            actor=officer,
            summary="矩阵线索：反映某领导干部违规收受礼金。",
            category="corruption",
            source="petition",
            received_date=today,
            subjects=[{"name": "矩阵某某", "post": "总经理"}],
            **extra,
        )
        if handled:
            services.hand_over(
                actor=officer,
                clue=clue,
                to_user=handler,
                capacity="handler",
                note="",
                confirmed=True,
            )
        return clue

    a = register(True, whistleblower={"name": "矩阵举报人", "contact": "13900000000"})
    services.propose_disposal(
        actor=officer, clue=a, way="check", reason="需要核实", approver=approver
    )
    b = register(True, attachments=[("材料.pdf", pdf().read())])
    c = register(True)
    services.propose_disposal(
        actor=officer,
        clue=c,
        way="inquiry",
        inquiry_kind="written",
        reason="函询",
        approver=approver,
    )
    services.decide_disposal(actor=approver, clue=c, approve=True)
    d = register(False)
    cdi = OrgUnit.objects.get(code="CDI")
    services.transfer_clue(
        actor=officer,
        clue=d,
        receiver_kind="discipline",
        receiver_unit=cdi,
        sent_on=today,
        confirmed=True,
    )
    f = register(False)
    services.transfer_clue(
        actor=officer,
        clue=f,
        receiver_kind="discipline",
        receiver_unit=cdi,
        sent_on=today,
        confirmed=True,
    )
    services.acknowledge_receipt(actor=officer, clue=f, acknowledged_on=today)
    e = register(False)
    return {
        "clue_a": a.pk,
        "clue_b": b.pk,
        "clue_c": c.pk,
        "clue_d": d.pk,
        "clue_e": e.pk,
        "clue_f": f.pk,
        "attachment": b.attachments.get().pk,
        "clues_user": officer.pk,
        "handler_user": handler.pk,
        "approver_user": approver.pk,
        "today": today.isoformat(),
    }
