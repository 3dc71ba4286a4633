"""The findings API under /api/inspections: findings, their transitions, evidence upload
and the common-problem counts. Endpoints are thin and obey the same permissions as the
pages.

No `from __future__ import annotations` here: django-ninja reads the parameters of a
paginated endpoint through the pagination wrapper, whose module does not know this
module's names, so the annotations must be real types."""

import datetime as dt
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, File, Path, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from jiandu.accounts import permissions
from jiandu.accounts.models import Person
from jiandu.api.pagination import Pages
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.inspections.models import Evidence, Finding, FindingCategory, Target
from jiandu.inspections.selectors import findings as selectors
from jiandu.inspections.services import evidence as evidence_service
from jiandu.inspections.services import findings as services

from .schemas import ID_MAX, NO_NUL, ErrorOut, InputSchema

router = Router(tags=["findings"])

# The same refusals as api.REFUSALS (not imported: api.py imports this module).
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}
# Service error fields -> the names of the API's input.
FIELD_NAMES = {
    "category": "category_id",
    "leaders": "leader_ids",
    "recurrence_of": "recurrence_of_id",
}


PersonId = Annotated[int, Field(ge=1, le=ID_MAX)]
# The values of Finding.State, Severity and Source (checked against the models by a test).
StateIn = Literal["draft", "confirmed", "in_report", "fed_back", "withdrawn"]
SeverityIn = Literal["minor", "general", "serious", "grave"]
SourceIn = Literal["interview", "documents", "petition", "data_model", "other"]


# --- schemas ---------------------------------------------------------------------


class EvidenceOut(Schema):
    id: int
    finding_id: int
    original_name: str
    sha256: str
    size: int
    content_type: str
    uploaded_by: str
    uploaded_at: dt.datetime

    @staticmethod
    def resolve_uploaded_by(obj: Evidence) -> str:
        return _user(obj.uploaded_by)


class FindingOut(Schema):
    id: int
    round_id: int
    team_id: int
    target_id: int
    org_unit_name: str
    category_id: int
    category_code: str
    severity: str
    title: str
    source: str
    state: str
    recurrence_of_id: int | None
    created_by: str
    created_at: dt.datetime

    @staticmethod
    def resolve_round_id(obj: Finding) -> int:
        return obj.target.round_id

    @staticmethod
    def resolve_team_id(obj: Finding) -> int:
        return obj.target.team_id

    @staticmethod
    def resolve_org_unit_name(obj: Finding) -> str:
        return str(obj.target.org_unit.name)

    @staticmethod
    def resolve_category_code(obj: Finding) -> str:
        return obj.category.code

    @staticmethod
    def resolve_created_by(obj: Finding) -> str:
        return _user(obj.created_by)


class FindingDetailOut(FindingOut):
    description: str
    withdrawn_reason: str
    leader_ids: list[int]
    confirmed_by: str
    confirmed_at: dt.datetime | None
    evidence: list[EvidenceOut]

    @staticmethod
    def resolve_leader_ids(obj: Finding) -> list[int]:
        return sorted(obj.leaders.values_list("pk", flat=True))

    @staticmethod
    def resolve_confirmed_by(obj: Finding) -> str:
        return _user(obj.confirmed_by)

    @staticmethod
    def resolve_evidence(obj: Finding) -> list[Any]:
        """The evidence the caller may see, set by `_detail_out`."""
        return list(getattr(obj, "visible_evidence", []))


class FindingIn(InputSchema):
    target_id: int = Field(ge=1, le=ID_MAX)
    category_id: int = Field(ge=1, le=ID_MAX)
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(min_length=1, max_length=20_000)
    source: str = Field(max_length=12, json_schema_extra={"enum": [*Finding.Source.values]})
    severity: str = Field(
        "general", max_length=8, json_schema_extra={"enum": [*Finding.Severity.values]}
    )
    leader_ids: list[PersonId] = Field(default_factory=list, max_length=100)
    recurrence_of_id: int | None = Field(None, ge=1, le=ID_MAX)


class FindingUpdateIn(InputSchema):
    category_id: int | None = Field(None, ge=1, le=ID_MAX)
    title: str | None = Field(None, min_length=1, max_length=300)
    description: str | None = Field(None, min_length=1, max_length=20_000)
    source: str | None = Field(
        None, max_length=12, json_schema_extra={"enum": [*Finding.Source.values]}
    )
    severity: str | None = Field(
        None, max_length=8, json_schema_extra={"enum": [*Finding.Severity.values]}
    )
    leader_ids: list[PersonId] | None = Field(None, max_length=100)


class WithdrawIn(InputSchema):
    reason: str = Field(min_length=1, max_length=5000)


class HeatTargetOut(Schema):
    id: int
    org_unit_name: str
    team_number: int


class HeatRowOut(Schema):
    category_id: int
    code: str
    name: str
    is_top: bool
    counts: list[int]
    total: int


class HeatmapOut(Schema):
    round_id: int
    targets: list[HeatTargetOut]
    rows: list[HeatRowOut]
    target_totals: list[int]
    total: int


# --- conversions -----------------------------------------------------------------


def _user(user: Any) -> str:
    return user.get_username() if user is not None else ""


def _detail_out(actor: Any, f: Finding) -> FindingDetailOut:
    f = selectors.finding(actor, f.pk)
    f.visible_evidence = selectors.evidence_of(actor, f)  # type: ignore[attr-defined]
    return FindingDetailOut.from_orm(f)


def _renamed(exc: ValidationFailed) -> ValidationFailed:
    return ValidationFailed({FIELD_NAMES.get(k, k): v for k, v in exc.errors.items()})


def _category(pk: int) -> FindingCategory:
    found = FindingCategory.objects.select_related("parent").filter(pk=pk).first()
    if found is None:
        raise ValidationFailed({"category_id": _("Unknown category: %(id)s") % {"id": pk}})
    return found


def _leaders(ids: list[int]) -> list[Person]:
    wanted = set(ids)
    people = list(Person.objects.filter(pk__in=wanted))
    missing = wanted - {p.pk for p in people}
    if missing:
        raise ValidationFailed(
            {
                "leader_ids": _("Unknown person: %(ids)s")
                % {"ids": ", ".join(str(i) for i in sorted(missing))}
            }
        )
    return people


def _finding_for(actor: Any, pk: int) -> Finding:
    return selectors.finding(actor, pk)


# --- endpoints -------------------------------------------------------------------


@router.get("/findings", response={200: list[FindingOut], **REFUSALS})
@paginate(Pages)
def list_findings(
    request: HttpRequest,
    round_id: int | None = Query(None, ge=1, le=ID_MAX),
    target_id: int | None = Query(None, ge=1, le=ID_MAX),
    category_id: int | None = Query(None, ge=1, le=ID_MAX),
    state: StateIn | None = Query(None, description="state of the finding"),  # noqa: B008
    severity: SeverityIn | None = Query(None, description="severity"),  # noqa: B008
    source: SourceIn | None = Query(None, description="how the problem was found"),  # noqa: B008
    q: str = Query("", max_length=100, pattern=NO_NUL),
) -> Any:
    permissions.require(request.user, "finding.view")
    round = selectors.finding_rounds(request.user).filter(pk=round_id).first() if round_id else None
    target = (
        selectors.finding_targets(request.user).filter(pk=target_id).first() if target_id else None
    )
    if (round_id and round is None) or (target_id and target is None):
        raise PermissionDenied("finding.view")
    category = _category(category_id) if category_id else None
    return selectors.findings(
        request.user,
        round=round,
        target=target,
        category=category,
        state=state,
        severity=severity,
        source=source,
        q=q,
    )


@router.get("/findings/{finding_id}", response={200: FindingDetailOut, **REFUSALS})
def get_finding(request: HttpRequest, finding_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    finding = selectors.finding_read(request.user, finding_id)
    return _detail_out(request.user, finding)


@router.post("/findings", response={201: FindingDetailOut, **REFUSALS})
def create_finding(request: HttpRequest, payload: FindingIn) -> Any:
    target = Target.objects.filter(pk=payload.target_id).first()
    if target is None:
        raise PermissionDenied("finding.record")
    permissions.require(request.user, "finding.record", target)
    earlier = None
    if payload.recurrence_of_id is not None:
        earlier = _finding_for(request.user, payload.recurrence_of_id)
    try:
        finding = services.record_finding(
            actor=request.user,
            target=target,
            category=_category(payload.category_id),
            title=payload.title,
            description=payload.description,
            source=payload.source,
            severity=payload.severity,
            leaders=_leaders(payload.leader_ids),
            recurrence_of=earlier,
        )
    except ValidationFailed as exc:
        raise _renamed(exc) from exc
    return Status(201, _detail_out(request.user, finding))


@router.patch("/findings/{finding_id}", response={200: FindingDetailOut, **REFUSALS})
def update_finding(
    request: HttpRequest, payload: FindingUpdateIn, finding_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    finding = _finding_for(request.user, finding_id)
    data = payload.dict(exclude_unset=True, exclude_none=True)
    fields: dict[str, Any] = {k: v for k, v in data.items() if k not in FIELD_NAMES.values()}
    if "category_id" in data:
        fields["category"] = _category(data["category_id"])
    if "leader_ids" in data:
        fields["leaders"] = _leaders(data["leader_ids"])
    try:
        services.update_finding(actor=request.user, finding=finding, **fields)
    except ValidationFailed as exc:
        raise _renamed(exc) from exc
    return _detail_out(request.user, finding)


@router.post("/findings/{finding_id}/confirm", response={200: FindingDetailOut, **REFUSALS})
def confirm_finding(request: HttpRequest, finding_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    finding = _finding_for(request.user, finding_id)
    services.confirm_finding(actor=request.user, finding=finding)
    return _detail_out(request.user, finding)


@router.post("/findings/{finding_id}/reopen", response={200: FindingDetailOut, **REFUSALS})
def reopen_finding(request: HttpRequest, finding_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    finding = _finding_for(request.user, finding_id)
    services.reopen_finding(actor=request.user, finding=finding)
    return _detail_out(request.user, finding)


@router.post("/findings/{finding_id}/withdraw", response={200: FindingDetailOut, **REFUSALS})
def withdraw_finding(
    request: HttpRequest, payload: WithdrawIn, finding_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    finding = _finding_for(request.user, finding_id)
    services.withdraw_finding(actor=request.user, finding=finding, reason=payload.reason)
    return _detail_out(request.user, finding)


@router.post("/findings/{finding_id}/evidence", response={201: EvidenceOut, **REFUSALS})
def upload_evidence(
    request: HttpRequest,
    finding_id: int = Path(..., ge=1, le=ID_MAX),
    file: UploadedFile = File(...),  # noqa: B008
) -> Any:
    finding = _finding_for(request.user, finding_id)
    item = evidence_service.add_evidence(actor=request.user, finding=finding, uploaded_file=file)
    return Status(201, item)


@router.get("/common-problems", response={200: HeatmapOut, **REFUSALS})
def common_problems(request: HttpRequest, round_id: int = Query(..., ge=1, le=ID_MAX)) -> Any:
    round = selectors.analytics_round(request.user, round_id)
    heat = selectors.heatmap(request.user, round)
    return HeatmapOut(
        round_id=round.pk,
        targets=[
            HeatTargetOut(id=t.pk, org_unit_name=t.org_unit.name, team_number=t.team.number)
            for t in heat.targets
        ],
        rows=[
            HeatRowOut(
                category_id=r.category.pk,
                code=r.category.code,
                name=r.category.name,
                is_top=r.is_top,
                counts=r.counts,
                total=r.total,
            )
            for r in heat.rows
        ],
        target_totals=heat.target_totals,
        total=heat.total,
    )
