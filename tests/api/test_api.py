"""The JSON API: scopes, creation rights, input errors, authentication, CSRF, documentation
and the read log. Most tests run twice: with the browser session and with a bearer token.

The tree used here:

    E1 (enterprise) -- S1 (subsidiary)        E2 (enterprise)
    p1 in E1, p2 in S1, p3 in E2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from jiandu.accounts import services
from jiandu.accounts.models import ApiToken, OrgUnit, Person, Role, User
from jiandu.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ID_18 = "11010519491231002X"
ID_15 = "110105491231002"
MODES = ["session", "token"]


@dataclass
class World:
    office: User
    e1: OrgUnit
    s1: OrgUnit
    e2: OrgUnit
    p1: Person
    p2: Person
    p3: Person


@pytest.fixture
def world(make_user: Callable) -> World:
    office = make_user("office", role="office")
    e1 = services.create_org_unit(actor=office, code="E1", name_zh="一集团", kind="enterprise")
    s1 = services.create_org_unit(
        actor=office, code="S1", name_zh="一公司", kind="subsidiary", parent=e1
    )
    e2 = services.create_org_unit(actor=office, code="E2", name_zh="二集团", kind="enterprise")

    def person(name: str, unit: OrgUnit, id_number: str | None = None) -> Person:
        return services.create_person(
            actor=office,
            name=name,
            org_unit=unit,
            title="干部",
            start_date=dt.date(2021, 1, 1),
            id_number=id_number,
        )

    return World(
        office=office,
        e1=e1,
        s1=s1,
        e2=e2,
        p1=person("张一", e1, ID_18),
        p2=person("李二", s1),
        p3=person("王三", e2),
    )


@pytest.fixture
def api(db: Any) -> Callable[..., Client]:
    """api(user, mode): a client signed in as `user` by session or by bearer token."""

    def make(user: User, mode: str, **client_kwargs: Any) -> Client:
        if mode == "session":
            client = Client(**client_kwargs)
            client.force_login(user)
            return client
        _token, raw = services.create_api_token(actor=user, name="tests")
        return Client(headers={"Authorization": f"Bearer {raw}"}, **client_kwargs)

    return make


def post(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


def ids(response: Any) -> set[int]:
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["count"] == len(body["items"])
    return {item["id"] for item in body["items"]}


NEW_PERSON = {"name": "赵四", "title": "干部", "start_date": "2024-01-01"}


# --- scopes ---------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_org_units_obey_the_scope(
    world: World, api: Callable, make_user: Callable, mode: str
) -> None:
    leader = api(make_user("leader", role="unit_leader", org=world.e1), mode)
    assert ids(leader.get("/api/org-units")) == {world.e1.pk, world.s1.pk}
    assert ids(leader.get(f"/api/org-units?parent_id={world.e1.pk}")) == {world.s1.pk}
    office = api(world.office, mode)
    assert ids(office.get("/api/org-units")) == set(OrgUnit.objects.values_list("pk", flat=True))

    response = leader.get(f"/api/org-units/{world.s1.pk}")
    assert response.status_code == 200
    assert response.json() == {
        "id": world.s1.pk,
        "code": "S1",
        "name_zh": "一公司",
        "name_en": "",
        "kind": "subsidiary",
        "parent_id": world.e1.pk,
        "depth": 1,
        "is_active": True,
    }
    outside = leader.get(f"/api/org-units/{world.e2.pk}")
    missing = leader.get(f"/api/org-units/{world.e2.pk + 1000}")
    assert outside.status_code == missing.status_code == 403
    assert outside.json() == missing.json() == {"detail": "not permitted", "errors": {}}


@pytest.mark.parametrize("mode", MODES)
def test_people_obey_the_scope(world: World, api: Callable, make_user: Callable, mode: str) -> None:
    leader = api(make_user("leader", role="unit_leader", org=world.e1), mode)
    assert ids(leader.get("/api/people")) == {world.p1.pk, world.p2.pk}
    assert ids(leader.get(f"/api/people?org_unit_id={world.s1.pk}")) == {world.p2.pk}
    assert ids(leader.get("/api/people?q=李")) == {world.p2.pk}
    assert leader.get(f"/api/people?org_unit_id={world.e2.pk}").status_code == 403
    assert leader.get(f"/api/people/{world.p3.pk}").status_code == 403
    assert ids(api(world.office, mode).get("/api/people")) == {
        world.p1.pk,
        world.p2.pk,
        world.p3.pk,
    }


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("role", ["system_admin", "functional_dept", "auditor"])
def test_roles_without_person_view_are_refused(
    world: World, api: Callable, make_user: Callable, mode: str, role: str
) -> None:
    client = api(make_user("someone", role=role), mode)
    assert client.get("/api/people").status_code == 403
    assert client.get(f"/api/people/{world.p1.pk}").status_code == 403
    assert client.get("/api/org-units").status_code == 200  # every role may see the tree


@pytest.mark.parametrize("mode", MODES)
def test_reading_a_person_is_logged(
    world: World, api: Callable, make_user: Callable, mode: str
) -> None:
    leader_user = make_user("leader", role="unit_leader", org=world.e1)
    leader = api(leader_user, mode)
    before = AuditEvent.objects.order_by("-seq").first().seq  # type: ignore[union-attr]
    response = leader.get(f"/api/people/{world.p1.pk}")
    assert response.status_code == 200
    body = response.json()
    assert body["id_number"] == ID_18
    assert [p["org_unit_id"] for p in body["posts"]] == [world.e1.pk]
    events = list(AuditEvent.objects.filter(seq__gt=before, kind="read"))
    assert [(e.action, e.target_type, e.target_id) for e in events] == [
        ("read", "accounts.person", str(world.p1.pk))
    ]
    assert (events[0].actor_id, events[0].channel) == (leader_user.pk, "api")
    # A refused read is no read.
    assert leader.get(f"/api/people/{world.p3.pk}").status_code == 403
    assert not AuditEvent.objects.filter(kind="read", target_id=str(world.p3.pk)).exists()


# --- creation -------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", MODES)
def test_create_org_unit_needs_orgunit_manage_in_scope(
    world: World, api: Callable, make_user: Callable, mode: str
) -> None:
    office = api(world.office, mode)
    response = post(office, "/api/org-units", {"code": "R1", "name_zh": "根", "kind": "other"})
    assert response.status_code == 201, response.content
    created = OrgUnit.objects.get(code="R1")
    assert response.json()["id"] == created.pk
    assert (created.path, created.depth) == (f"/{created.pk}/", 0)

    scoped = api(make_user("e1-office", role="office", org=world.e1), mode)
    under_s1 = {"code": "S1-1", "name_zh": "子", "kind": "department", "parent_id": world.s1.pk}
    response = post(scoped, "/api/org-units", under_s1)
    assert response.status_code == 201, response.content
    assert response.json()["depth"] == 2
    for refused in (
        {"code": "X1", "name_zh": "根", "kind": "other"},
        {"code": "X2", "name_zh": "子", "kind": "other", "parent_id": world.e2.pk},
    ):
        assert post(scoped, "/api/org-units", refused).status_code == 403
    viewer = api(make_user("leader", role="unit_leader"), mode)
    assert (
        post(viewer, "/api/org-units", {"code": "X3", "name_zh": "根", "kind": "other"}).status_code
        == 403
    )
    assert not OrgUnit.objects.filter(code__startswith="X").exists()


@pytest.mark.parametrize("mode", MODES)
def test_create_person_needs_person_manage_in_scope(
    world: World, api: Callable, make_user: Callable, mode: str
) -> None:
    orgdept = api(make_user("orgdept", role="orgdept_supervisor", org=world.e1), mode)
    data = {**NEW_PERSON, "org_unit_id": world.s1.pk, "id_number": "440524800101001"}
    response = post(orgdept, "/api/people", data)
    assert response.status_code == 201, response.content
    body = response.json()
    person = Person.objects.get(pk=body["id"])
    assert person.id_number == body["id_number"] == "440524198001010013"
    assert [p["org_unit_id"] for p in body["posts"]] == [world.s1.pk]

    count = Person.objects.count()
    assert (
        post(orgdept, "/api/people", {**NEW_PERSON, "org_unit_id": world.e2.pk}).status_code == 403
    )
    viewer = api(make_user("leader", role="unit_leader"), mode)
    assert (
        post(viewer, "/api/people", {**NEW_PERSON, "org_unit_id": world.e1.pk}).status_code == 403
    )
    admin = api(make_user("admin", role="system_admin"), mode)
    assert post(admin, "/api/people", {**NEW_PERSON, "org_unit_id": world.e1.pk}).status_code == 403
    assert Person.objects.count() == count


@pytest.mark.parametrize(
    ("path", "data", "field"),
    [
        ("/api/org-units", {"code": "E1", "name_zh": "重", "kind": "other"}, "code"),  # taken
        ("/api/org-units", {"code": "N1", "name_zh": "新", "kind": "castle"}, "kind"),
        ("/api/org-units", {"code": "", "name_zh": "新", "kind": "other"}, "code"),
        ("/api/org-units", {"code": "N2", "kind": "other"}, "name_zh"),
        (
            "/api/org-units",
            {"code": "N3", "name_zh": "新", "kind": "other", "parent_id": 0},
            "parent_id",
        ),
        ("/api/org-units", {"code": "N\x004", "name_zh": "新", "kind": "other"}, "code"),
        ("/api/people", {**NEW_PERSON, "id_number": "110105194912310021"}, "id_number"),
        ("/api/people", {**NEW_PERSON, "id_number": ID_15}, "id_number"),  # taken
        ("/api/people", {**NEW_PERSON, "gender": "X"}, "gender"),
        ("/api/people", {**NEW_PERSON, "start_date": "2024-02-30"}, "start_date"),
        ("/api/people", {"name": "赵四", "title": "干部"}, "start_date"),
    ],
)
def test_invalid_input_is_422_with_field_errors(
    world: World, api: Callable, path: str, data: dict[str, Any], field: str
) -> None:
    office = api(world.office, "token")
    if path == "/api/people":
        data = {"org_unit_id": world.e1.pk, **data}
    before = (OrgUnit.objects.count(), Person.objects.count(), AuditEvent.objects.count())
    response = post(office, path, data)
    assert response.status_code == 422, response.content
    body = response.json()
    assert body["detail"] == "invalid input"
    assert field in body["errors"], body
    assert all(isinstance(message, str) and message for message in body["errors"].values())
    # Only the read log may grow (it does not here): nothing was created.
    assert (OrgUnit.objects.count(), Person.objects.count(), AuditEvent.objects.count()) == before


def test_malformed_requests(world: World, api: Callable) -> None:
    office = api(world.office, "token")
    response = office.post("/api/org-units", "{not json", content_type="application/json")
    assert response.status_code == 400
    assert office.get("/api/org-units?limit=0").status_code == 422
    assert office.get("/api/org-units?limit=100000").status_code == 422
    assert office.get("/api/org-units?offset=-1").status_code == 422
    assert office.get(f"/api/org-units/{2**70}").status_code == 422
    assert office.get("/api/people?q=a%00b").status_code == 422
    page = office.get("/api/org-units?limit=2&offset=1").json()
    assert len(page["items"]) == 2
    assert page["count"] == OrgUnit.objects.count()


# --- authentication ---------------------------------------------------------------------------


ENDPOINTS = [
    ("get", "/api/org-units"),
    ("get", "/api/org-units/1"),
    ("get", "/api/people"),
    ("get", "/api/people/1"),
    ("post", "/api/org-units"),
    ("post", "/api/people"),
]


@pytest.mark.parametrize(("method", "path"), ENDPOINTS)
def test_anonymous_is_401(db: Any, method: str, path: str) -> None:
    response = getattr(Client(), method)(path)
    assert response.status_code == 401
    assert response.json() == {"detail": "Unauthorized"}


def test_bad_tokens_are_401(world: World) -> None:
    token, raw = services.create_api_token(actor=world.office, name="t")

    def status(value: str) -> int:
        client = Client(headers={"Authorization": f"Bearer {value}"})
        return client.get("/api/org-units").status_code

    assert status(raw) == 200
    assert status(raw[:-1]) == 401
    assert status(token.digest) == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    assert status(raw) == 401
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() + dt.timedelta(days=1))
    assert status(raw) == 200
    User.objects.filter(pk=world.office.pk).update(is_active=False)
    assert status(raw) == 401
    assert Client(headers={"Authorization": raw}).get("/api/org-units").status_code == 401


def test_inactive_session_is_401(world: World) -> None:
    client = Client()
    client.force_login(world.office)
    assert client.get("/api/org-units").status_code == 200
    User.objects.filter(pk=world.office.pk).update(is_active=False)
    assert client.get("/api/org-units").status_code == 401


def test_session_of_a_role_requiring_otp_needs_the_second_factor(world: World) -> None:
    Role.objects.filter(code="office").update(requires_otp=True)
    client = Client()
    client.force_login(world.office)
    assert client.get("/api/org-units").status_code == 401


def test_session_post_needs_the_csrf_token(world: World, api: Callable) -> None:
    client = api(world.office, "session", enforce_csrf_checks=True)
    data = {"code": "C1", "name_zh": "新", "kind": "other"}
    assert client.get("/api/org-units").status_code == 200  # reads need no token
    response = post(client, "/api/org-units", data)
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(code="C1").exists()
    client.get("/")  # a page sets the CSRF cookie
    response = client.post(
        "/api/org-units",
        data,
        content_type="application/json",
        headers={"X-CSRFToken": client.cookies["csrftoken"].value},
    )
    assert response.status_code == 201, response.content
    # A bearer token is no ambient credential: it needs no CSRF token.
    bearer = api(world.office, "token", enforce_csrf_checks=True)
    assert post(bearer, "/api/org-units", {**data, "code": "C2"}).status_code == 201


# --- documentation --------------------------------------------------------------------------------


def test_openapi_schema(db: Any) -> None:
    response = Client().get("/api/openapi.json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["info"]["title"] == "jiandu API"
    assert {
        "/api/org-units",
        "/api/org-units/{unit_id}",
        "/api/people",
        "/api/people/{person_id}",
    } <= set(schema["paths"])
    create = schema["paths"]["/api/org-units"]["post"]
    assert {"201", "403", "422"} <= set(create["responses"])
    kinds = schema["components"]["schemas"]["OrgUnitIn"]["properties"]["kind"]["enum"]
    assert "enterprise" in kinds
    schemes = schema["components"]["securitySchemes"]
    assert {s["type"] for s in schemes.values()} >= {"http", "apiKey"}


def test_api_docs_page(db: Any) -> None:
    response = Client().get("/api/docs")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/html")
    assert b"/api/openapi.json" in response.content
    # Everything the page loads comes from this server.
    assert "http" not in response["Content-Security-Policy"]
