"""B03 revolving door: a contract whose supplier has, as owner or director at
signed_date, a person whose post at the buyer org ended within cooling_years before
signed_date."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, people, valid_at, with_org_name
from jiandu.analytics.catalogue._links import contracts, holdings, posts, role_zh


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    c = contracts(t)
    h = holdings(t)
    j = c.join(h, c.supplier == h.h_org)
    j = j.filter(valid_at(j.h_start, j.h_end, j.signed_date)).mutate(holder=lambda x: x.h_person)
    p = posts(t).filter(lambda x: x.post_end.notnull())
    j = j.join(p, (j.holder == p.post_person) & (j.buyer == p.post_org))
    years = int(params["cooling_years"])
    j = j.filter(
        (j.post_end <= j.signed_date) & (j.post_end + ibis.interval(years=years) >= j.signed_date)
    )
    j = with_org_name(t, j, "buyer", "buyer_name")
    j = with_org_name(t, j, "supplier", "supplier_name")
    hp = people(t, "h")
    j = j.join(hp, j.holder == hp.h_id)
    return j.mutate(
        subject_id=j.contract_id,
        role_zh=role_zh(j.h_role),
        role_en=j.h_role.re_replace("_", " "),
        # The sooner after leaving, the stronger the lead.
        score=ibis.greatest(
            0.6, 1.0 - j.signed_date.delta(j.post_end, unit="day").cast("float64") / 3650.0
        ),
    )
