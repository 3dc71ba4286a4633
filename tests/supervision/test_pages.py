"""The pages: queue filters, the hit page with evidence and warehouse facts, triage
through forms, the overview, the catalogue, the home page's notices."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jiandu.supervision import services, warehouse
from jiandu.supervision.models import DismissalReason, Hit

from .conftest import record

pytestmark = pytest.mark.django_db


@pytest.fixture
def analyst_client(make_user: Any, make_run: Any, client: Client) -> tuple[Any, Client]:
    analyst = make_user("analyst1", role="analyst")
    hits = [
        record(subject_id="pay-1", persons=("p1",), orgs=("o1",)),
        record("B04", "c1", subject_type="contract", persons=("p3",), orgs=("o2",), score=0.6),
    ]
    services.import_hits(actor=analyst, run=make_run(analyst), hits=hits, facts=warehouse.Facts())
    client.force_login(analyst)
    return analyst, client


def test_queue_and_filters(analyst_client: tuple[Any, Client]) -> None:
    _analyst, client = analyst_client
    page = client.get("/supervision/").content.decode()
    assert page.count("data-hit=") == 2
    page = client.get("/supervision/?theme=B&min_score=0.5").content.decode()
    assert page.count("data-hit=") == 1 and 'data-model="B04"' in page
    page = client.get("/supervision/?region=abc").content.decode()
    assert "invalid-feedback" in page


def test_hit_page_shows_evidence_and_the_warehouse(
    analyst_client: tuple[Any, Client], default_wh: Any
) -> None:
    _analyst, client = analyst_client
    hit = Hit.objects.get(subject_id="c1")
    page = client.get(f"/supervision/hits/{hit.pk}/").content.decode()
    assert "payment_id" in page and "680.00" in page  # evidence as a table
    assert 'data-person="p3"' in page and "赵敏" in page
    assert "科员" in page  # p3's post
    assert "某某公司" in page and "60.00" in page  # the company p3 owns
    assert 'data-org="o2"' in page and "1,200,000.00" in page and "民政局" in page  # contract
    response = client.get(f"/supervision/hits/{hit.pk}/evidence.xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert response.content[:2] == b"PK"


def test_hit_page_without_a_warehouse(analyst_client: tuple[Any, Client]) -> None:
    _analyst, client = analyst_client
    hit = Hit.objects.get(subject_id="pay-1")
    with translation.override("en"):
        page = client.get(f"/supervision/hits/{hit.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200


def test_dismiss_through_the_form(analyst_client: tuple[Any, Client]) -> None:
    _analyst, client = analyst_client
    hit = Hit.objects.get(subject_id="pay-1")
    other = DismissalReason.objects.get(code="other")
    response = client.post(f"/supervision/hits/{hit.pk}/dismiss/", {"reason": other.pk})
    assert response.status_code == 200 and "invalid-feedback" in response.content.decode()
    hit.refresh_from_db()
    assert hit.state == Hit.State.NEW
    response = client.post(
        f"/supervision/hits/{hit.pk}/dismiss/", {"reason": other.pk, "comment": "重复"}
    )
    assert response.status_code == 302
    hit.refresh_from_db()
    assert (hit.state, hit.comment) == (Hit.State.DISMISSED, "重复")
    page = client.get(f"/supervision/hits/{hit.pk}/").content.decode()
    assert "data-reason" in page and other.label_zh in page


def test_overview_catalogue_and_notices(analyst_client: tuple[Any, Client]) -> None:
    _analyst, client = analyst_client
    page = client.get("/supervision/overview/").content.decode()
    assert 'data-chart="bars"' in page and 'id="open-regions"' in page
    page = client.get("/supervision/models/B04/").content.decode()
    assert 'id="precision"' in page
    assert client.get("/supervision/models/NOPE/").status_code == 404
    home = client.get("/").content.decode()
    assert 'id="hit-notices"' in home and 'data-stat="high-hits">1<' in home
