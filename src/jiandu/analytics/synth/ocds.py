"""OCDS compiled releases of the world's tenders (one per tender; the tender id is the
ocid), built from the same rows as the tenders, bids and contracts registers."""

from __future__ import annotations

import datetime as dt
from typing import Any

ZONE = "+08:00"
DEADLINE_TIME = "09:30:00"


def stamp(value: object) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.isoformat() + ZONE
    if isinstance(value, dt.date):
        return f"{value.isoformat()}T00:00:00{ZONE}"
    text = str(value)
    return text + ZONE if "T" in text else f"{text}T00:00:00{ZONE}"


def deadline_stamp(value: object) -> str | None:
    """Bids are opened, and the submission period ends, at 09:30 on the deadline day."""
    text = stamp(value)
    return None if text is None else text.replace("T00:00:00", f"T{DEADLINE_TIME}")


def money(amount: object) -> dict[str, Any]:
    return {"amount": float(str(amount)), "currency": "CNY"}


def _party(org: Any, roles: list[str]) -> dict[str, Any]:
    party: dict[str, Any] = {"id": org.org_id, "name": org.name, "roles": roles}
    if org.uscc:
        party["identifier"] = {"scheme": "CN-USCC", "id": org.uscc, "legalName": org.name}
    if org.address:
        party["address"] = {
            "streetAddress": org.address,
            "region": org.region,
            "countryName": "中国",
        }
    if org.phone:
        party["contactPoint"] = {"telephone": org.phone}
    return party


def release(
    tender: tuple[Any, ...],
    bids: list[tuple[Any, ...]],
    contracts: list[tuple[Any, ...]],
    orgs: dict[str, Any],
    items: list[tuple[str, str]] | None = None,
) -> dict[str, Any]:
    """tender/bids/contracts are register rows (output.COLUMNS order); orgs by id.
    `items`, if given, are the (CPV code, description) of what every award supplies."""
    (tender_id, buyer_id, title, method, estimate, published, deadline, award_date, category) = (
        tender
    )
    buyer = orgs[buyer_id]
    tenderers = []
    seen: set[str] = set()
    for bid in bids:
        if bid[1] not in seen:
            seen.add(bid[1])
            tenderers.append({"id": bid[1], "name": orgs[bid[1]].name})
    roles: dict[str, list[str]] = {buyer_id: ["buyer", "procuringEntity"]}
    for t in tenderers:
        roles.setdefault(t["id"], []).append("tenderer")
    awards = []
    out_contracts = []
    for n, c in enumerate(contracts, start=1):
        supplier = c[2]
        roles.setdefault(supplier, [])
        if "supplier" not in roles[supplier]:
            roles[supplier].append("supplier")
        award_id = f"{tender_id}-award-{n}"
        award: dict[str, Any] = {
            "id": award_id,
            "status": "active",
            "date": stamp(award_date),
            "value": money(c[3]),
            "suppliers": [{"id": supplier, "name": orgs[supplier].name}],
        }
        if items:
            award["items"] = [
                {
                    "id": str(i),
                    "description": text,
                    "classification": {"scheme": "CPV", "id": code, "description": text},
                    "quantity": 1,
                }
                for i, (code, text) in enumerate(items, start=1)
            ]
        awards.append(award)
        out_contracts.append(
            {
                "id": c[0],
                "awardID": award_id,
                "status": "active",
                "title": c[6],
                "value": money(c[3]),
                "dateSigned": stamp(c[4]),
            }
        )
    tender_obj: dict[str, Any] = {
        "id": tender_id,
        "title": title,
        "status": "complete",
        "procurementMethod": method,
        "mainProcurementCategory": category,
        "value": money(estimate),
        "datePublished": stamp(published),
        "tenderPeriod": {"startDate": stamp(published), "endDate": deadline_stamp(deadline)},
        "awardPeriod": {"startDate": deadline_stamp(deadline), "endDate": stamp(award_date)},
        "numberOfTenderers": len(tenderers),
        "tenderers": tenderers,
        "procuringEntity": {"id": buyer_id, "name": buyer.name},
    }
    details = [
        {
            "id": f"{tender_id}-bid-{n}",
            "date": stamp(bid[4]),
            "status": bid[3],
            "tenderers": [{"id": bid[1], "name": orgs[bid[1]].name}],
            "value": money(bid[2]),
        }
        for n, bid in enumerate(bids, start=1)
    ]
    last = contracts[-1][4] if contracts else award_date
    return {
        "ocid": tender_id,
        "id": f"{tender_id}-{last}",
        "date": stamp(last),
        "tag": ["compiled"],
        "initiationType": "tender",
        "language": "zh",
        "parties": [_party(orgs[i], r) for i, r in roles.items()],
        "buyer": {"id": buyer_id, "name": buyer.name},
        "tender": tender_obj,
        "bids": {"details": details},
        "awards": awards,
        "contracts": out_contracts,
    }
