"""Row-level validation and typing of a register's text table, in SQL.

`problems` scans the text table once and returns every error and warning of every row
(required values, types, allowed values, ID numbers and credit codes); `duplicates` and
`dangling` check keys and references; `typed_select` is the SELECT that turns the text
table into the warehouse table of REGISTERS.md (only run once nothing was rejected).
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

import duckdb

from .report import ERROR, WARNING, Rejection
from .schema import Column, Register
from .sources import Source, _q

LOCAL_ZONE = "Asia/Shanghai"  # "local time assumed" for timestamps written without a zone
MAX_VALUE = 120  # characters of an offending value kept in the report

_ZONED = r"[T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)$"
_DATE = r"\d{4}-\d{2}-\d{2}"
_TIMESTAMP = r"\d{4}-\d{2}-\d{2}([T ]\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?\s*(Z|[+-]\d{2}(:?\d{2})?)?)?"
_TRUE = ("true", "t", "1", "yes", "y", "是")
_FALSE = ("false", "f", "0", "no", "n", "否")


def _v(name: str) -> str:
    """The trimmed value of a text column, NULL when empty."""
    return f"nullif(trim(\"{_q(name)}\"), '')"


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(values: tuple[str, ...]) -> str:
    return ", ".join(_lit(v) for v in values)


def typed(column: Column, v: str) -> str:
    """The SQL expression giving the typed value of text expression `v` (NULL if invalid)."""
    if column.type == "date":
        return f"CASE WHEN regexp_full_match({v}, {_lit(_DATE)}) THEN TRY_CAST({v} AS DATE) END"
    if column.type == "timestamp":
        return (
            f"CASE WHEN NOT regexp_full_match({v}, {_lit(_TIMESTAMP)}) THEN NULL "
            f"WHEN regexp_matches({v}, {_lit(_ZONED)}) "
            f"THEN TRY_CAST({v} AS TIMESTAMPTZ) AT TIME ZONE {_lit(LOCAL_ZONE)} "
            f"ELSE TRY_CAST({v} AS TIMESTAMP) END"
        )
    if column.type == "amount":
        return f"TRY_CAST(replace({v}, ',', '') AS DOUBLE)"
    if column.type == "bool":
        return (
            f"CASE WHEN lower({v}) IN ({_list(_TRUE)}) THEN true "
            f"WHEN lower({v}) IN ({_list(_FALSE)}) THEN false END"
        )
    if column.type in ("id_number", "uscc"):
        n = _n(column.name)
        problem = "jd_idn_problem" if column.type == "id_number" else "jd_uscc_problem"
        return f"CASE WHEN {problem}({n}) IS NULL THEN {n} ELSE {v} END"
    return v


def _n(name: str) -> str:
    """The normalized identifier computed for column `name` by `_source`."""
    return f'"_n_{_q(name)}"'


def _source(register: Register, table: str, present: set[str] | list[str]) -> str:
    """The text table with its row number and the normalized identifiers."""
    extra = ""
    for c in register.columns:
        if c.name in present and c.type == "id_number":
            extra += f', jd_idn(jd_clean("{_q(c.name)}")) AS {_n(c.name)}'
        elif c.name in present and c.type == "uscc":
            extra += f', jd_clean("{_q(c.name)}") AS {_n(c.name)}'
    return f'(SELECT *, rowid AS _rowid{extra} FROM "{table}")'


_TYPE_CODES = {
    "date": "bad_date",
    "timestamp": "bad_timestamp",
    "amount": "bad_amount",
    "bool": "bad_bool",
}


def _checks(register: Register, present: set[str]) -> list[tuple[str, str, str, str]]:
    """(column, condition that is true for a problem, code, severity) of each check."""
    checks: list[tuple[str, str, str, str]] = []
    for c in register.columns:
        if c.name not in present:
            continue
        v = _v(c.name)
        if c.required:
            checks.append((c.name, f"{v} IS NULL", "required", ERROR))
        if c.type in _TYPE_CODES:
            checks.append(
                (c.name, f"{v} IS NOT NULL AND ({typed(c, v)}) IS NULL", _TYPE_CODES[c.type], ERROR)
            )
        if c.type == "month":
            checks.append(
                (
                    c.name,
                    f"{v} IS NOT NULL AND NOT regexp_full_match({v}, '\\d{{4}}-(0[1-9]|1[0-2])')",
                    "bad_month",
                    ERROR,
                )
            )
        if c.allowed:
            checks.append((c.name, f"{v} NOT IN ({_list(c.allowed)})", "not_allowed", ERROR))
        if c.type == "id_number":
            checks.append(
                (c.name, f"jd_idn_problem({_n(c.name)}) IS NOT NULL", "id_number", WARNING)
            )
        if c.type == "uscc":
            checks.append((c.name, f"jd_uscc_problem({_n(c.name)}) IS NOT NULL", "uscc", WARNING))
    return checks


def _params(code: str, column: Column, v: str) -> str:
    """SQL for the reason's parameters (a JSON text)."""
    if code == "not_allowed":
        return _lit('{"allowed": "' + ", ".join(column.allowed) + '"}')
    if code == "id_number":
        return f"json_object('problem', jd_idn_problem({_n(column.name)}))::VARCHAR"
    if code == "uscc":
        return f"json_object('problem', jd_uscc_problem({_n(column.name)}))::VARCHAR"
    return "'{}'"


def problems(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    table: str,
    present: set[str],
) -> list[Rejection]:
    """Every row-level problem, in one scan of the text table."""
    checks = _checks(register, present)
    if not checks:
        return []
    items = ", ".join(
        f"CASE WHEN {cond} THEN {{'column': {_lit(col)}, 'code': {_lit(code)}, "
        f"'severity': {_lit(sev)}, 'value': left({_v(col)}, {MAX_VALUE}), "
        f"'params': {_params(code, register.column(col), _v(col))}}} END"
        for col, cond, code, sev in checks
    )
    sql = (
        f"SELECT row, p.column, p.code, p.severity, p.value, p.params FROM ("
        f"SELECT _rowid + {source.first_row} AS row, "
        f"unnest(list_filter([{items}], lambda x: x IS NOT NULL)) AS p "
        f"FROM {_source(register, table, present)}) "
        f"ORDER BY row"
    )
    import orjson

    return [
        Rejection(source.display, row, column, code, orjson.loads(params), value, severity)
        for row, column, code, severity, value, params in con.execute(sql).fetchall()
    ]


def duplicates(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    table: str,
    present: set[str],
) -> list[Rejection]:
    """Rows repeating an id of an earlier row."""
    if not register.key or register.key not in present:
        return []
    v = _v(register.key)
    dup = con.execute(
        f'SELECT count(*) FROM (SELECT {v} AS k FROM "{table}" WHERE {v} IS NOT NULL '
        "GROUP BY k HAVING count(*) > 1)"
    ).fetchone()
    if not dup or not dup[0]:
        return []
    rows = con.execute(
        f"SELECT row, k, first FROM (SELECT rowid + {source.first_row} AS row, {v} AS k, "
        f"min(rowid) OVER (PARTITION BY {v}) + {source.first_row} AS first "
        f'FROM "{table}" WHERE {v} IS NOT NULL) WHERE row > first ORDER BY row'
    ).fetchall()
    return [
        Rejection(source.display, row, register.key, "duplicate_id", {"first": first}, key)
        for row, key, first in rows
    ]


def dangling(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    table: str,
    present: set[str],
    targets: dict[str, str],
) -> list[Rejection]:
    """References to ids that the referenced register does not hold. `targets` maps a
    register name to the SQL of its key set (a register absent from `targets` is not
    available, and references to it are not checked)."""
    out: list[Rejection] = []
    for c in register.columns:
        if c.name not in present or not (c.refers or c.targets):
            continue
        v = _v(c.name)
        pairs: list[tuple[str | None, str]] = (
            [(value, target) for value, target in c.targets] if c.targets else [(None, c.refers)]
        )
        for when, target in pairs:
            keys = targets.get(target)
            if keys is None:
                continue
            guard = ""
            if when is not None:
                guard = f"AND {_v(c.refers)} = {_lit(when)}"
            rows = con.execute(
                f'SELECT rowid + {source.first_row} AS row, {v} FROM "{table}" '
                f"WHERE {v} IS NOT NULL {guard} AND {v} NOT IN ({keys}) ORDER BY row"
            ).fetchall()
            out += [
                Rejection(source.display, row, c.name, "dangling", {"target": target}, value)
                for row, value in rows
            ]
    return sorted(out, key=lambda r: (r.row or 0, r.column or ""))


def typed_select(register: Register, table: str, present: list[str]) -> str:
    """SELECT of the warehouse table: the contract's columns typed (absent ones NULL), the
    identity columns (NULL until resolution), then the file's other columns as text."""
    parts: list[str] = []
    for c in register.columns:
        if c.name in present:
            parts.append(f'({typed(c, _v(c.name))})::{c.sql_type} AS "{c.name}"')
        else:
            parts.append(f'NULL::{c.sql_type} AS "{c.name}"')
    parts += [f'NULL::{c.sql_type} AS "{c.name}"' for c in register.derived]
    known = set(register.names) | {c.name for c in register.derived}
    parts += [f'"{_q(name)}"' for name in present if name not in known]
    return f"SELECT {', '.join(parts)} FROM {_source(register, table, present)} ORDER BY _rowid"


def empty_select(register: Register) -> str:
    cols = [*register.columns, *register.derived]
    return "SELECT " + ", ".join(f'NULL::{c.sql_type} AS "{c.name}"' for c in cols) + " LIMIT 0"
