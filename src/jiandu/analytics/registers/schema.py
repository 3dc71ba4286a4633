"""The registers of REGISTERS.md section 1, as data.

Each register lists its columns in the contract's order with a type, whether it is
required, the values it allows, and what it refers to. The loaders, the validation and
the documentation read these tables; nothing else describes a register.

Types: `id` and `text` (VARCHAR; an id is compared as given), `date` (ISO 8601 DATE),
`timestamp` (ISO 8601, with or without zone; local time assumed), `amount` (DOUBLE),
`bool` (true/false), `month` (`YYYY-MM`, kept as VARCHAR), `id_number` (a GB 11643
resident ID number: normalized when valid, kept as given otherwise), `uscc` (a GB 32100
unified social credit code, the same rule).
"""

from __future__ import annotations

from dataclasses import dataclass, field

SQL_TYPES = {
    "id": "VARCHAR",
    "text": "VARCHAR",
    "date": "DATE",
    "timestamp": "TIMESTAMP",
    "amount": "DOUBLE",
    "bool": "BOOLEAN",
    "month": "VARCHAR",
    "id_number": "VARCHAR",
    "uscc": "VARCHAR",
}


@dataclass(frozen=True)
class Column:
    name: str
    type: str = "text"
    required: bool = False
    allowed: tuple[str, ...] = ()
    # The register whose key this column holds ("persons", "organizations", ...). For a
    # column whose target depends on another column (ownerships.owner_id), `refers` names
    # that column and `targets` maps its values to registers.
    refers: str = ""
    targets: tuple[tuple[str, str], ...] = ()

    @property
    def sql_type(self) -> str:
        return SQL_TYPES[self.type]


@dataclass(frozen=True)
class Register:
    name: str
    columns: tuple[Column, ...]
    key: str = ""  # the column unique within the register ("" when rows have no own id)
    # Columns added by identity resolution (NULL until it runs).
    derived: tuple[Column, ...] = field(default=())

    def column(self, name: str) -> Column:
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)

    @property
    def names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns if c.required]


def _c(
    name: str, type_: str = "text", *, req: bool = False, allowed: str = "", refers: str = ""
) -> Column:
    return Column(name, type_, req, tuple(allowed.split()) if allowed else (), refers)


P, ORG = "persons", "organizations"

REGISTERS: dict[str, Register] = {
    r.name: r
    for r in (
        Register(
            "persons",
            (
                _c("person_id", "id", req=True),
                _c("name", req=True),
                _c("id_number", "id_number"),
                _c("birth_date", "date"),
                _c("gender", allowed="M F"),
                _c("region_code"),
                _c("death_date", "date"),
                _c("phone"),
                _c("address"),
                _c("name_latin"),
            ),
            key="person_id",
            derived=(_c("entity_id", "id"),),
        ),
        Register(
            "organizations",
            (
                _c("org_id", "id", req=True),
                _c("name", req=True),
                _c("uscc", "uscc"),
                _c(
                    "kind",
                    req=True,
                    allowed="company public_body soe social_org village_committee",
                ),
                _c("parent_org_id", "id", refers=ORG),
                _c("region_code"),
                _c("founded_date", "date"),
                _c("registered_capital", "amount"),
                _c("address"),
                _c("phone"),
                _c("legal_rep_person_id", "id", refers=P),
            ),
            key="org_id",
            derived=(_c("entity_id", "id"),),
        ),
        Register(
            "posts",
            (
                _c("person_id", "id", req=True, refers=P),
                _c("org_id", "id", req=True, refers=ORG),
                _c("title", req=True),
                _c("rank"),
                _c("is_leading_cadre", "bool"),
                _c("start_date", "date", req=True),
                _c("end_date", "date"),
            ),
        ),
        Register(
            "family",
            (
                _c("person_id", "id", req=True, refers=P),
                _c(
                    "relationship",
                    req=True,
                    allowed="spouse child parent sibling child_spouse other",
                ),
                _c("relative_person_id", "id", refers=P),
                _c("relative_name"),
                _c("relative_id_number", "id_number"),
            ),
            derived=(_c("relative_entity_id", "id"),),
        ),
        Register(
            "ownerships",
            (
                Column(
                    "owner_id",
                    "id",
                    True,
                    refers="owner_type",
                    targets=(("person", P), ("org", ORG)),
                ),
                _c("owner_type", req=True, allowed="person org"),
                _c("org_id", "id", req=True, refers=ORG),
                _c("share_pct", "amount"),
                _c("start_date", "date"),
                _c("end_date", "date"),
            ),
        ),
        Register(
            "directorships",
            (
                _c("person_id", "id", req=True, refers=P),
                _c("org_id", "id", req=True, refers=ORG),
                _c(
                    "role",
                    req=True,
                    allowed="legal_representative director supervisor manager",
                ),
                _c("start_date", "date"),
                _c("end_date", "date"),
            ),
        ),
        Register(
            "tenders",
            (
                _c("tender_id", "id", req=True),
                _c("buyer_org_id", "id", req=True, refers=ORG),
                _c("title"),
                _c("procurement_method", allowed="open selective limited direct"),
                _c("estimated_amount", "amount"),
                _c("published_date", "date"),
                _c("deadline", "date"),
                _c("award_date", "date"),
                _c("category"),
            ),
            key="tender_id",
        ),
        Register(
            "bids",
            (
                _c("tender_id", "id", req=True, refers="tenders"),
                _c("bidder_org_id", "id", req=True, refers=ORG),
                _c("amount", "amount"),
                _c("status", allowed="valid disqualified withdrawn"),
                _c("submitted_at", "timestamp"),
            ),
        ),
        Register(
            "contracts",
            (
                _c("contract_id", "id", req=True),
                _c("buyer_org_id", "id", req=True, refers=ORG),
                _c("supplier_org_id", "id", req=True, refers=ORG),
                _c("amount", "amount", req=True),
                _c("signed_date", "date", req=True),
                _c("tender_id", "id", refers="tenders"),
                _c("title"),
                _c("procurement_method", allowed="open selective limited direct"),
                _c("category"),
            ),
            key="contract_id",
        ),
        Register(
            "payments",
            (
                _c("payment_id", "id", req=True),
                _c("payer_org_id", "id", req=True, refers=ORG),
                _c("programme", req=True),
                _c("amount", "amount", req=True),
                _c("paid_date", "date", req=True),
                _c("beneficiary_person_id", "id", refers=P),
                _c("beneficiary_name"),
                _c("beneficiary_id_number", "id_number"),
                _c("approver_person_id", "id", refers=P),
                _c("region_code"),
            ),
            key="payment_id",
            derived=(_c("beneficiary_entity_id", "id"),),
        ),
        Register(
            "payroll",
            (
                _c("person_id", "id", req=True, refers=P),
                _c("org_id", "id", req=True, refers=ORG),
                _c("month", "month", req=True),
                _c("amount", "amount", req=True),
            ),
        ),
        Register(
            "invoices",
            (
                _c("invoice_id", "id", req=True),
                _c("buyer_org_id", "id", req=True, refers=ORG),
                _c("amount", "amount", req=True),
                _c("issued_at", "timestamp", req=True),
                _c("invoice_number"),
                _c("seller_name"),
                _c("seller_uscc", "uscc"),
                _c(
                    "category",
                    allowed="catering accommodation gifts fuel travel office other",
                ),
                _c("item_description"),
            ),
            key="invoice_id",
        ),
        Register(
            "vehicles",
            (
                _c("plate", "id", req=True),
                _c("owner_org_id", "id", refers=ORG),
                _c("kind", allowed="official private"),
                _c("home_region_code"),
                _c("tank_litres", "amount"),
                _c("fuel_grade"),
            ),
            key="plate",
        ),
        Register(
            "fuel_transactions",
            (
                _c("txn_id", "id", req=True),
                _c("plate", "id", req=True, refers="vehicles"),
                _c("at", "timestamp", req=True),
                _c("amount", "amount", req=True),
                _c("card_id"),
                _c("litres", "amount"),
                _c("fuel_grade"),
                _c("station_region_code"),
            ),
            key="txn_id",
        ),
    )
}

# Load order: a register comes after every register it refers to.
ORDER: tuple[str, ...] = tuple(REGISTERS)


def referenced(register: Register) -> set[str]:
    """The registers `register` refers to (itself included when it does)."""
    out: set[str] = set()
    for c in register.columns:
        if c.targets:
            out.update(t for _v, t in c.targets)
        elif c.refers:
            out.add(c.refers)
    return out
