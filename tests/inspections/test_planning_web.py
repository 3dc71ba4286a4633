"""Planning pages and API: happy paths, scopes and refusals."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from jiandu.accounts import services as accounts
from jiandu.accounts.models import RoleAssignment, User
from jiandu.audit.models import AuditEvent
from jiandu.inspections.models import Round, Target, Team, TeamMember

from .conftest import Inspection, make_unit
from .test_planning import unchanged

pytestmark = pytest.mark.django_db


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client(user: User, mode: str) -> Client:
    if mode == "session":
        return client_for(user)
    _token, raw = accounts.create_api_token(actor=user, name="tests")
    return Client(headers={"Authorization": f"Bearer {raw}"})


def post_json(client: Client, path: str, data: dict[str, Any]) -> Any:
    return client.post(path, data, content_type="application/json")


# --- pages --------------------------------------------------------------------------------


def test_round_list(inspection: Inspection, make_user: Callable) -> None:
    office = client_for(inspection.office).get(reverse("rounds"))
    assert office.status_code == 200
    assert inspection.round.name in office.content.decode()
    assert reverse("round_create") in office.content.decode()
    member = client_for(inspection.members[1]).get(reverse("rounds"))
    assert member.status_code == 200
    assert inspection.round.name in member.content.decode()
    assert reverse("round_create") not in member.content.decode()
    assert client_for(make_user("nobody")).get(reverse("rounds")).status_code == 403


def test_round_overview_page_shows_only_the_own_team(inspection: Inspection) -> None:
    url = reverse("round_detail", args=[inspection.round.pk])
    office = client_for(inspection.office).get(url).content.decode()
    for unit in inspection.units:
        assert unit.name_zh in office
    assert reverse("round_advance", args=[inspection.round.pk]) in office
    assert reverse("target_edit", args=[inspection.targets[0].pk]) in office

    member = client_for(inspection.members[0]).get(url)
    assert member.status_code == 200
    page = member.content.decode()
    assert inspection.units[0].name_zh in page and inspection.units[1].name_zh in page
    assert inspection.units[2].name_zh not in page
    assert inspection.teams[1].name_zh not in page
    assert "leader2" not in page
    assert reverse("round_advance", args=[inspection.round.pk]) not in page
    assert reverse("target_edit", args=[inspection.targets[0].pk]) not in page
    # Each visible cell links to its target page; team 2's target is neither listed nor open.
    assert reverse("target_detail", args=[inspection.targets[0].pk]) in page
    assert reverse("target_detail", args=[inspection.targets[2].pk]) not in page
    client = client_for(inspection.members[0])
    assert client.get(reverse("target_detail", args=[inspection.targets[0].pk])).status_code == 200
    assert client.get(reverse("target_detail", args=[inspection.targets[2].pk])).status_code == 403


def test_round_pages_refuse_outsiders(inspection: Inspection, make_user: Callable) -> None:
    nobody = client_for(make_user("nobody"))
    pk = inspection.round.pk
    for url in [
        reverse("round_detail", args=[pk]),
        reverse("round_detail", args=[pk + 1000]),
        reverse("round_create"),
        reverse("round_team_create", args=[pk]),
        reverse("round_target_create", args=[pk]),
    ]:
        assert nobody.get(url).status_code == 403, url
    member = client_for(inspection.members[0])
    for url in [
        reverse("round_create"),
        reverse("round_team_create", args=[pk]),
        reverse("round_target_create", args=[pk]),
        reverse("team_member_add", args=[inspection.teams[0].pk]),
        reverse("target_edit", args=[inspection.targets[0].pk]),
        reverse("target_edit", args=[inspection.targets[2].pk]),
    ]:
        assert member.get(url).status_code == 403, url
    with unchanged():
        place = TeamMember.objects.get(user=inspection.leaders[0])
        assert member.post(reverse("team_member_remove", args=[place.pk])).status_code == 403
        response = member.post(reverse("round_advance", args=[pk]), {"to_state": "inspecting"})
        assert response.status_code == 403


def test_create_round_page(office: User) -> None:
    client = client_for(office)
    assert client.get(reverse("round_create")).status_code == 200
    data = {"code": "R-9", "name_zh": "第九轮", "start_date": "2025-09-01"}
    response = client.post(reverse("round_create"), data)
    round = Round.objects.get(code="R-9")
    assert response.status_code == 302
    assert response["Location"] == reverse("round_detail", args=[round.pk])
    assert round.start_date == dt.date(2025, 9, 1)
    with unchanged():
        again = client.post(reverse("round_create"), {**data, "name_zh": "重复"})
    assert again.status_code == 200
    assert list(again.context["form"].errors) == ["code"]
    assert "R-9" in again.context["form"].errors["code"][0]


def test_advance_page(inspection: Inspection) -> None:
    client = client_for(inspection.office)
    url = reverse("round_advance", args=[inspection.round.pk])
    with unchanged():
        skip = client.post(url, {"to_state": "reporting"}, follow=True)
    assert skip.status_code == 200
    assert "alert-danger" in skip.content.decode()
    inspection.round.refresh_from_db()
    assert inspection.round.state == "planning"
    assert client.get(url).status_code == 405
    response = client.post(url, {"to_state": "inspecting"})
    assert response.status_code == 302
    inspection.round.refresh_from_db()
    assert inspection.round.state == "inspecting"


def test_team_member_and_target_pages(inspection: Inspection, make_user: Callable) -> None:
    client = client_for(inspection.office)
    pk = inspection.round.pk
    response = client.post(
        reverse("round_team_create", args=[pk]), {"number": 3, "name_zh": "三组"}
    )
    assert response.status_code == 302
    team = Team.objects.get(round=inspection.round, number=3)

    newcomer = make_user("newcomer")
    add_url = reverse("team_member_add", args=[team.pk])
    assert client.get(add_url).status_code == 200
    with unchanged():
        unknown = client.post(add_url, {"username": "ghost", "position": "member"})
    assert unknown.status_code == 200
    assert "ghost" in unknown.context["form"].errors["username"][0]
    response = client.post(add_url, {"username": "newcomer", "position": "deputy"})
    assert response.status_code == 302
    place = TeamMember.objects.get(team=team, user=newcomer)
    assert RoleAssignment.objects.get(user=newcomer).role.code == "team_leader"

    unit = make_unit("E4", "第四分公司", inspection.root)
    target_url = reverse("round_target_create", args=[pk])
    assert client.get(target_url).status_code == 200
    data = {
        "org_unit": unit.pk,
        "team": team.pk,
        "entry_date": "2025-04-01",
        "exit_date": "2025-03-01",
        "sources_consulted": ["audit", "petition"],
    }
    with unchanged():
        bad = client.post(target_url, data)
    assert bad.status_code == 200
    assert list(bad.context["form"].errors) == ["exit_date"]
    response = client.post(target_url, {**data, "exit_date": "2025-05-30"})
    assert response.status_code == 302
    target = Target.objects.get(round=inspection.round, org_unit=unit)
    assert (target.team, target.sources_consulted) == (team, ["audit", "petition"])

    edit_url = reverse("target_edit", args=[target.pk])
    assert client.get(edit_url).status_code == 200
    response = client.post(
        edit_url, {"team": team.pk, "entry_meeting_date": "2025-04-02", "entry_date": "2025-04-01"}
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.entry_meeting_date, target.exit_date, target.sources_consulted) == (
        dt.date(2025, 4, 2),
        None,
        [],
    )

    page = client.get(reverse("round_detail", args=[pk])).content.decode()
    assert "第四分公司" in page and "newcomer" in page
    response = client.post(reverse("team_member_remove", args=[place.pk]))
    assert response.status_code == 302
    assert not RoleAssignment.objects.filter(user=newcomer).exists()


# --- API ------------------------------------------------------------------------------------

MODES = ["session", "token"]


@pytest.mark.parametrize("mode", MODES)
def test_api_lists_rounds_by_scope(inspection: Inspection, make_user: Callable, mode: str) -> None:
    for user in (inspection.office, inspection.members[0]):
        response = api_client(user, mode).get("/api/inspections/rounds")
        assert response.status_code == 200, response.content
        assert [r["id"] for r in response.json()["items"]] == [inspection.round.pk]
    nobody = api_client(make_user("nobody", role="unit_liaison", org=inspection.units[0]), mode)
    assert nobody.get("/api/inspections/rounds").status_code == 403
    assert nobody.get(f"/api/inspections/rounds/{inspection.round.pk}").status_code == 403


@pytest.mark.parametrize("mode", MODES)
def test_api_round_detail_is_scoped(inspection: Inspection, mode: str) -> None:
    url = f"/api/inspections/rounds/{inspection.round.pk}"
    body = api_client(inspection.office, mode).get(url).json()
    assert body["code"] == "2025-1" and body["state"] == "planning"
    assert [t["id"] for t in body["teams"]] == [t.pk for t in inspection.teams]
    assert [t["id"] for t in body["targets"]] == [t.pk for t in inspection.targets]
    assert body["targets"][0]["sources_consulted"] == ["discipline", "audit"]

    body = api_client(inspection.members[1], mode).get(url).json()
    assert [t["id"] for t in body["teams"]] == [inspection.teams[1].pk]
    assert [m["username"] for m in body["teams"][0]["members"]] == ["leader2", "member2"]
    assert [t["id"] for t in body["targets"]] == [inspection.targets[2].pk]
    missing = api_client(inspection.office, mode).get(f"{url}000")
    assert missing.status_code == 403


@pytest.mark.parametrize("mode", MODES)
def test_api_plans_a_round(
    inspection: Inspection, office: User, make_user: Callable, mode: str
) -> None:
    client = api_client(office, mode)
    response = post_json(client, "/api/inspections/rounds", {"code": "R-2", "name_zh": "第二轮"})
    assert response.status_code == 201, response.content
    rid = response.json()["id"]
    with unchanged():
        dup = post_json(client, "/api/inspections/rounds", {"code": "R-2", "name_zh": "又"})
    assert dup.status_code == 422 and "code" in dup.json()["errors"]

    response = post_json(
        client, f"/api/inspections/rounds/{rid}/teams", {"number": 1, "name_zh": "组"}
    )
    assert response.status_code == 201, response.content
    team_id = response.json()["id"]
    with unchanged():
        dup = post_json(
            client, f"/api/inspections/rounds/{rid}/teams", {"number": 1, "name_zh": "x"}
        )
    assert dup.status_code == 422 and "number" in dup.json()["errors"]

    make_user("newcomer")
    members = f"/api/inspections/teams/{team_id}/members"
    response = post_json(client, members, {"username": "newcomer", "position": "leader"})
    assert response.status_code == 201, response.content
    assert response.json()["position"] == "leader"
    with unchanged():
        bad = post_json(client, members, {"username": "ghost", "position": "member"})
    assert bad.status_code == 422 and "username" in bad.json()["errors"]

    targets = f"/api/inspections/rounds/{rid}/targets"
    data = {"team_id": inspection.teams[0].pk, "org_unit_id": inspection.units[0].pk}
    with unchanged():
        foreign = post_json(client, targets, data)
    assert foreign.status_code == 422 and "team" in foreign.json()["errors"]
    data = {**data, "team_id": team_id, "sources_consulted": ["audit"]}
    response = post_json(client, targets, data)
    assert response.status_code == 201, response.content
    assert response.json()["org_unit_id"] == inspection.units[0].pk

    advance = f"/api/inspections/rounds/{rid}/advance"
    with unchanged():
        skip = post_json(client, advance, {"to_state": "closed"})
    assert skip.status_code == 422 and "state" in skip.json()["errors"]
    response = post_json(client, advance, {"to_state": "inspecting"})
    assert response.status_code == 200 and response.json()["state"] == "inspecting"


@pytest.mark.parametrize("mode", MODES)
def test_api_refuses_non_planners(inspection: Inspection, mode: str) -> None:
    client = api_client(inspection.leaders[0], mode)
    rid, team = inspection.round.pk, inspection.teams[0].pk
    before = AuditEvent.objects.count()
    with unchanged():
        for path, data in [
            ("/api/inspections/rounds", {"code": "R-3", "name_zh": "三"}),
            (f"/api/inspections/rounds/{rid}/advance", {"to_state": "inspecting"}),
            (f"/api/inspections/rounds/{rid}/teams", {"number": 5, "name_zh": "五"}),
            (
                f"/api/inspections/teams/{team}/members",
                {"username": "member2", "position": "member"},
            ),
            (
                f"/api/inspections/rounds/{rid}/targets",
                {"team_id": team, "org_unit_id": inspection.root.pk},
            ),
        ]:
            response = post_json(client, path, data)
            assert response.status_code == 403, (path, response.content)
    assert AuditEvent.objects.count() == before


def test_openapi_lists_the_planning_endpoints(client: Client) -> None:
    paths = client.get("/api/openapi.json").json()["paths"]
    for path in [
        "/api/inspections/rounds",
        "/api/inspections/rounds/{round_id}",
        "/api/inspections/rounds/{round_id}/advance",
        "/api/inspections/rounds/{round_id}/teams",
        "/api/inspections/teams/{team_id}/members",
        "/api/inspections/rounds/{round_id}/targets",
    ]:
        assert path in paths
