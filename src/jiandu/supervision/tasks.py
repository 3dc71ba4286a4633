"""Background work of supervision, run by `jiandu worker`: one run (ingest or models).

The task takes the warehouse lock, calls the analytics package (which knows nothing of
Django), records the outcome on the `Run` row and, for a model run, imports the hits into
the triage queue in the name of the person who started it.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django_tasks import task

from . import runs
from .models import Run

log = logging.getLogger(__name__)


@task()
def execute_run(run_id: int) -> str:
    return perform(run_id)


def perform(run_id: int, *, directory: Path | None = None) -> str:
    """Execute a queued run now (the task's body; the demo calls it directly, with the
    register `directory` of an ingest instead of an uploaded archive)."""
    run = Run.objects.get(pk=run_id)
    if run.state != Run.State.QUEUED:
        return str(run.state)
    if not runs.acquire(run):
        _finish(run, Run.State.FAILED, error=_("Another run was writing to the warehouse."))
        return str(run.state)
    try:
        Run.objects.filter(pk=run.pk).update(
            state=Run.State.RUNNING, started_at=timezone.now(), progress=0.0
        )
        run.refresh_from_db()
        if run.kind == Run.Kind.INGEST:
            _ingest(run, directory)
        else:
            _models(run)
    except Exception as exc:  # the run records the failure; earlier results stay
        log.exception("run %s failed", run.pk)
        _finish(run, Run.State.FAILED, error=f"{type(exc).__name__}: {exc}"[:4000])
    finally:
        runs.release(run)
        if run.kind == Run.Kind.INGEST:
            runs.discard_upload(run)
    run.refresh_from_db()
    return str(run.state)


def _finish(run: Run, state: str, *, error: str = "", **fields: Any) -> None:
    Run.objects.filter(pk=run.pk).update(
        state=state,
        finished_at=timezone.now(),
        error=error,
        progress=1.0 if state == Run.State.SUCCEEDED else run.progress,
        progress_label="",
        **fields,
    )


def _ingest(run: Run, directory: Path | None) -> None:
    from jiandu.analytics.registers import ingest

    if directory is not None:
        report = ingest(directory, progress=runs.progress_callback(run))
    else:
        with runs.unpacked(Path(run.upload)) as unpacked:
            report = ingest(unpacked, progress=runs.progress_callback(run))
    data = runs.plain(report)
    if getattr(report, "ok", False):
        _finish(run, Run.State.SUCCEEDED, report=data)
    else:
        _finish(
            run,
            Run.State.FAILED,
            report=data,
            error=_("The registers were not loaded: see the rejected rows."),
        )


def _models(run: Run) -> None:
    from jiandu.analytics.engine import run_models

    from . import services

    result = run_models(
        only=run.only or None, params=run.params or None, progress=runs.progress_callback(run)
    )
    Run.objects.filter(pk=run.pk).update(
        engine_run_id=result.run_id,
        manifest_hash=result.manifest_hash or "",
        engine_started_at=parse_datetime(result.started_at or ""),
        engine_finished_at=parse_datetime(result.finished_at or ""),
        records=[runs.plain(m) for m in result.models],
        progress_label=_("Importing the hits"),
    )
    run.refresh_from_db()
    services.import_hits(actor=run.requested_by, run=run, hits=list(result.hits))
    _finish(run, Run.State.SUCCEEDED)
