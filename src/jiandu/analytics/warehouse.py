"""Where the warehouse lives and how to open it.

The warehouse is one DuckDB file, `$JIANDU_DATA_DIR/warehouse.duckdb` (`var/` when the
variable is unset, as for the workflow database). Its layout is the contract between the
loaders and the models:

- one table per register of REGISTERS.md section 1, named after it, with every listed
  column present (absent optional columns are NULL), dates as DATE, timestamps as
  TIMESTAMP, amounts and shares as DOUBLE, `is_leading_cadre` as BOOLEAN, ids as VARCHAR;
- identity resolution adds `persons.entity_id`, `organizations.entity_id`,
  `family.relative_entity_id` and `payments.beneficiary_entity_id`: the id of the
  canonical record (the smallest id of the resolved group), so a model that reports a
  person reports a real record id;
- OCDS compiled releases are kept as `ocds_releases` (one JSON text per release) and
  flattened into `ocds_*` tables;
- `_manifest` records each loaded register's file, hash, row count and load time.

DuckDB may use `$JIANDU_WAREHOUSE_MEMORY` (default 2GiB) for its own buffers; a query
that needs more spills to a temporary directory beside the warehouse instead of growing
the process, which keeps a catalogue run over the province world within its budget.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import duckdb

FILE_NAME = "warehouse.duckdb"
DEFAULT_MEMORY = "2GiB"
MEMORY_SIZE = re.compile(r"^\d+(\.\d+)?\s*([KMGT]i?B|B)$", re.IGNORECASE)


def data_dir() -> Path:
    return Path(os.environ.get("JIANDU_DATA_DIR") or "var").resolve()


def default_path() -> Path:
    return data_dir() / FILE_NAME


def memory_limit() -> str:
    """DuckDB's `memory_limit` for warehouse connections (`$JIANDU_WAREHOUSE_MEMORY`)."""
    limit = os.environ.get("JIANDU_WAREHOUSE_MEMORY", "").strip() or DEFAULT_MEMORY
    if not MEMORY_SIZE.match(limit):
        raise ValueError(
            f"JIANDU_WAREHOUSE_MEMORY={limit!r} is not a memory size (e.g. 2GiB, 512MB)"
        )
    return limit


def connect(
    path: Path | str | None = None, *, read_only: bool = False, memory: str | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the warehouse (created when missing and not read-only); `memory` overrides
    `$JIANDU_WAREHOUSE_MEMORY` for a connection that needs little (a worker process)."""
    target = Path(path) if path is not None else default_path()
    config: dict[str, str | bool | int | float | list[str]] = {
        "memory_limit": memory or memory_limit(),
        "temp_directory": f"{target}.tmp",
    }
    if not read_only:
        target.parent.mkdir(parents=True, exist_ok=True)
    con = duckdb.connect(str(target), read_only=read_only, config=config)
    # DuckDB draws its own progress bar on standard output for long queries; the commands
    # draw theirs, and what they print must stay theirs.
    con.execute("SET enable_progress_bar = false")
    return con
