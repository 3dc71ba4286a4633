"""FollowTheMoney interop (optional extra `ftm`): the warehouse's people, organizations,
posts, family, ownerships, directorships, contracts and payments as FtM entities (JSON
lines), and FtM entities of those schemata back into a register directory that `ingest`
loads and validates like any other.

Mapping (docs/registers.md has the table): persons -> Person; organizations -> Company
(company, soe), PublicBody (public_body) or Organization, `kind` kept as `legalForm`, the
credit code as `uscCode`; posts -> Occupancy of a Position of the organization (a
leading-cadre post's Position has the topic `role.pep`); family -> Family; ownerships ->
Ownership; directorships -> Directorship; contracts -> Contract plus ContractAward to the
supplier; payments -> Payment. Region codes travel as the keyword `region:<code>`. A
relative or beneficiary known only by name and ID number is a Person whose id starts
with `jd-named-`, read back into the name and ID-number columns.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import orjson

PREFIX = {"person": "jd-person-", "org": "jd-org-"}
NAMED = "jd-named-"
ORG_SCHEMA = {"company": "Company", "soe": "Company", "public_body": "PublicBody"}
GENDER = {"M": "male", "F": "female"}
EXPORTED = (
    "persons",
    "organizations",
    "posts",
    "family",
    "ownerships",
    "directorships",
    "contracts",
    "payments",
)


def _model() -> Any:
    try:
        from followthemoney import model
    except ImportError as exc:  # pragma: no cover - the extra is installed in CI
        raise RuntimeError("FollowTheMoney is not installed: install the `ftm` extra") from exc
    return model


def _id(*parts: object) -> str:
    return hashlib.sha1("\x1f".join(str(p) for p in parts).encode()).hexdigest()[:24]  # noqa: S324


def _rows(con: duckdb.DuckDBPyConnection, table: str) -> Iterator[dict[str, Any]]:
    cur = con.execute(f'SELECT * FROM "{table}"')  # noqa: S608 - a fixed register name
    names = [d[0] for d in cur.description or []]
    while batch := cur.fetchmany(10000):
        for row in batch:
            yield {n: v for n, v in zip(names, row, strict=True) if v is not None}


def _text(value: Any) -> str:
    if hasattr(value, "isoformat"):
        return str(value.isoformat())
    if isinstance(value, float):
        return repr(value) if not value.is_integer() else str(int(value))
    return str(value)


class _Builder:
    def __init__(self) -> None:
        self.model = _model()

    def make(self, schema: str, entity_id: str, **props: Any) -> Any:
        proxy = self.model.make_entity(schema)
        proxy.id = entity_id
        for name, value in props.items():
            if value is None or value == "":
                continue
            for item in value if isinstance(value, list) else [value]:
                proxy.add(name, _text(item), cleaned=True)
        return proxy

    def named(self, name: str | None, id_number: str | None) -> Any:
        return self.make(
            "Person", NAMED + _id(name, id_number), name=name or id_number, idNumber=id_number
        )


def export(con: duckdb.DuckDBPyConnection) -> Iterator[dict[str, Any]]:
    """Every FtM entity of the warehouse's registers, as dictionaries."""
    b = _Builder()
    person, org = PREFIX["person"], PREFIX["org"]
    for r in _rows(con, "persons"):
        yield b.make(
            "Person",
            person + r["person_id"],
            name=r["name"],
            idNumber=r.get("id_number"),
            birthDate=r.get("birth_date"),
            deathDate=r.get("death_date"),
            gender=GENDER.get(r.get("gender", "")),
            phone=r.get("phone"),
            address=r.get("address"),
            alias=r.get("name_latin"),
            keywords=f"region:{r['region_code']}" if r.get("region_code") else None,
        ).to_dict()
    for r in _rows(con, "organizations"):
        schema = ORG_SCHEMA.get(r["kind"], "Organization")
        extra = {"capital": r.get("registered_capital")} if schema == "Company" else {}
        yield b.make(
            schema,
            org + r["org_id"],
            name=r["name"],
            uscCode=r.get("uscc"),
            legalForm=r["kind"],
            parent=org + r["parent_org_id"] if r.get("parent_org_id") else None,
            incorporationDate=r.get("founded_date"),
            address=r.get("address"),
            phone=r.get("phone"),
            keywords=f"region:{r['region_code']}" if r.get("region_code") else None,
            **extra,
        ).to_dict()
    positions: set[str] = set()
    for r in _rows(con, "posts"):
        leading = bool(r.get("is_leading_cadre"))
        position = "jd-position-" + _id(r["org_id"], r["title"], leading)
        if position not in positions:
            positions.add(position)
            yield b.make(
                "Position",
                position,
                name=r["title"],
                organization=org + r["org_id"],
                topics="role.pep" if leading else None,
            ).to_dict()
        yield b.make(
            "Occupancy",
            "jd-post-" + _id(r["person_id"], position, r["start_date"]),
            holder=person + r["person_id"],
            post=position,
            startDate=r["start_date"],
            endDate=r.get("end_date"),
            description=r.get("rank"),
        ).to_dict()
    for r in _rows(con, "family"):
        if r.get("relative_person_id"):
            relative = person + r["relative_person_id"]
        else:
            stub = b.named(r.get("relative_name"), r.get("relative_id_number"))
            relative = stub.id
            yield stub.to_dict()
        yield b.make(
            "Family",
            "jd-family-" + _id(r["person_id"], r["relationship"], relative),
            person=person + r["person_id"],
            relative=relative,
            relationship=r["relationship"],
        ).to_dict()
    for r in _rows(con, "ownerships"):
        owner = PREFIX[r["owner_type"]] + r["owner_id"]
        yield b.make(
            "Ownership",
            "jd-ownership-" + _id(owner, r["org_id"], r.get("start_date")),
            owner=owner,
            asset=org + r["org_id"],
            percentage=r.get("share_pct"),
            startDate=r.get("start_date"),
            endDate=r.get("end_date"),
        ).to_dict()
    for r in _rows(con, "directorships"):
        yield b.make(
            "Directorship",
            "jd-directorship-" + _id(r["person_id"], r["org_id"], r["role"], r.get("start_date")),
            director=person + r["person_id"],
            organization=org + r["org_id"],
            role=r["role"],
            startDate=r.get("start_date"),
            endDate=r.get("end_date"),
        ).to_dict()
    for r in _rows(con, "contracts"):
        contract = "jd-contract-" + r["contract_id"]
        yield b.make(
            "Contract",
            contract,
            authority=org + r["buyer_org_id"],
            title=r.get("title") or r["contract_id"],
            amount=r["amount"],
            contractDate=r["signed_date"],
            method=r.get("procurement_method"),
            classification=r.get("category"),
            procedureNumber=r.get("tender_id"),
        ).to_dict()
        yield b.make(
            "ContractAward",
            "jd-award-" + r["contract_id"],
            contract=contract,
            supplier=org + r["supplier_org_id"],
            amount=r["amount"],
        ).to_dict()
    for r in _rows(con, "payments"):
        if r.get("beneficiary_person_id"):
            beneficiary = person + r["beneficiary_person_id"]
        elif r.get("beneficiary_name") or r.get("beneficiary_id_number"):
            stub = b.named(r.get("beneficiary_name"), r.get("beneficiary_id_number"))
            beneficiary = stub.id
            yield stub.to_dict()
        else:
            beneficiary = None
        yield b.make(
            "Payment",
            "jd-payment-" + r["payment_id"],
            payer=org + r["payer_org_id"],
            beneficiary=beneficiary,
            amount=r["amount"],
            date=r["paid_date"],
            programme=r["programme"],
        ).to_dict()


def write(con: duckdb.DuckDBPyConnection, out: Path) -> int:
    """Export to a JSON-lines file; returns the number of entities."""
    count = 0
    with out.open("wb") as f:
        for entity in export(con):
            f.write(orjson.dumps(entity) + b"\n")
            count += 1
    return count
