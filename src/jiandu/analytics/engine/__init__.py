"""The model engine: runs the catalogue over the warehouse and stores the run.

`run_models()` runs every model (or `only` some) on DuckDB, or on PySpark over the same
data exported as Parquet (`engine="spark"`), and returns a `RunResult`: run id, start
and end, the warehouse manifest hash, one record per model (version, parameters,
status ok|skipped|failed, reason, seconds, hit count) and the hits. A model whose
register is missing is skipped with the reason while the others run; a model that
fails is recorded as failed with the error. The run is stored under
`$JIANDU_DATA_DIR/runs/<run_id>/` only once complete.
"""

from __future__ import annotations

import datetime as dt
import time
import uuid
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import duckdb

from jiandu.analytics import warehouse as wh
from jiandu.analytics.catalogue import CatalogueError, ModelSpec, get, load
from jiandu.analytics.catalogue._schema import REGISTERS
from jiandu.analytics.hits import Hit

from . import spark as spark_engine
from .execute import checked_hits, run_ibis_model, run_python_model
from .store import ModelRecord, RunResult, list_runs, load_run, runs_dir, save

__all__ = [
    "EngineError",
    "ModelRecord",
    "RunResult",
    "list_runs",
    "load_run",
    "run_models",
    "runs_dir",
]

ENGINES = ("duckdb", "spark")
# progress(done, total, model_id): called before each model (done = models finished so
# far) and once at the end with done == total.
Progress = Callable[[int, int, str], None]


class EngineError(RuntimeError):
    """The run could not start: no warehouse, an empty warehouse, an unknown engine."""


def select_models(only: Iterable[str] | None) -> list[ModelSpec]:
    """The specs to run (all, or the given ids in catalogue order); unknown ids raise."""
    if not only:
        return load()
    wanted = {get(m).id for m in only}
    return [s for s in load() if s.id in wanted]


def resolve_params(
    specs: list[ModelSpec], params: Mapping[str, Mapping[str, Any]] | None
) -> dict[str, dict[str, Any]]:
    """Parameters per model: defaults overlaid with `params` ({model id: {name: value}})."""
    given = {get(k).id: v for k, v in (params or {}).items()}
    selected = {s.id for s in specs}
    for model_id in given:
        if model_id not in selected:
            raise CatalogueError(f"parameters given for {model_id}, which is not being run")
    return {s.id: s.resolve_params(given.get(s.id)) for s in specs}


def parse_param_options(options: Iterable[str]) -> dict[str, dict[str, str]]:
    """`ID.key=value` strings (the command line's --param) to {ID: {key: value}}."""
    out: dict[str, dict[str, str]] = {}
    for option in options:
        target, sep, value = option.partition("=")
        model_id, dot, key = target.partition(".")
        if not sep or not dot or not model_id.strip() or not key.strip():
            raise CatalogueError(
                f"--param {option!r}: expected ID.name=value, e.g. P01.grace_days=60"
            )
        out.setdefault(get(model_id.strip()).id, {})[key.strip()] = value
    return out


def tables_of(con: duckdb.DuckDBPyConnection) -> set[str]:
    rows = con.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main'"
    ).fetchall()
    return {r[0] for r in rows}


def manifest_hash(con: duckdb.DuckDBPyConnection) -> str:
    """The hash of the warehouse's `_manifest` (which files were loaded), as the
    register loader computes it."""
    from jiandu.analytics.registers import manifest_hash as loader_hash

    return str(loader_hash(con))


def _open(warehouse: Path | str | None) -> tuple[duckdb.DuckDBPyConnection, Path]:
    path = Path(warehouse) if warehouse is not None else wh.default_path()
    if not path.exists():
        raise EngineError(
            f"no warehouse at {path}: ingest a register directory first "
            "(the registers of REGISTERS.md section 1)"
        )
    con = wh.connect(path, read_only=True)
    present = tables_of(con)
    loaded = [
        name
        for name in sorted(present & (set(REGISTERS) | {"ocds_releases"}))
        if con.table(name).limit(1).fetchall()
    ]
    if not loaded:
        con.close()
        raise EngineError(
            f"the warehouse at {path} is empty: no register has rows; ingest a register "
            "directory first"
        )
    return con, path


def _missing(spec: ModelSpec, present: set[str]) -> list[str]:
    return [r for r in spec.registers if r not in present]


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def run_models(
    *,
    warehouse: Path | str | None = None,
    only: Iterable[str] | None = None,
    params: Mapping[str, Mapping[str, Any]] | None = None,
    engine: str = "duckdb",
    progress: Progress | None = None,
    store: bool = True,
) -> RunResult:
    """Run the catalogue over the warehouse; see the module docstring."""
    if engine not in ENGINES:
        raise EngineError(f"unknown engine {engine!r}; choose one of {', '.join(ENGINES)}")
    specs = select_models(list(only) if only is not None else None)
    values = resolve_params(specs, params)
    started = _now()
    run_id = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%SZ") + "-" + uuid.uuid4().hex[:6]
    con, path = _open(warehouse)
    try:
        present = tables_of(con)
        digest = manifest_hash(con)
        backend = _backend(con, specs, present, digest, engine)
        records: list[ModelRecord] = []
        hits: list[Hit] = []
        shared = _Batches(specs, values, con, present)
        for index, spec in enumerate(specs):
            if progress:
                progress(index, len(specs), spec.id)
            record, found = _run_one(spec, values[spec.id], con, backend, present, shared)
            records.append(record)
            hits.extend(found)
        if progress:
            progress(len(specs), len(specs), "")
    finally:
        con.close()
    result = RunResult(
        run_id=run_id,
        started_at=started,
        finished_at=_now(),
        manifest_hash=digest,
        engine=engine,
        warehouse=str(path),
        models=records,
        _hits=hits,
    )
    if store:
        save(result)
    return result


def _backend(
    con: duckdb.DuckDBPyConnection,
    specs: list[ModelSpec],
    present: set[str],
    digest: str,
    engine: str,
) -> Any:
    import ibis

    if engine == "duckdb":
        return ibis.duckdb.from_connection(con)
    # Every register, not only those the models name: they also read organizations and
    # persons to resolve identities.
    needed = sorted(present & set(REGISTERS))
    files = spark_engine.export(con, needed, spark_engine.parquet_dir(digest))
    return spark_engine.backend(files)


def _run_one(
    spec: ModelSpec,
    params: dict[str, Any],
    con: duckdb.DuckDBPyConnection,
    backend: Any,
    present: set[str],
    batches: _Batches,
) -> tuple[ModelRecord, list[Hit]]:
    record = ModelRecord(spec.id, spec.version, params, "ok")
    missing = _missing(spec, present)
    if missing:
        record.status = "skipped"
        record.reason = (
            f"the warehouse has no {', '.join(missing)} register; "
            f"{spec.id} needs {', '.join(spec.registers)}"
        )
        return record, []
    if spec.batch:
        try:
            found, record.seconds = batches.hits(spec)
        except Exception as exc:
            record.status = "failed"
            record.reason = _failure(exc)
            found = []
        record.hits = len(found)
        return record, found
    start = time.perf_counter()
    try:
        if spec.implementation == "python":
            found = run_python_model(spec, con, params)
        else:
            found = run_ibis_model(spec, backend, params)
    except Exception as exc:  # a broken model is recorded; the others still run
        record.status = "failed"
        record.reason = _failure(exc)
        found = []
    record.seconds = time.perf_counter() - start
    record.hits = len(found)
    return record, found


def _failure(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {exc}".strip()[:2000]


class _Batches:
    """The shared passes of a run: models naming the same `batch` function are computed
    together the first time one of them is reached. Each model's record then carries an
    equal share of the pass's time, so the times of a run still add up."""

    def __init__(
        self,
        specs: list[ModelSpec],
        values: Mapping[str, dict[str, Any]],
        con: duckdb.DuckDBPyConnection,
        present: set[str],
    ) -> None:
        self.con = con
        self.members: dict[str, dict[str, ModelSpec]] = {}
        for spec in specs:
            if spec.batch and not _missing(spec, present):
                self.members.setdefault(spec.batch, {})[spec.id] = spec
        self.values = values
        self.done: dict[str, tuple[dict[str, list[Hit]], float] | BaseException] = {}

    def hits(self, spec: ModelSpec) -> tuple[list[Hit], float]:
        """The model's hits and its share of the pass's seconds; raises what the pass
        raised."""
        if spec.batch not in self.done:
            self.done[spec.batch] = self._compute(spec.batch)
        outcome = self.done[spec.batch]
        if isinstance(outcome, BaseException):
            raise outcome
        found, seconds = outcome
        share = seconds / len(self.members[spec.batch])
        return checked_hits(spec, found.get(spec.id, []), spec.batch), share

    def _compute(self, name: str) -> tuple[dict[str, list[Hit]], float] | Exception:
        members = self.members[name]
        start = time.perf_counter()
        try:
            function = members[next(iter(members))].batcher()
            found = function(self.con, {m: dict(self.values[m]) for m in members})
        except Exception as exc:  # every model of the pass fails with this error
            return exc
        return found, time.perf_counter() - start
