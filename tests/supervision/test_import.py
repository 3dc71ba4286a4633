"""Importing a run's hits: idempotent, stable keys across runs, scope and cadre facts."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.supervision import services, warehouse
from jiandu.supervision.models import DismissalReason, Hit, Occurrence, OrgLink

from .conftest import record

pytestmark = pytest.mark.django_db


def _facts(wh: Path, records: list[Any]) -> warehouse.Facts:
    return warehouse.facts(
        [p for r in records for p in r.person_ids], [o for r in records for o in r.org_ids], path=wh
    )


def test_importing_the_same_run_twice_adds_nothing(make_user: Any, make_run: Any, wh: Path) -> None:
    analyst = make_user("a1", role="analyst")
    run = make_run(analyst)
    records = [record(subject_id=f"pay-{i}") for i in range(7)]
    first = services.import_hits(actor=analyst, run=run, hits=records, facts=_facts(wh, records))
    assert (first.hits, first.new, first.seen_again, first.already_imported) == (7, 7, 0, 0)
    events = AuditEvent.objects.filter(action="hits.import").count()
    second = services.import_hits(actor=analyst, run=run, hits=records, facts=_facts(wh, records))
    assert (second.new, second.seen_again, second.already_imported) == (0, 0, 7)
    assert Hit.objects.count() == 7
    assert Occurrence.objects.count() == 7
    run.refresh_from_db()
    assert (run.hit_count, run.new_hits, run.seen_again) == (7, 7, 0)
    assert AuditEvent.objects.filter(action="hits.import").count() == events + 1


def test_duplicates_within_one_run_are_one_lead(make_user: Any, make_run: Any) -> None:
    analyst = make_user("a1", role="analyst")
    run = make_run(analyst)
    services.import_hits(
        actor=analyst, run=run, hits=[record(), record(score=0.5)], facts=warehouse.Facts()
    )
    assert Hit.objects.get().score == 0.5


def test_a_hit_found_again_is_the_same_lead(make_user: Any, make_run: Any, wh: Path) -> None:
    analyst = make_user("a1", role="analyst")
    run1, run2 = make_run(analyst), make_run(analyst)
    first = [record(subject_id="pay-1"), record(subject_id="pay-2")]
    services.import_hits(actor=analyst, run=run1, hits=first, facts=_facts(wh, first))
    kept = Hit.objects.get(subject_id="pay-1")
    judged = Hit.objects.get(subject_id="pay-2")
    services.dismiss(
        actor=analyst, hit=judged, reason=DismissalReason.objects.get(code="data_error")
    )
    second = [
        record(subject_id="pay-1", score=0.7, version="2"),
        record(subject_id="pay-2", score=0.1, amount=1.0),
        record(subject_id="pay-3"),
    ]
    summary = services.import_hits(actor=analyst, run=run2, hits=second, facts=_facts(wh, second))
    assert (summary.new, summary.seen_again) == (1, 2)
    assert Hit.objects.count() == 3
    kept.refresh_from_db()
    assert kept.pk == Hit.objects.get(key=record(subject_id="pay-1").key).pk
    assert (kept.first_run_id, kept.last_run_id, kept.score, kept.model_version) == (
        run1.pk,
        run2.pk,
        0.7,
        "2",
    )
    assert list(kept.occurrences.order_by("run_id").values_list("run_id", "score")) == [
        (run1.pk, 0.9),
        (run2.pk, 0.7),
    ]
    # A dismissed lead stays dismissed, with the evidence that was judged.
    judged.refresh_from_db()
    assert judged.state == Hit.State.DISMISSED
    assert judged.score == 0.9 and judged.evidence["payments"][0]["amount"] == 680.0
    assert judged.occurrences.count() == 2


def test_import_reads_cadres_regions_and_links_units(
    make_user: Any, make_run: Any, wh: Path, unit: Any
) -> None:
    analyst = make_user("a1", role="analyst")
    civil = unit("CIVIL")
    OrgLink.objects.create(org_unit=civil, uscc="11330100MB0000001X")
    records = [
        record(subject_id="pay-1", persons=("p1",), orgs=("o1",)),
        record("B01", "c1", subject_type="contract", persons=("p2",), orgs=("o2",)),
    ]
    services.import_hits(
        actor=analyst, run=make_run(analyst), hits=records, facts=_facts(wh, records)
    )
    pay, contract = Hit.objects.get(subject_id="pay-1"), Hit.objects.get(subject_id="c1")
    assert not pay.names_leading_cadre
    assert contract.names_leading_cadre  # p2's other record p2b holds a leading post
    assert list(pay.org_units.all()) == [civil]
    assert list(contract.org_units.all()) == []
    assert (pay.region_code, contract.region_code) == ("330100", "330200")
    assert (pay.theme, contract.theme) == ("P", "B")


def test_import_needs_the_right_to_start_runs(make_user: Any, make_run: Any) -> None:
    from jiandu.core.errors import PermissionDenied

    officer = make_user("o1", role="office")
    run = make_run(officer)
    with pytest.raises(PermissionDenied):
        services.import_hits(actor=officer, run=run, hits=[record()], facts=warehouse.Facts())
    assert not Hit.objects.exists()


def test_themes_of_model_ids() -> None:
    assert services.theme_of("R024") == "T"
    assert services.theme_of("E03") == "E"
    assert services.theme_of("C02") == "C"
