# ruff: noqa: E501
"""Every file of a world follows REGISTERS.md section 1 (columns, required values, types,
allowed values, unique ids, valid ID numbers and credit codes, references that resolve),
and the OCDS releases match the tenders register."""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from pathlib import Path

import pytest

from jiandu.analytics.identity.idnumber import is_valid

# REGISTERS.md section 1, written out again here: columns, * = required.
SPEC = {
    "persons": "person_id* name* id_number birth_date gender region_code death_date phone address name_latin",
    "organizations": "org_id* name* uscc kind* parent_org_id region_code founded_date registered_capital address phone legal_rep_person_id",
    "posts": "person_id* org_id* title* rank is_leading_cadre start_date* end_date",
    "family": "person_id* relationship* relative_person_id relative_name relative_id_number",
    "ownerships": "owner_id* owner_type* org_id* share_pct start_date end_date",
    "directorships": "person_id* org_id* role* start_date end_date",
    "tenders": "tender_id* buyer_org_id* title procurement_method estimated_amount published_date deadline award_date category",
    "bids": "tender_id* bidder_org_id* amount status submitted_at",
    "contracts": "contract_id* buyer_org_id* supplier_org_id* amount* signed_date* tender_id title procurement_method category",
    "payments": "payment_id* payer_org_id* programme* amount* paid_date* beneficiary_person_id beneficiary_name beneficiary_id_number approver_person_id region_code",
    "payroll": "person_id* org_id* month* amount*",
    "invoices": "invoice_id* buyer_org_id* amount* issued_at* invoice_number seller_name seller_uscc category item_description",
    "vehicles": "plate* owner_org_id kind home_region_code tank_litres fuel_grade",
    "fuel_transactions": "txn_id* plate* at* amount* card_id litres fuel_grade station_region_code",
}  # fmt: skip
ALLOWED = {
    ("persons", "gender"): {"M", "F"},
    ("organizations", "kind"): {"company", "public_body", "soe", "social_org", "village_committee"},
    ("posts", "is_leading_cadre"): {"true", "false"},
    ("family", "relationship"): {"spouse", "child", "parent", "sibling", "child_spouse", "other"},
    ("ownerships", "owner_type"): {"person", "org"},
    ("directorships", "role"): {"legal_representative", "director", "supervisor", "manager"},
    ("tenders", "procurement_method"): {"open", "selective", "limited", "direct"},
    ("contracts", "procurement_method"): {"open", "selective", "limited", "direct"},
    ("bids", "status"): {"valid", "disqualified", "withdrawn"},
    ("invoices", "category"): {
        "catering", "accommodation", "gifts", "fuel", "travel", "office", "other"
    },
    ("vehicles", "kind"): {"official", "private"},
}  # fmt: skip
IDS = {
    "persons": "person_id", "organizations": "org_id", "tenders": "tender_id",
    "contracts": "contract_id", "payments": "payment_id", "invoices": "invoice_id",
    "vehicles": "plate", "fuel_transactions": "txn_id",
}  # fmt: skip
DATES = {"birth_date", "death_date", "founded_date", "start_date", "end_date", "published_date",
         "deadline", "award_date", "signed_date", "paid_date"}  # fmt: skip
STAMPS = {"submitted_at", "issued_at", "at"}
NUMBERS = {"registered_capital", "share_pct", "estimated_amount", "amount", "tank_litres", "litres"}
USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_ok(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_CHARS for c in code):
        return False
    total = sum(USCC_CHARS.index(c) * w for c, w in zip(code[:17], USCC_WEIGHTS, strict=True))
    return USCC_CHARS[(31 - total % 31) % 31] == code[17]


def rows(world: Path, register: str) -> tuple[list[str], list[dict[str, str]]]:
    with (world / f"{register}.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        return list(reader.fieldnames or []), list(reader)


@pytest.mark.parametrize("register", sorted(SPEC))
def test_register_follows_the_contract(tiny_world: Path, register: str) -> None:
    columns, data = rows(tiny_world, register)
    spec = SPEC[register].split()
    assert columns == [c.rstrip("*") for c in spec]
    assert data, f"{register} is empty"
    required = [c.rstrip("*") for c in spec if c.endswith("*")]
    for n, row in enumerate(data, start=2):
        where = f"{register}.csv row {n}"
        for column in required:
            assert row[column], f"{where}: {column} is required"
        for column, value in row.items():
            if not value:
                continue
            if column in DATES:
                dt.date.fromisoformat(value)
            elif column in STAMPS:
                dt.datetime.fromisoformat(value)
            elif column in NUMBERS:
                float(value)
            elif column == "month":
                assert re.fullmatch(r"\d{4}-(0[1-9]|1[0-2])", value), where
            elif column in ("region_code", "home_region_code", "station_region_code"):
                assert re.fullmatch(r"43\d{4}", value), where
            elif column in ("uscc", "seller_uscc"):
                assert uscc_ok(value), f"{where}: {column} {value}"
            allowed = ALLOWED.get((register, column))
            assert allowed is None or value in allowed, f"{where}: {column}={value}"
    if register in IDS:
        ids = [row[IDS[register]] for row in data]
        assert len(ids) == len(set(ids)), f"duplicate {IDS[register]} in {register}"


def test_id_numbers_are_valid_or_a_documented_variant(tiny_world: Path) -> None:
    _, persons = rows(tiny_world, "persons")
    for p in persons:
        if p["id_number"]:
            assert is_valid(p["id_number"]), p
    _, family = rows(tiny_world, "family")
    _, payments = rows(tiny_world, "payments")
    for number in [f["relative_id_number"] for f in family] + [
        p["beneficiary_id_number"] for p in payments
    ]:
        assert not number or is_valid(number)


def test_references_resolve(tiny_world: Path) -> None:
    persons = {r["person_id"] for r in rows(tiny_world, "persons")[1]}
    orgs = {r["org_id"]: r for r in rows(tiny_world, "organizations")[1]}
    tenders = {r["tender_id"] for r in rows(tiny_world, "tenders")[1]}
    plates = {r["plate"] for r in rows(tiny_world, "vehicles")[1]}
    for o in orgs.values():
        assert not o["parent_org_id"] or o["parent_org_id"] in orgs
        assert not o["legal_rep_person_id"] or o["legal_rep_person_id"] in persons
    checks = [
        ("posts", "person_id", persons), ("posts", "org_id", orgs),
        ("family", "person_id", persons), ("family", "relative_person_id", persons),
        ("ownerships", "org_id", orgs), ("directorships", "person_id", persons),
        ("directorships", "org_id", orgs), ("tenders", "buyer_org_id", orgs),
        ("bids", "tender_id", tenders), ("bids", "bidder_org_id", orgs),
        ("contracts", "buyer_org_id", orgs), ("contracts", "supplier_org_id", orgs),
        ("contracts", "tender_id", tenders), ("payments", "payer_org_id", orgs),
        ("payments", "beneficiary_person_id", persons), ("payments", "approver_person_id", persons),
        ("payroll", "person_id", persons), ("payroll", "org_id", orgs),
        ("invoices", "buyer_org_id", orgs), ("vehicles", "owner_org_id", orgs),
        ("fuel_transactions", "plate", plates),
    ]  # fmt: skip
    for register, column, known in checks:
        for row in rows(tiny_world, register)[1]:
            assert not row[column] or row[column] in known, f"{register}.{column}={row[column]}"
    for o in rows(tiny_world, "ownerships")[1]:
        assert o["owner_id"] in (persons if o["owner_type"] == "person" else orgs)
    for p in rows(tiny_world, "payments")[1]:
        assert p["beneficiary_person_id"] or p["beneficiary_id_number"]


def test_every_tender_is_an_ocds_compiled_release(tiny_world: Path) -> None:
    tenders = {r["tender_id"]: r for r in rows(tiny_world, "tenders")[1]}
    bids: dict[str, int] = {}
    for b in rows(tiny_world, "bids")[1]:
        bids[b["tender_id"]] = bids.get(b["tender_id"], 0) + 1
    lines = (tiny_world / "ocds" / "releases.jsonl").read_text("utf-8").splitlines()
    releases = [json.loads(line) for line in lines]
    assert sorted(r["ocid"] for r in releases) == sorted(tenders)
    for r in releases:
        assert r["tag"] == ["compiled"]
        assert r["tender"]["id"] == r["ocid"]
        assert r["buyer"]["id"] == tenders[r["ocid"]]["buyer_org_id"]
        assert len(r["bids"]["details"]) == bids.get(r["ocid"], 0)
        party_ids = {p["id"] for p in r["parties"]}
        for award in r["awards"]:
            assert {s["id"] for s in award["suppliers"]} <= party_ids


def test_truth_identity_covers_every_record_once(tiny_world: Path) -> None:
    columns, identity = rows(tiny_world, "truth_identity")
    assert columns == ["register", "record_id", "entity_id"]
    for register, key in (("persons", "person_id"), ("organizations", "org_id")):
        records = [r[key] for r in rows(tiny_world, register)[1]]
        mine = [r for r in identity if r["register"] == register]
        assert sorted(r["record_id"] for r in mine) == sorted(records)
        groups: dict[str, list[str]] = {}
        for r in mine:
            groups.setdefault(r["entity_id"], []).append(r["record_id"])
        # the entity is named by its smallest record id, as the warehouse's entity_id
        assert all(entity == min(ids) for entity, ids in groups.items())
