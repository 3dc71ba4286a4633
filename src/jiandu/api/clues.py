"""The clue-ledger API under /api/clues. The same need-to-know as the pages: a clue opens
only to the accounts assigned to it, each read is logged (path "api"), the whistleblower is
revealed only to the roles allowed (logged). The list carries no content."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiandu.accounts.models import User
from jiandu.api.pagination import Pages
from jiandu.clues import access, reconciliation, selectors, services
from jiandu.clues.models import Clue
from jiandu.clues.services.disposal import outcome_label

from .schemas import ID_MAX, ErrorOut, InputSchema

router = Router(tags=["clue ledger"])
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ID = Path(..., ge=1, le=ID_MAX)


class ClueRowOut(Schema):
    id: int
    number: str
    received_date: dt.date
    category: str
    source: str
    confidentiality: str
    state: str
    way: str
    disposal_due: dt.date


class SubjectOut(Schema):
    name: str
    post: str
    rank: str


class ClockOut(Schema):
    kind: str
    due: dt.date
    days_left: int
    overdue: bool


class ClueOut(ClueRowOut):
    summary: str
    origin: str
    from_body: str
    inquiry_kind: str
    reply_due: dt.date | None
    replied_on: dt.date | None
    outcome: str
    outcome_label: str
    subjects: list[SubjectOut]
    clocks: list[ClockOut]
    has_whistleblower: bool
    capacities: list[str]


class ClueRefOut(Schema):
    id: int
    number: str
    state: str


class SubjectIn(InputSchema):
    name: str = Field(max_length=100)
    post: str = Field("", max_length=200)
    rank: str = Field("", max_length=32)


class WhistleblowerIn(InputSchema):
    name: str = Field("", max_length=100)
    contact: str = Field("", max_length=300)


class ClueIn(InputSchema):
    summary: str = Field(max_length=20_000)
    category: str = Field(max_length=20)
    source: str = Field(max_length=12)
    received_date: dt.date
    subjects: list[SubjectIn] = Field(default_factory=list, max_length=50)
    confidentiality: str = Field("confidential", max_length=12)
    from_body: str = Field("", max_length=200)
    whistleblower: WhistleblowerIn | None = None
    keeper: str = Field("", max_length=150, description="username of the keeping clue officer")


class ProposalIn(InputSchema):
    way: str = Field(max_length=20, description="inquiry, check, hold or close")
    inquiry_kind: str = Field("", max_length=10, description="talk or written (for an inquiry)")
    reason: str = Field(max_length=20_000)
    approver: str = Field(max_length=150, description="username of the approver")


class DecisionIn(InputSchema):
    approve: bool
    note: str = Field("", max_length=20_000)


class IdentityOut(Schema):
    name: str
    contact: str


class ReconciliationOut(Schema):
    start: dt.date
    end: dt.date
    total: int
    by_state: dict[str, int]
    by_way: dict[str, int]
    state_sum: int
    way_sum: int
    balanced: bool
    discrepancies: list[dict[str, str]]


def _user(username: str) -> User | None:
    return User.objects.filter(username=username, is_active=True).first() if username else None


def _out(actor: Any, clue: Clue) -> ClueOut:
    return ClueOut(
        id=clue.pk,
        number=clue.number,
        received_date=clue.received_date,
        category=clue.category,
        source=clue.source,
        confidentiality=clue.confidentiality,
        state=clue.state,
        way=clue.way,
        disposal_due=clue.disposal_due,
        summary=clue.summary,
        origin=clue.origin,
        from_body=clue.from_body,
        inquiry_kind=clue.inquiry_kind,
        reply_due=clue.reply_due,
        replied_on=clue.replied_on,
        outcome=clue.outcome,
        outcome_label=outcome_label(clue.outcome) if clue.outcome else "",
        subjects=[SubjectOut(name=s.name, post=s.post, rank=s.rank) for s in clue.subjects.all()],
        clocks=[
            ClockOut(kind=c.kind, due=c.due, days_left=c.days_left, overdue=c.overdue)
            for c in selectors.clocks_of(clue)
        ],
        has_whistleblower=clue.has_whistleblower,
        capacities=sorted(access.capacities_on(actor, clue)),
    )


@router.get("/clues", response={200: list[ClueRowOut], **REFUSALS})
@paginate(Pages)
def list_clues(request: HttpRequest, state: str = Query("", max_length=12)) -> Any:
    return selectors.ledger(request.user, state=state if state in Clue.State.values else "")


@router.get("/clues/reconciliation", response={200: ReconciliationOut, **REFUSALS})
def get_reconciliation(request: HttpRequest, start: dt.date, end: dt.date) -> Any:
    report = reconciliation.reconcile(request.user, start=start, end=end)
    return report.to_dict()


@router.get("/clues/{clue_id}", response={200: ClueOut, **REFUSALS})
def get_clue(request: HttpRequest, clue_id: int = ID) -> Any:
    return _out(request.user, selectors.clue_read(request.user, clue_id, via="api"))


@router.post("/clues", response={201: ClueRefOut, **REFUSALS})
def register_clue(request: HttpRequest, payload: ClueIn) -> Any:
    clue = services.register_clue(
        actor=request.user,
        summary=payload.summary,
        category=payload.category,
        source=payload.source,
        received_date=payload.received_date,
        subjects=[s.dict() for s in payload.subjects],
        confidentiality=payload.confidentiality,
        from_body=payload.from_body,
        whistleblower=payload.whistleblower.dict() if payload.whistleblower else None,
        keeper=_user(payload.keeper) if payload.keeper else None,
    )
    return Status(201, ClueRefOut(id=clue.pk, number=clue.number, state=clue.state))


@router.post("/clues/{clue_id}/proposal", response={200: ClueRefOut, **REFUSALS})
def propose(request: HttpRequest, payload: ProposalIn, clue_id: int = ID) -> Any:
    clue = selectors.clue(request.user, clue_id)
    services.propose_disposal(
        actor=request.user,
        clue=clue,
        way=payload.way,
        inquiry_kind=payload.inquiry_kind,
        reason=payload.reason,
        approver=_user(payload.approver),
    )
    clue.refresh_from_db()
    return ClueRefOut(id=clue.pk, number=clue.number, state=clue.state)


@router.post("/clues/{clue_id}/decision", response={200: ClueRefOut, **REFUSALS})
def decide(request: HttpRequest, payload: DecisionIn, clue_id: int = ID) -> Any:
    clue = selectors.clue(request.user, clue_id)
    services.decide_disposal(
        actor=request.user, clue=clue, approve=payload.approve, note=payload.note
    )
    clue.refresh_from_db()
    return ClueRefOut(id=clue.pk, number=clue.number, state=clue.state)


@router.post("/clues/{clue_id}/reveal", response={200: IdentityOut, **REFUSALS})
def reveal(request: HttpRequest, clue_id: int = ID) -> Any:
    return selectors.reveal_whistleblower(request.user, clue_id, via="api")
