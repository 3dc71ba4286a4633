"""Runs from the web: the zip checks, one run at a time, the lock, parameters."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.supervision import runs
from jiandu.supervision.models import Run, RunLock

pytestmark = pytest.mark.django_db


def zipped(files: dict[str, str], name: str = "registers.zip") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for path, text in files.items():
            archive.writestr(path, text)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/zip")


@pytest.fixture(autouse=True)
def english() -> Any:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_worker(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """Runs are queued, not executed, in these tests."""
    queued: list[int] = []
    monkeypatch.setattr(runs, "_enqueue", lambda run: queued.append(run.pk))
    return queued


def test_an_uploaded_zip_is_checked_before_it_is_queued(
    make_user: Any, no_worker: list[int]
) -> None:
    analyst = make_user("a1", role="analyst")
    bad = [
        (SimpleUploadedFile("r.pdf", b"%PDF-1.4"), "upload a .zip"),
        (SimpleUploadedFile("r.zip", b"not a zip"), "not a zip"),
        (zipped({"../persons.csv": "person_id,name\n"}), "outside the archive"),
        (zipped({"empty/": ""}), "is empty"),
    ]
    for upload, message in bad:
        with pytest.raises(ValidationFailed) as exc:
            runs.start_ingest(actor=analyst, upload=upload)
        assert message in exc.value.errors["file"]
    assert not Run.objects.exists() and no_worker == []
    assert not list(runs.upload_dir().glob("*.zip"))
    run = runs.start_ingest(actor=analyst, upload=zipped({"w/persons.csv": "person_id,name\n"}))
    assert (run.kind, run.state, run.upload_name) == ("ingest", "queued", "registers.zip")
    assert no_worker == [run.pk]
    assert AuditEvent.objects.filter(action="run.ingest", target_id=str(run.pk)).exists()
    with runs.unpacked(Path(run.upload)) as directory:
        assert (directory / "persons.csv").exists()  # the single top folder is entered


def test_one_run_at_a_time(make_user: Any) -> None:
    analyst = make_user("a1", role="analyst")
    first = runs.start_model_run(actor=analyst, only=["P01"], params={"P01": {"grace_days": "60"}})
    assert (first.only, first.params) == (["P01"], {"P01": {"grace_days": "60"}})
    with pytest.raises(ValidationFailed):
        runs.start_model_run(actor=analyst)
    with pytest.raises(ValidationFailed):
        runs.start_ingest(actor=analyst, upload=zipped({"persons.csv": "x"}))
    Run.objects.filter(pk=first.pk).update(state=Run.State.SUCCEEDED)
    runs.start_model_run(actor=analyst)


def test_only_those_who_may_start_runs(make_user: Any) -> None:
    reader = make_user("d1", role="discipline_supervisor")
    with pytest.raises(PermissionDenied):
        runs.start_model_run(actor=reader)
    assert not Run.objects.exists()


def test_the_lock_admits_one_writer(make_user: Any, make_run: Any) -> None:
    user = make_user("a1", role="analyst")
    one, two = make_run(user), make_run(user)
    assert runs.acquire(one)
    assert not runs.acquire(two)
    runs.release(two)  # not the holder: nothing changes
    assert RunLock.objects.get(name=runs.LOCK).holder_id == one.pk
    runs.release(one)
    assert runs.acquire(two)
    # A lock left by a run that is no longer running (its worker died) is taken over.
    Run.objects.filter(pk=two.pk).update(state=Run.State.FAILED)
    assert runs.acquire(one)


def test_parameters_are_parsed_and_checked() -> None:
    known = {"P01": {"grace_days"}, "B04": {"min_amount", "max_age_days"}}
    text = "P01.grace_days = 60\n# comment\n\nb04.min_amount=2000000\n"
    assert runs.parse_params(text, known) == {
        "P01": {"grace_days": "60"},
        "B04": {"min_amount": "2000000"},
    }
    for bad, where in [
        ("P01.grace_days", "Line 1"),
        ("X.y=1", "Line 1"),
        ("\nP01.nope=1", "Line 2"),
    ]:
        with pytest.raises(ValidationFailed) as exc:
            runs.parse_params(bad, known)
        assert where in exc.value.errors["params"]


def test_progress_callback_accepts_what_engines_pass(make_user: Any, make_run: Any) -> None:
    run = make_run(make_user("a1", role="analyst"))
    report = runs.progress_callback(run)
    report(3, 4, "B01")
    run.refresh_from_db()
    assert (run.progress, run.progress_label) == (0.75, "B01")
    report(fraction=1.0, label="done")
    run.refresh_from_db()
    assert (run.progress, run.progress_label) == (1.0, "done")
