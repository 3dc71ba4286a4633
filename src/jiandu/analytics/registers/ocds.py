"""OCDS compiled releases (`ocds/*.jsonl`, one JSON object per line).

Each release is kept whole in `ocds_releases(ocid, release, source_file, line_no)` and
flattened into `ocds_tenders`, `ocds_bids` (one row per bid and tenderer), `ocds_awards`
(one row per award and supplier), `ocds_contracts` and `ocds_parties`. Dates become
TIMESTAMP in local time (a zone given in the release is converted).
"""

# SQL here is composed of identifiers of the register schemas and expressions generated
# from them; values from files are bound as parameters or quoted by `validate._lit`.
# ruff: noqa: S608

from __future__ import annotations

from pathlib import Path

import duckdb

from .report import Rejection
from .validate import MAX_VALUE, _lit, timestamp

TABLES = (
    "ocds_releases",
    "ocds_tenders",
    "ocds_bids",
    "ocds_awards",
    "ocds_contracts",
    "ocds_parties",
)


def _flat(source: str, alias: str, fields: list[tuple[str, str, str]], keep: str = "ocid") -> str:
    """SELECT `keep` and `fields` (name, JSON path, kind: text, number, integer or
    timestamp) of the JSON column `alias` of `source`, parsing each JSON value once."""
    paths = ", ".join(_lit(path) for _n, path, _k in fields)
    parts = []
    for i, (name, _path, kind) in enumerate(fields, start=1):
        e = f"_e[{i}]"
        if kind == "number":
            e = f"TRY_CAST({e} AS DOUBLE)"
        elif kind == "integer":
            e = f"TRY_CAST({e} AS INTEGER)"
        elif kind == "timestamp":
            e = timestamp(e)
        parts.append(f"{e} AS {name}")
    return (
        f"SELECT * EXCLUDE (_e), {', '.join(parts)} FROM "
        f"(SELECT {keep}, json_extract_string({alias}, [{paths}]) AS _e FROM ({source}))"
    )


def _items(column: str, path: str) -> str:
    """The elements of the JSON array at `path` of `column` (none when absent)."""
    return f"unnest(coalesce(TRY_CAST(json_extract({column}, {_lit(path)}) AS JSON[]), []))"


def _each(column: str, path: str) -> str:
    """Like `_items`, but one NULL element for an absent or empty array."""
    return (
        f"unnest(coalesce(nullif(TRY_CAST(json_extract({column}, {_lit(path)}) AS JSON[]), []),"
        " [NULL::JSON]))"
    )


FLATTEN = {
    "ocds_tenders": _flat(
        "SELECT ocid, release FROM ocds_releases",
        "release",
        [
            ("tender_id", "$.tender.id", "text"),
            ("title", "$.tender.title", "text"),
            ("status", "$.tender.status", "text"),
            ("procurement_method", "$.tender.procurementMethod", "text"),
            ("procurement_method_details", "$.tender.procurementMethodDetails", "text"),
            ("main_procurement_category", "$.tender.mainProcurementCategory", "text"),
            ("value_amount", "$.tender.value.amount", "number"),
            ("currency", "$.tender.value.currency", "text"),
            ("number_of_tenderers", "$.tender.numberOfTenderers", "integer"),
            ("tender_period_start", "$.tender.tenderPeriod.startDate", "timestamp"),
            ("tender_period_end", "$.tender.tenderPeriod.endDate", "timestamp"),
            ("buyer_id", "$.buyer.id", "text"),
            ("buyer_name", "$.buyer.name", "text"),
            ("date", "$.date", "timestamp"),
        ],
    ),
    "ocds_bids": _flat(
        f"SELECT ocid, bid, {_each('bid', '$.tenderers')} AS tenderer FROM "
        f"(SELECT ocid, {_items('release', '$.bids.details')} AS bid FROM ocds_releases)",
        "bid",
        [
            ("bid_id", "$.id", "text"),
            ("status", "$.status", "text"),
            ("value_amount", "$.value.amount", "number"),
            ("currency", "$.value.currency", "text"),
            ("date", "$.date", "timestamp"),
        ],
        keep="ocid, tenderer->>'$.id' AS tenderer_id, tenderer->>'$.name' AS tenderer_name",
    ),
    "ocds_awards": _flat(
        f"SELECT ocid, award, {_each('award', '$.suppliers')} AS supplier FROM "
        f"(SELECT ocid, {_items('release', '$.awards')} AS award FROM ocds_releases)",
        "award",
        [
            ("award_id", "$.id", "text"),
            ("status", "$.status", "text"),
            ("date", "$.date", "timestamp"),
            ("value_amount", "$.value.amount", "number"),
            ("currency", "$.value.currency", "text"),
        ],
        keep="ocid, supplier->>'$.id' AS supplier_id, supplier->>'$.name' AS supplier_name",
    ),
    "ocds_contracts": _flat(
        f"SELECT ocid, {_items('release', '$.contracts')} AS contract FROM ocds_releases",
        "contract",
        [
            ("contract_id", "$.id", "text"),
            ("award_id", "$.awardID", "text"),
            ("status", "$.status", "text"),
            ("value_amount", "$.value.amount", "number"),
            ("currency", "$.value.currency", "text"),
            ("date_signed", "$.dateSigned", "timestamp"),
            ("period_start", "$.period.startDate", "timestamp"),
            ("period_end", "$.period.endDate", "timestamp"),
        ],
    ),
    "ocds_parties": _flat(
        f"SELECT ocid, party, array_to_string(TRY_CAST(json_extract(party, '$.roles') "
        f"AS VARCHAR[]), ',') AS roles FROM "
        f"(SELECT ocid, {_items('release', '$.parties')} AS party FROM ocds_releases)",
        "party",
        [
            ("party_id", "$.id", "text"),
            ("name", "$.name", "text"),
            ("identifier_scheme", "$.identifier.scheme", "text"),
            ("identifier_id", "$.identifier.id", "text"),
            ("region", "$.address.region", "text"),
            ("phone", "$.contactPoint.telephone", "text"),
        ],
        keep="ocid, roles",
    ),
}


def read(
    con: duckdb.DuckDBPyConnection, files: list[Path], root: Path, table: str
) -> list[Rejection]:
    """Read every line of `files` into `table(ocid, release, source_file, line_no)`;
    return the lines that are not JSON objects with an ocid, and repeated ocids."""
    con.execute(
        f'CREATE OR REPLACE TEMP TABLE "{table}" '
        "(ocid VARCHAR, release VARCHAR, source_file VARCHAR, line_no INTEGER)"
    )
    problems: list[Rejection] = []
    for path in sorted(files, key=lambda p: str(p.relative_to(root))):
        name = str(path.relative_to(root))
        if path.stat().st_size == 0:
            problems.append(Rejection(name, None, None, "empty_file"))
            continue
        try:
            # Each line is parsed as JSON once here: whether it is an object, and its ocid.
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _ocds_lines AS SELECT release, ok, "
                "CASE WHEN ok THEN release::JSON->>'$.ocid' END AS ocid FROM (SELECT release, "
                "CASE WHEN json_valid(release) THEN json_type(release::JSON) = 'OBJECT' ELSE false "
                "END AS ok FROM read_csv($p, columns = {'release': 'VARCHAR'}, header = false, "
                "delim = '\x1f', quote = '', escape = '', max_line_size = 1000000000, "
                "auto_detect = false))",
                {"p": str(path)},
            )
        except duckdb.Error as exc:
            detail = str(exc).strip().splitlines()[0][:300]
            problems.append(Rejection(name, None, None, "unreadable", {"detail": detail}))
            continue
        for line, value in con.execute(
            "SELECT rowid + 1, left(release, $m) FROM _ocds_lines WHERE NOT ok ORDER BY 1",
            {"m": MAX_VALUE},
        ).fetchall():
            problems.append(
                Rejection(name, line, None, "bad_json", {"detail": "invalid JSON"}, value)
            )
        con.execute(
            f'INSERT INTO "{table}" SELECT ocid, release, $f, rowid + 1 FROM _ocds_lines WHERE ok',
            {"f": name},
        )
    con.execute("DROP TABLE IF EXISTS _ocds_lines")
    for file, line in con.execute(
        f"SELECT source_file, line_no FROM \"{table}\" WHERE nullif(trim(ocid), '') IS NULL "
        "ORDER BY 1, 2"
    ).fetchall():
        problems.append(Rejection(file, line, "ocid", "no_ocid"))
    for file, line, ocid, first_file, first_line in con.execute(
        f"""SELECT source_file, line_no, ocid, first_value(source_file) OVER w,
                first_value(line_no) OVER w
            FROM "{table}" WHERE ocid IS NOT NULL
            WINDOW w AS (PARTITION BY ocid ORDER BY source_file, line_no)
            QUALIFY row_number() OVER w > 1
            ORDER BY 1, 2"""
    ).fetchall():
        problems.append(
            Rejection(
                file,
                line,
                "ocid",
                "duplicate_ocid",
                {"first": first_line, "file": first_file},
                ocid,
            )
        )
    return problems


def swap(con: duckdb.DuckDBPyConnection, table: str) -> None:
    """Replace the OCDS tables with the releases of `table` (inside the caller's
    transaction)."""
    con.execute("DROP TABLE IF EXISTS ocds_releases")
    # `read` appends the files in name order and each file's lines in order, so the rows
    # are already in reading order (file, line), which the table keeps without a sort.
    con.execute(
        f'CREATE TABLE ocds_releases AS SELECT ocid, release, source_file, line_no FROM "{table}"'
    )
    for name, select in FLATTEN.items():
        con.execute(f"DROP TABLE IF EXISTS {name}")
        con.execute(f"CREATE TABLE {name} AS {select}")


def ensure(con: duckdb.DuckDBPyConnection) -> None:
    """Create empty OCDS tables when none were ever loaded (models find them all)."""
    present = {r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()}
    if "ocds_releases" in present:
        return
    con.execute(
        "CREATE TABLE ocds_releases "
        "(ocid VARCHAR, release VARCHAR, source_file VARCHAR, line_no INTEGER)"
    )
    for name, select in FLATTEN.items():
        con.execute(f"CREATE TABLE {name} AS {select}")
