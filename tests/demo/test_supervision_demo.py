"""The demo's supervision part: the catalogue runs on the synthetic world and the triage
queue shows every state; a second load changes nothing."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.apps import apps

from jiandu.demo import load, supervision, warehouse
from jiandu.supervision.models import Hit, Occurrence, Run


@pytest.mark.django_db
def test_the_demo_runs_the_catalogue_and_triages(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("JIANDU_DEMO_WORLD", "tiny")
    load()
    assert supervision.load().skipped  # no warehouse yet
    warehouse.load(tmp_path)
    summary = supervision.load()
    assert not summary.skipped
    assert Run.objects.filter(state=Run.State.SUCCEEDED).count() == 1
    states = set(Hit.objects.values_list("state", flat=True))
    expected = {"new", "under_review", "dismissed", "merged"}
    if apps.is_installed("jiandu.clues"):
        expected.add("escalated")
        assert len(summary.clues) >= 3
    assert expected <= states
    assert Hit.objects.filter(org_units__isnull=False).exists()
    assert Hit.objects.filter(names_leading_cadre=True).exists()
    assert Occurrence.objects.count() == Hit.objects.count()
    assert summary.hits == Hit.objects.count() > 50
    again = supervision.load()
    assert again.skipped and Hit.objects.count() == summary.hits
