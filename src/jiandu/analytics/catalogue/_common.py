"""Ibis building blocks shared by the models: resolved people and organizations, validity
at a date, months, the official non-working days. Every helper returns an Ibis table or
column expression, so a model stays one expression that runs on DuckDB and on Spark."""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any

import ibis
import ibis.expr.types as ir
from ibis.common.exceptions import TableNotFound

from jiandu.core.workdays import Calendar

from ._schema import REGISTERS

_IBIS_TYPES = {
    "VARCHAR": "string",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "DOUBLE": "float64",
    "BOOLEAN": "boolean",
}

CALENDAR_YEARS = (2000, 2035)


class Tables:
    """The warehouse tables of one backend, by attribute: `t.payments`."""

    def __init__(self, backend: Any) -> None:
        self._backend = backend
        self._cache: dict[str, ir.Table] = {}

    def __getattr__(self, name: str) -> ir.Table:
        if name.startswith("_"):
            raise AttributeError(name)
        if name not in self._cache:
            try:
                self._cache[name] = self._backend.table(name)
            except TableNotFound:
                if name not in REGISTERS:
                    raise
                # A register the model only uses to resolve identities may be absent:
                # it then reads as empty (the registers a model needs are checked first).
                self._cache[name] = ibis.memtable(
                    {c: [] for c in REGISTERS[name]},
                    schema={c: _IBIS_TYPES[k] for c, k in REGISTERS[name].items()},
                )
        return self._cache[name]


def person_map(t: Tables) -> ir.Table:
    """person record id -> resolved person (`pm_ref`, `pm_ent`)."""
    p = t.persons
    return p.select(pm_ref=p.person_id, pm_ent=ibis.coalesce(p.entity_id, p.person_id))


def org_map(t: Tables) -> ir.Table:
    """organization record id -> resolved organization (`om_ref`, `om_ent`)."""
    o = t.organizations
    return o.select(om_ref=o.org_id, om_ent=ibis.coalesce(o.entity_id, o.org_id))


def resolve_person(t: Tables, table: ir.Table, column: str, out: str) -> ir.Table:
    """`table` plus `out`: the resolved person of `column` (the id itself when unknown)."""
    m = person_map(t)
    joined = table.left_join(m, table[column] == m.pm_ref)
    return joined.mutate(**{out: ibis.coalesce(joined.pm_ent, joined[column])}).drop(
        "pm_ref", "pm_ent"
    )


def resolve_org(t: Tables, table: ir.Table, column: str, out: str) -> ir.Table:
    """`table` plus `out`: the resolved organization of `column`."""
    m = org_map(t)
    joined = table.left_join(m, table[column] == m.om_ref)
    return joined.mutate(**{out: ibis.coalesce(joined.om_ent, joined[column])}).drop(
        "om_ref", "om_ent"
    )


def people(t: Tables, prefix: str) -> ir.Table:
    """One row per resolved person: `<prefix>_id` (canonical record id), `_name` (of the
    canonical record) and `_death_date` (the earliest death date any record gives)."""
    p = t.persons.mutate(ent=ibis.coalesce(t.persons.entity_id, t.persons.person_id))
    deaths = p.group_by("ent").aggregate(death=p.death_date.min())
    canon = p.filter(p.person_id == p.ent).select("ent", cname=p.name)
    joined = deaths.left_join(canon, deaths.ent == canon.ent)
    return joined.select(
        **{
            f"{prefix}_id": joined.ent,
            f"{prefix}_name": joined.cname,
            f"{prefix}_death_date": joined.death,
        }
    )


def orgs(t: Tables, prefix: str) -> ir.Table:
    """One row per resolved organization, with the canonical record's attributes:
    `<prefix>_id`, `_name`, `_kind`, `_capital`, `_founded`, `_parent` (resolved),
    `_phone`, `_address`, `_legal_rep` (resolved person)."""
    o = t.organizations
    canon = o.filter(ibis.coalesce(o.entity_id, o.org_id) == o.org_id)
    canon = resolve_org(t, canon, "parent_org_id", "parent_ent")
    canon = resolve_person(t, canon, "legal_rep_person_id", "rep_ent")
    return canon.select(
        **{
            f"{prefix}_id": canon.org_id,
            f"{prefix}_name": canon.name,
            f"{prefix}_kind": canon.kind,
            f"{prefix}_capital": canon.registered_capital,
            f"{prefix}_founded": canon.founded_date,
            f"{prefix}_parent": ibis.ifelse(
                canon.parent_org_id.isnull(), ibis.null("string"), canon.parent_ent
            ),
            f"{prefix}_phone": canon.phone,
            f"{prefix}_address": canon.address,
            f"{prefix}_legal_rep": ibis.ifelse(
                canon.legal_rep_person_id.isnull(), ibis.null("string"), canon.rep_ent
            ),
        }
    )


def valid_at(start: ir.Value, end: ir.Value, day: ir.Value) -> ir.BooleanValue:
    """A post, ownership or directorship valid on `day` (an empty start means always)."""
    return (start.isnull() | (start <= day)) & (end.isnull() | (day <= end))


def month_number(day: ir.DateValue) -> ir.IntegerValue:
    """YYYYMM of a date as an integer."""
    return day.year() * 100 + day.month()


def month_text(day: ir.DateValue) -> ir.StringValue:
    """'YYYY-MM' of a date."""
    return day.year().cast("string") + "-" + day.month().cast("string").lpad(2, "0")


def payroll_month_number(month: ir.StringValue) -> ir.IntegerValue:
    """YYYYMM of a payroll month written 'YYYY-MM'."""
    return month.substr(0, 4).cast("int64") * 100 + month.substr(5, 2).cast("int64")


def normalize_text(value: ir.StringValue) -> ir.StringValue:
    """Full-width ASCII to half-width, whitespace dropped, lower case (for matching)."""
    full = "".join(chr(c) for c in range(0xFF01, 0xFF5F)) + "\u3000"
    half = "".join(chr(c - 0xFEE0) for c in range(0xFF01, 0xFF5F)) + " "
    # translate() is slow in DuckDB; most values have no full-width character to map.
    wide = value.re_search(f"[{chr(0xFF01)}-{chr(0xFF5E)}{chr(0x3000)}]")
    return wide.ifelse(value.translate(full, half), value).re_replace(r"\s+", "").lower()


def normalize_phone(value: ir.StringValue) -> ir.StringValue:
    """Digits only, without the +86 country prefix."""
    digits = normalize_text(value).re_replace(r"[^0-9]", "")
    return ibis.ifelse(
        (digits.length() == 13) & digits.startswith("86"), digits.substr(2), digits
    ).nullif("")


@functools.cache
def _non_working_days() -> tuple[dt.date, ...]:
    cal = Calendar()
    day, end = dt.date(CALENDAR_YEARS[0], 1, 1), dt.date(CALENDAR_YEARS[1], 12, 31)
    days = []
    while day <= end:
        if not cal.is_workday(day):
            days.append(day)
        day += dt.timedelta(days=1)
    return tuple(days)


def non_working_days(column: str = "nwd_day") -> ir.Table:
    """The official non-working days (weekends not made working days, public holidays)
    of CALENDAR_YEARS, as a table with one DATE column."""
    return ibis.memtable({column: list(_non_working_days())}, schema={column: "date"})


def with_org_name(t: Tables, table: ir.Table, column: str, out: str) -> ir.Table:
    """`table` plus `out`: the name of the resolved organization in `column` (its id
    when the organization is not in the register)."""
    o = t.organizations
    names = o.filter(ibis.coalesce(o.entity_id, o.org_id) == o.org_id).select(
        _n_id=o.org_id, _n_name=o.name
    )
    joined = table.left_join(names, table[column] == names._n_id)
    return joined.mutate(**{out: ibis.coalesce(joined._n_name, joined[column])}).drop(
        "_n_id", "_n_name"
    )
