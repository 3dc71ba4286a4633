"""The whole way through the worker: an uploaded register zip is ingested, the models run,
their hits become leads; a second run finds the same leads again."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiandu.supervision import runs
from jiandu.supervision.models import Hit, OrgLink, Run, RunLock

from . import world

pytestmark = pytest.mark.django_db


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("JIANDU_DATA_DIR", str(tmp_path))
    return tmp_path


def test_upload_ingest_run_and_import(
    make_user: Any, unit: Any, data_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    analyst = make_user("a1", role="analyst")
    OrgLink.objects.create(org_unit=unit("SOE-X"), uscc="91330100MA0000003Q")
    upload = SimpleUploadedFile("world.zip", world.zip_bytes(), content_type="application/zip")
    with django_capture_on_commit_callbacks(execute=True):
        ingest = runs.start_ingest(actor=analyst, upload=upload)
    ingest.refresh_from_db()
    assert ingest.state == Run.State.SUCCEEDED, ingest.error
    assert {r["name"] for r in ingest.report["registers"]} >= {"persons", "payments"}
    assert not Path(ingest.upload).exists()  # the archive is removed after loading
    assert (data_dir / "warehouse.duckdb").exists()

    with django_capture_on_commit_callbacks(execute=True):
        first = runs.start_model_run(actor=analyst, only=["P01", "B01", "B04"])
    first.refresh_from_db()
    assert first.state == Run.State.SUCCEEDED, first.error
    assert first.engine_run_id and first.manifest_hash
    assert {r["model_id"]: r["status"] for r in first.records} == {
        "P01": "ok",
        "B01": "ok",
        "B04": "ok",
    }
    keys = set(Hit.objects.values_list("key", flat=True))
    assert keys == {"P01:payment:pay1", "B01:contract:c1", "B04:contract:c1"}
    assert (first.hit_count, first.new_hits, first.seen_again) == (3, 3, 0)
    b01 = Hit.objects.get(model_id="B01")
    assert b01.names_leading_cadre  # names the cadre p2 of the buyer
    assert [u.code for u in b01.org_units.all()] == ["SOE-X"]
    assert RunLock.objects.get(name=runs.LOCK).holder is None

    with django_capture_on_commit_callbacks(execute=True):
        second = runs.start_model_run(actor=analyst)
    second.refresh_from_db()
    assert second.state == Run.State.SUCCEEDED, second.error
    assert (second.new_hits, second.seen_again) == (0, 3)
    assert Hit.objects.count() == 3
    assert Hit.objects.get(model_id="P01").occurrences.count() == 2


def test_a_failed_load_records_the_rejections(
    make_user: Any, data_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    import io
    import zipfile

    analyst = make_user("a1", role="analyst")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("persons.csv", "person_id,name\n,无编号\n")
    upload = SimpleUploadedFile("bad.zip", buffer.getvalue())
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start_ingest(actor=analyst, upload=upload)
    run.refresh_from_db()
    assert run.state == Run.State.FAILED
    assert run.report["rejections"] and run.report["rejections"][0]["file"] == "persons.csv"


def test_a_model_run_without_a_warehouse_fails_cleanly(
    make_user: Any, data_dir: Path, django_capture_on_commit_callbacks: Any
) -> None:
    analyst = make_user("a1", role="analyst")
    with django_capture_on_commit_callbacks(execute=True):
        run = runs.start_model_run(actor=analyst)
    run.refresh_from_db()
    assert run.state == Run.State.FAILED and "ingest" in run.error
    assert not Hit.objects.exists()
