"""Loading a register directory: good rows of every register, each kind of bad input,
all or nothing, idempotence, the manifest and the formats."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from typing import Any

import duckdb
import pytest

from jiandu.analytics import warehouse as wh
from jiandu.analytics.registers import REGISTERS, ingest, last_report, manifest_hash
from jiandu.analytics.registers.report import IngestReport
from tests.analytics.registers_world import (
    GOOD,
    RELEASES,
    columns,
    needed,
    write_csv,
    write_excel,
    write_parquet,
    write_world,
)


@pytest.fixture
def world(tmp_path: Path) -> Path:
    return write_world(tmp_path / "world")


@pytest.fixture
def store(tmp_path: Path) -> Path:
    return tmp_path / "warehouse.duckdb"


def query(store: Path, sql: str) -> list[tuple[Any, ...]]:
    con = wh.connect(store, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def snapshot(store: Path) -> dict[str, Any]:
    """Everything a load may change, except the load reports."""
    con = wh.connect(store, read_only=True)
    try:
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name != '_load_reports' "
                "ORDER BY 1"
            ).fetchall()
        ]
        return {
            t: sorted(map(repr, con.execute(f'SELECT * FROM "{t}"').fetchall())) for t in tables
        }
    finally:
        con.close()


def errors(report: IngestReport) -> list[tuple[str, int | None, str | None, str]]:
    return [(r.file, r.row, r.column, r.code) for r in report.errors]


# --- good rows --------------------------------------------------------------------------


def test_every_register_loads_with_the_contract_layout(world: Path, store: Path) -> None:
    report = ingest(world, warehouse=store)
    assert report.ok, report.to_dict()
    assert report.errors == [] and report.warnings == []
    statuses = {r.name: (r.status, r.rows) for r in report.registers}
    for name, rows in GOOD.items():
        assert statuses[name] == ("loaded", len(rows))
    assert statuses["ocds"] == ("loaded", len(RELEASES))
    con = wh.connect(store, read_only=True)
    for name, register in REGISTERS.items():
        described = {r[0]: r[1] for r in con.execute(f'DESCRIBE "{name}"').fetchall()}
        for column in [*register.columns, *register.derived]:
            assert described[column.name] == column.sql_type, (name, column.name)
    con.close()


def test_values_are_typed_and_normalized(world: Path, store: Path) -> None:
    ingest(world, warehouse=store)
    assert query(store, "SELECT id_number FROM persons WHERE person_id = 'P4'") == [
        ("11010519491231002X",)  # 15 digits converted to 18
    ]
    assert query(store, "SELECT registered_capital FROM organizations WHERE org_id = 'O1'") == [
        (1000000.0,)
    ]
    assert query(store, "SELECT is_leading_cadre FROM posts ORDER BY person_id") == [
        (True,),
        (False,),
    ]
    # a zone is converted to local time (Asia/Shanghai), a time without zone is local
    assert query(store, "SELECT submitted_at FROM bids ORDER BY bidder_org_id") == [
        (dt.datetime(2024, 2, 1, 9, 30),),
        (dt.datetime(2024, 2, 1, 10, 0),),
    ]
    assert query(store, "SELECT relative_id_number FROM family WHERE person_id = 'P6'") == [
        ("11010519491231002X",)  # lower-case x upper-cased
    ]
    assert query(store, "SELECT death_date FROM persons WHERE person_id = 'P5'") == [
        (dt.date(2023, 11, 30),)
    ]


def test_ocds_releases_are_kept_and_flattened(world: Path, store: Path) -> None:
    ingest(world, warehouse=store)
    assert query(store, "SELECT ocid, source_file, line_no FROM ocds_releases ORDER BY 1") == [
        ("ocds-1", "ocds/releases.jsonl", 1),
        ("ocds-2", "ocds/releases.jsonl", 2),
    ]
    assert query(
        store, "SELECT ocid, tender_id, procurement_method FROM ocds_tenders ORDER BY 1"
    ) == [
        ("ocds-1", "T1", "open"),
        ("ocds-2", "T2", "direct"),
    ]
    assert query(store, "SELECT bid_id, tenderer_id FROM ocds_bids ORDER BY 1, 2") == [
        ("b1", "O1"),
        ("b2", "O2"),
        ("b2", "O4"),
    ]
    assert query(store, "SELECT award_id, supplier_id FROM ocds_awards") == [("a1", "O1")]
    assert query(store, "SELECT contract_id, award_id, value_amount FROM ocds_contracts") == [
        ("c1", "a1", 1180000.0)
    ]
    assert query(store, "SELECT party_id, roles FROM ocds_parties ORDER BY 1") == [
        ("O1", "tenderer,supplier"),
        ("O3", "buyer,procuringEntity"),
    ]
    assert query(store, "SELECT date FROM ocds_tenders WHERE ocid = 'ocds-1'") == [
        (dt.datetime(2024, 2, 25, 8, 0),)
    ]


def test_manifest_records_hash_rows_and_time(world: Path, store: Path) -> None:
    ingest(world, warehouse=store)
    rows = query(store, "SELECT register, file, sha256, rows, loaded_at FROM _manifest")
    by_register = {r[0]: r for r in rows}
    assert set(by_register) == set(GOOD) | {"ocds"}
    import hashlib

    digest = hashlib.sha256((world / "persons.csv").read_bytes()).hexdigest()
    assert by_register["persons"][1:4] == ("persons.csv", digest, len(GOOD["persons"]))
    assert isinstance(by_register["persons"][4], dt.datetime)


def test_unknown_files_are_named_and_skipped(world: Path, store: Path) -> None:
    (world / "notes.txt").write_text("x")
    (world / "person.csv").write_text("a\n1\n")
    (world / "extra").mkdir()
    report = ingest(world, warehouse=store)
    assert report.ok
    assert report.unknown_files == ["extra/", "notes.txt", "person.csv"]


def test_unknown_columns_are_kept(world: Path, store: Path) -> None:
    rows = [{**r, "source_system": "civil"} for r in GOOD["persons"]]
    write_csv(world / "persons.csv", rows)
    assert ingest(world, warehouse=store).ok
    assert query(store, "SELECT DISTINCT source_system FROM persons") == [("civil",)]


# --- idempotence and all-or-nothing ------------------------------------------------------


def test_loading_the_same_directory_twice_changes_nothing(world: Path, store: Path) -> None:
    first = ingest(world, warehouse=store)
    before = snapshot(store)
    con = wh.connect(store, read_only=True)
    digest = manifest_hash(con)
    con.close()
    second = ingest(world, warehouse=store)
    assert {r.status for r in second.registers} == {"unchanged"}
    assert snapshot(store) == before
    con = wh.connect(store, read_only=True)
    assert manifest_hash(con) == digest
    con.close()
    assert second.identity["person_entities"] == first.identity["person_entities"]


def test_a_rejected_register_keeps_what_was_loaded(world: Path, store: Path) -> None:
    ingest(world, warehouse=store)
    before = snapshot(store)
    rows = [dict(r) for r in GOOD["payments"]]
    rows.append({**rows[0], "payment_id": "PAY9", "paid_date": "2024-02-30"})
    write_csv(world / "payments.csv", rows)
    report = ingest(world, warehouse=store)
    assert not report.ok
    assert errors(report) == [("payments.csv", 5, "paid_date", "bad_date")]
    status = {r.name: r.status for r in report.registers}
    assert status["payments"] == "rejected"
    assert status["persons"] == "unchanged"
    assert snapshot(store) == before


def test_a_failure_while_swapping_leaves_the_register_whole(
    world: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ingest(world, warehouse=store)
    before = snapshot(store)
    write_csv(world / "payments.csv", GOOD["payments"][:1])
    real = duckdb.DuckDBPyConnection.execute

    def failing(self: duckdb.DuckDBPyConnection, sql: str, *args: Any) -> Any:
        if sql.startswith("INSERT INTO _manifest"):
            raise duckdb.IOException("disk full")
        return real(self, sql, *args)

    monkeypatch.setattr(duckdb.DuckDBPyConnection, "execute", failing)
    with pytest.raises(duckdb.IOException):
        ingest(world, warehouse=store)
    monkeypatch.undo()
    assert snapshot(store) == before


def test_without_add_the_warehouse_mirrors_the_directory(world: Path, store: Path) -> None:
    ingest(world, warehouse=store)
    (world / "vehicles.csv").unlink()
    (world / "fuel_transactions.csv").unlink()
    assert ingest(world, warehouse=store).ok
    assert query(store, "SELECT count(*) FROM vehicles") == [(0,)]
    assert query(store, "SELECT count(*) FROM _manifest WHERE register = 'vehicles'") == [(0,)]


def test_add_appends_new_files_and_refuses_known_ids(tmp_path: Path, store: Path) -> None:
    world = write_world(tmp_path / "w")
    ingest(world, warehouse=store)
    more = tmp_path / "more"
    more.mkdir()
    new = {**GOOD["payments"][0], "payment_id": "PAY4"}
    write_csv(more / "payments.csv", [new])
    report = ingest(more, warehouse=store, add=True)
    assert report.ok, report.to_dict()
    assert query(store, "SELECT count(*) FROM payments") == [(4,)]
    assert query(store, "SELECT count(*) FROM persons") == [(6,)]
    again = ingest(more, warehouse=store, add=True)
    assert [r.status for r in again.registers] == ["unchanged"]
    clash = tmp_path / "clash"
    clash.mkdir()
    write_csv(clash / "payments.csv", [{**new, "amount": "1"}, {**new, "payment_id": "PAY1"}])
    report = ingest(clash, warehouse=store, add=True)
    assert ("payments.csv", 2, "payment_id", "duplicate_id") in errors(report)
    assert query(store, "SELECT count(*) FROM payments") == [(4,)]


def test_the_last_report_is_kept_in_the_warehouse(world: Path, store: Path) -> None:
    report = ingest(world, warehouse=store)
    con = wh.connect(store, read_only=True)
    kept = last_report(con)
    con.close()
    assert kept is not None and kept.to_dict() == report.to_dict()


# --- bad input --------------------------------------------------------------------------


def _load_with(world: Path, store: Path, register: str, rows: list[dict[str, Any]]) -> IngestReport:
    write_csv(world / f"{register}.csv", rows)
    return ingest(world, warehouse=store)


BAD_ROWS = [
    # (register, change to the first good row, row added, expected (column, code))
    ("persons", {"name": ""}, None, ("name", "required")),
    ("persons", {"birth_date": "1949/12/31"}, None, ("birth_date", "bad_date")),
    ("persons", {"gender": "male"}, None, ("gender", "not_allowed")),
    ("organizations", {"kind": "ngo"}, None, ("kind", "not_allowed")),
    ("organizations", {"registered_capital": "lots"}, None, ("registered_capital", "bad_amount")),
    ("organizations", {"parent_org_id": "O99"}, None, ("parent_org_id", "dangling")),
    ("organizations", {"legal_rep_person_id": "P99"}, None, ("legal_rep_person_id", "dangling")),
    ("posts", {"org_id": "O99"}, None, ("org_id", "dangling")),
    ("posts", {"person_id": "P99"}, None, ("person_id", "dangling")),
    ("posts", {"is_leading_cadre": "sometimes"}, None, ("is_leading_cadre", "bad_bool")),
    ("posts", {"start_date": ""}, None, ("start_date", "required")),
    ("family", {"relationship": "cousin"}, None, ("relationship", "not_allowed")),
    ("family", {"relative_person_id": "P99"}, None, ("relative_person_id", "dangling")),
    ("ownerships", {"owner_id": "O99"}, None, ("owner_id", "dangling")),
    ("ownerships", {"owner_type": "trust"}, None, ("owner_type", "not_allowed")),
    ("ownerships", {"share_pct": "60%"}, None, ("share_pct", "bad_amount")),
    ("directorships", {"role": "chair"}, None, ("role", "not_allowed")),
    ("tenders", {"procurement_method": "auction"}, None, ("procurement_method", "not_allowed")),
    ("tenders", {"deadline": "tomorrow"}, None, ("deadline", "bad_date")),
    ("bids", {"tender_id": "T99"}, None, ("tender_id", "dangling")),
    ("bids", {"submitted_at": "2024-02-01 25:00"}, None, ("submitted_at", "bad_timestamp")),
    ("contracts", {"amount": ""}, None, ("amount", "required")),
    ("contracts", {"supplier_org_id": "O99"}, None, ("supplier_org_id", "dangling")),
    ("payments", {"amount": "六百八十"}, None, ("amount", "bad_amount")),
    ("payments", {"beneficiary_person_id": "P99"}, None, ("beneficiary_person_id", "dangling")),
    ("payroll", {"month": "2022-13"}, None, ("month", "bad_month")),
    ("payroll", {"month": "2022-12-01"}, None, ("month", "bad_month")),
    ("invoices", {"category": "luxury"}, None, ("category", "not_allowed")),
    ("invoices", {"issued_at": "yesterday"}, None, ("issued_at", "bad_timestamp")),
    ("vehicles", {"owner_org_id": "O99"}, None, ("owner_org_id", "dangling")),
    ("vehicles", {"tank_litres": "sixty"}, None, ("tank_litres", "bad_amount")),
    ("fuel_transactions", {"plate": "京B00000"}, None, ("plate", "dangling")),
    ("fuel_transactions", {"at": ""}, None, ("at", "required")),
]


@pytest.mark.parametrize(
    ("register", "change", "expected"),
    [(r, c, e) for r, c, _a, e in BAD_ROWS],
    ids=[f"{r}-{e[0]}-{e[1]}" for r, _c, _a, e in BAD_ROWS],
)
def test_bad_rows_are_reported_and_the_register_is_not_loaded(
    tmp_path: Path, store: Path, register: str, change: dict[str, str], expected: tuple[str, str]
) -> None:
    world = write_world(tmp_path / "part", needed(register))
    rows = [{**GOOD[register][0], **change}, *GOOD[register][1:]]
    report = _load_with(world, store, register, rows)
    assert errors(report) == [(f"{register}.csv", 2, *expected)]
    rejected = next(r for r in report.registers if r.name == register)
    assert (rejected.status, rejected.errors) == ("rejected", 1)
    assert query(store, f'SELECT count(*) FROM "{register}"') == [(0,)]
    assert "reason" in report.to_dict()["rejections"][0]


@pytest.mark.parametrize("register", [n for n, r in REGISTERS.items() if r.key])
def test_duplicate_ids_are_rejected(tmp_path: Path, store: Path, register: str) -> None:
    world = write_world(tmp_path / "part", needed(register))
    rows = [*GOOD[register], GOOD[register][0]]
    report = _load_with(world, store, register, rows)
    key = REGISTERS[register].key
    assert errors(report) == [(f"{register}.csv", len(rows) + 1, key, "duplicate_id")]
    assert report.errors[0].params == {"first": 2}


@pytest.mark.parametrize("register", list(GOOD))
def test_a_missing_required_column_is_named(tmp_path: Path, store: Path, register: str) -> None:
    world = write_world(tmp_path / "part", needed(register))
    required = REGISTERS[register].required[-1]
    header = [c for c in columns(GOOD[register]) if c != required]
    write_csv(world / f"{register}.csv", GOOD[register], header)
    report = ingest(world, warehouse=store)
    assert (f"{register}.csv", 1, required, "missing_column") in errors(report)
    assert next(r for r in report.registers if r.name == register).status == "rejected"


def test_rows_are_numbered_as_in_the_file_when_read_in_parallel(
    tmp_path: Path, store: Path
) -> None:
    """A file of many row groups, read by several threads: each problem keeps its row."""
    world = write_world(tmp_path / "part", {"persons"})
    person = GOOD["persons"][0]
    rows = [
        {**person, "person_id": f"P{i}", "id_number": "", "name": f" 人{i} "}
        for i in range(300_000)
    ]
    rows[150_000]["birth_date"] = "1949-02-30"
    rows[299_998]["person_id"] = "P7"
    rows[299_999]["id_number"] = "110105194912310021"
    rows[299_999]["name"] = "  "
    write_csv(world / "persons.csv", rows)
    report = ingest(world, warehouse=store)
    assert [(r.row, r.column, r.code, r.value) for r in report.rejections] == [
        (150_002, "birth_date", "bad_date", "1949-02-30"),
        (300_001, "name", "required", None),
        (300_001, "id_number", "id_number", "110105194912310021"),
        (300_000, "person_id", "duplicate_id", "P7"),
    ]
    assert report.rejections[2].params == {"problem": "checksum"}
    assert report.rejections[3].params == {"first": 9}
    # Good values are trimmed in the loaded table.
    rows[150_000]["birth_date"] = person["birth_date"]
    rows[299_998]["person_id"] = "P299998"
    rows[299_999]["name"] = "人299999"
    write_csv(world / "persons.csv", rows)
    report = ingest(world, warehouse=store)
    assert report.ok and len(report.warnings) == 1
    assert query(store, "SELECT name FROM persons WHERE person_id = 'P42'") == [("人42",)]


def test_invalid_id_numbers_are_kept_as_given_and_not_matched(world: Path, store: Path) -> None:
    rows = [dict(r) for r in GOOD["persons"]]
    rows[1]["id_number"] = "110105194912310021"  # P2: wrong check character
    report = _load_with(world, store, "persons", rows)
    assert report.ok
    warning = report.warnings[0]
    assert (warning.row, warning.column, warning.code, warning.params) == (
        3,
        "id_number",
        "id_number",
        {"problem": "checksum"},
    )
    assert query(store, "SELECT id_number FROM persons WHERE person_id = 'P2'") == [
        ("110105194912310021",)
    ]
    links = query(store, "SELECT rule FROM _identity WHERE right_id = 'P2' AND rule = 'id_number'")
    assert links == []


def test_invalid_credit_code_is_a_warning(world: Path, store: Path) -> None:
    rows = [dict(r) for r in GOOD["organizations"]]
    rows[2]["uscc"] = "91350100M000100Y44"
    report = _load_with(world, store, "organizations", rows)
    assert report.ok
    assert [(w.row, w.code, w.params) for w in report.warnings] == [
        (4, "uscc", {"problem": "checksum"})
    ]


def test_malformed_csv_lines_are_reported(world: Path, store: Path) -> None:
    text = (world / "vehicles.csv").read_text(encoding="utf-8")
    (world / "vehicles.csv").write_text(text + "京C1,O3,official,110105,60,92,extra\n", "utf-8")
    report = ingest(world, warehouse=store)
    assert [(e.file, e.row, e.code) for e in report.errors] == [("vehicles.csv", 3, "malformed")]
    statuses = {r.name: r.status for r in report.registers}
    assert statuses["vehicles"] == "rejected"
    # the fuel transactions of a vehicle that did not load refer to nothing loaded yet
    assert statuses["fuel_transactions"] == "loaded"


def test_a_csv_as_excel_writes_it(tmp_path: Path, store: Path) -> None:
    """A byte-order mark, CRLF line ends, header names in another case, and quoted
    values holding commas, quotes and a line break."""
    world = write_world(tmp_path / "part", {"persons"})
    header = ["Person_ID", " NAME ", "id_number", "birth_date", "gender", "region_code", "address"]
    lines = [
        ",".join(header),
        'P1,张伟,11010519491231002X,1949-12-31,M,110105,"北京市朝阳区1号, 3单元"',
        'P2,"王 ""小"" 明",,1950-01-02,F,110105,"第一行\r\n第二行"',
    ]
    (world / "persons.csv").write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode())
    report = ingest(world, warehouse=store)
    assert report.ok, report.to_dict()
    assert query(store, "SELECT person_id, name, address FROM persons ORDER BY 1") == [
        ("P1", "张伟", "北京市朝阳区1号, 3单元"),
        ("P2", '王 "小" 明', "第一行\r\n第二行"),
    ]


def test_a_gbk_file_is_read_as_gb18030(tmp_path: Path, store: Path) -> None:
    """What Excel on a Chinese Windows saves as CSV: loaded, with a warning, and the
    converted copy removed."""
    world = write_world(tmp_path / "part", {"persons"})
    text = (world / "persons.csv").read_text(encoding="utf-8")
    (world / "persons.csv").write_bytes(text.replace(",110105", ",  110105 ").encode("gbk"))
    report = ingest(world, warehouse=store)
    assert report.ok, report.to_dict()
    assert [(w.file, w.row, w.code) for w in report.warnings] == [("persons.csv", None, "gb18030")]
    names = query(store, "SELECT name, region_code FROM persons ORDER BY person_id")
    assert [n for n, _r in names] == [r["name"] for r in GOOD["persons"]]
    assert [r for _n, r in names] == [r.get("region_code") or None for r in GOOD["persons"]]
    assert list(Path(f"{store}.tmp").glob("*.csv")) == []


def test_bad_bytes_in_a_utf8_file_are_reported_by_line(tmp_path: Path, store: Path) -> None:
    world = write_world(tmp_path / "part", {"persons"})
    lines = (world / "persons.csv").read_bytes().splitlines(keepends=True)
    lines[2] = lines[2].replace("張".encode(), b"\xd5\x8f\xff")
    (world / "persons.csv").write_bytes(b"".join(lines))
    report = ingest(world, warehouse=store)
    assert [(e.row, e.code) for e in report.errors] == [(3, "bad_encoding")]
    assert query(store, "SELECT count(*) FROM persons") == [(0,)]


def test_empty_and_unreadable_files(world: Path, store: Path) -> None:
    (world / "payroll.csv").write_bytes(b"")
    (world / "invoices.csv").write_bytes(b"\xff\xfe\x00garbage\xc3\x28\n\x00\x01")
    (world / "vehicles.csv").unlink()
    (world / "vehicles.parquet").write_bytes(b"PAR1 not really")
    report = ingest(world, warehouse=store)
    found = {(e.file, e.code) for e in report.errors}
    assert ("payroll.csv", "empty_file") in found
    assert ("vehicles.parquet", "unreadable") in found
    assert any(e.file == "invoices.csv" for e in report.errors)
    statuses = {r.name: r.status for r in report.registers}
    assert statuses["payroll"] == "failed" and statuses["vehicles"] == "failed"
    assert statuses["persons"] == "loaded"


def test_two_files_for_one_register(world: Path, store: Path) -> None:
    write_parquet(world / "vehicles.parquet", GOOD["vehicles"])
    report = ingest(world, warehouse=store)
    assert {(e.file, e.code) for e in report.errors} == {
        ("vehicles.csv", "two_files"),
        ("vehicles.parquet", "two_files"),
    }


# --- formats ----------------------------------------------------------------------------


def test_parquet_and_excel_load_like_csv(tmp_path: Path, store: Path) -> None:
    world = write_world(tmp_path / "w")
    csv_store = tmp_path / "csv.duckdb"
    ingest(world, warehouse=csv_store)
    (world / "persons.csv").unlink()
    write_parquet(world / "persons.parquet", GOOD["persons"])
    (world / "payments.csv").unlink()
    write_excel(world / "payments.xlsx", {"payments": GOOD["payments"]})
    (world / "vehicles.csv").unlink()
    (world / "fuel_transactions.csv").unlink()
    write_excel(
        world / "transport.xlsx",
        {
            "说明": [{"a": "b"}],
            "vehicles": GOOD["vehicles"],
            "fuel_transactions": GOOD["fuel_transactions"],
        },
    )
    report = ingest(world, warehouse=store)
    assert report.ok, report.to_dict()
    files = {r.name: r.file for r in report.registers}
    assert files["vehicles"] == "transport.xlsx[vehicles]"
    for table in ("persons", "payments", "vehicles", "fuel_transactions"):
        sql = f'SELECT * EXCLUDE (rowid_) FROM (SELECT *, 1 AS rowid_ FROM "{table}") ORDER BY ALL'
        assert query(store, sql) == query(csv_store, sql), table


def test_excel_rows_are_numbered_like_the_sheet(world: Path, store: Path) -> None:
    (world / "payments.csv").unlink()
    rows = [dict(r) for r in GOOD["payments"]]
    rows[2]["paid_date"] = "soon"
    write_excel(world / "payments.xlsx", {"payments": rows})
    report = ingest(world, warehouse=store)
    assert errors(report) == [("payments.xlsx", 4, "paid_date", "bad_date")]


def test_a_workbook_without_the_register_sheet(world: Path, store: Path) -> None:
    (world / "payments.csv").unlink()
    write_excel(world / "payments.xlsx", {"Sheet1": GOOD["payments"], "Sheet2": [{"a": "b"}]})
    report = ingest(world, warehouse=store)
    assert [(e.file, e.code, e.reason) for e in report.errors] == [
        ("payments.xlsx", "no_sheet", "the workbook has no sheet named payments")
    ]


def test_an_unreadable_workbook(world: Path, store: Path) -> None:
    (world / "payments.csv").unlink()
    (world / "payments.xlsx").write_bytes(b"PK\x03\x04 broken zip")
    (world / "other.xlsx").write_bytes(b"not a workbook")
    report = ingest(world, warehouse=store)
    assert {(e.file, e.code) for e in report.errors} == {
        ("payments.xlsx", "unreadable"),
        ("other.xlsx", "unreadable"),
    }


def test_bad_ocds_lines(world: Path, store: Path) -> None:
    path = world / "ocds" / "releases.jsonl"
    path.write_text(
        path.read_text(encoding="utf-8")
        + '{not json\n[1, 2]\n{"tender": {}}\n'
        + '{"ocid": "ocds-1"}\n',
        encoding="utf-8",
    )
    report = ingest(world, warehouse=store)
    assert [(e.row, e.code) for e in report.errors] == [
        (3, "bad_json"),
        (4, "bad_json"),
        (5, "no_ocid"),
        (6, "duplicate_ocid"),
    ]
    assert next(r for r in report.registers if r.name == "ocds").status == "rejected"
    assert query(store, "SELECT count(*) FROM ocds_releases") == [(0,)]


def test_a_directory_that_is_not_there(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError):
        ingest(tmp_path / "missing", warehouse=tmp_path / "w.duckdb")


def test_the_report_round_trips(world: Path, store: Path) -> None:
    shutil.copy(world / "persons.csv", world / "persons_copy.csv")
    report = ingest(world, warehouse=store)
    assert IngestReport.from_dict(report.to_dict()).to_dict() == report.to_dict()


def test_the_documented_table_is_the_schema() -> None:
    text = (Path(__file__).resolve().parents[2] / "docs" / "registers.md").read_text("utf-8")
    documented = [
        tuple(cell.strip().strip("`") for cell in line.strip("|").split("|"))[:6]
        for line in text.split("## The registers as data", 1)[1].splitlines()
        if line.startswith("| ") and not line.startswith("| register")
    ]
    expected = [
        (
            r.name,
            "yes" if c.name == r.key else "",
            c.name,
            c.type,
            "yes" if c.required else "",
            ", ".join(c.allowed),
        )
        for r in REGISTERS.values()
        for c in r.columns
    ]
    assert documented == expected


def test_the_kept_report_is_bounded_and_counts_everything(
    world: Path, store: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import importlib

    module = importlib.import_module("jiandu.analytics.registers.ingest")
    monkeypatch.setattr(module, "KEPT_REJECTIONS", 1)
    rows = [{**r, "paid_date": "soon"} for r in GOOD["payments"]]
    write_csv(world / "payments.csv", rows)
    report = ingest(world, warehouse=store)
    assert len(report.errors) == 3
    con = wh.connect(store, read_only=True)
    kept = last_report(con)
    con.close()
    assert kept is not None
    assert len(kept.rejections) == 1
    assert kept.to_dict()["rejections_total"] == 3
