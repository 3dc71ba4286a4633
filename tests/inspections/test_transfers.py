"""Transfers: problem clues to the discipline commission, the organization department or
another body, sector problems to functional departments; acknowledgement by the receiving
body; who sees which transfer; pages and API."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest
from django.urls import reverse

from jiandu.accounts.models import OrgUnit, Person, Post
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.inspections.models import Transfer
from jiandu.inspections.selectors import reporting as selectors
from jiandu.inspections.services import planning
from jiandu.inspections.services import transfers as services

from .conftest import Inspection, make_unit
from .test_reporting import (
    advance,
    api_client,
    client_for,
    finding,
    last_event,
    post_json,
    seed_findings,
    unchanged,
)

pytestmark = pytest.mark.django_db

DATE = dt.date(2026, 4, 1)


def _unit(code: str, name: str, kind: str) -> OrgUnit:
    unit = make_unit(code, name)
    unit.kind = kind
    unit.save(update_fields=["kind"])
    return unit


@pytest.fixture
def tr(inspection: Inspection, make_user: Callable) -> Inspection:
    """The round in reporting with findings; a discipline commission (JW) with a
    supervisor and a clue officer, a functional department (DEP) with its user, and a
    cadre of units[0]."""
    advance(inspection, "reporting")
    x = inspection.extra
    x["findings"] = seed_findings(inspection)
    x["jw"] = _unit("JW", "纪委监委", "commission")
    x["dep"] = _unit("DEP", "行业主管部门", "department")
    x["discipline"] = make_user("disc", role="discipline_supervisor", org=x["jw"])
    x["clues"] = make_user("clues", role="clue_officer", org=x["jw"])
    x["sector"] = make_user("sector", role="functional_dept", org=x["dep"])
    x["cadre"] = Person.objects.create(name="王经理")
    Post.objects.create(
        person=x["cadre"], org_unit=inspection.units[0], title="总经理", start_date=DATE
    )
    x["stranger"] = Person.objects.create(name="路人")
    return inspection


def clue(tr: Inspection, **kw: Any) -> Transfer:
    x = tr.extra
    values: dict[str, Any] = {
        "actor": tr.leaders[0],
        "round": tr.round,
        "kind": "clue",
        "receiver_kind": "discipline",
        "receiver_unit": x["jw"],
        "date": DATE,
        "summary": "王经理违规收受礼金的问题线索",
        "target": tr.targets[0],
        "findings": [x["findings"]["b3"]],
        "persons": [x["cadre"]],
    }
    values.update(kw)
    return services.create_transfer(**values)


def sector(tr: Inspection, **kw: Any) -> Transfer:
    values: dict[str, Any] = {
        "actor": tr.office,
        "round": tr.round,
        "kind": "sector",
        "receiver_kind": "functional",
        "receiver_unit": tr.extra["dep"],
        "date": DATE,
        "summary": "行业共性问题：主业投资偏离",
        "target": None,
        "findings": [tr.extra["findings"]["a1"], tr.extra["findings"]["t1_a1"]],
        "persons": [],
    }
    values.update(kw)
    return services.create_transfer(**values)


# --- creating -------------------------------------------------------------------------------


def test_clue_transfer_keeps_the_full_record(tr: Inspection) -> None:
    x = tr.extra
    transfer = clue(tr)
    assert (transfer.kind, transfer.receiver_kind, transfer.state) == ("clue", "discipline", "sent")
    assert (transfer.round, transfer.target, transfer.receiver_unit) == (
        tr.round,
        tr.targets[0],
        x["jw"],
    )
    assert transfer.created_by == tr.leaders[0] and transfer.date == DATE
    assert list(transfer.findings.all()) == [x["findings"]["b3"]]
    assert list(transfer.persons.all()) == [x["cadre"]]
    event = last_event()
    assert event.action == "transfer.create"
    assert event.changes["persons"] == [x["cadre"].pk]
    assert event.changes["findings"] == [x["findings"]["b3"].pk]
    assert event.changes["after"]["receiver_unit"] == x["jw"].pk


def test_sector_transfer_by_the_office(tr: Inspection) -> None:
    transfer = sector(tr)
    assert transfer.target is None and transfer.findings.count() == 2


def test_a_leader_concerned_by_a_finding_may_be_named(tr: Inspection) -> None:
    x = tr.extra
    leader = Person.objects.create(name="李书记")
    x["findings"]["b3"].leaders.add(leader)
    assert list(clue(tr, persons=[leader]).persons.all()) == [leader]


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"receiver_kind": "functional"}, "receiver_kind"),
        ({"kind": "sector", "receiver_kind": "discipline", "persons": []}, "receiver_kind"),
        ({"kind": "sector", "receiver_kind": "organization", "persons": []}, "receiver_kind"),
        ({"kind": "bribe"}, "kind"),
        ({"persons": []}, "persons"),
        ({"summary": "  "}, "summary"),
        ({"date": None}, "date"),
    ],
)
def test_bad_input_is_refused(tr: Inspection, changes: dict[str, Any], field: str) -> None:
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        clue(tr, **changes)
    assert field in exc.value.errors, exc.value.errors


def test_records_that_do_not_fit_are_refused(tr: Inspection) -> None:
    x = tr.extra
    with unchanged():
        with pytest.raises(ValidationFailed) as exc:
            clue(tr, persons=[x["cadre"], x["stranger"]])
        assert "路人" in exc.value.errors["persons"]
        with pytest.raises(ValidationFailed) as exc:
            clue(tr, receiver_unit=tr.units[1])  # an inspected enterprise
        assert "receiver_unit" in exc.value.errors
        with pytest.raises(ValidationFailed) as exc:
            clue(tr, findings=[x["findings"]["t1_a1"]])  # another target of the team
        assert "findings" in exc.value.errors
        with pytest.raises(ValidationFailed) as exc:
            clue(tr, findings=[x["findings"]["draft"]])
        assert "findings" in exc.value.errors
    # A finding of another round.
    other_round = planning.create_round(actor=tr.office, code="2026-1", name_zh="另一轮")
    team = planning.create_team(actor=tr.office, round=other_round, number=1, name_zh="组")
    elsewhere = planning.add_target(
        actor=tr.office, round=other_round, team=team, org_unit=tr.units[0]
    )
    foreign = finding(elsewhere, "A1", "另一轮的问题")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        sector(tr, findings=[foreign])
    assert "another round" in exc.value.errors["findings"]
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        clue(tr, actor=tr.office, target=elsewhere, findings=[])
    assert "target" in exc.value.errors


def test_who_may_transfer(tr: Inspection, make_user: Callable) -> None:
    x = tr.extra
    with unchanged():
        for actor in (tr.members[0], tr.leaders[1], x["discipline"], x["sector"], make_user("n")):
            with pytest.raises(PermissionDenied):
                clue(tr, actor=actor)
        # A team transfers only for its own targets, never for the whole round.
        with pytest.raises(PermissionDenied):
            sector(tr, actor=tr.leaders[0], findings=[])
        with pytest.raises(PermissionDenied):
            clue(tr, target=tr.targets[2], findings=[])
        # Nor with another team's findings.
        with pytest.raises(PermissionDenied):
            clue(tr, target=tr.targets[0], findings=[x["findings"]["t2_b3"]])


@pytest.mark.parametrize("stage", ["planning", "closed"])
def test_transfers_need_an_open_round(
    inspection: Inspection, make_user: Callable, stage: str
) -> None:
    if stage != "planning":
        advance(inspection, stage)
    jw = _unit("JW", "纪委监委", "commission")
    with unchanged(), pytest.raises(ValidationFailed) as exc:
        services.create_transfer(
            actor=inspection.office,
            round=inspection.round,
            kind="sector",
            receiver_kind="functional",
            receiver_unit=jw,
            date=DATE,
            summary="x",
        )
    assert "round" in exc.value.errors


# --- acknowledging ------------------------------------------------------------------------


def test_acknowledge(tr: Inspection) -> None:
    x = tr.extra
    transfer = clue(tr)
    with unchanged():
        for actor in (x["sector"], tr.office, tr.leaders[0]):
            with pytest.raises(PermissionDenied):
                services.acknowledge_transfer(actor=actor, transfer=transfer)
    transfer = services.acknowledge_transfer(actor=x["clues"], transfer=transfer)
    assert (transfer.state, transfer.acknowledged_by) == ("acknowledged", x["clues"])
    assert transfer.acknowledged_at is not None
    assert last_event().changes["state"] == {"before": "sent", "after": "acknowledged"}
    with unchanged(), pytest.raises(InvalidTransition):
        services.acknowledge_transfer(actor=x["discipline"], transfer=transfer)
    to_dep = sector(tr)
    with unchanged(), pytest.raises(PermissionDenied):
        services.acknowledge_transfer(actor=x["discipline"], transfer=to_dep)
    assert services.acknowledge_transfer(actor=x["sector"], transfer=to_dep).state == "acknowledged"


# --- who sees what ----------------------------------------------------------------------------


def test_visibility(tr: Inspection, make_user: Callable) -> None:
    x = tr.extra
    a, b = clue(tr), sector(tr)
    c = clue(tr, actor=tr.office, target=tr.targets[2], findings=[], receiver_kind="organization")
    unit = make_user("unit", role="unit_leader", org=tr.units[0])
    assert set(selectors.transfers(tr.office)) == {a, b, c}
    assert set(selectors.transfers(tr.leaders[0])) == {a}
    assert set(selectors.transfers(tr.leaders[1])) == {c}
    assert set(selectors.transfers(x["clues"])) == {a, c}
    assert set(selectors.transfers(x["sector"])) == {b}
    assert set(selectors.transfers(unit)) == set()
    assert set(selectors.transfers(tr.members[0])) == set()
    with pytest.raises(PermissionDenied):
        selectors.transfer(x["sector"], a.pk)
    assert selectors.can_acknowledge(x["clues"], a) and not selectors.can_acknowledge(tr.office, a)


# --- pages ----------------------------------------------------------------------------------


def test_transfer_pages(tr: Inspection, make_user: Callable) -> None:
    x = tr.extra
    leader, clues, sector_user = (client_for(u) for u in (tr.leaders[0], x["clues"], x["sector"]))
    for user in (make_user("unit", role="unit_leader", org=tr.units[0]), tr.members[0]):
        assert client_for(user).get(reverse("transfers")).status_code == 403
    create = reverse("transfer_create", args=[tr.round.pk])
    assert leader.get(create).status_code == 200
    assert client_for(tr.members[0]).get(create).status_code == 403
    assert sector_user.get(create).status_code == 403
    form = {
        "kind": "clue",
        "receiver_kind": "discipline",
        "receiver_unit": x["jw"].pk,
        "date": "2026-04-01",
        "target": tr.targets[0].pk,
        "summary": "问题线索",
        "findings": [x["findings"]["b3"].pk],
        "persons": [x["cadre"].pk],
    }
    with unchanged():
        bad = leader.post(create, {**form, "receiver_kind": "functional"})
        assert bad.status_code == 200 and "functional department" in bad.content.decode()
        # The leader must name one of the team's targets.
        assert leader.post(create, {**form, "target": ""}).status_code == 200
        assert leader.post(create, {**form, "target": tr.targets[2].pk}).status_code == 200
    response = leader.post(create, form)
    assert response.status_code == 302 and response.url == reverse("transfers")
    transfer = Transfer.objects.get()
    assert list(transfer.persons.all()) == [x["cadre"]]
    listing = clues.get(reverse("transfers")).content.decode()
    ack = reverse("transfer_acknowledge", args=[transfer.pk])
    assert "问题线索" in listing and ack in listing
    assert ack not in leader.get(reverse("transfers")).content.decode()
    assert "问题线索" not in sector_user.get(reverse("transfers")).content.decode()
    with unchanged():
        assert sector_user.post(ack).status_code == 403
        assert leader.post(ack).status_code == 403
    assert clues.post(ack).status_code == 302
    assert Transfer.objects.get().state == "acknowledged"
    with unchanged():
        assert "alert-danger" in clues.post(ack, follow=True).content.decode()
    section = leader.get(reverse("round_reporting", args=[tr.round.pk])).content.decode()
    assert "问题线索" in section


# --- API ------------------------------------------------------------------------------------


@pytest.mark.parametrize("mode", ["session", "token"])
def test_transfer_api(tr: Inspection, mode: str, make_user: Callable) -> None:
    x = tr.extra
    leader, clues, other = (api_client(u, mode) for u in (tr.leaders[0], x["clues"], tr.leaders[1]))
    unit = api_client(make_user("unit", role="unit_leader", org=tr.units[0]), mode)
    body = {
        "round_id": tr.round.pk,
        "kind": "clue",
        "receiver_kind": "discipline",
        "receiver_unit_id": x["jw"].pk,
        "date": "2026-04-01",
        "summary": "问题线索",
        "target_id": tr.targets[0].pk,
        "finding_ids": [x["findings"]["b3"].pk],
        "person_ids": [x["cadre"].pk],
    }
    url = "/api/inspections/transfers"
    with unchanged():
        for client in (other, unit):
            assert post_json(client, url, body).status_code == 403
        assert post_json(leader, url, {**body, "target_id": None}).status_code == 403
        assert post_json(leader, url, {**body, "finding_ids": [999999]}).status_code == 403
        mismatch = post_json(leader, url, {**body, "receiver_kind": "functional"})
        assert mismatch.status_code == 422 and "receiver_kind" in mismatch.json()["errors"]
        stranger = post_json(leader, url, {**body, "person_ids": [x["stranger"].pk]})
        assert stranger.status_code == 422 and "person_ids" in stranger.json()["errors"]
        unit_as_receiver = post_json(leader, url, {**body, "receiver_unit_id": tr.units[1].pk})
        assert unit_as_receiver.status_code == 422
    created = post_json(leader, url, body)
    assert created.status_code == 201, created.content
    out = created.json()
    assert out["person_ids"] == [x["cadre"].pk] and out["state"] == "sent"
    assert [t["id"] for t in clues.get(url).json()["items"]] == [out["id"]]
    assert other.get(url).json()["items"] == []
    assert unit.get(url).status_code == 403
    ack = f"{url}/{out['id']}/acknowledge"
    with unchanged():
        assert post_json(leader, ack).status_code == 403
        assert post_json(other, ack).status_code == 403
    done = post_json(clues, ack)
    assert done.status_code == 200 and done.json()["state"] == "acknowledged"
    assert post_json(clues, ack).status_code == 422


def test_target_section_lists_the_transfers(tr: Inspection) -> None:
    transfer = clue(tr)
    section = selectors.target_section(tr.leaders[0], tr.targets[0])["reporting"]
    assert section.transfers == [transfer] and section.can_transfer
    assert selectors.target_section(tr.members[0], tr.targets[0])["reporting"].transfers == []
    assert selectors.target_section(tr.leaders[1], tr.targets[0])["reporting"].transfers == []
