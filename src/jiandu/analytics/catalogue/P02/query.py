"""P02 welfare to company owners: a means-tested payment to a person who, at paid_date,
owns or legally represents a company with registered_capital >= min_capital."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, orgs, people, valid_at
from jiandu.analytics.catalogue._links import NULL_D, holdings, payments, role_zh


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    pay = payments(t, params["programmes"])
    h = holdings(t, org_legal_reps=True)
    h = h.filter((h.h_role == "owner") | (h.h_role == "legal_representative"))
    company = orgs(t, "c")
    company = company.filter(
        (company.c_kind == "company") & (company.c_capital >= float(params["min_capital"]))
    )
    j = pay.join(h, pay.bene == h.h_person)
    j = j.filter(valid_at(j.h_start, j.h_end, j.paid_date))
    j = j.join(company, j.h_org == company.c_id)
    who = people(t, "b")
    j = j.join(who, j.bene == who.b_id)
    own = j.h_role == "owner"
    return j.mutate(
        subject_id=j.payment_id,
        role_zh=role_zh(j.h_role),
        role_en=j.h_role.re_replace("_", " "),
        own_start=own.ifelse(j.h_start, NULL_D),
        own_end=own.ifelse(j.h_end, NULL_D),
        dir_start=j.dir_role.notnull().ifelse(j.h_start, NULL_D),
        dir_end=j.dir_role.notnull().ifelse(j.h_end, NULL_D),
        # The larger the company, the less plausible the claim of need.
        score=ibis.least(1.0, 0.7 + 0.3 * (j.c_capital / 5_000_000.0)),
    )
