"""B04 new company wins big: amount >= min_amount and the supplier was founded fewer
than max_age_days days before signed_date."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, orgs, with_org_name
from jiandu.analytics.catalogue._links import contracts


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    c = contracts(t)
    c = c.filter(c.amount >= float(params["min_amount"]))
    s = orgs(t, "s")
    j = c.join(s, c.supplier == s.s_id)
    max_age = int(params["max_age_days"])
    j = j.filter(
        j.s_founded.notnull()
        & (j.s_founded <= j.signed_date)
        & (j.s_founded + ibis.interval(days=max_age) > j.signed_date)
    )
    j = with_org_name(t, j, "buyer", "buyer_name")
    age = j.signed_date.delta(j.s_founded, unit="day")
    return j.mutate(
        subject_id=j.contract_id,
        age_days=age,
        score=ibis.least(1.0, 0.6 + 0.4 * (1.0 - age.cast("float64") / max(max_age, 1))),
    )
