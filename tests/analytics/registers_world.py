"""A small, coherent register directory for the loader tests: every register of
REGISTERS.md with valid rows, and helpers to write it as CSV, Parquet or Excel."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

if TYPE_CHECKING:
    from jiandu.analytics.registers.report import IngestReport

Rows = list[dict[str, Any]]

# 110105 is Chaoyang district, Beijing; every ID number below has a valid checksum.
GOOD: dict[str, Rows] = {
    "persons": [
        {
            "person_id": "P1",
            "name": "张伟",
            "id_number": "11010519491231002X",
            "birth_date": "1949-12-31",
            "gender": "M",
            "region_code": "110105",
        },
        {
            "person_id": "P2",
            "name": "張偉",
            "id_number": "",
            "birth_date": "1949-12-31",
            "gender": "M",
            "region_code": "110105",
        },
        {
            "person_id": "P3",
            "name": "Wei ZHANG",
            "id_number": "",
            "birth_date": "1949-12-31",
            "gender": "M",
            "region_code": "110105",
        },
        {
            "person_id": "P4",
            "name": "曾 小明",
            "id_number": "110105491231002",
            "birth_date": "",
            "gender": "M",
            "region_code": "",
        },
        {
            "person_id": "P5",
            "name": "李娜",
            "id_number": "110105198001010024",
            "birth_date": "1980-01-01",
            "gender": "F",
            "region_code": "110105",
            "death_date": "2023-11-30",
        },
        {
            "person_id": "P6",
            "name": "王芳",
            "id_number": "",
            "birth_date": "1975-05-05",
            "gender": "F",
            "region_code": "110106",
        },
    ],
    "organizations": [
        {
            "org_id": "O1",
            "name": "某某建设有限公司",
            "uscc": "91350100M000100Y43",
            "kind": "company",
            "region_code": "110105",
            "founded_date": "2023-06-01",
            "registered_capital": "1,000,000",
            "legal_rep_person_id": "P5",
        },
        {
            "org_id": "O2",
            "name": "某某建设有限公司 ",
            "uscc": "",
            "kind": "company",
            "region_code": "110105",
        },
        {"org_id": "O3", "name": "某区民政局", "kind": "public_body", "region_code": "110105"},
        {
            "org_id": "O4",
            "name": "某区民政局救助站",
            "kind": "public_body",
            "parent_org_id": "O3",
            "region_code": "110105",
        },
    ],
    "posts": [
        {
            "person_id": "P1",
            "org_id": "O3",
            "title": "局长",
            "rank": "处级",
            "is_leading_cadre": "true",
            "start_date": "2018-01-01",
            "end_date": "",
        },
        {
            "person_id": "P6",
            "org_id": "O4",
            "title": "科员",
            "is_leading_cadre": "false",
            "start_date": "2019-03-01",
            "end_date": "2022-12-31",
        },
    ],
    "family": [
        {"person_id": "P1", "relationship": "spouse", "relative_person_id": "P5"},
        {"person_id": "P1", "relationship": "child", "relative_name": "王芳"},
        {
            "person_id": "P6",
            "relationship": "parent",
            "relative_name": "某人",
            "relative_id_number": "11010519491231002x",
        },
    ],
    "ownerships": [
        {
            "owner_id": "P5",
            "owner_type": "person",
            "org_id": "O1",
            "share_pct": "60",
            "start_date": "2023-06-01",
        },
        {"owner_id": "O3", "owner_type": "org", "org_id": "O2", "share_pct": "40"},
    ],
    "directorships": [
        {
            "person_id": "P5",
            "org_id": "O1",
            "role": "legal_representative",
            "start_date": "2023-06-01",
        },
    ],
    "tenders": [
        {
            "tender_id": "T1",
            "buyer_org_id": "O3",
            "title": "办公楼维修",
            "procurement_method": "open",
            "estimated_amount": "1200000",
            "published_date": "2024-01-10",
            "deadline": "2024-02-10",
            "award_date": "2024-02-20",
            "category": "works",
        },
    ],
    "bids": [
        {
            "tender_id": "T1",
            "bidder_org_id": "O1",
            "amount": "1180000",
            "status": "valid",
            "submitted_at": "2024-02-01T09:30:00+08:00",
        },
        {
            "tender_id": "T1",
            "bidder_org_id": "O2",
            "amount": "1190000",
            "status": "valid",
            "submitted_at": "2024-02-01 10:00",
        },
    ],
    "contracts": [
        {
            "contract_id": "C1",
            "buyer_org_id": "O3",
            "supplier_org_id": "O1",
            "amount": "1180000",
            "signed_date": "2024-02-25",
            "tender_id": "T1",
            "procurement_method": "open",
        },
    ],
    "payments": [
        {
            "payment_id": "PAY1",
            "payer_org_id": "O3",
            "programme": "dibao",
            "amount": "680.00",
            "paid_date": "2024-05-03",
            "beneficiary_person_id": "P5",
            "approver_person_id": "P1",
        },
        {
            "payment_id": "PAY2",
            "payer_org_id": "O3",
            "programme": "dibao",
            "amount": "680",
            "paid_date": "2024-05-03",
            "beneficiary_name": "王芳",
            "region_code": "110106",
        },
        {
            "payment_id": "PAY3",
            "payer_org_id": "O3",
            "programme": "pension",
            "amount": "1500",
            "paid_date": "2024-05-03",
            "beneficiary_name": "某人",
            "beneficiary_id_number": "110105491231002",
        },
    ],
    "payroll": [
        {"person_id": "P6", "org_id": "O4", "month": "2022-12", "amount": "5200"},
    ],
    "invoices": [
        {
            "invoice_id": "I1",
            "buyer_org_id": "O3",
            "amount": "4800",
            "issued_at": "2024-05-04T20:15:00",
            "invoice_number": "00012345",
            "seller_name": "某酒家",
            "seller_uscc": "",
            "category": "catering",
            "item_description": "餐费",
        },
    ],
    "vehicles": [
        {
            "plate": "京A12345",
            "owner_org_id": "O3",
            "kind": "official",
            "home_region_code": "110105",
            "tank_litres": "60",
            "fuel_grade": "92",
        },
    ],
    "fuel_transactions": [
        {
            "txn_id": "F1",
            "plate": "京A12345",
            "at": "2024-05-04 08:00:00",
            "amount": "400",
            "card_id": "CARD1",
            "litres": "50",
            "fuel_grade": "92",
            "station_region_code": "330106",
        },
    ],
}

RELEASES = [
    {
        "ocid": "ocds-1",
        "date": "2024-02-25T00:00:00Z",
        "buyer": {"id": "O3", "name": "某区民政局"},
        "tender": {
            "id": "T1",
            "procurementMethod": "open",
            "value": {"amount": 1200000},
            "numberOfTenderers": 2,
        },
        "bids": {
            "details": [
                {
                    "id": "b1",
                    "status": "valid",
                    "value": {"amount": 1180000},
                    "tenderers": [{"id": "O1"}],
                },
                {
                    "id": "b2",
                    "status": "valid",
                    "value": {"amount": 1190000},
                    "tenderers": [{"id": "O2"}, {"id": "O4"}],
                },
            ]
        },
        "awards": [{"id": "a1", "status": "active", "suppliers": [{"id": "O1"}]}],
        "contracts": [
            {"id": "c1", "awardID": "a1", "dateSigned": "2024-02-25", "value": {"amount": 1180000}}
        ],
        "parties": [
            {"id": "O3", "name": "某区民政局", "roles": ["buyer", "procuringEntity"]},
            {"id": "O1", "name": "某某建设有限公司", "roles": ["tenderer", "supplier"]},
        ],
    },
    {"ocid": "ocds-2", "tender": {"id": "T2", "procurementMethod": "direct"}},
]


def columns(rows: Rows) -> list[str]:
    out: list[str] = []
    for row in rows:
        out += [k for k in row if k not in out]
    return out


def write_csv(path: Path, rows: Rows, header: list[str] | None = None) -> None:
    header = header or columns(rows)
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        for row in rows:
            writer.writerow([row.get(c, "") for c in header])


def write_excel(path: Path, sheets: dict[str, Rows]) -> None:
    import openpyxl

    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        sheet = book.create_sheet(name)
        header = columns(rows)
        sheet.append(header)
        for row in rows:
            sheet.append([row.get(c) or None for c in header])
    book.save(path)


def write_parquet(path: Path, rows: Rows) -> None:
    import pyarrow as pa
    import pyarrow.parquet as pq

    header = columns(rows)
    pq.write_table(pa.table({c: [r.get(c) or None for r in rows] for c in header}), path)


def needed(register: str) -> set[str]:
    """The register and every register it refers to, transitively."""
    from jiandu.analytics.registers.schema import REGISTERS, referenced

    out = {register}
    todo = [register]
    while todo:
        for other in referenced(REGISTERS[todo.pop()]) - out:
            out.add(other)
            todo.append(other)
    return out


def write_world(directory: Path, only: set[str] | None = None) -> Path:
    """The good world, or only the registers named (without OCDS)."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in GOOD.items():
        if only is None or name in only:
            write_csv(directory / f"{name}.csv", rows)
    if only is not None:
        return directory
    (directory / "ocds").mkdir(exist_ok=True)
    (directory / "ocds" / "releases.jsonl").write_bytes(
        b"\n".join(orjson.dumps(r) for r in RELEASES) + b"\n"
    )
    return directory


def query(store: Path, sql: str) -> list[tuple[Any, ...]]:
    """The rows of `sql` on the warehouse at `store`, read-only."""
    from jiandu.analytics import warehouse as wh

    con = wh.connect(store, read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def errors(report: IngestReport) -> list[tuple[str, int | None, str | None, str]]:
    return [(r.file, r.row, r.column, r.code) for r in report.errors]
