"""The supervision API under /api/supervision: the triage queue, one hit, its triage,
runs and the measured precision. Endpoints are thin and obey the same permissions as the
pages.

No `from __future__ import annotations` here: django-ninja reads the parameters of a
paginated endpoint through the pagination wrapper, whose module does not know this
module's names, so the annotations must be real types."""

import datetime as dt
from typing import Any

from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Path, Query, Router, Schema, Status
from ninja.pagination import paginate

from jiandu.accounts import permissions
from jiandu.accounts import selectors as accounts
from jiandu.api.pagination import Pages
from jiandu.core.errors import ValidationFailed
from jiandu.supervision import escalation, runs, selectors, services
from jiandu.supervision.models import DismissalReason, Hit, Run

from .schemas import ID_MAX, NO_NUL, ErrorOut, InputSchema

router = Router(tags=["supervision"])

# The same refusals as api.REFUSALS (not imported: api.py imports this module).
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}


# --- schemas ---------------------------------------------------------------------


class HitOut(Schema):
    id: int
    key: str
    model_id: str
    model_version: str
    theme: str
    subject_type: str
    subject_id: str
    score: float
    explanation_zh: str
    explanation_en: str
    region_code: str
    names_leading_cadre: bool
    org_unit_ids: list[int]
    state: str
    first_seen_at: dt.datetime
    last_seen_at: dt.datetime

    @staticmethod
    def resolve_org_unit_ids(obj: Hit) -> list[int]:
        return sorted(u.pk for u in obj.org_units.all())


class HitDetailOut(HitOut):
    evidence: dict[str, list[dict[str, Any]]]
    person_ids: list[str]
    org_ids: list[str]
    dismissal_reason: str
    comment: str
    merged_into_id: int | None
    clue_number: str
    run_ids: list[int]

    @staticmethod
    def resolve_dismissal_reason(obj: Hit) -> str:
        return obj.dismissal_reason.code if obj.dismissal_reason else ""

    @staticmethod
    def resolve_run_ids(obj: Hit) -> list[int]:
        return sorted(obj.occurrences.values_list("run_id", flat=True))


class DismissIn(InputSchema):
    reason: str = Field(min_length=1, max_length=40)
    comment: str = Field("", max_length=4000)


class MergeIn(InputSchema):
    into_id: int = Field(ge=1, le=ID_MAX)
    comment: str = Field("", max_length=4000)


class CommentIn(InputSchema):
    comment: str = Field("", max_length=4000)


class EscalateIn(InputSchema):
    summary: str = Field(min_length=1, max_length=20_000)
    category: str = Field(min_length=1, max_length=20)
    keeper_id: int = Field(ge=1, le=ID_MAX)
    subject_person_ids: list[str] | None = Field(None, max_length=100)
    extra_subject: str = Field("", max_length=100)
    confidentiality: str = Field("", max_length=12)


class EscalatedOut(HitOut):
    clue_number: str


class ReasonOut(Schema):
    code: str
    label_zh: str
    label_en: str


class RunOut(Schema):
    id: int
    kind: str
    state: str
    requested_by: str
    requested_at: dt.datetime
    started_at: dt.datetime | None
    finished_at: dt.datetime | None
    progress: float
    progress_label: str
    only: list[str]
    params: dict[str, Any]
    engine_run_id: str
    manifest_hash: str
    records: list[dict[str, Any]]
    hit_count: int
    new_hits: int
    seen_again: int
    error: str

    @staticmethod
    def resolve_requested_by(obj: Run) -> str:
        return obj.requested_by.get_username() if obj.requested_by else ""


class RunIn(InputSchema):
    only: list[str] = Field(default_factory=list, max_length=100)
    params: dict[str, dict[str, str]] = Field(default_factory=dict)


class PrecisionOut(Schema):
    model_id: str
    total: int
    open: int
    escalated: int
    dismissed: int
    merged: int
    precision: float | None


# --- hits ------------------------------------------------------------------------


def _detail(actor: Any, pk: int) -> Any:
    return selectors.hit_read(actor, pk)


@router.get("/hits", response={200: list[HitOut], **REFUSALS})
@paginate(Pages)
def list_hits(
    request: HttpRequest,
    theme: str = Query("", max_length=1, pattern=NO_NUL),
    model: str = Query("", max_length=20, pattern=NO_NUL),
    org_unit_id: int | None = Query(None, ge=1, le=ID_MAX),
    region: str = Query("", max_length=12, pattern=r"^[0-9]*$"),
    min_score: float | None = Query(None, ge=0, le=1),
    state: str = Query("", max_length=12, pattern=NO_NUL),
) -> Any:
    permissions.require(request.user, "hit.view")
    unit = accounts.org_unit(request.user, org_unit_id) if org_unit_id is not None else None
    filters = selectors.Filters(
        theme=theme, model=model, org_unit=unit, region=region, min_score=min_score, state=state
    )
    return selectors.queue(request.user, filters).prefetch_related("org_units")


@router.get("/hits/{hit_id}", response={200: HitDetailOut, **REFUSALS})
def get_hit(request: HttpRequest, hit_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    return _detail(request.user, hit_id)


@router.post("/hits/{hit_id}/review", response={200: HitOut, **REFUSALS})
def review_hit(request: HttpRequest, hit_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    return services.start_review(actor=request.user, hit=selectors.hit(request.user, hit_id))


@router.post("/hits/{hit_id}/dismiss", response={200: HitOut, **REFUSALS})
def dismiss_hit(
    request: HttpRequest, payload: DismissIn, hit_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    hit = selectors.hit(request.user, hit_id)
    services.require_visible(request.user, "hit.triage", hit)
    reason = DismissalReason.objects.filter(code=payload.reason).first()
    if reason is None:
        raise ValidationFailed(
            {"reason": _("Unknown dismissal reason: %(code)s") % {"code": payload.reason}}
        )
    return services.dismiss(actor=request.user, hit=hit, reason=reason, comment=payload.comment)


@router.post("/hits/{hit_id}/merge", response={200: HitOut, **REFUSALS})
def merge_hit(
    request: HttpRequest, payload: MergeIn, hit_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    hit = selectors.hit(request.user, hit_id)
    into = selectors.hits(request.user).filter(pk=payload.into_id).first()
    if into is None:
        raise ValidationFailed({"into_id": _("No such hit in your scope.")})
    return services.merge(actor=request.user, hit=hit, into=into, comment=payload.comment)


@router.post("/hits/{hit_id}/reopen", response={200: HitOut, **REFUSALS})
def reopen_hit(
    request: HttpRequest, payload: CommentIn, hit_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    hit = selectors.hit(request.user, hit_id)
    return services.reopen(actor=request.user, hit=hit, comment=payload.comment)


@router.post("/hits/{hit_id}/escalate", response={200: EscalatedOut, **REFUSALS})
def escalate_hit(
    request: HttpRequest, payload: EscalateIn, hit_id: int = Path(..., ge=1, le=ID_MAX)
) -> Any:
    """Register a clue from the hit (evidence attached, subjects linked); the subject
    persons default to every person of the hit."""
    from jiandu.accounts.models import User
    from jiandu.clues.selectors import keepers

    hit = selectors.hit(request.user, hit_id)
    services.require_visible(request.user, "hit.escalate", hit)
    keeper = keepers().filter(pk=payload.keeper_id).first()
    if keeper is None or not isinstance(keeper, User):
        raise ValidationFailed({"keeper_id": _("Choose an active clue officer to keep the clue.")})
    candidates = escalation.candidates(hit)
    wanted = payload.subject_person_ids
    chosen = [c for c in candidates if wanted is None or c.register_id in wanted]
    escalation.escalate(
        actor=request.user,
        hit=hit,
        summary=payload.summary,
        category=payload.category,
        keeper=keeper,
        subjects=chosen,
        extra_subject=payload.extra_subject,
        confidentiality=payload.confidentiality,
    )
    return selectors.hit(request.user, hit_id)


@router.get("/dismissal-reasons", response={200: list[ReasonOut], **REFUSALS})
def dismissal_reasons(request: HttpRequest) -> Any:
    permissions.require(request.user, "hit.view")
    return list(selectors.dismissal_reasons())


@router.get("/precision", response={200: list[PrecisionOut], **REFUSALS})
def precision(request: HttpRequest) -> Any:
    return selectors.precision(request.user)


# --- runs ------------------------------------------------------------------------


@router.get("/runs", response={200: list[RunOut], **REFUSALS})
@paginate(Pages)
def list_runs(request: HttpRequest) -> Any:
    return selectors.runs(request.user)


@router.get("/runs/{run_id}", response={200: RunOut, **REFUSALS})
def get_run(request: HttpRequest, run_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    return selectors.run(request.user, run_id)


@router.post("/runs", response={201: RunOut, **REFUSALS})
def start_run(request: HttpRequest, payload: RunIn) -> Any:
    from jiandu.supervision import catalogue

    known = catalogue.parameters(catalogue.specs())
    if known is not None:
        unknown = sorted(set(payload.only) - set(known))
        if unknown:
            raise ValidationFailed(
                {"only": _("Unknown models: %(ids)s") % {"ids": ", ".join(unknown)}}
            )
    text = "\n".join(f"{m}.{k}={v}" for m, ps in payload.params.items() for k, v in ps.items())
    params = runs.parse_params(text, known)
    run = runs.start_model_run(actor=request.user, only=payload.only, params=params)
    return Status(201, run)
