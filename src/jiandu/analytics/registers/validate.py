"""Row-level validation and typing of a register, in SQL.

The file's text becomes, in the one pass that reads it, the *stage*: the warehouse table
of REGISTERS.md (typed columns in the contract's order, the identity columns, the file's
other columns) plus a helper column `_p_<column>` (a value was given) for each column
that is typed. The stage holds the file's rows in order, so its `rowid` gives the row
number. ID numbers and credit codes are then checked once per distinct value, and the
valid ones normalized in place. Every check is a cheap test on the stage: one aggregate
counts each kind of problem, and only the kinds that occur are listed row by row (with
the value as written, read again from the file only then). Once nothing was rejected the
helpers are dropped and the stage is swapped in.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import duckdb

from .report import ERROR, WARNING, Rejection
from .schema import Column, Register
from .sources import Source, _lit, _q

LOCAL_ZONE = "Asia/Shanghai"  # "local time assumed" for timestamps written without a zone
MAX_VALUE = 120  # characters of an offending value kept in the report

_TRUE = ("true", "t", "1", "yes", "y", "是")
_FALSE = ("false", "f", "0", "no", "n", "否")
TYPE_CODES = {
    "date": "bad_date",
    "timestamp": "bad_timestamp",
    "amount": "bad_amount",
    "bool": "bad_bool",
}
IDENTIFIERS = {"id_number": "jd_idn_problem", "uscc": "jd_uscc_problem"}


def _v(name: str) -> str:
    """The trimmed value of a text column, NULL when empty. Only values that need it are
    trimmed: the tests are cheaper than trim(), which copies every value."""
    x = _ident(name)
    return (
        f"CASE WHEN {x} LIKE ' %' OR {x} LIKE '% ' OR {x} = '' "
        f"THEN nullif(trim({x}), '') ELSE {x} END"
    )


def _ident(name: str) -> str:
    return f'"{_q(name)}"'


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(_lit(v) for v in values)


def _iso_date_shape(v: str) -> str:
    return f"substr({v}, 5, 1) = '-' AND substr({v}, 8, 1) = '-'"


def timestamp(v: str) -> str:
    """ISO 8601 text to a local TIMESTAMP: a zone given is converted, none means local."""
    return (
        f"CASE WHEN length({v}) < 10 OR NOT ({_iso_date_shape(v)}) THEN NULL "
        f"WHEN right({v}, 1) = 'Z' OR contains(substr({v}, 12), '+') "
        f"OR contains(substr({v}, 12), '-') "
        f"THEN TRY_CAST({v} AS TIMESTAMPTZ) AT TIME ZONE {_lit(LOCAL_ZONE)} "
        f"ELSE TRY_CAST({v} AS TIMESTAMP) END"
    )


def typed(column: Column, v: str) -> str:
    """The typed value of text expression `v` (NULL if invalid). An ID number or credit
    code stays as written here; `identifiers` normalizes the valid ones afterwards."""
    if column.type == "date":
        return f"CASE WHEN length({v}) = 10 AND {_iso_date_shape(v)} THEN TRY_CAST({v} AS DATE) END"
    if column.type == "timestamp":
        return timestamp(v)
    if column.type == "amount":
        return f"TRY_CAST(replace({v}, ',', '') AS DOUBLE)"
    if column.type == "bool":
        return (
            f"CASE WHEN lower({v}) IN ({_list(_TRUE)}) THEN true "
            f"WHEN lower({v}) IN ({_list(_FALSE)}) THEN false END"
        )
    return v


@dataclass(frozen=True)
class Check:
    column: str
    condition: str  # on the stage; true for a row with the problem
    code: str
    severity: str = ERROR
    raw_value: bool = False  # report the value as written (the typed one is NULL)


def _present(register: Register, present: set[str] | list[str]) -> list[Column]:
    return [c for c in register.columns if c.name in present]


def helpers(register: Register, present: set[str] | list[str]) -> list[str]:
    return [f"_p_{c.name}" for c in _present(register, present) if c.type in TYPE_CODES]


def file_row(source: Source) -> str:
    """The file's row number of a stage row: the stage holds the file's rows in order."""
    return f"(rowid + {source.first_row})"


def stage_select(register: Register, scan: str, present: list[str]) -> str:
    """The SELECT of the stage (see the module docstring) from the FROM item `scan`."""
    columns = _present(register, present)
    # Each value is trimmed once, at the bottom (the typing expressions use it repeatedly).
    trim = ", ".join(f'{_v(c.name)} AS "{c.name}"' for c in columns)
    replace = f" REPLACE ({trim})" if trim else ""
    parts: list[str] = []
    for c in register.columns:
        if c.name in present:
            parts.append(f'({typed(c, _ident(c.name))})::{c.sql_type} AS "{c.name}"')
        else:
            parts.append(f'NULL::{c.sql_type} AS "{c.name}"')
    parts += [f'NULL::{c.sql_type} AS "{c.name}"' for c in register.derived]
    known = set(register.names) | {c.name for c in register.derived}
    parts += [f'"{_q(name)}"' for name in present if name not in known]
    parts += [f'"{c.name}" IS NOT NULL AS "_p_{c.name}"' for c in columns if c.type in TYPE_CODES]
    return f"SELECT {', '.join(parts)} FROM (SELECT *{replace} FROM {scan})"


def lookup(column: Column) -> str:
    """The temporary table of an identifier column's distinct values (see `identifiers`)."""
    return f'"_id_{_q(column.name)}"'


def identifiers(
    con: duckdb.DuckDBPyConnection, register: Register, stage: str, present: set[str]
) -> None:
    """Check and normalize the ID numbers and credit codes of the stage. The rules run
    once per distinct value, into a lookup of each value as written (`_k`) with its
    normalized form (`_n`) and why it is invalid (`_x`, NULL when valid); the stage then
    takes the normalized form of the valid values that are not written in it already.
    One layer per step, so that each macro's argument is a column: a macro repeats its
    argument, and nested expansions make plans that are slow to build."""
    for c in _present(register, present):
        if c.type not in IDENTIFIERS:
            continue
        name, table = _ident(c.name), lookup(c)
        normalized = "jd_idn(_c)" if c.type == "id_number" else "_c"
        con.execute(
            f"CREATE OR REPLACE TEMP TABLE {table} AS "
            f"SELECT _k, _n, {IDENTIFIERS[c.type]}(_n) AS _x FROM "
            f"(SELECT _k, {normalized} AS _n FROM (SELECT _k, jd_clean(_k) AS _c FROM "
            f'(SELECT DISTINCT {name} AS _k FROM "{stage}" WHERE {name} IS NOT NULL)))'
        )
        changed = f"FROM {table} WHERE _x IS NULL AND _n <> _k"
        found = con.execute(f"SELECT count(*) {changed}").fetchone()
        if found and found[0]:
            con.execute(
                f'UPDATE "{stage}" SET {name} = l._n FROM (SELECT _k, _n {changed}) AS l '
                f'WHERE "{stage}".{name} = l._k'
            )


def drop_lookups(con: duckdb.DuckDBPyConnection, register: Register) -> None:
    """Drop the lookups `identifiers` made for the register."""
    for c in register.columns:
        if c.type in IDENTIFIERS:
            con.execute(f"DROP TABLE IF EXISTS {lookup(c)}")


def checks(register: Register, present: set[str] | list[str]) -> list[Check]:
    out: list[Check] = []
    for c in _present(register, present):
        col = f'"{c.name}"'
        if c.required:
            given = f'NOT "_p_{c.name}"' if c.type in TYPE_CODES else "true"
            out.append(Check(c.name, f"{col} IS NULL AND {given}", "required"))
        if c.type in TYPE_CODES:
            out.append(
                Check(
                    c.name, f'"_p_{c.name}" AND {col} IS NULL', TYPE_CODES[c.type], raw_value=True
                )
            )
        if c.type == "month":
            out.append(
                Check(
                    c.name,
                    f"{col} IS NOT NULL AND NOT coalesce(length({col}) = 7 "
                    f"AND substr({col}, 5, 1) = '-' "
                    f"AND TRY_CAST({col} || '-01' AS DATE) IS NOT NULL, false)",
                    "bad_month",
                )
            )
        if c.allowed:
            out.append(Check(c.name, f"{col} NOT IN ({_list(c.allowed)})", "not_allowed"))
        if c.type in IDENTIFIERS:
            # Invalid values are kept as written, so they are still the lookup's keys.
            code = "id_number" if c.type == "id_number" else "uscc"
            invalid = f"(SELECT _k FROM {lookup(c)} WHERE _x IS NOT NULL)"
            out.append(Check(c.name, f"{col} IN {invalid}", code, WARNING))
    return out


def _params(check: Check, column: Column) -> str:
    """SQL for the reason's parameters (a JSON text)."""
    if check.code == "not_allowed":
        return _lit('{"allowed": "' + ", ".join(column.allowed) + '"}')
    if check.code in ("id_number", "uscc"):
        problem = f'(SELECT _x FROM {lookup(column)} WHERE _k = "{column.name}")'
        return f"json_object('problem', {problem})::VARCHAR"
    return "'{}'"


def problems(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    stage: str,
    raw: Callable[[], str],
    present: set[str],
) -> list[Rejection]:
    """Every row-level problem: one aggregate over the stage, then the rows of each kind
    of problem that occurs. `raw()` names a table of the file's text in the stage's
    order, for the values as written of the ones that could not be typed."""
    import orjson

    found = checks(register, present)
    if not found:
        return []
    counts = con.execute(
        "SELECT "
        + ", ".join(f"count(*) FILTER (WHERE {c.condition})" for c in found)
        + f' FROM "{stage}"'
    ).fetchone()
    out: list[tuple[int, int, Rejection]] = []
    for order, (check, count) in enumerate(zip(found, counts or (), strict=True)):
        if not count:
            continue
        column = register.column(check.column)
        if check.raw_value:
            value = f"left(r._raw_value, {MAX_VALUE})"
            join = (
                f"JOIN (SELECT rowid AS _rawid, {_v(check.column)} AS _raw_value "
                f'FROM "{raw()}") r ON r._rawid = s.rowid'
            )
        else:
            value, join = f'left(s."{check.column}"::VARCHAR, {MAX_VALUE})', ""
        rows = con.execute(
            f"SELECT _row, {value}, {_params(check, column)} FROM "
            f'(SELECT *, rowid, {file_row(source)} AS _row FROM "{stage}") s {join} '
            f"WHERE {check.condition} ORDER BY _row"
        ).fetchall()
        out += [
            (
                row,
                order,
                Rejection(
                    source.display,
                    row,
                    check.column,
                    check.code,
                    orjson.loads(params),
                    text,
                    check.severity,
                ),
            )
            for row, text, params in rows
        ]
    return [r for _row, _order, r in sorted(out, key=lambda t: (t[0], t[1]))]


def duplicates(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    stage: str,
    present: set[str],
) -> list[Rejection]:
    """Rows repeating an id of an earlier row."""
    if not register.key or register.key not in present:
        return []
    key = f'"{register.key}"'
    dup = con.execute(f'SELECT count({key}) - count(DISTINCT {key}) FROM "{stage}"').fetchone()
    if not dup or not dup[0]:
        return []
    rows = con.execute(
        f"SELECT _row, {key}, first FROM (SELECT _row, {key}, "
        f"min(_row) OVER (PARTITION BY {key}) AS first "
        f'FROM (SELECT {file_row(source)} AS _row, {key} FROM "{stage}") '
        f"WHERE {key} IS NOT NULL) WHERE _row > first ORDER BY _row"
    ).fetchall()
    return [
        Rejection(source.display, row, register.key, "duplicate_id", {"first": first}, value)
        for row, value, first in rows
    ]


def dangling(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    stage: str,
    present: set[str],
    targets: dict[str, str],
) -> list[Rejection]:
    """References to ids that the referenced register does not hold. `targets` maps a
    register name to the SQL of its key set (a register absent from `targets` is not
    available, and references to it are not checked)."""
    out: list[Rejection] = []
    for c in _present(register, present):
        if not (c.refers or c.targets):
            continue
        pairs: list[tuple[str | None, str]] = (
            [(value, target) for value, target in c.targets] if c.targets else [(None, c.refers)]
        )
        for when, target in pairs:
            keys = targets.get(target)
            if keys is None:
                continue
            guard = f'AND "{c.refers}" = {_lit(when)}' if when is not None else ""
            rows = con.execute(
                f'SELECT {file_row(source)} AS _row, "{c.name}" FROM "{stage}" '
                f'WHERE "{c.name}" IS NOT NULL {guard} AND "{c.name}" NOT IN ({keys}) ORDER BY _row'
            ).fetchall()
            out += [
                Rejection(source.display, row, c.name, "dangling", {"target": target}, value)
                for row, value in rows
            ]
    return sorted(out, key=lambda r: (r.row or 0, r.column or ""))


def drop_helpers(con: duckdb.DuckDBPyConnection, stage: str, names: list[str]) -> None:
    for name in names:
        con.execute(f'ALTER TABLE "{stage}" DROP COLUMN "{_q(name)}"')


def empty_select(register: Register) -> str:
    cols = [*register.columns, *register.derived]
    return "SELECT " + ", ".join(f'NULL::{c.sql_type} AS "{c.name}"' for c in cols) + " LIMIT 0"
