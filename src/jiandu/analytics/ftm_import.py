"""FollowTheMoney entities (JSON lines) into a register directory: the reverse of
`jiandu.analytics.ftm.export`, and a reader of FtM data from elsewhere (entities of the
schemata below; others are counted and skipped). The directory is then loaded with
`ingest`, which validates it like any other."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import orjson

from .ftm import GENDER, NAMED, PREFIX, _model
from .registers.schema import REGISTERS

ORG_SCHEMATA = ("Organization", "Company", "PublicBody", "LegalEntity")
KINDS = {"Company": "company", "PublicBody": "public_body"}
GENDERS = {v: k for k, v in GENDER.items()}


@dataclass
class ImportResult:
    rows: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)  # schema -> entities not mapped


def _strip(entity_id: str) -> str:
    for prefix in PREFIX.values():
        if entity_id.startswith(prefix):
            return entity_id[len(prefix) :]
    return entity_id


def _keyword(proxy: Any, name: str) -> str | None:
    for value in proxy.get("keywords"):
        if value.startswith(name + ":"):
            return str(value[len(name) + 1 :])
    return None


def _number(value: str | None) -> str | None:
    if value is None:
        return None
    number = float(value)
    return str(int(number)) if number.is_integer() else repr(number)


class _Reader:
    def __init__(self, entities: Iterable[dict[str, Any]]) -> None:
        model = _model()
        self.proxies = {p.id: p for p in (model.get_proxy(e, cleaned=False) for e in entities)}
        self.rows: dict[str, list[dict[str, Any]]] = {name: [] for name in REGISTERS}
        self.skipped: Counter[str] = Counter()

    def is_named(self, entity_id: str) -> bool:
        return entity_id.startswith(NAMED)

    def person(self, p: Any) -> None:
        if self.is_named(p.id):
            return  # a relative or beneficiary known by name: read where referred to
        self.rows["persons"].append(
            {
                "person_id": _strip(p.id),
                "name": p.first("name"),
                "id_number": p.first("idNumber"),
                "birth_date": p.first("birthDate"),
                "gender": GENDERS.get(p.first("gender") or ""),
                "region_code": _keyword(p, "region"),
                "death_date": p.first("deathDate"),
                "phone": p.first("phone"),
                "address": p.first("address"),
                "name_latin": p.first("alias"),
            }
        )

    def organization(self, p: Any) -> None:
        parent = p.first("parent")
        self.rows["organizations"].append(
            {
                "org_id": _strip(p.id),
                "name": p.first("name"),
                "uscc": p.first("uscCode"),
                "kind": p.first("legalForm") or KINDS.get(p.schema.name, "social_org"),
                "parent_org_id": _strip(parent) if parent else None,
                "region_code": _keyword(p, "region"),
                "founded_date": p.first("incorporationDate"),
                "registered_capital": _number(p.first("capital"))
                if p.schema.is_a("Company")
                else None,
                "address": p.first("address"),
                "phone": p.first("phone"),
            }
        )

    def occupancy(self, p: Any) -> None:
        position = self.proxies.get(p.first("post"))
        holder = p.first("holder")
        if position is None or holder is None or not position.first("organization"):
            self.skipped["Occupancy"] += 1
            return
        self.rows["posts"].append(
            {
                "person_id": _strip(holder),
                "org_id": _strip(position.first("organization")),
                "title": position.first("name"),
                "rank": p.first("description"),
                "is_leading_cadre": "true" if "role.pep" in position.get("topics") else "false",
                "start_date": p.first("startDate"),
                "end_date": p.first("endDate"),
            }
        )

    def family(self, p: Any) -> None:
        relative = p.first("relative") or ""
        row = {
            "person_id": _strip(p.first("person") or ""),
            "relationship": p.first("relationship"),
        }
        if self.is_named(relative) and relative in self.proxies:
            named = self.proxies[relative]
            row |= {
                "relative_name": named.first("name"),
                "relative_id_number": named.first("idNumber"),
            }
            if row["relative_name"] == row["relative_id_number"]:
                row["relative_name"] = None
        else:
            row["relative_person_id"] = _strip(relative)
        self.rows["family"].append(row)

    def ownership(self, p: Any) -> None:
        owner = self.proxies.get(p.first("owner"))
        owner_type = "person" if owner is not None and owner.schema.is_a("Person") else "org"
        self.rows["ownerships"].append(
            {
                "owner_id": _strip(p.first("owner") or ""),
                "owner_type": owner_type,
                "org_id": _strip(p.first("asset") or ""),
                "share_pct": _number(p.first("percentage")),
                "start_date": p.first("startDate"),
                "end_date": p.first("endDate"),
            }
        )

    def directorship(self, p: Any) -> None:
        self.rows["directorships"].append(
            {
                "person_id": _strip(p.first("director") or ""),
                "org_id": _strip(p.first("organization") or ""),
                "role": p.first("role"),
                "start_date": p.first("startDate"),
                "end_date": p.first("endDate"),
            }
        )

    def contract(self, p: Any, supplier: str | None) -> None:
        contract_id = p.id.removeprefix("jd-contract-")
        title = p.first("title")
        self.rows["contracts"].append(
            {
                "contract_id": contract_id,
                "buyer_org_id": _strip(p.first("authority") or ""),
                "supplier_org_id": _strip(supplier or ""),
                "amount": _number(p.first("amount")),
                "signed_date": p.first("contractDate"),
                "tender_id": p.first("procedureNumber"),
                "title": None if title == contract_id else title,
                "procurement_method": p.first("method"),
                "category": p.first("classification"),
            }
        )

    def payment(self, p: Any) -> None:
        beneficiary = p.first("beneficiary")
        row = {
            "payment_id": p.id.removeprefix("jd-payment-"),
            "payer_org_id": _strip(p.first("payer") or ""),
            "programme": p.first("programme"),
            "amount": _number(p.first("amount")),
            "paid_date": p.first("date"),
        }
        if beneficiary and self.is_named(beneficiary) and beneficiary in self.proxies:
            named = self.proxies[beneficiary]
            row |= {
                "beneficiary_name": named.first("name"),
                "beneficiary_id_number": named.first("idNumber"),
            }
        elif beneficiary:
            row["beneficiary_person_id"] = _strip(beneficiary)
        self.rows["payments"].append(row)

    def read(self) -> None:
        suppliers = {
            p.first("contract"): p.first("supplier")
            for p in self.proxies.values()
            if p.schema.name == "ContractAward"
        }
        handlers = {
            "Occupancy": self.occupancy,
            "Family": self.family,
            "Ownership": self.ownership,
            "Directorship": self.directorship,
            "Payment": self.payment,
        }
        for p in self.proxies.values():
            name = p.schema.name
            if name == "Person":
                self.person(p)
            elif name in ORG_SCHEMATA:
                self.organization(p)
            elif name in handlers:
                handlers[name](p)
            elif name == "Contract":
                self.contract(p, suppliers.get(p.id))
            elif name not in ("Position", "ContractAward"):
                self.skipped[name] += 1


def read_entities(source: Path) -> Iterable[dict[str, Any]]:
    with source.open("rb") as f:
        for line in f:
            if line.strip():
                yield orjson.loads(line)


def import_entities(source: Path, out_dir: Path) -> ImportResult:
    """Write the registers found in the FtM file `source` as CSV files in `out_dir`."""
    reader = _Reader(read_entities(source))
    reader.read()
    out_dir.mkdir(parents=True, exist_ok=True)
    result = ImportResult(skipped=dict(reader.skipped))
    for name, rows in reader.rows.items():
        if not rows:
            continue
        header = REGISTERS[name].names
        with (out_dir / f"{name}.csv").open("w", newline="", encoding="utf-8") as f:
            writer = csv.writer(f)
            writer.writerow(header)
            for row in sorted(rows, key=lambda r: [str(r.get(c) or "") for c in header]):
                writer.writerow(["" if row.get(c) is None else row[c] for c in header])
        result.rows[name] = len(rows)
    return result
