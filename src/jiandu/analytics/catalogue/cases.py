"""A model's cases: `cases/*.yaml` in its folder, each a tiny warehouse and the subjects
the model must report on it.

```yaml
description: what the case shows (which rows are the true positive, which exclusion)
params: {grace_days: 31}          # optional overrides
tables:
  persons:
    - {person_id: p1, name: 王芳, death_date: 2023-11-30}
expect: [p88]                     # exactly these subject ids, no others
```

Identity columns a row leaves out default to the record's own id (one record per
person or organization), so a case only spells them out to test resolution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import duckdb
import pyarrow as pa
import yaml

from . import CatalogueError, ModelSpec
from ._schema import ENTITY_DEFAULTS, REGISTERS

ARROW_TYPES = {
    "VARCHAR": pa.string(),
    "DATE": pa.date32(),
    "TIMESTAMP": pa.timestamp("us"),
    "DOUBLE": pa.float64(),
    "BOOLEAN": pa.bool_(),
}


@dataclass
class Case:
    name: str
    path: Path
    description: str
    tables: dict[str, list[dict[str, Any]]]
    expect: list[str]
    params: dict[str, Any] = field(default_factory=dict)


def load_cases(spec: ModelSpec) -> list[Case]:
    cases = []
    for path in sorted(spec.cases_dir.glob("*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        if not isinstance(data.get("tables"), dict) or "expect" not in data:
            raise CatalogueError(f"{path}: a case needs 'tables' and 'expect'")
        cases.append(
            Case(
                name=f"{spec.id}/{path.stem}",
                path=path,
                description=str(data.get("description", "")).strip(),
                tables={str(k): list(v or []) for k, v in data["tables"].items()},
                expect=[str(x) for x in data["expect"] or []],
                params=dict(data.get("params") or {}),
            )
        )
    return cases


def _value(value: Any, kind: str) -> Any:
    if value is None:
        return None
    if kind == "DATE" and isinstance(value, str):
        return dt.date.fromisoformat(value)
    if kind == "TIMESTAMP":
        if isinstance(value, str):
            return dt.datetime.fromisoformat(value)
        if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
            return dt.datetime.combine(value, dt.time())
        if isinstance(value, dt.datetime):
            return value.replace(tzinfo=None)
    if kind == "DOUBLE":
        return float(value)
    if kind == "VARCHAR":
        return str(value)
    return value


def arrow_table(register: str, rows: list[dict[str, Any]], where: str = "") -> pa.Table:
    """The rows of a register as an Arrow table with the warehouse's column types."""
    columns = REGISTERS[register]
    for i, row in enumerate(rows, start=1):
        unknown = set(row) - set(columns)
        if unknown:
            raise CatalogueError(f"{where}: {register} row {i}: unknown columns {sorted(unknown)}")
    data: dict[str, list[Any]] = {}
    for column, kind in columns.items():
        values = [_value(row.get(column), kind) for row in rows]
        default = ENTITY_DEFAULTS.get((register, column))
        if default:
            values = [
                v if v is not None else _value(row.get(default), "VARCHAR")
                for v, row in zip(values, rows, strict=True)
            ]
        data[column] = values
    schema = pa.schema([(c, ARROW_TYPES[k]) for c, k in columns.items()])
    return pa.Table.from_pydict(data, schema=schema)


def case_warehouse(case: Case) -> duckdb.DuckDBPyConnection:
    """An in-memory warehouse holding the case's tables (every register, most empty).
    A table that is not a register of REGISTERS.md (e.g. `ocds_releases`) is created
    from its rows as given."""
    con = duckdb.connect()
    for register in REGISTERS:
        data = arrow_table(register, case.tables.get(register, []), str(case.path))
        con.from_arrow(data).create(register)
    for name, rows in case.tables.items():
        if name in REGISTERS:
            continue
        con.from_arrow(pa.Table.from_pylist(rows)).create(name)
    return con
