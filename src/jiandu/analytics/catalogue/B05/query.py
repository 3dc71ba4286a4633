"""B05 supplier concentration: a buyer-year with >= min_contracts contracts where one
supplier received >= share of the total amount (subject buyer_supplier_year)."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, with_org_name
from jiandu.analytics.catalogue._links import contracts


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    c = contracts(t).mutate(year=lambda x: x.signed_date.year())
    years = c.group_by(y_buyer=c.buyer, y_year=c.year).aggregate(
        n_all=c.contract_id.nunique(), total=c.amount.sum()
    )
    years = years.filter((years.n_all >= int(params["min_contracts"])) & (years.total > 0))
    pairs = c.group_by(s_buyer=c.buyer, s_supplier=c.supplier, s_year=c.year).aggregate(
        sup_n=c.contract_id.nunique(), sup_total=c.amount.sum()
    )
    top = pairs.join(years, (pairs.s_buyer == years.y_buyer) & (pairs.s_year == years.y_year))
    top = top.filter(top.sup_total >= float(params["share"]) * top.total)
    j = c.join(
        top,
        (c.buyer == top.s_buyer) & (c.supplier == top.s_supplier) & (c.year == top.s_year),
    )
    j = with_org_name(t, j, "buyer", "buyer_name")
    j = with_org_name(t, j, "supplier", "supplier_name")
    ratio = j.sup_total / j.total
    return j.mutate(
        subject_id=j.buyer + "|" + j.supplier + "|" + j.year.cast("string"),
        pct=ratio * 100.0,
        score=ratio.clip(upper=1.0),
    )
