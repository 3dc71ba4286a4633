"""T02 split purchase: >= 3 contracts of one buyer to one supplier within window_days,
each below threshold and together above it (subject buyer_supplier)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, with_org_name
from jiandu.analytics.catalogue._links import contracts


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    threshold = float(params["threshold"])
    days = int(params["window_days"])
    c = contracts(t)
    c = c.filter(c.amount < threshold)
    # Every window starts at one of the pair's contracts.
    a = c.select(a_id=c.contract_id, a_buyer=c.buyer, a_supplier=c.supplier, a_date=c.signed_date)
    members = a.join(
        c,
        (a.a_buyer == c.buyer)
        & (a.a_supplier == c.supplier)
        & (c.signed_date >= a.a_date)
        & (c.signed_date <= a.a_date + ibis.interval(days=days)),
    )
    windows = members.group_by("a_id").aggregate(
        n=members.contract_id.nunique(), w_total=members.amount.sum()
    )
    windows = windows.filter(
        (windows.n >= int(params["min_contracts"])) & (windows.w_total > threshold)
    )
    flagged = members.join(windows, members.a_id == windows.a_id)
    # The contracts of every qualifying window, each once, and their count and sum per pair.
    j = flagged.select(*c.columns).distinct()
    per_pair = j.group_by(s_buyer=j.buyer, s_supplier=j.supplier).aggregate(
        n=j.contract_id.nunique(), w_total=j.amount.sum()
    )
    j = j.join(per_pair, (j.buyer == per_pair.s_buyer) & (j.supplier == per_pair.s_supplier))
    j = with_org_name(t, j, "buyer", "buyer_name")
    j = with_org_name(t, j, "supplier", "supplier_name")
    return j.mutate(
        subject_id=j.buyer + "|" + j.supplier,
        window_days=ibis.literal(days),
        threshold=ibis.literal(threshold),
        score=ibis.least(1.0, 0.6 + 0.1 * j.n.cast("float64")),
    )
