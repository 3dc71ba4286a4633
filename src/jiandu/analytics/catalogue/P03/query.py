"""P03 welfare to public staff: a means-tested payment to a person on the payroll of a
public_body or soe in the month of paid_date."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import (
    Tables,
    month_number,
    orgs,
    payroll_month_number,
    people,
    resolve_org,
    resolve_person,
)
from jiandu.analytics.catalogue._links import payments


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    pay = payments(t, params["programmes"]).mutate(pay_month=lambda x: month_number(x.paid_date))
    pr = resolve_person(t, t.payroll, "person_id", "pr_person")
    pr = resolve_org(t, pr, "org_id", "pr_org")
    pr = pr.select(
        "pr_person",
        "pr_org",
        pr_person_id=pr.person_id,
        pr_org_id=pr.org_id,
        pr_month=pr.month,
        pr_amount=pr.amount,
        pr_month_number=payroll_month_number(pr.month),
    )
    employer = orgs(t, "e")
    employer = employer.filter(employer.e_kind.isin(["public_body", "soe"]))
    pr = pr.join(employer, pr.pr_org == employer.e_id)
    j = pay.join(pr, (pay.bene == pr.pr_person) & (pay.pay_month == pr.pr_month_number))
    who = people(t, "b")
    j = j.join(who, j.bene == who.b_id)
    return j.mutate(
        subject_id=j.payment_id,
        kind_zh=(j.e_kind == "soe").ifelse("国有企业", "机关事业单位"),
        score=0.9,
    )
