"""Loading a register directory: good rows of every register, each kind of bad row,
all or nothing, idempotence and the manifest (the files themselves, their formats and
encodings: test_registers_files.py)."""

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
    errors,
    needed,
    query,
    write_csv,
    write_world,
)


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
