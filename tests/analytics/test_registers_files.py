"""Register files as they come: formats (Parquet, Excel, OCDS), encodings, CSV as Excel
writes it, unreadable and malformed files, and row numbers of large files."""

from __future__ import annotations

from pathlib import Path

from jiandu.analytics.registers import ingest
from tests.analytics.registers_world import (
    GOOD,
    errors,
    query,
    write_csv,
    write_excel,
    write_parquet,
    write_world,
)


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


# --- files as they come ------------------------------------------------------------


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
