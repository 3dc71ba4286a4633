"""The reporting API under /api/inspections: reports, feedback (with the Word feedback
opinion) and transfers. Endpoints are thin and obey the same permissions as the pages."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit
from jiandu.api.pagination import Pages
from jiandu.audit import services as audit
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.inspections import documents
from jiandu.inspections.models import Finding, Report, Target, TargetFeedback, Transfer
from jiandu.inspections.selectors import planning
from jiandu.inspections.selectors import reporting as selectors
from jiandu.inspections.services import feedback as feedback_services
from jiandu.inspections.services import reporting as services
from jiandu.inspections.services import transfers as transfer_services

from .schemas import ID_MAX, ErrorOut, InputSchema

router = Router(tags=["inspection reports, feedback and transfers"])

# The same refusals as api.REFUSALS (not imported: api.py imports this module).
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}
ID = Path(..., ge=1, le=ID_MAX)
AnId = Annotated[int, Field(ge=1, le=ID_MAX)]


# --- schemas ---------------------------------------------------------------------


class ReportOut(Schema):
    id: int
    round_id: int
    target_id: int | None
    kind: str
    state: str
    title: str
    body: str
    suggestions: str
    finding_ids: list[int]
    adopted_at: dt.datetime | None


class ReportUpdateIn(InputSchema):
    title: str | None = Field(None, max_length=300)
    body: str | None = Field(None, max_length=200_000)
    suggestions: str | None = Field(None, max_length=50_000)


class ReasonIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5_000)


class CentralFeedbackIn(InputSchema):
    date: dt.date
    attendees: str = Field(min_length=1, max_length=10_000)
    common_problems: str = Field(min_length=1, max_length=100_000)
    requirements: str = Field(min_length=1, max_length=50_000)


class CentralFeedbackOut(Schema):
    id: int
    round_id: int
    date: dt.date
    attendees: str
    common_problems: str
    requirements: str


class TargetFeedbackIn(InputSchema):
    date: dt.date
    to_leadership_date: dt.date | None = None
    to_top_leader_date: dt.date | None = None
    participants: str = Field("", max_length=10_000)
    requirements: str = Field(min_length=1, max_length=50_000)


class ProblemOut(Schema):
    id: int
    category_code: str
    category_name: str
    title: str
    description: str


class FeedbackOut(Schema):
    id: int
    target_id: int
    org_unit_name: str
    state: str
    date: dt.date
    to_leadership_date: dt.date | None
    to_top_leader_date: dt.date | None
    participants: str
    requirements: str
    rectification_due: dt.date
    delivered_at: dt.datetime | None
    problems: list[ProblemOut]


class TransferIn(InputSchema):
    round_id: int = Field(ge=1, le=ID_MAX)
    kind: str = Field(max_length=8, json_schema_extra={"enum": [*Transfer.Kind.values]})
    receiver_kind: str = Field(
        max_length=16, json_schema_extra={"enum": [*Transfer.Receiver.values]}
    )
    receiver_unit_id: int = Field(ge=1, le=ID_MAX)
    date: dt.date
    summary: str = Field(min_length=1, max_length=20_000)
    target_id: int | None = Field(None, ge=1, le=ID_MAX)
    finding_ids: list[AnId] = Field(
        default_factory=list, max_length=500, json_schema_extra={"uniqueItems": True}
    )
    person_ids: list[AnId] = Field(
        default_factory=list, max_length=500, json_schema_extra={"uniqueItems": True}
    )


class TransferOut(Schema):
    id: int
    round_id: int
    target_id: int | None
    kind: str
    receiver_kind: str
    receiver_unit_id: int
    receiver_unit_name: str
    date: dt.date
    summary: str
    state: str
    finding_ids: list[int]
    person_ids: list[int]
    acknowledged_at: dt.datetime | None


# --- conversions -----------------------------------------------------------------


def _report_out(r: Report) -> ReportOut:
    return ReportOut(
        id=r.pk,
        round_id=r.round_id,
        target_id=r.target_id,
        kind=r.kind,
        state=r.state,
        title=r.title,
        body=r.body,
        suggestions=r.suggestions,
        finding_ids=sorted(r.findings.values_list("pk", flat=True)),
        adopted_at=r.adopted_at,
    )


def _feedback_out(f: TargetFeedback) -> FeedbackOut:
    return FeedbackOut(
        id=f.pk,
        target_id=f.target_id,
        org_unit_name=f.target.org_unit.name,
        state=f.state,
        date=f.date,
        to_leadership_date=f.to_leadership_date,
        to_top_leader_date=f.to_top_leader_date,
        participants=f.participants,
        requirements=f.requirements,
        rectification_due=documents.due_date(f),
        delivered_at=f.delivered_at,
        problems=[
            ProblemOut(
                id=p.pk,
                category_code=p.category.code,
                category_name=p.category.name,
                title=p.title,
                description=p.description,
            )
            for p in documents.opinion_findings(f)
        ],
    )


def _transfer_out(t: Transfer) -> TransferOut:
    return TransferOut(
        id=t.pk,
        round_id=t.round_id,
        target_id=t.target_id,
        kind=t.kind,
        receiver_kind=t.receiver_kind,
        receiver_unit_id=t.receiver_unit_id,
        receiver_unit_name=t.receiver_unit.name,
        date=t.date,
        summary=t.summary,
        state=t.state,
        finding_ids=sorted(t.findings.values_list("pk", flat=True)),
        person_ids=sorted(t.persons.values_list("pk", flat=True)),
        acknowledged_at=t.acknowledged_at,
    )


def _target(request: HttpRequest, target_id: int, action: str) -> Target:
    return permissions.get_or_deny(
        request.user, action, Target.objects.select_related("round", "org_unit"), target_id
    )


# --- reports ---------------------------------------------------------------------


@router.get("/reports", response={200: list[ReportOut], **REFUSALS})
@paginate(Pages)
def list_reports(request: HttpRequest, round_id: int | None = Query(None, ge=1, le=ID_MAX)) -> Any:
    permissions.require(request.user, "report.view")
    round = planning.round(request.user, round_id) if round_id is not None else None
    return [_report_out(r) for r in selectors.reports(request.user, round)]


@router.get("/reports/{report_id}", response={200: ReportOut, **REFUSALS})
def get_report(request: HttpRequest, report_id: int = ID) -> Any:
    return _report_out(selectors.report(request.user, report_id))


@router.post("/targets/{target_id}/report", response={201: ReportOut, **REFUSALS})
def draft_report(request: HttpRequest, target_id: int = ID) -> Any:
    target = _target(request, target_id, "report.draft")
    return Status(201, _report_out(services.draft_target_report(actor=request.user, target=target)))


@router.post("/rounds/{round_id}/special-report", response={201: ReportOut, **REFUSALS})
def draft_special_report(request: HttpRequest, round_id: int = ID) -> Any:
    round = planning.round(request.user, round_id)
    report = services.draft_special_report(actor=request.user, round=round)
    return Status(201, _report_out(report))


@router.patch("/reports/{report_id}", response={200: ReportOut, **REFUSALS})
def update_report(request: HttpRequest, payload: ReportUpdateIn, report_id: int = ID) -> Any:
    report = selectors.report(request.user, report_id)
    data = payload.dict(exclude_unset=True)
    return _report_out(services.update_report(actor=request.user, report=report, **data))


@router.post("/reports/{report_id}/submit", response={200: ReportOut, **REFUSALS})
def submit_report(request: HttpRequest, report_id: int = ID) -> Any:
    report = selectors.report(request.user, report_id)
    return _report_out(services.submit_report(actor=request.user, report=report))


@router.post("/reports/{report_id}/adopt", response={200: ReportOut, **REFUSALS})
def adopt_report(request: HttpRequest, report_id: int = ID) -> Any:
    report = selectors.report(request.user, report_id)
    return _report_out(services.adopt_report(actor=request.user, report=report))


@router.post("/reports/{report_id}/return", response={200: ReportOut, **REFUSALS})
def return_report(request: HttpRequest, payload: ReasonIn, report_id: int = ID) -> Any:
    report = selectors.report(request.user, report_id)
    result = services.return_report(actor=request.user, report=report, reason=payload.reason)
    return _report_out(result)


# --- feedback --------------------------------------------------------------------


@router.put("/rounds/{round_id}/central-feedback", response={200: CentralFeedbackOut, **REFUSALS})
def record_central_feedback(
    request: HttpRequest, payload: CentralFeedbackIn, round_id: int = ID
) -> Any:
    round = planning.round(request.user, round_id)
    return feedback_services.record_central_feedback(
        actor=request.user, round=round, **payload.dict()
    )


@router.get("/rounds/{round_id}/central-feedback", response={200: CentralFeedbackOut, **REFUSALS})
def get_central_feedback(request: HttpRequest, round_id: int = ID) -> Any:
    round = planning.round(request.user, round_id)
    meeting = selectors.central_feedback(request.user, round)
    if meeting is None:
        raise PermissionDenied("feedback.view", round)
    return meeting


@router.post(
    "/targets/{target_id}/feedback", response={200: FeedbackOut, 201: FeedbackOut, **REFUSALS}
)
def draft_feedback(request: HttpRequest, payload: TargetFeedbackIn, target_id: int = ID) -> Any:
    target = _target(request, target_id, "feedback.draft")
    existed = TargetFeedback.objects.filter(target=target).exists()
    feedback = feedback_services.draft_target_feedback(
        actor=request.user, target=target, **payload.dict()
    )
    return Status(200 if existed else 201, _feedback_out(feedback))


@router.get("/feedback", response={200: list[FeedbackOut], **REFUSALS})
@paginate(Pages)
def list_feedback(request: HttpRequest) -> Any:
    user = request.user
    if not (
        permissions.can(user, "feedback.view") or permissions.can(user, "feedback.view_delivered")
    ):
        raise PermissionDenied("feedback.view")
    return [_feedback_out(f) for f in selectors.visible_feedback(user).order_by("-date", "-id")]


@router.get("/feedback/{feedback_id}", response={200: FeedbackOut, **REFUSALS})
def get_feedback(request: HttpRequest, feedback_id: int = ID) -> Any:
    return _feedback_out(selectors.feedback(request.user, feedback_id))


@router.post("/feedback/{feedback_id}/deliver", response={200: FeedbackOut, **REFUSALS})
def deliver_feedback(request: HttpRequest, feedback_id: int = ID) -> Any:
    feedback = selectors.feedback(request.user, feedback_id)
    delivered = feedback_services.deliver_feedback(actor=request.user, feedback=feedback)
    return _feedback_out(delivered)


@router.get(
    "/feedback/{feedback_id}/opinion",
    response=REFUSALS,
    openapi_extra={
        "responses": {
            200: {
                "description": "The feedback opinion as a Word document",
                "content": {
                    documents.DOCX_TYPE: {"schema": {"type": "string", "format": "binary"}}
                },
            }
        }
    },
)
def feedback_opinion(request: HttpRequest, feedback_id: int = ID) -> Any:
    feedback = selectors.feedback(request.user, feedback_id)
    if not selectors.can_download_opinion(request.user, feedback):
        raise PermissionDenied("feedback.view", feedback)
    content = documents.build_feedback_opinion(feedback)
    audit.record_read(actor=request.user, target=feedback, action="feedback.opinion_download")
    response = HttpResponse(content, content_type=documents.DOCX_TYPE)
    response["Content-Disposition"] = documents.content_disposition(
        documents.opinion_filename(feedback), f"feedback-opinion-{feedback.pk}.docx"
    )
    return response


# --- transfers -------------------------------------------------------------------


@router.get("/transfers", response={200: list[TransferOut], **REFUSALS})
@paginate(Pages)
def list_transfers(request: HttpRequest) -> Any:
    permissions.require(request.user, "transfer.view")
    return [_transfer_out(t) for t in selectors.transfers(request.user)]


@router.post("/transfers", response={201: TransferOut, **REFUSALS})
def create_transfer(request: HttpRequest, payload: TransferIn) -> Any:
    user = request.user
    round = planning.round(user, payload.round_id)
    target = None
    if payload.target_id is not None:
        target = _target(request, payload.target_id, "transfer.create")
    else:
        permissions.require(user, "transfer.create", round)
    unit = OrgUnit.objects.filter(
        pk=payload.receiver_unit_id, is_active=True, kind__in=transfer_services.RECEIVING_KINDS
    ).first()
    if unit is None:
        raise ValidationFailed({"receiver_unit_id": _("No receiving body has this id.")})
    findings = list(Finding.objects.select_related("target").filter(pk__in=payload.finding_ids))
    if len(findings) != len(set(payload.finding_ids)):
        raise PermissionDenied("finding.view")
    persons = list(transfer_services.concerned_persons(round).filter(pk__in=payload.person_ids))
    missing = sorted(set(payload.person_ids) - {p.pk for p in persons})
    if missing:
        raise ValidationFailed(
            {
                "person_ids": _("Not concerned by this round: %(ids)s")
                % {"ids": ", ".join(map(str, missing))}
            }
        )
    transfer = transfer_services.create_transfer(
        actor=user,
        round=round,
        kind=payload.kind,
        receiver_kind=payload.receiver_kind,
        receiver_unit=unit,
        date=payload.date,
        summary=payload.summary,
        target=target,
        findings=findings,
        persons=persons,
    )
    return Status(201, _transfer_out(transfer))


@router.post("/transfers/{transfer_id}/acknowledge", response={200: TransferOut, **REFUSALS})
def acknowledge_transfer(request: HttpRequest, transfer_id: int = ID) -> Any:
    transfer = selectors.transfer(request.user, transfer_id)
    result = transfer_services.acknowledge_transfer(actor=request.user, transfer=transfer)
    return _transfer_out(result)
