"""The warehouse table layout the models read (REGISTERS.md section 1 plus the identity
columns of `jiandu.analytics.warehouse`), used to build case tables and to check that a
warehouse has what a model needs."""

from __future__ import annotations

S, D, TS, F, B = "VARCHAR", "DATE", "TIMESTAMP", "DOUBLE", "BOOLEAN"

REGISTERS: dict[str, dict[str, str]] = {
    "persons": {
        "person_id": S, "name": S, "id_number": S, "birth_date": D, "gender": S,
        "region_code": S, "death_date": D, "phone": S, "address": S, "name_latin": S,
        "entity_id": S,
    },
    "organizations": {
        "org_id": S, "name": S, "uscc": S, "kind": S, "parent_org_id": S, "region_code": S,
        "founded_date": D, "registered_capital": F, "address": S, "phone": S,
        "legal_rep_person_id": S, "entity_id": S,
    },
    "posts": {
        "person_id": S, "org_id": S, "title": S, "rank": S, "is_leading_cadre": B,
        "start_date": D, "end_date": D,
    },
    "family": {
        "person_id": S, "relationship": S, "relative_person_id": S, "relative_name": S,
        "relative_id_number": S, "relative_entity_id": S,
    },
    "ownerships": {
        "owner_id": S, "owner_type": S, "org_id": S, "share_pct": F, "start_date": D,
        "end_date": D,
    },
    "directorships": {"person_id": S, "org_id": S, "role": S, "start_date": D, "end_date": D},
    "tenders": {
        "tender_id": S, "buyer_org_id": S, "title": S, "procurement_method": S,
        "estimated_amount": F, "published_date": D, "deadline": D, "award_date": D,
        "category": S,
    },
    "bids": {"tender_id": S, "bidder_org_id": S, "amount": F, "status": S, "submitted_at": TS},
    "contracts": {
        "contract_id": S, "buyer_org_id": S, "supplier_org_id": S, "amount": F,
        "signed_date": D, "tender_id": S, "title": S, "procurement_method": S, "category": S,
    },
    "payments": {
        "payment_id": S, "payer_org_id": S, "programme": S, "amount": F, "paid_date": D,
        "beneficiary_person_id": S, "beneficiary_name": S, "beneficiary_id_number": S,
        "approver_person_id": S, "region_code": S, "beneficiary_entity_id": S,
    },
    "payroll": {"person_id": S, "org_id": S, "month": S, "amount": F},
    "invoices": {
        "invoice_id": S, "buyer_org_id": S, "amount": F, "issued_at": TS, "invoice_number": S,
        "seller_name": S, "seller_uscc": S, "category": S, "item_description": S,
    },
    "vehicles": {
        "plate": S, "owner_org_id": S, "kind": S, "home_region_code": S, "tank_litres": F,
        "fuel_grade": S,
    },
    "fuel_transactions": {
        "txn_id": S, "plate": S, "at": TS, "amount": F, "card_id": S, "litres": F,
        "fuel_grade": S, "station_region_code": S,
    },
}  # fmt: skip

# Identity columns a case may leave out: they default to the record's own id.
ENTITY_DEFAULTS = {
    ("persons", "entity_id"): "person_id",
    ("organizations", "entity_id"): "org_id",
    ("family", "relative_entity_id"): "relative_person_id",
    ("payments", "beneficiary_entity_id"): "beneficiary_person_id",
}
