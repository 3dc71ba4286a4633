"""The files of a synthetic world: register CSVs in REGISTERS.md column order, OCDS lines,
and the two truth files. Rows are written as they come, so memory stays bounded."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, TextIO

import orjson

COLUMNS: dict[str, tuple[str, ...]] = {
    "persons": (
        "person_id", "name", "id_number", "birth_date", "gender", "region_code",
        "death_date", "phone", "address", "name_latin",
    ),
    "organizations": (
        "org_id", "name", "uscc", "kind", "parent_org_id", "region_code", "founded_date",
        "registered_capital", "address", "phone", "legal_rep_person_id",
    ),
    "posts": ("person_id", "org_id", "title", "rank", "is_leading_cadre", "start_date", "end_date"),
    "family": (
        "person_id", "relationship", "relative_person_id", "relative_name", "relative_id_number",
    ),
    "ownerships": ("owner_id", "owner_type", "org_id", "share_pct", "start_date", "end_date"),
    "directorships": ("person_id", "org_id", "role", "start_date", "end_date"),
    "tenders": (
        "tender_id", "buyer_org_id", "title", "procurement_method", "estimated_amount",
        "published_date", "deadline", "award_date", "category",
    ),
    "bids": ("tender_id", "bidder_org_id", "amount", "status", "submitted_at"),
    "contracts": (
        "contract_id", "buyer_org_id", "supplier_org_id", "amount", "signed_date", "tender_id",
        "title", "procurement_method", "category",
    ),
    "payments": (
        "payment_id", "payer_org_id", "programme", "amount", "paid_date",
        "beneficiary_person_id", "beneficiary_name", "beneficiary_id_number",
        "approver_person_id", "region_code",
    ),
    "payroll": ("person_id", "org_id", "month", "amount"),
    "invoices": (
        "invoice_id", "buyer_org_id", "amount", "issued_at", "invoice_number", "seller_name",
        "seller_uscc", "category", "item_description",
    ),
    "vehicles": ("plate", "owner_org_id", "kind", "home_region_code", "tank_litres", "fuel_grade"),
    "fuel_transactions": (
        "txn_id", "plate", "at", "amount", "card_id", "litres", "fuel_grade",
        "station_region_code",
    ),
}  # fmt: skip
REGISTERS = tuple(COLUMNS)
TRUTH_COLUMNS = ("model_id", "subject_type", "subject_id", "note")
IDENTITY_COLUMNS = ("register", "record_id", "entity_id")


class Output:
    """Open writers for every file of one world directory."""

    def __init__(self, out_dir: Path) -> None:
        self.out_dir = out_dir
        (out_dir / "ocds").mkdir(parents=True, exist_ok=True)
        self._files: list[TextIO] = []
        self._writers: dict[str, Any] = {}
        self._raw: dict[str, TextIO] = {}
        self.rows: dict[str, int] = {}
        for name, columns in [
            *COLUMNS.items(),
            ("truth", TRUTH_COLUMNS),
            ("truth_identity", IDENTITY_COLUMNS),
        ]:
            f = (out_dir / f"{name}.csv").open("w", encoding="utf-8", newline="")
            self._files.append(f)
            writer = csv.writer(f, lineterminator="\n")
            writer.writerow(columns)
            self._writers[name] = writer
            self._raw[name] = f
            self.rows[name] = 0
        self._ocds = (out_dir / "ocds" / "releases.jsonl").open("wb")
        self.rows["ocds"] = 0

    def row(self, register: str, values: tuple[Any, ...] | list[Any]) -> None:
        self._writers[register].writerow(["" if v is None else v for v in values])
        self.rows[register] += 1

    def rows_of(self, register: str, rows: list[tuple[Any, ...]]) -> None:
        self._writers[register].writerows(
            [["" if v is None else v for v in values] for values in rows]
        )
        self.rows[register] += len(rows)

    def lines(self, register: str, text: str, count: int) -> None:
        """Pre-formatted CSV lines (hot loops; the caller guarantees nothing needs quoting)."""
        self._raw[register].write(text)
        self.rows[register] += count

    def release(self, release: dict[str, Any]) -> None:
        self._ocds.write(orjson.dumps(release) + b"\n")
        self.rows["ocds"] += 1

    def close(self) -> None:
        for f in self._files:
            f.close()
        self._ocds.close()
