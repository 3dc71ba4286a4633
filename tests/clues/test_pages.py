"""Bad input through the pages and the API: refused with the service's specific message,
nothing changed; and the dashboard card of clue deadlines."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from jiandu.audit.models import AuditEvent
from jiandu.clues.models import Clue, ClueTransfer

from .conftest import People

pytestmark = pytest.mark.django_db


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def writes() -> int:
    return AuditEvent.objects.filter(kind="write").count()


def test_a_transfer_without_receiver_is_refused_on_the_page(people: People, register: Any) -> None:
    clue = register()
    before = writes()
    response = signed_in(people.officer).post(
        f"/clues/{clue.pk}/transfer/",
        {"receiver_kind": "discipline", "sent_on": dt.date.today().isoformat(), "confirmed": "on"},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Choose the body that receives the clue." in response.content.decode()
    clue.refresh_from_db()
    assert clue.state == "registered" and not ClueTransfer.objects.exists()
    assert writes() == before


def test_the_api_names_the_problem(people: People, register: Any) -> None:
    clue = register()
    client = signed_in(people.officer)
    before, count = writes(), Clue.objects.count()
    response = client.post(
        "/api/clues",
        {
            "summary": "无被反映人",
            "category": "corruption",
            "source": "petition",
            "received_date": "2026-03-02",
            "subjects": [],
        },
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "subjects" in response.json()["errors"]
    response = client.post(
        f"/api/clues/{clue.pk}/proposal",
        {"way": "burn", "reason": "x", "approver": "approver"},
        content_type="application/json",
    )
    assert response.status_code == 422
    assert "burn" in response.json()["errors"]["way"]
    client.post(
        f"/api/clues/{clue.pk}/proposal",
        {"way": "check", "reason": "核实", "approver": "approver"},
        content_type="application/json",
    )
    response = client.post(
        f"/api/clues/{clue.pk}/decision", {"approve": True}, content_type="application/json"
    )
    assert response.status_code == 422 and "decision" in response.json()["errors"]
    clue.refresh_from_db()
    assert clue.state == "proposed"
    assert Clue.objects.count() == count
    assert writes() == before + 1  # only the valid proposal


def test_the_home_dashboard_shows_overdue_clues(people: People, register: Any) -> None:
    late = register(received_date=dt.date(2026, 1, 5))
    page = signed_in(people.officer).get("/").content.decode()
    assert "data-clue-deadlines" in page and late.number in page and "data-overdue" in page
    assert "data-clue-deadlines" not in signed_in(people.stranger).get("/").content.decode()
    assert "data-clue-deadlines" not in signed_in(people.admin).get("/").content.decode()
