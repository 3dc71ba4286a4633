"""The JSON API under /api/. Endpoints are thin: parse, call a selector or service, return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Path, Query, Status
from ninja.errors import ValidationError
from ninja.pagination import paginate

from jiandu import __version__
from jiandu.accounts import permissions, selectors, services
from jiandu.api.pagination import Pages
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed

from .auth import AUTH
from .schemas import (
    ID_MAX,
    NO_NUL,
    ErrorOut,
    OrgUnitIn,
    OrgUnitOut,
    PersonDetailOut,
    PersonIn,
    PersonOut,
    PostOut,
)

api = NinjaAPI(
    title="jiandu API",
    version=__version__,
    description="Org units and people; every endpoint obeys the same permissions as the pages.",
    auth=AUTH,
    urls_namespace="api",
)


@api.exception_handler(PermissionDenied)
def _denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return api.create_response(request, {"detail": "not permitted", "errors": {}}, status=403)


@api.exception_handler(InvalidTransition)
def _transition(request: HttpRequest, exc: InvalidTransition) -> HttpResponse:
    return api.create_response(
        request, {"detail": str(exc), "errors": {"state": str(exc)}}, status=422
    )


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(
        request, {"detail": "invalid input", "errors": exc.errors}, status=422
    )


@api.exception_handler(ValidationError)
def _malformed(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Malformed input answers in the same shape as a refused one: {field: message}."""
    errors: dict[str, str] = {}
    for error in exc.errors:
        loc = [str(part) for part in error.get("loc", ())]
        field = loc[2:] if loc[1:2] == ["payload"] else loc[1:]
        errors.setdefault(".".join(field) or (loc[0] if loc else "input"), error.get("msg", ""))
    return api.create_response(request, {"detail": "invalid input", "errors": errors}, status=422)


# Every operation may answer 400 (unreadable body), 403 (refused, or not found) and 422
# (invalid input).
REFUSALS = {400: ErrorOut, 403: ErrorOut, 422: ErrorOut}


@api.get("/org-units", response={200: list[OrgUnitOut], **REFUSALS}, tags=["org units"])
@paginate(Pages)
def list_org_units(
    request: HttpRequest, parent_id: int | None = Query(None, ge=1, le=ID_MAX)
) -> Any:
    permissions.require(request.user, "orgunit.view")
    qs = selectors.org_units(request.user)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs


@api.get("/org-units/{unit_id}", response={200: OrgUnitOut, **REFUSALS}, tags=["org units"])
def get_org_unit(request: HttpRequest, unit_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    return selectors.org_unit(request.user, unit_id)


@api.post("/org-units", response={201: OrgUnitOut, **REFUSALS}, tags=["org units"])
def create_org_unit(request: HttpRequest, payload: OrgUnitIn) -> Any:
    parent = None
    if payload.parent_id is not None:
        parent = selectors.org_unit(request.user, payload.parent_id)
    unit = services.create_org_unit(
        actor=request.user,
        code=payload.code,
        name_zh=payload.name_zh,
        name_en=payload.name_en,
        kind=payload.kind,
        parent=parent,
    )
    return Status(201, unit)


def _post_out(post: Any) -> PostOut:
    return PostOut(
        id=post.pk,
        org_unit_id=post.org_unit_id,
        org_unit_name=post.org_unit.name,
        title=post.title,
        rank=post.rank,
        is_leading_cadre=post.is_leading_cadre,
        start_date=post.start_date,
        end_date=post.end_date,
    )


@api.get("/people", response={200: list[PersonOut], **REFUSALS}, tags=["people"])
@paginate(Pages)
def list_people(
    request: HttpRequest,
    q: str = Query("", pattern=NO_NUL),
    org_unit_id: int | None = Query(None, ge=1, le=ID_MAX),
) -> Any:
    permissions.require(request.user, "person.view")
    org = selectors.org_unit(request.user, org_unit_id) if org_unit_id is not None else None
    return selectors.people(request.user, query=q[:100], org=org)


def _person_out(person: Any, posts: Any) -> PersonDetailOut:
    return PersonDetailOut(
        id=person.pk,
        name=person.name,
        name_latin=person.name_latin,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        posts=[_post_out(p) for p in posts],
    )


@api.get("/people/{person_id}", response={200: PersonDetailOut, **REFUSALS}, tags=["people"])
def get_person(request: HttpRequest, person_id: int = Path(..., ge=1, le=ID_MAX)) -> Any:
    person = selectors.person(request.user, person_id)
    return _person_out(person, selectors.posts_of(request.user, person))


@api.post("/people", response={201: PersonDetailOut, **REFUSALS}, tags=["people"])
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    unit = selectors.org_unit(request.user, payload.org_unit_id)
    data = payload.dict()
    data.pop("org_unit_id")
    person = services.create_person(actor=request.user, org_unit=unit, **data)
    return Status(201, _person_out(person, person.posts.select_related("org_unit")))


def _routers() -> None:
    from . import inspections_findings, inspections_planning, inspections_reporting

    api.add_router("/inspections", inspections_planning.router)
    api.add_router("/inspections", inspections_findings.router)
    api.add_router("/inspections", inspections_reporting.router)
    from . import clues

    api.add_router("", clues.router)

    from . import rectification

    api.add_router("/rectification", rectification.router)

    from . import supervision

    api.add_router("/supervision", supervision.router)


_routers()
