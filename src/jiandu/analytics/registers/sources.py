"""Finding the register files of a directory and reading them as relations of text.

Every reader produces the same thing: a relation of VARCHAR columns named as in the file
(trimmed, lower-cased), in file order, which the validation types as it writes the stage.
CSV and Parquet are read by DuckDB itself; Excel through openpyxl.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import os
import tempfile
from collections import Counter
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
    read_from: Path | None = None  # a UTF-8 copy of a file in another encoding

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


@dataclass(frozen=True)
class Scan:
    """A register file as a relation of VARCHAR columns named as in the file (trimmed,
    lower-cased), in file order: `sql` is a FROM item to be read once, by the statement
    that builds the stage, so that the stage's `rowid` gives the row."""

    sql: str
    columns: list[str]


_CSV_REJECTS = "store_rejects = true, rejects_table = '_rejects', rejects_scan = '_rejects_scan'"


def _csv_reader(con: duckdb.DuckDBPyConnection, path: str) -> tuple[str, list[str]]:
    """DuckDB's reader of a CSV file with the dialect its sniffer detects, run once here
    and then stated (the sniffer costs as much as reading a file of a few thousand rows),
    and the file's column names."""
    row = con.execute(
        "SELECT Delimiter, Quote, Escape, NewLineDelimiter, Comment, SkipRows, HasHeader, "
        f"Columns FROM sniff_csv({path}, header = true, all_varchar = true, ignore_errors = true)"
    ).fetchone()
    if row is None:
        raise duckdb.InvalidInputException("the CSV sniffer returned nothing")
    delim, quote, escape, new_line, comment, skip, header, columns = row
    names = [str(c["name"]) for c in columns]
    types = ", ".join(f"{_lit(n)}: 'VARCHAR'" for n in names)
    dialect = {
        "delim": delim,
        "quote": quote,
        "escape": escape,
        "new_line": new_line,
        "comment": comment,
    }
    options = ", ".join(f"{k} = {_lit('' if v == _EMPTY else str(v))}" for k, v in dialect.items())
    reader = (
        f"read_csv({path}, auto_detect = false, header = {str(bool(header)).lower()}, "
        f"skip = {int(skip)}, {options}, columns = {{{types}}}, {_CSV_REJECTS})"
    )
    return reader, names


_EMPTY = "(empty)"  # how sniff_csv says a quote, escape or comment character is not used


def _parquet_reader(path: str) -> str:
    return f"(SELECT COLUMNS(*)::VARCHAR FROM read_parquet({path}))"


def scan(con: duckdb.DuckDBPyConnection, source: Source, table: str) -> Scan:
    """`source` as a relation to select from. CSV and Parquet are read by DuckDB when the
    relation is selected from; an Excel sheet is loaded into the temporary table `table`
    first. Raises ReadError when the file cannot be read."""
    if source.path.stat().st_size == 0:
        raise ReadError(Rejection(source.display, None, None, "empty_file"))
    con.execute(f'DROP TABLE IF EXISTS "{table}"')
    try:
        path = _lit(str(source.read_from or source.path))
        if source.kind == "csv":
            reader, names = _csv_reader(con, path)
        else:
            if source.kind == "excel":
                arrow = _excel_table(source)  # noqa: F841 - read by DuckDB's replacement scan
                con.execute(f'CREATE TEMP TABLE "{table}" AS SELECT * FROM arrow')
                reader = f'"{table}"'
            else:
                reader = _parquet_reader(path)
            names = [r[0] for r in con.execute(f"DESCRIBE SELECT * FROM {reader}").fetchall()]
    except duckdb.Error as exc:
        raise unreadable(source, exc) from None
    if source.kind == "csv":
        con.execute("DROP TABLE IF EXISTS _rejects")
        con.execute("DROP TABLE IF EXISTS _rejects_scan")
    clean = _clean_names(names)
    if clean == names:
        return Scan(reader, names)
    renamed = ", ".join(f'"{_q(n)}" AS "{_q(c)}"' for n, c in zip(names, clean, strict=True))
    return Scan(f"(SELECT {renamed} FROM {reader})", clean)


def unreadable(source: Source, exc: BaseException) -> ReadError:
    return ReadError(
        Rejection(source.display, None, None, "unreadable", {"detail": _first_line(exc)})
    )


def malformed(con: duckdb.DuckDBPyConnection, source: Source) -> list[Rejection]:
    """The lines DuckDB's CSV reader set aside while the scan of `source` was read: lines
    that are not UTF-8 text, and lines that do not parse."""
    if source.kind != "csv":
        return []
    out = []
    for line, column, kind, detail in con.execute(
        "SELECT line, column_name, error_type, error_message FROM _rejects ORDER BY line"
    ).fetchall():
        if kind == _INVALID_ENCODING:
            out.append(Rejection(source.display, int(line), column, "bad_encoding"))
        else:
            out.append(
                Rejection(
                    source.display, int(line), column, "malformed", {"detail": f"{kind}: {detail}"}
                )
            )
    return out


_INVALID_ENCODING = "INVALID ENCODING"  # DuckDB's error type of a line that is not UTF-8
FALLBACK_ENCODING = "gb18030"  # GBK's superset: what Excel on Chinese Windows saves CSV in


def transcode(source: Source, directory: Path) -> Path | None:
    """A UTF-8 copy, in `directory`, of a CSV file that is GB18030 (GBK) text, or None.
    None as well when most of the file's lines that are not ASCII are UTF-8: that is a
    UTF-8 file with some bad bytes, which GB18030 would decode without error into
    garbage."""
    directory.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=f"{source.register}-", suffix=".csv", dir=directory)
    target = Path(name)
    decoder = codecs.getincrementaldecoder(FALLBACK_ENCODING)()
    votes: Counter[bool] = Counter()  # the lines that are not ASCII: UTF-8 or not

    def vote(line: bytes) -> None:
        if not line.isascii():
            votes[_utf8(line)] += 1

    try:
        with source.path.open("rb") as f, os.fdopen(handle, "wb") as out:
            tail = b""
            for block in iter(lambda: f.read(1 << 20), b""):
                out.write(decoder.decode(block).encode())
                *lines, tail = (tail + block).split(b"\n")
                for line in lines:
                    vote(line)
            vote(tail)
            out.write(decoder.decode(b"", final=True).encode())
        gb18030 = votes[False] > votes[True]
    except UnicodeDecodeError:
        gb18030 = False
    if not gb18030:
        target.unlink()
        return None
    return target


def _utf8(line: bytes) -> bool:
    try:
        line.decode()
    except UnicodeDecodeError:
        return False
    return True


def materialize(con: duckdb.DuckDBPyConnection, scan: Scan, table: str) -> str:
    """The scan's text in the temporary table `table` (read again from the file, in the
    same order: `rowid` matches the stage's). For reporting values as written."""
    if scan.sql != f'"{table}"':
        con.execute(f'CREATE OR REPLACE TEMP TABLE "{table}" AS SELECT * FROM {scan.sql}')
    return table


def _first_line(exc: BaseException) -> str:
    return str(exc).strip().splitlines()[0][:300] if str(exc).strip() else type(exc).__name__


def _clean_names(names: list[str]) -> list[str]:
    """Header names trimmed and lower-cased, unless that makes two the same."""
    taken = set(names)
    out = []
    for name in names:
        clean = name.strip().lstrip("\ufeff").lower()
        if clean != name and clean not in taken:
            taken.add(clean)
            out.append(clean)
        else:
            out.append(name)
    return out


def _q(identifier: str) -> str:
    return identifier.replace('"', '""')


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
