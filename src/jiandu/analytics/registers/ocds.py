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
from .validate import _ZONED, LOCAL_ZONE, MAX_VALUE, _lit

TABLES = (
    "ocds_releases",
    "ocds_tenders",
    "ocds_bids",
    "ocds_awards",
    "ocds_contracts",
    "ocds_parties",
)


def _ts(expr: str) -> str:
    return (
        f"CASE WHEN regexp_matches({expr}, {_lit(_ZONED)}) "
        f"THEN TRY_CAST({expr} AS TIMESTAMPTZ) AT TIME ZONE {_lit(LOCAL_ZONE)} "
        f"ELSE TRY_CAST({expr} AS TIMESTAMP) END"
    )


def _num(expr: str) -> str:
    return f"TRY_CAST({expr} AS DOUBLE)"


def _items(path: str) -> str:
    """The elements of the JSON array at `path` of each release (none when absent)."""
    return f"unnest(coalesce(TRY_CAST(json_extract(release, {_lit(path)}) AS JSON[]), []))"


FLATTEN = {
    "ocds_tenders": f"""
        SELECT ocid,
            release->>'$.tender.id' AS tender_id,
            release->>'$.tender.title' AS title,
            release->>'$.tender.status' AS status,
            release->>'$.tender.procurementMethod' AS procurement_method,
            release->>'$.tender.procurementMethodDetails' AS procurement_method_details,
            release->>'$.tender.mainProcurementCategory' AS main_procurement_category,
            {_num("release->>'$.tender.value.amount'")} AS value_amount,
            release->>'$.tender.value.currency' AS currency,
            TRY_CAST(release->>'$.tender.numberOfTenderers' AS INTEGER) AS number_of_tenderers,
            {_ts("release->>'$.tender.tenderPeriod.startDate'")} AS tender_period_start,
            {_ts("release->>'$.tender.tenderPeriod.endDate'")} AS tender_period_end,
            release->>'$.buyer.id' AS buyer_id,
            release->>'$.buyer.name' AS buyer_name,
            {_ts("release->>'$.date'")} AS date
        FROM ocds_releases""",
    "ocds_bids": f"""
        SELECT ocid, bid->>'$.id' AS bid_id, bid->>'$.status' AS status,
            {_num("bid->>'$.value.amount'")} AS value_amount,
            bid->>'$.value.currency' AS currency,
            {_ts("bid->>'$.date'")} AS date,
            tenderer->>'$.id' AS tenderer_id, tenderer->>'$.name' AS tenderer_name
        FROM (SELECT ocid, bid,
                unnest(coalesce(TRY_CAST(json_extract(bid, '$.tenderers') AS JSON[]),
                                [NULL::JSON])) AS tenderer
              FROM (SELECT ocid, {_items("$.bids.details")} AS bid FROM ocds_releases))""",
    "ocds_awards": f"""
        SELECT ocid, award->>'$.id' AS award_id, award->>'$.status' AS status,
            {_ts("award->>'$.date'")} AS date,
            {_num("award->>'$.value.amount'")} AS value_amount,
            award->>'$.value.currency' AS currency,
            supplier->>'$.id' AS supplier_id, supplier->>'$.name' AS supplier_name
        FROM (SELECT ocid, award,
                unnest(coalesce(TRY_CAST(json_extract(award, '$.suppliers') AS JSON[]),
                                [NULL::JSON])) AS supplier
              FROM (SELECT ocid, {_items("$.awards")} AS award FROM ocds_releases))""",
    "ocds_contracts": f"""
        SELECT ocid, contract->>'$.id' AS contract_id, contract->>'$.awardID' AS award_id,
            contract->>'$.status' AS status,
            {_num("contract->>'$.value.amount'")} AS value_amount,
            contract->>'$.value.currency' AS currency,
            {_ts("contract->>'$.dateSigned'")} AS date_signed,
            {_ts("contract->>'$.period.startDate'")} AS period_start,
            {_ts("contract->>'$.period.endDate'")} AS period_end
        FROM (SELECT ocid, {_items("$.contracts")} AS contract FROM ocds_releases)""",
    "ocds_parties": f"""
        SELECT ocid, party->>'$.id' AS party_id, party->>'$.name' AS name,
            array_to_string(TRY_CAST(json_extract(party, '$.roles') AS VARCHAR[]), ',') AS roles,
            party->>'$.identifier.scheme' AS identifier_scheme,
            party->>'$.identifier.id' AS identifier_id,
            party->>'$.address.region' AS region,
            party->>'$.contactPoint.telephone' AS phone
        FROM (SELECT ocid, {_items("$.parties")} AS party FROM ocds_releases)""",
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
    for path in files:
        name = str(path.relative_to(root))
        if path.stat().st_size == 0:
            problems.append(Rejection(name, None, None, "empty_file"))
            continue
        try:
            con.execute(
                "CREATE OR REPLACE TEMP TABLE _ocds_lines AS SELECT release FROM read_csv($p, "
                "columns = {'release': 'VARCHAR'}, header = false, delim = '\x1f', quote = '', "
                "escape = '', max_line_size = 1000000000, auto_detect = false)",
                {"p": str(path)},
            )
        except duckdb.Error as exc:
            detail = str(exc).strip().splitlines()[0][:300]
            problems.append(Rejection(name, None, None, "unreadable", {"detail": detail}))
            continue
        for line, value in con.execute(
            "SELECT rowid + 1, left(release, $m) FROM _ocds_lines "
            "WHERE NOT coalesce(json_valid(release), false) "
            "OR json_type(release::JSON) != 'OBJECT' ORDER BY 1",
            {"m": MAX_VALUE},
        ).fetchall():
            problems.append(
                Rejection(name, line, None, "bad_json", {"detail": "invalid JSON"}, value)
            )
        con.execute(
            f"INSERT INTO \"{table}\" SELECT release::JSON->>'$.ocid', release, $f, rowid + 1 "
            "FROM _ocds_lines WHERE coalesce(json_valid(release), false) "
            "AND json_type(release::JSON) = 'OBJECT'",
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
    con.execute(
        "CREATE TABLE ocds_releases AS SELECT ocid, release, source_file, line_no "
        f'FROM "{table}" ORDER BY source_file, line_no'
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
