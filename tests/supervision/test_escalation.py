"""Escalation: a hit becomes a clue through the ledger's intake, with its evidence attached
and its subject persons linked; the clue then follows the ledger's need-to-know."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from openpyxl import load_workbook

from jiandu.accounts.models import Person
from jiandu.clues import access
from jiandu.clues.models import Clue
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed
from jiandu.supervision import escalation, services, warehouse
from jiandu.supervision.models import Hit

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def setup(make_user: Any, make_run: Any, default_wh: Path) -> dict[str, Any]:
    analyst = make_user("analyst1", role="analyst")
    officer = make_user("officer1", role="clue_officer")
    # 王芳 of the warehouse (p1) is also a person of the workflow, by her ID number.
    wang = Person.objects.create(name="王芳", id_number="11010519491231002X")
    hits = [
        record(subject_id="pay-1", persons=("p1",), orgs=("o1",)),
        record("B01", "c1", subject_type="contract", persons=("p2",), orgs=("o2",)),
    ]
    services.import_hits(
        actor=analyst,
        run=make_run(analyst),
        hits=hits,
        facts=warehouse.facts(["p1", "p2"], ["o1", "o2"]),
    )
    return {
        "analyst": analyst,
        "officer": officer,
        "wang": wang,
        "paid": Hit.objects.get(subject_id="pay-1"),
        "cadre": Hit.objects.get(subject_id="c1"),
    }


def _escalate(actor: Any, keeper: Any, hit: Hit, **extra: Any) -> Clue:
    return escalation.escalate(
        actor=actor,
        hit=hit,
        summary=escalation.default_summary(hit),
        category="people_facing",
        keeper=keeper,
        subjects=escalation.candidates(hit),
        **extra,
    )


def test_escalation_creates_a_clue_with_evidence_and_linked_subjects(setup: dict[str, Any]) -> None:
    hit = setup["paid"]
    clue = _escalate(setup["analyst"], setup["officer"], hit)
    hit.refresh_from_db()
    assert hit.state == Hit.State.ESCALATED and hit.clue_number == clue.number
    assert (clue.source, clue.origin, clue.category) == (
        "model_hit",
        f"hit:{hit.key}",
        "people_facing",
    )
    [subject] = clue.subjects.all()
    assert subject.person == setup["wang"] and subject.name == "王芳"
    [attachment] = clue.attachments.all()
    assert attachment.original_name.endswith(".xlsx")
    # The keeper reads the clue; the analyst who escalated it does not (need to know).
    assert access.can_read(setup["officer"], clue)
    assert not access.can_read(setup["analyst"], clue)


def test_the_evidence_workbook(setup: dict[str, Any]) -> None:
    from jiandu.supervision import documents

    book = load_workbook(io.BytesIO(documents.evidence_workbook(setup["paid"])))
    assert book.sheetnames[1] == "payments"
    rows = list(book["payments"].values)
    assert rows[0][:2] == ("payment_id", "amount") and rows[1][:2] == ("pay-1", 680)


def test_an_escalated_hit_stays_escalated(setup: dict[str, Any]) -> None:
    hit = setup["paid"]
    _escalate(setup["analyst"], setup["officer"], hit)
    before = Clue.objects.count()
    with pytest.raises(InvalidTransition):
        _escalate(setup["analyst"], setup["officer"], hit)
    with pytest.raises(InvalidTransition):
        services.dismiss(
            actor=setup["analyst"], hit=hit, reason=services.DismissalReason.objects.first()
        )
    assert Clue.objects.count() == before


def test_a_refused_escalation_changes_nothing(setup: dict[str, Any]) -> None:
    # The analyst may not see a hit naming a leading cadre, so may not escalate it.
    with pytest.raises(PermissionDenied):
        _escalate(setup["analyst"], setup["officer"], setup["cadre"])
    # Without a keeper who keeps clues, the ledger refuses, and the hit stays open.
    with pytest.raises(ValidationFailed):
        _escalate(setup["analyst"], setup["analyst"], setup["paid"])
    setup["paid"].refresh_from_db()
    assert setup["paid"].state == Hit.State.NEW and not Clue.objects.exists()


def test_the_clue_officer_escalates_a_cadre_hit(setup: dict[str, Any]) -> None:
    hit = setup["cadre"]
    assert hit.names_leading_cadre
    clue = _escalate(setup["officer"], setup["officer"], hit)
    [subject] = clue.subjects.all()
    assert subject.name == "李强" and "局长" in subject.post  # the warehouse's post


def test_escalate_through_the_page(setup: dict[str, Any], client: Client) -> None:
    hit = setup["paid"]
    client.force_login(setup["analyst"])
    page = client.get(f"/supervision/hits/{hit.pk}/").content.decode()
    assert 'data-action="escalate"' in page
    form = client.get(f"/supervision/hits/{hit.pk}/escalate/").content.decode()
    assert "王芳" in form
    response = client.post(
        f"/supervision/hits/{hit.pk}/escalate/",
        {
            "summary": "低保死亡后仍发放",
            "category": "people_facing",
            "keeper": setup["officer"].pk,
            "subjects": ["p1"],
            "confidentiality": "confidential",
        },
    )
    assert response.status_code == 302
    clue = Clue.objects.get()
    page = client.get(f"/supervision/hits/{hit.pk}/").content.decode()
    assert clue.number in page and 'data-action="escalate"' not in page
