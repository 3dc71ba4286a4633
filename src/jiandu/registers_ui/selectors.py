"""Reads of the warehouse for the analysts' page (global: the warehouse is not scoped)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import duckdb
from django.conf import settings

from jiandu.accounts import permissions
from jiandu.analytics import warehouse
from jiandu.analytics.registers import REGISTERS, last_report
from jiandu.analytics.registers.ocds import TABLES as OCDS_TABLES

from .reasons import STATUSES, reason

SHOWN = 200  # rejected rows listed on the page


@dataclass
class RegisterRow:
    name: str
    rows: int
    file: str = ""
    sha256: str = ""
    loaded_at: Any = None


@dataclass
class Overview:
    state: str  # ready | empty | busy
    registers: list[RegisterRow] = field(default_factory=list)
    report: dict[str, Any] | None = None
    problems: list[dict[str, Any]] = field(default_factory=list)
    problems_total: int = 0


def path() -> Any:
    return settings.DATA_DIR / warehouse.FILE_NAME


def overview(actor: Any) -> Overview:
    permissions.require_global(actor, "warehouse.view")
    target = path()
    if not target.exists():
        return Overview("empty")
    try:
        con = warehouse.connect(target, read_only=True)
    except duckdb.IOException:
        return Overview("busy")  # a load holds the file
    try:
        return _read(con)
    finally:
        con.close()


def _read(con: duckdb.DuckDBPyConnection) -> Overview:
    tables = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "_manifest" not in tables:
        return Overview("empty")
    manifest = {
        r[0]: r[1:]
        for r in con.execute(
            "SELECT register, string_agg(file, ', '), min(sha256), max(loaded_at) "
            "FROM _manifest GROUP BY register"
        ).fetchall()
    }
    rows: list[RegisterRow] = []
    for name in [*REGISTERS, *OCDS_TABLES]:
        if name not in tables:
            continue
        count = con.execute(f'SELECT count(*) FROM "{name}"').fetchone()  # noqa: S608
        key = "ocds" if name.startswith("ocds_") else name
        file, digest, loaded_at = manifest.get(key, ("", "", None))
        rows.append(RegisterRow(name, int(count[0]) if count else 0, file, digest[:12], loaded_at))
    report = last_report(con)
    overview = Overview("ready", rows)
    if report is not None:
        data = report.to_dict()
        for r in data["registers"]:
            r["status_label"] = STATUSES.get(r["status"], r["status"])
        overview.report = data
        problems = report.errors + report.warnings
        overview.problems_total = data["rejections_total"]
        overview.problems = [
            {**p.to_dict(), "reason": reason(p.code, p.params)} for p in problems[:SHOWN]
        ]
    return overview
