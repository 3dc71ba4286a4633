"""Row-level validation and typing of a register, in SQL.

The text table read from the file becomes, in one pass, the *stage*: the warehouse table
of REGISTERS.md (typed columns in the contract's order, the identity columns, the file's
other columns) plus helper columns (`_row`, the file's row number; `_p_<column>`, a
value was given; `_x_<column>`, why an ID number or credit code is invalid). Every check
is then a cheap test on the stage: one aggregate counts each kind of problem, and only
the kinds that occur are listed row by row (with the value as written). Once nothing was
rejected the helpers are dropped and the stage is swapped in.
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

from dataclasses import dataclass

import duckdb

from .report import ERROR, WARNING, Rejection
from .schema import Column, Register
from .sources import Source, _q

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
    """The trimmed value of a text column, NULL when empty."""
    return f"nullif(trim(\"{_q(name)}\"), '')"


def _ident(name: str) -> str:
    return f'"{_q(name)}"'


def _lit(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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
    """The typed value of text expression `v` (NULL if invalid). Identifier columns use
    the normalized value `_n_<column>` and its problem `_x_<column>` of the inner query."""
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
    if column.type in IDENTIFIERS:
        return f'CASE WHEN "_x_{_q(column.name)}" IS NULL THEN "_n_{_q(column.name)}" ELSE {v} END'
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
    out = ["_row"]
    for c in _present(register, present):
        if c.type in TYPE_CODES:
            out.append(f"_p_{c.name}")
        if c.type in IDENTIFIERS:
            out.append(f"_x_{c.name}")
    return out


def stage_select(register: Register, raw: str, present: list[str], first_row: int) -> str:
    """The SELECT of the stage (see the module docstring)."""
    columns = _present(register, present)
    ids = [c for c in columns if c.type in IDENTIFIERS]
    # A record's own ID number or credit code (a column named after its type) is checked
    # on each row, where it is nearly always distinct. A reference to someone else's (a
    # beneficiary's, a seller's) recurs, so the rules run once per distinct value, in a
    # lookup joined back on the value as written. One layer per step, so that each
    # macro's argument is a column: a macro repeats its argument, and nested expansions
    # make plans that are slow to build.
    own = [c for c in ids if c.name == c.type]
    cleaned = "".join(f', jd_clean("{_q(c.name)}") AS "_c_{_q(c.name)}"' for c in own)
    normalized = "".join(
        f', jd_idn("_c_{_q(c.name)}") AS "_n_{_q(c.name)}"'
        if c.type == "id_number"
        else f', "_c_{_q(c.name)}" AS "_n_{_q(c.name)}"'
        for c in own
    )
    problems = "".join(
        f', {IDENTIFIERS[c.type]}("_n_{_q(c.name)}") AS "_x_{_q(c.name)}"' for c in own
    )
    referred = [c for c in ids if c.name != c.type]
    joins = "".join(
        f' LEFT JOIN {_identifier_lookup(c, raw)} AS "_l_{_q(c.name)}" '
        f'ON r."{_q(c.name)}" = "_l_{_q(c.name)}"._k'
        for c in referred
    )
    looked_up = "".join(
        f', "_l_{_q(c.name)}"._n AS "_n_{_q(c.name)}", "_l_{_q(c.name)}"._x AS "_x_{_q(c.name)}"'
        for c in referred
    )
    # Each value is trimmed once, at the bottom (the typing expressions use it repeatedly).
    trim = ", ".join(f'{_v(c.name)} AS "{c.name}"' for c in columns)
    replace = f" REPLACE ({trim})" if trim else ""
    values = f'(SELECT *{replace}, rowid AS _rowid FROM "{raw}")'
    inner = (
        f"(SELECT * {problems} FROM (SELECT * {normalized} FROM "
        f"(SELECT r.* {cleaned} {looked_up} FROM {values} AS r{joins})))"
    )
    parts: list[str] = []
    for c in register.columns:
        if c.name in present:
            parts.append(f'({typed(c, _ident(c.name))})::{c.sql_type} AS "{c.name}"')
        else:
            parts.append(f'NULL::{c.sql_type} AS "{c.name}"')
    parts += [f'NULL::{c.sql_type} AS "{c.name}"' for c in register.derived]
    known = set(register.names) | {c.name for c in register.derived}
    parts += [f'"{_q(name)}"' for name in present if name not in known]
    parts.append(f"_rowid + {first_row} AS _row")
    for c in columns:
        if c.type in TYPE_CODES:
            parts.append(f'"{c.name}" IS NOT NULL AS "_p_{c.name}"')
        if c.type in IDENTIFIERS:
            parts.append(f'"_x_{c.name}"')
    return f"SELECT {', '.join(parts)} FROM {inner}"


def _identifier_lookup(column: Column, raw: str) -> str:
    """Each distinct value of an ID-number or credit-code column (`_k`) with its
    normalized form (`_n`) and why it is invalid (`_x`, NULL when valid)."""
    name = _q(column.name)
    normalized = "jd_idn(_c)" if column.type == "id_number" else "_c"
    return (
        f"(SELECT _k, _n, {IDENTIFIERS[column.type]}(_n) AS _x FROM "
        f"(SELECT _k, {normalized} AS _n FROM (SELECT _k, jd_clean(_k) AS _c FROM "
        f'(SELECT DISTINCT {_v(name)} AS _k FROM "{raw}") WHERE _k IS NOT NULL)))'
    )


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
            code = "id_number" if c.type == "id_number" else "uscc"
            out.append(Check(c.name, f'"_x_{c.name}" IS NOT NULL', code, WARNING))
    return out


def _params(check: Check, column: Column) -> str:
    """SQL for the reason's parameters (a JSON text)."""
    if check.code == "not_allowed":
        return _lit('{"allowed": "' + ", ".join(column.allowed) + '"}')
    if check.code in ("id_number", "uscc"):
        return f"json_object('problem', \"_x_{column.name}\")::VARCHAR"
    return "'{}'"


def problems(
    con: duckdb.DuckDBPyConnection,
    register: Register,
    source: Source,
    stage: str,
    raw: str,
    present: set[str],
) -> list[Rejection]:
    """Every row-level problem: one aggregate over the stage, then the rows of each kind
    of problem that occurs."""
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
                f'FROM "{raw}") r ON r._rawid = _row - {source.first_row}'
            )
        else:
            value, join = f'left("{check.column}"::VARCHAR, {MAX_VALUE})', ""
        rows = con.execute(
            f'SELECT _row, {value}, {_params(check, column)} FROM "{stage}" {join} '
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
        f'FROM "{stage}" WHERE {key} IS NOT NULL) WHERE _row > first ORDER BY _row'
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
                f'SELECT _row, "{c.name}" FROM "{stage}" WHERE "{c.name}" IS NOT NULL {guard} '
                f'AND "{c.name}" NOT IN ({keys}) ORDER BY _row'
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
