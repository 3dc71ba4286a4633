"""Runs on disk: `$JIANDU_DATA_DIR/runs/<run_id>/run.json` and `hits.jsonl`.

A run is written into a hidden temporary folder and renamed into place only when it is
complete, so an interrupted or failed run leaves no partial run and earlier runs intact.
"""

from __future__ import annotations

import json
import os
import shutil
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jiandu.analytics.hits import Hit
from jiandu.analytics.warehouse import data_dir

RUN_FILE = "run.json"
HITS_FILE = "hits.jsonl"


def runs_dir() -> Path:
    return data_dir() / "runs"


@dataclass
class ModelRecord:
    model_id: str
    version: str
    params: dict[str, Any]
    status: str  # ok | skipped | failed
    reason: str = ""
    seconds: float = 0.0
    hits: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "version": self.version,
            "params": self.params,
            "status": self.status,
            "reason": self.reason,
            "seconds": round(self.seconds, 3),
            "hits": self.hits,
        }


@dataclass
class RunResult:
    run_id: str
    started_at: str
    finished_at: str
    manifest_hash: str
    engine: str
    warehouse: str
    models: list[ModelRecord]
    _hits: list[Hit] | None = field(default=None, repr=False)
    _path: Path | None = field(default=None, repr=False)

    @property
    def hits(self) -> list[Hit]:
        """Every hit of the run (read from hits.jsonl on first use for a stored run)."""
        if self._hits is None:
            self._hits = _read_hits(self._path / HITS_FILE) if self._path else []
        return self._hits

    @property
    def path(self) -> Path | None:
        return self._path

    @property
    def ok(self) -> bool:
        return all(m.status != "failed" for m in self.models)

    def record(self, model_id: str) -> ModelRecord | None:
        return next((m for m in self.models if m.model_id == model_id), None)

    def to_dict(self) -> dict[str, Any]:
        return {
            "run_id": self.run_id,
            "started_at": self.started_at,
            "finished_at": self.finished_at,
            "manifest_hash": self.manifest_hash,
            "engine": self.engine,
            "warehouse": self.warehouse,
            "models": [m.to_dict() for m in self.models],
            "hit_count": len(self.hits),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], path: Path | None = None) -> RunResult:
        return cls(
            run_id=data["run_id"],
            started_at=data["started_at"],
            finished_at=data["finished_at"],
            manifest_hash=data.get("manifest_hash", ""),
            engine=data.get("engine", "duckdb"),
            warehouse=data.get("warehouse", ""),
            models=[ModelRecord(**m) for m in data.get("models", [])],
            _path=path,
        )


def _read_hits(path: Path) -> list[Hit]:
    if not path.exists():
        return []
    with path.open(encoding="utf-8") as fh:
        return [Hit.from_dict(json.loads(line)) for line in fh if line.strip()]


def save(result: RunResult) -> Path:
    """Write the run atomically; returns its folder."""
    root = runs_dir()
    root.mkdir(parents=True, exist_ok=True)
    final = root / result.run_id
    if final.exists():
        raise FileExistsError(f"run {result.run_id} already exists at {final}")
    tmp = root / f".tmp-{result.run_id}-{uuid.uuid4().hex[:8]}"
    tmp.mkdir()
    try:
        with (tmp / HITS_FILE).open("w", encoding="utf-8") as fh:
            for hit in result.hits:
                fh.write(hit.to_json() + "\n")
        (tmp / RUN_FILE).write_text(
            json.dumps(result.to_dict(), ensure_ascii=False, indent=2), encoding="utf-8"
        )
        os.replace(tmp, final)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    result._path = final
    return final


def list_runs() -> list[RunResult]:
    """Stored runs, newest first (hits are read lazily)."""
    root = runs_dir()
    if not root.is_dir():
        return []
    runs = []
    for folder in root.iterdir():
        if folder.name.startswith(".") or not (folder / RUN_FILE).is_file():
            continue
        data = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        runs.append(RunResult.from_dict(data, folder))
    return sorted(runs, key=lambda r: r.run_id, reverse=True)


def load_run(run_id: str | None = None) -> RunResult:
    """A stored run by id (the latest when `run_id` is None)."""
    if run_id is None:
        runs = list_runs()
        if not runs:
            raise LookupError(f"no model run is stored under {runs_dir()}; run the models first")
        return runs[0]
    folder = runs_dir() / run_id
    if run_id.startswith(".") or "/" in run_id or not (folder / RUN_FILE).is_file():
        raise LookupError(f"no model run {run_id!r} under {runs_dir()}")
    data = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
    return RunResult.from_dict(data, folder)
