"""Runs from the web: an ingest of an uploaded register directory (a zip) or a run of the
model catalogue, queued for `jiandu worker` and executed by `tasks.execute_run`.

Two runs never write at the same time: starting one is refused while another is queued
or running, and the task itself takes the `RunLock` row with a conditional UPDATE before
it touches the warehouse, so a second worker (or a run started behind the page's back)
waits its turn by failing cleanly instead of writing.
"""

from __future__ import annotations

import datetime as dt
import tempfile
import zipfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, is_dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed

from .models import Run, RunLock

LOCK = "warehouse"
UPLOAD_MAX_DEFAULT = 1024 * 1024 * 1024  # 1 GiB compressed
UNPACKED_MAX = 8 * 1024 * 1024 * 1024  # 8 GiB uncompressed
PARAM_MAX = 2000


def upload_dir() -> Path:
    return Path(settings.DATA_DIR) / "uploads" / "registers"


def _refuse_if_busy() -> None:
    busy = Run.objects.filter(state__in=[Run.State.QUEUED, Run.State.RUNNING]).first()
    if busy is not None:
        raise ValidationFailed(
            {
                "run": _("%(run)s is %(state)s: start another one when it has finished.")
                % {"run": busy, "state": busy.get_state_display()}
            }
        )


def _enqueue(run: Run) -> None:
    from .tasks import execute_run

    transaction.on_commit(lambda: execute_run.enqueue(run.pk))


def parse_params(text: str, known: dict[str, set[str]] | None = None) -> dict[str, dict[str, str]]:
    """`ID.key=value` lines (as `jiandu models run --param`) into {ID: {key: value}}."""
    out: dict[str, dict[str, str]] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        name, sep, value = line.partition("=")
        model_id, dot, key = name.strip().partition(".")
        if not sep or not dot or not model_id or not key.strip() or not value.strip():
            raise ValidationFailed(
                {
                    "params": _("Line %(n)d “%(line)s”: write ID.parameter=value.")
                    % {"n": number, "line": line[:80]}
                }
            )
        model_id, key = model_id.strip().upper(), key.strip()
        if known is not None and (model_id not in known or key not in known[model_id]):
            raise ValidationFailed(
                {
                    "params": _("Line %(n)d: model %(model)s has no parameter “%(key)s”.")
                    % {"n": number, "model": model_id, "key": key}
                }
            )
        out.setdefault(model_id, {})[key] = value.strip()
    return out


def start_model_run(
    *, actor: Any, only: list[str] | None = None, params: dict[str, dict[str, Any]] | None = None
) -> Run:
    """Queue a run of the catalogue (all models, or `only` those)."""
    permissions.require(actor, "run.start")
    if len(repr(params or {})) > PARAM_MAX:
        raise ValidationFailed({"params": _("Too many parameters.")})
    with transaction.atomic():
        _refuse_if_busy()
        run = Run.objects.create(
            kind=Run.Kind.MODELS,
            requested_by=actor,
            only=sorted(set(only or [])),
            params=params or {},
            progress_label=_("Waiting for the worker"),
        )
        audit.record(
            actor=actor,
            action="run.start",
            target=run,
            changes={"only": run.only, "params": run.params},
        )
        _enqueue(run)
    return run


def start_ingest(*, actor: Any, upload: Any) -> Run:
    """Queue the ingest of an uploaded zip of a register directory."""
    permissions.require(actor, "run.start")
    name = PurePosixPath(str(getattr(upload, "name", "") or "")).name[:200]
    limit = int(settings.JIANDU.get("REGISTER_UPLOAD_MAX_BYTES", UPLOAD_MAX_DEFAULT))
    if not name.lower().endswith(".zip"):
        raise ValidationFailed({"file": _("%(name)s: upload a .zip file.") % {"name": name}})
    if upload.size > limit:
        raise ValidationFailed(
            {
                "file": _("%(name)s is larger than %(mb)d MB.")
                % {"name": name, "mb": limit // (1024 * 1024)}
            }
        )
    folder = upload_dir()
    folder.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".zip", delete=False) as fh:
        for chunk in upload.chunks():
            fh.write(chunk)
        stored = Path(fh.name)
    try:
        _check_zip(stored, name)
        with transaction.atomic():
            _refuse_if_busy()
            run = Run.objects.create(
                kind=Run.Kind.INGEST,
                requested_by=actor,
                upload=str(stored),
                upload_name=name,
                progress_label=_("Waiting for the worker"),
            )
            audit.record(
                actor=actor,
                action="run.ingest",
                target=run,
                changes={"file": name, "bytes": upload.size},
            )
            _enqueue(run)
    except BaseException:
        stored.unlink(missing_ok=True)
        raise
    return run


def _check_zip(path: Path, name: str) -> None:
    if not zipfile.is_zipfile(path):
        raise ValidationFailed({"file": _("%(name)s is not a zip archive.") % {"name": name}})
    with zipfile.ZipFile(path) as archive:
        total = 0
        for info in archive.infolist():
            member = PurePosixPath(info.filename)
            if member.is_absolute() or ".." in member.parts:
                raise ValidationFailed(
                    {
                        "file": _("%(name)s: the entry “%(entry)s” points outside the archive.")
                        % {"name": name, "entry": info.filename[:100]}
                    }
                )
            total += info.file_size
        if total > UNPACKED_MAX:
            raise ValidationFailed(
                {"file": _("%(name)s unpacks to more than 8 GB.") % {"name": name}}
            )
        if not any(not i.is_dir() for i in archive.infolist()):
            raise ValidationFailed({"file": _("%(name)s is empty.") % {"name": name}})


@contextmanager
def unpacked(path: Path) -> Iterator[Path]:
    """The register directory inside an uploaded zip (its single top folder, if any)."""
    with tempfile.TemporaryDirectory(prefix="jiandu-registers-") as tmp:
        root = Path(tmp)
        with zipfile.ZipFile(path) as archive:
            archive.extractall(root)  # entries were checked by _check_zip
        entries = [p for p in root.iterdir() if not p.name.startswith(("__MACOSX", "."))]
        if len(entries) == 1 and entries[0].is_dir():
            root = entries[0]
        yield root


# --- the lock and progress, used by the task -----------------------------------------------


def acquire(run: Run) -> bool:
    """Take the warehouse lock for `run`; False when another active run holds it. A lock
    left by a run that is no longer active (a worker that died) is taken over."""
    with transaction.atomic():
        RunLock.objects.get_or_create(name=LOCK)
        lock = RunLock.objects.select_for_update().get(name=LOCK)
        holder = Run.objects.filter(pk=lock.holder_id).first() if lock.holder_id else None
        if holder is not None and holder.pk != run.pk and holder.state == Run.State.RUNNING:
            return False
        lock.holder = run
        lock.acquired_at = timezone.now()
        lock.save()
    return True


def release(run: Run) -> None:
    RunLock.objects.filter(name=LOCK, holder=run).update(holder=None, acquired_at=None)


def progress_callback(run: Run) -> Callable[..., None]:
    """A progress callback for the engine and the loaders, whatever they pass: a
    fraction, (done, total), a label, or keyword arguments of those names. It writes at
    most every half second."""
    last = [0.0]

    def report(*args: Any, **kwargs: Any) -> None:
        fraction: float | None = kwargs.get("fraction")
        label = kwargs.get("label") or kwargs.get("message") or kwargs.get("step") or ""
        done, total = kwargs.get("done"), kwargs.get("total")
        numbers = [a for a in args if isinstance(a, int | float) and not isinstance(a, bool)]
        texts = [a for a in args if isinstance(a, str)]
        if len(numbers) >= 2:
            done, total = numbers[0], numbers[1]
        elif len(numbers) == 1 and fraction is None:
            fraction = float(numbers[0])
        if done is not None and total:
            fraction = float(done) / float(total)
        if texts and not label:
            label = texts[0]
        now = timezone.now().timestamp()
        if now - last[0] < 0.5 and (fraction is None or fraction < 1):
            return
        last[0] = now
        fields: dict[str, Any] = {}
        if fraction is not None:
            fields["progress"] = max(0.0, min(1.0, fraction))
        if label:
            fields["progress_label"] = str(label)[:200]
        if fields:
            Run.objects.filter(pk=run.pk).update(**fields)

    return report


def plain(value: Any) -> Any:
    """A JSON-compatible copy of an engine record (dataclasses, dates, tuples)."""
    if hasattr(value, "to_dict"):
        value = value.to_dict()
    elif is_dataclass(value) and not isinstance(value, type):
        value = asdict(value)
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [plain(v) for v in value]
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, float) and value != value:
        return None
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def discard_upload(run: Run) -> None:
    if run.upload:
        Path(run.upload).unlink(missing_ok=True)
