"""`ingest`: load a register directory into the warehouse.

Per register: read the file into a typed table beside the live one (the stage), validate
every row (types, required and allowed values, ids unique, references known), and only
when no row was rejected swap the stage in, together with the register's manifest
rows, in one transaction. A rejected or unreadable register leaves the warehouse as it
was. A file whose hash the manifest already records is not loaded again, so loading the
same directory twice changes nothing. Identity resolution then runs over the result.

`add=False` (the default) makes the warehouse mirror the directory: registers the
directory does not hold are emptied. `add=True` appends the directory's files to the
registers already loaded (their ids must be new) and leaves the others alone.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import hashlib
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

import duckdb
import orjson

from jiandu.analytics import warehouse as wh
from jiandu.analytics.identity import sql as identity_sql

from . import ocds, sources, validate
from .report import ERROR, WARNING, IngestReport, RegisterResult, Rejection
from .schema import ORDER, REGISTERS, Register

Progress = Callable[[str, int, int], None]  # (what is being done, steps done, steps in all)

OCDS = "ocds"
KEPT_REJECTIONS = 10_000  # rejections kept with the load report in the warehouse


def _now() -> dt.datetime:
    return dt.datetime.now().replace(microsecond=0)


def ensure_layout(con: duckdb.DuckDBPyConnection) -> None:
    """The manifest, the load reports and an (empty) table for every register."""
    con.execute(
        "CREATE TABLE IF NOT EXISTS _manifest "
        "(register VARCHAR, file VARCHAR, sha256 VARCHAR, rows BIGINT, loaded_at TIMESTAMP)"
    )
    con.execute(
        "CREATE TABLE IF NOT EXISTS _load_reports (started_at TIMESTAMP, "
        "finished_at TIMESTAMP, ok BOOLEAN, report VARCHAR)"
    )
    present = _tables(con)
    for name, register in REGISTERS.items():
        if name not in present:
            con.execute(f'CREATE TABLE "{name}" AS {validate.empty_select(register)}')
    ocds.ensure(con)


def _tables(con: duckdb.DuckDBPyConnection) -> set[str]:
    return {
        r[0]
        for r in con.execute(
            "SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() "
            "AND NOT temporary"
        ).fetchall()
    }


def manifest_hash(con: duckdb.DuckDBPyConnection) -> str:
    """A digest of what the warehouse holds: each register's files, hashes and rows."""
    digest = hashlib.sha256()
    if "_manifest" in _tables(con):
        for row in con.execute(
            "SELECT register, file, sha256, rows FROM _manifest ORDER BY ALL"
        ).fetchall():
            digest.update("\t".join(str(v) for v in row).encode() + b"\n")
    return digest.hexdigest()


def _manifest(con: duckdb.DuckDBPyConnection, register: str) -> list[tuple[str, str]]:
    return con.execute(
        "SELECT file, sha256 FROM _manifest WHERE register = $r ORDER BY file", {"r": register}
    ).fetchall()


@dataclass
class _Staged:
    """A register file read into its stage, with the problems found while reading."""

    scan: sources.Scan
    problems: list[Rejection]
    copy: Path | None = None  # a UTF-8 copy of the file read in its place, removed after


class _Load:
    def __init__(self, con: duckdb.DuckDBPyConnection, report: IngestReport, add: bool) -> None:
        self.con = con
        self.report = report
        self.add = add
        self.changed: set[str] = set()
        self._since = 0  # the first rejection of the register being loaded

    @property
    def loaded(self) -> set[str]:
        """The registers the manifest records (re-read: each swap changes it)."""
        return {
            r[0] for r in self.con.execute("SELECT DISTINCT register FROM _manifest").fetchall()
        }

    # --- one register --------------------------------------------------------------------

    def register(self, register: Register, found: list[sources.Source]) -> None:
        started = time.perf_counter()
        self._since = len(self.report.rejections)
        if len(found) > 1:
            files = ", ".join(s.display for s in found)
            for s in found:
                self._reject(Rejection(s.display, None, None, "two_files", {"files": files}))
            self._result(register.name, files, 0, "", "failed", started)
            return
        source = found[0]
        loaded = _manifest(self.con, register.name)
        raw = f"_raw_{register.name}"
        if self.add or [f for f, _h in loaded] == [source.display]:
            # Maybe the file already loaded: the hash decides whether to read it at all.
            digest = sources.sha256(source)
            if (self.add and any(h == digest for _f, h in loaded)) or (
                not self.add and loaded == [(source.display, digest)]
            ):
                rows = self._count(register.name)
                self._result(register.name, source.display, rows, digest, "unchanged", started)
                return
            outcome = self._read(register, source, raw)
        else:
            # A file the manifest does not know: hashed while DuckDB reads it.
            with ThreadPoolExecutor(max_workers=1) as pool:
                hashing = pool.submit(sources.sha256, source)
                outcome = self._read(register, source, raw)
                digest = hashing.result()
        try:
            if isinstance(outcome, Rejection):
                self._reject(outcome)
                self._result(register.name, source.display, 0, digest, "failed", started)
                return
            self._validate_and_swap(register, source, outcome, raw, digest, started)
        finally:
            if isinstance(outcome, _Staged) and outcome.copy:
                outcome.copy.unlink(missing_ok=True)
            self.con.execute(f'DROP TABLE IF EXISTS "{raw}"')
            self.con.execute(f'DROP TABLE IF EXISTS "_stage_{register.name}"')
            validate.drop_lookups(self.con, register)

    def _read(self, register: Register, source: sources.Source, raw: str) -> _Staged | Rejection:
        """Read the file into the stage (see `validate`): the file's malformed lines and
        missing columns, or why it cannot be read."""
        con = self.con
        try:
            scan = sources.scan(con, source, raw)
        except sources.ReadError as exc:
            return exc.rejection
        problems = [
            Rejection(source.display, 1, c, "missing_column")
            for c in register.required
            if c not in scan.columns
        ]
        try:
            con.execute(
                f'CREATE OR REPLACE TABLE "_stage_{register.name}" AS '
                + validate.stage_select(register, scan.sql, scan.columns)
            )
        except (duckdb.InvalidInputException, duckdb.IOException) as exc:
            return sources.unreadable(source, exc).rejection
        problems += sources.malformed(con, source)
        if source.read_from is None and any(p.code == "bad_encoding" for p in problems):
            # Not UTF-8: maybe GB18030 (GBK), read then from a UTF-8 copy.
            copy = sources.transcode(source, self._scratch())
            if copy is not None:
                staged = self._read(register, replace(source, read_from=copy), raw)
                if isinstance(staged, Rejection):
                    copy.unlink()
                    return staged
                note = Rejection(source.display, None, None, "gb18030", severity=WARNING)
                return _Staged(staged.scan, [note, *staged.problems], copy)
        return _Staged(scan, problems)

    def _scratch(self) -> Path:
        """Where a converted copy of a file goes: the warehouse's own spill directory."""
        row = self.con.execute("SELECT current_setting('temp_directory')").fetchone()
        return Path(row[0]) if row and row[0] else Path(tempfile.gettempdir())

    def _validate_and_swap(
        self,
        register: Register,
        source: sources.Source,
        staged: _Staged,
        raw: str,
        digest: str,
        started: float,
    ) -> None:
        con = self.con
        problems = staged.problems
        available = set(staged.scan.columns)
        stage = f"_stage_{register.name}"
        validate.identifiers(con, register, stage, available)
        problems += validate.problems(
            con,
            register,
            source,
            stage,
            lambda: sources.materialize(con, staged.scan, raw),
            available,
        )
        problems += validate.duplicates(con, register, source, stage, available)
        if register.key in available and self.add:
            problems += self._collisions(register, source, stage)
        problems += validate.dangling(
            con, register, source, stage, available, self._targets(register, stage)
        )
        for p in problems:
            self._reject(p)
        rows = self._count(stage)
        if any(p.severity == ERROR for p in problems):
            self._result(register.name, source.display, rows, digest, "rejected", started)
            return
        validate.drop_helpers(con, stage, validate.helpers(register, available))
        if self.add:
            con.execute(
                f'CREATE OR REPLACE TABLE "{stage}" AS SELECT * FROM "{register.name}" '
                f'UNION ALL BY NAME SELECT * FROM "{stage}"'
            )
        con.execute("BEGIN TRANSACTION")
        try:
            con.execute(f'DROP TABLE "{register.name}"')
            con.execute(f'ALTER TABLE "{stage}" RENAME TO "{register.name}"')
            if not self.add:
                con.execute("DELETE FROM _manifest WHERE register = $r", {"r": register.name})
            con.execute(
                "INSERT INTO _manifest VALUES ($r, $f, $h, $n, $t)",
                {"r": register.name, "f": source.display, "h": digest, "n": rows, "t": _now()},
            )
            con.execute("COMMIT")
        except Exception:
            con.execute("ROLLBACK")
            raise
        self.changed.add(register.name)
        self._result(register.name, source.display, rows, digest, "loaded", started)

    def _collisions(
        self, register: Register, source: sources.Source, stage: str
    ) -> list[Rejection]:
        key = f'"{register.key}"'
        rows = self.con.execute(
            f'SELECT {validate.file_row(source)}, {key} FROM "{stage}" WHERE {key} IN '
            f'(SELECT {key} FROM "{register.name}") ORDER BY 1'
        ).fetchall()
        return [
            Rejection(source.display, row, register.key, "duplicate_id", {"first": "-"}, key)
            for row, key in rows
        ]

    def _targets(self, register: Register, stage: str) -> dict[str, str]:
        """The key set of each register this one may refer to."""
        out: dict[str, str] = {}
        loaded_now = self.loaded
        for name, other in REGISTERS.items():
            if not other.key:
                continue
            loaded = f'SELECT "{other.key}" FROM "{name}" WHERE "{other.key}" IS NOT NULL'
            if name == register.name:
                mine = f'SELECT "{other.key}" FROM "{stage}" WHERE "{other.key}" IS NOT NULL'
                out[name] = f"{mine} UNION ALL {loaded}" if self.add else mine
            elif name in loaded_now:
                out[name] = loaded
        return out

    # --- OCDS ----------------------------------------------------------------------------

    def releases(self, files: list[Path], root: Path) -> None:
        started = time.perf_counter()
        self._since = len(self.report.rejections)
        digest = hashlib.sha256()
        for path in files:
            digest.update(str(path.relative_to(root)).encode() + b"\0")
            digest.update(sources.sha256(sources.Source(OCDS, path, "jsonl")).encode())
        value = digest.hexdigest()
        display = f"{sources.OCDS_DIR}/*.jsonl ({len(files)})"
        if _manifest(self.con, OCDS) == [(display, value)]:
            rows = self._count("ocds_releases")
            self._result(OCDS, display, rows, value, "unchanged", started)
            return
        table = "_raw_ocds"
        problems = ocds.read(self.con, files, root, table)
        rows = self._count(table)
        for p in problems:
            self._reject(p)
        if problems:
            self._result(OCDS, display, rows, value, "rejected", started)
        else:
            self.con.execute("BEGIN TRANSACTION")
            try:
                ocds.swap(self.con, table)
                self.con.execute("DELETE FROM _manifest WHERE register = $r", {"r": OCDS})
                self.con.execute(
                    "INSERT INTO _manifest VALUES ($r, $f, $h, $n, $t)",
                    {"r": OCDS, "f": display, "h": value, "n": rows, "t": _now()},
                )
                self.con.execute("COMMIT")
            except Exception:
                self.con.execute("ROLLBACK")
                raise
            self.changed.add(OCDS)
            self._result(OCDS, display, rows, value, "loaded", started)
        self.con.execute(f'DROP TABLE IF EXISTS "{table}"')

    def empty(self, name: str) -> None:
        """add=False: a register loaded earlier that the directory no longer holds."""
        if not _manifest(self.con, name):
            return
        self.con.execute("BEGIN TRANSACTION")
        if name == OCDS:
            for table in ocds.TABLES:
                self.con.execute(f"DROP TABLE {table}")
            ocds.ensure(self.con)
        else:
            self.con.execute(f'DROP TABLE "{name}"')
            self.con.execute(f'CREATE TABLE "{name}" AS {validate.empty_select(REGISTERS[name])}')
        self.con.execute("DELETE FROM _manifest WHERE register = $r", {"r": name})
        self.con.execute("COMMIT")
        self.changed.add(name)

    # --- bookkeeping ---------------------------------------------------------------------

    def _count(self, table: str) -> int:
        row = self.con.execute(f'SELECT count(*) FROM "{table}"').fetchone()
        return int(row[0]) if row else 0

    def _reject(self, rejection: Rejection) -> None:
        self.report.rejections.append(rejection)

    def _result(
        self, name: str, file: str, rows: int, digest: str, status: str, started: float
    ) -> None:
        mine = self.report.rejections[self._since :]
        self.report.registers.append(
            RegisterResult(
                name,
                file,
                rows,
                digest,
                status,
                round(time.perf_counter() - started, 3),
                errors=sum(r.severity == ERROR for r in mine),
                warnings=sum(r.severity != ERROR for r in mine),
            )
        )


def ingest(
    directory: Path | str,
    *,
    warehouse: Path | str | None = None,
    add: bool = False,
    progress: Progress | None = None,
) -> IngestReport:
    """Load the registers of `directory` into the warehouse; see the module docstring."""
    from jiandu.analytics.identity import resolve

    root = Path(directory)
    report = IngestReport(directory=str(root), started_at=_now().isoformat())
    if not root.is_dir():
        raise FileNotFoundError(f"{root} is not a directory")
    found = sources.discover(root)
    report.unknown_files = found.unknown
    report.rejections.extend(found.problems)
    steps = [name for name in ORDER if name in found.sources] + ([OCDS] if found.ocds else [])
    total = len(steps) + 1
    con = wh.connect(warehouse)
    try:
        identity_sql.install(con)
        ensure_layout(con)
        load = _Load(con, report, add)
        for i, name in enumerate(steps):
            if progress:
                progress(name, i, total)
            if name == OCDS:
                load.releases(found.ocds, root)
            else:
                load.register(REGISTERS[name], found.sources[name])
        if not add:
            for name in [*ORDER, OCDS]:
                if name not in steps:
                    load.empty(name)
        if progress:
            progress("identity", len(steps), total)
        if load.changed or "_identity" not in _tables(con):
            report.identity = resolve.resolve(con).to_dict()
        else:
            report.identity = resolve.summary(con)
        report.finished_at = _now().isoformat()
        con.execute(
            "INSERT INTO _load_reports VALUES ($s, $f, $ok, $r)",
            {
                "s": report.started_at,
                "f": report.finished_at,
                "ok": report.ok,
                "r": orjson.dumps(report.truncated(KEPT_REJECTIONS).to_dict()).decode(),
            },
        )
        if progress:
            progress("done", total, total)
    finally:
        con.close()
    return report


def last_report(con: duckdb.DuckDBPyConnection) -> IngestReport | None:
    if "_load_reports" not in _tables(con):
        return None
    row = con.execute(
        "SELECT report FROM _load_reports ORDER BY finished_at DESC LIMIT 1"
    ).fetchone()
    return IngestReport.from_dict(orjson.loads(row[0])) if row else None
