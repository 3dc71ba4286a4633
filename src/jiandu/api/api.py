"""The JSON API under /api/. Endpoints are thin: parse, call a selector or service, return."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI, Query
from ninja.pagination import LimitOffsetPagination, paginate

from jiandu import __version__
from jiandu.accounts import selectors, services
from jiandu.core.errors import PermissionDenied, ValidationFailed

from .auth import AUTH
from .schemas import ErrorOut, OrgUnitIn, OrgUnitOut, PersonDetailOut, PersonIn, PersonOut, PostOut

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


@api.exception_handler(ValidationFailed)
def _invalid(request: HttpRequest, exc: ValidationFailed) -> HttpResponse:
    return api.create_response(
        request, {"detail": "invalid input", "errors": exc.errors}, status=422
    )


@api.get("/org-units", response=list[OrgUnitOut], tags=["org units"])
@paginate(LimitOffsetPagination)
def list_org_units(request: HttpRequest, parent_id: int | None = None) -> Any:
    qs = selectors.org_units(request.user)
    if parent_id is not None:
        qs = qs.filter(parent_id=parent_id)
    return qs


@api.get("/org-units/{unit_id}", response={200: OrgUnitOut, 403: ErrorOut}, tags=["org units"])
def get_org_unit(request: HttpRequest, unit_id: int) -> Any:
    return selectors.org_unit(request.user, unit_id)


@api.post(
    "/org-units", response={201: OrgUnitOut, 403: ErrorOut, 422: ErrorOut}, tags=["org units"]
)
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
    return 201, unit


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


@api.get("/people", response=list[PersonOut], tags=["people"])
@paginate(LimitOffsetPagination)
def list_people(
    request: HttpRequest,
    q: str = "",
    org_unit_id: int | None = Query(None),
) -> Any:
    org = selectors.org_unit(request.user, org_unit_id) if org_unit_id is not None else None
    return selectors.people(request.user, query=q[:100], org=org)


@api.get("/people/{person_id}", response={200: PersonDetailOut, 403: ErrorOut}, tags=["people"])
def get_person(request: HttpRequest, person_id: int) -> Any:
    person = selectors.person(request.user, person_id)
    return PersonDetailOut(
        id=person.pk,
        name=person.name,
        name_latin=person.name_latin,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        posts=[_post_out(p) for p in selectors.posts_of(request.user, person)],
    )


@api.post("/people", response={201: PersonDetailOut, 403: ErrorOut, 422: ErrorOut}, tags=["people"])
def create_person(request: HttpRequest, payload: PersonIn) -> Any:
    unit = selectors.org_unit(request.user, payload.org_unit_id)
    data = payload.dict()
    data.pop("org_unit_id")
    person = services.create_person(actor=request.user, org_unit=unit, **data)
    return 201, PersonDetailOut(
        id=person.pk,
        name=person.name,
        name_latin=person.name_latin,
        gender=person.gender,
        birth_date=person.birth_date,
        id_number=person.id_number,
        posts=[_post_out(p) for p in person.posts.select_related("org_unit")],
    )
