"""Finding the register files of a directory and reading them into a table of text.

Every reader produces the same thing: a temporary table of VARCHAR columns named as in the
file (trimmed, lower-cased), in file order, so that `rowid` gives the row; the validation
then types it. CSV and Parquet are read by DuckDB itself; Excel through openpyxl.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import duckdb
import pyarrow as pa

from .report import Rejection
from .schema import REGISTERS

EXCEL = (".xlsx", ".xlsm")
SUFFIXES = (".csv", ".parquet", *EXCEL)
OCDS_DIR = "ocds"


@dataclass(frozen=True)
class Source:
    register: str
    path: Path
    kind: str  # csv | parquet | excel
    sheet: str | None = None  # a workbook not named after the register: this sheet
    root: Path | None = None

    @property
    def display(self) -> str:
        name = str(self.path.relative_to(self.root)) if self.root else self.path.name
        return f"{name}[{self.sheet}]" if self.sheet else name

    @property
    def first_row(self) -> int:
        """The row number of the first record: after the header, except in Parquet."""
        return 1 if self.kind == "parquet" else 2


class ReadError(Exception):
    def __init__(self, rejection: Rejection) -> None:
        super().__init__(rejection.reason)
        self.rejection = rejection


@dataclass
class Found:
    sources: dict[str, list[Source]]
    ocds: list[Path]
    unknown: list[str]
    problems: list[Rejection]


def _kind(path: Path) -> str | None:
    suffix = path.suffix.lower()
    if suffix == ".csv":
        return "csv"
    if suffix == ".parquet":
        return "parquet"
    if suffix in EXCEL:
        return "excel"
    return None


def _sheet_names(path: Path) -> list[str]:
    import openpyxl

    book = openpyxl.load_workbook(path, read_only=True)
    try:
        return list(book.sheetnames)
    finally:
        book.close()


def discover(directory: Path) -> Found:
    found = Found({}, [], [], [])
    for path in sorted(directory.iterdir()):
        if path.is_dir():
            if path.name == OCDS_DIR:
                for child in sorted(path.iterdir()):
                    if child.is_file() and child.suffix.lower() == ".jsonl":
                        found.ocds.append(child)
                    else:
                        found.unknown.append(str(child.relative_to(directory)))
            else:
                found.unknown.append(path.name + "/")
            continue
        kind = _kind(path)
        stem = path.stem.lower()
        if kind and stem in REGISTERS:
            found.sources.setdefault(stem, []).append(Source(stem, path, kind, root=directory))
        elif kind == "excel":
            try:
                sheets = _sheet_names(path)
            except Exception as exc:
                found.problems.append(
                    Rejection(path.name, None, None, "unreadable", {"detail": str(exc)[:200]})
                )
                continue
            matched = [s for s in sheets if s.strip().lower() in REGISTERS]
            for sheet in matched:
                name = sheet.strip().lower()
                found.sources.setdefault(name, []).append(
                    Source(name, path, "excel", sheet=sheet, root=directory)
                )
            if not matched:
                found.unknown.append(path.name)
        else:
            found.unknown.append(path.name)
    return found


def sha256(source: Source) -> str:
    digest = hashlib.sha256()
    with source.path.open("rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            digest.update(block)
    if source.sheet:
        digest.update(b"\0" + source.sheet.encode())
    return digest.hexdigest()


def _cell(value: object) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.datetime):
        if value.time() == dt.time(0):
            return value.date().isoformat()
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return text if text.strip() else None


def _excel_rows(source: Source) -> Iterator[tuple[object, ...]]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(source.path, read_only=True, data_only=True)
    except Exception as exc:
        raise ReadError(
            Rejection(source.display, None, None, "unreadable", {"detail": str(exc)[:200]})
        ) from None
    try:
        names = {s.strip().lower(): s for s in book.sheetnames}
        if source.sheet:
            sheet = source.sheet
        elif source.register in names:
            sheet = names[source.register]
        elif len(book.sheetnames) == 1:
            sheet = book.sheetnames[0]
        else:
            raise ReadError(
                Rejection(source.display, None, None, "no_sheet", {"register": source.register})
            )
        yield from book[sheet].iter_rows(values_only=True)
    finally:
        book.close()


def _excel_table(source: Source) -> pa.Table:
    rows = _excel_rows(source)
    header = next(rows, None)
    if header is None or all(h is None for h in header):
        raise ReadError(Rejection(source.display, None, None, "empty_file"))
    names = [str(h) if h is not None else f"column{i + 1}" for i, h in enumerate(header)]
    columns: list[list[str | None]] = [[] for _ in names]
    for row in rows:
        if all(v is None for v in row):
            continue  # Excel keeps formatted empty rows at the end of a sheet
        for i in range(len(names)):
            columns[i].append(_cell(row[i]) if i < len(row) else None)
    return pa.table({n: pa.array(c, type=pa.string()) for n, c in zip(names, columns, strict=True)})


def read_raw(con: duckdb.DuckDBPyConnection, source: Source, table: str) -> list[Rejection]:
    """Read `source` into the temporary table `table` (all VARCHAR); return the malformed
    lines DuckDB's reader set aside (CSV). Raises ReadError when the file cannot be read."""
    if source.path.stat().st_size == 0:
        raise ReadError(Rejection(source.display, None, None, "empty_file"))
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    malformed: list[Rejection] = []
    try:
        if source.kind == "csv":
            con.execute("DROP TABLE IF EXISTS _rejects")
            con.execute("DROP TABLE IF EXISTS _rejects_scan")
            con.execute(
                f'CREATE TEMP TABLE "{table}" AS SELECT * FROM read_csv($path, header = true, '
                "all_varchar = true, store_rejects = true, rejects_table = '_rejects', "
                "rejects_scan = '_rejects_scan')",
                {"path": str(source.path)},
            )
            for line, column, kind, detail in con.execute(
                "SELECT line, column_name, error_type, error_message FROM _rejects ORDER BY line"
            ).fetchall():
                malformed.append(
                    Rejection(
                        source.display,
                        int(line),
                        column,
                        "malformed",
                        {"detail": f"{kind}: {detail}"},
                    )
                )
        elif source.kind == "parquet":
            con.execute(
                f'CREATE TEMP TABLE "{table}" AS '
                "SELECT COLUMNS(*)::VARCHAR FROM read_parquet($path)",
                {"path": str(source.path)},
            )
        else:
            arrow = _excel_table(source)  # noqa: F841 - read by DuckDB's replacement scan
            con.execute(f'CREATE TEMP TABLE "{table}" AS SELECT * FROM arrow')
    except duckdb.Error as exc:
        raise ReadError(
            Rejection(source.display, None, None, "unreadable", {"detail": _first_line(exc)})
        ) from None
    _normalize_names(con, table)
    return malformed


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _normalize_names(con: duckdb.DuckDBPyConnection, table: str) -> None:
    names = [r[0] for r in con.execute(f'DESCRIBE "{table}"').fetchall()]
    taken = set(names)
    for name in names:
        clean = name.strip().lstrip("\ufeff").lower()
        if clean != name and clean not in taken:
            con.execute(f'ALTER TABLE "{table}" RENAME COLUMN "{_q(name)}" TO "{_q(clean)}"')
            taken.add(clean)


def _q(identifier: str) -> str:
    return identifier.replace('"', '""')
