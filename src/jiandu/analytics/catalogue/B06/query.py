"""B06 tailored tender: a bidder that, over >= min_tenders tenders, bid only at one
buyer and won every one of them (won: a contract of the tender went to the bidder)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, resolve_org, with_org_name
from jiandu.analytics.catalogue._links import contracts


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    b = resolve_org(t, t.bids, "bidder_org_id", "bidder")
    tn = resolve_org(t, t.tenders, "buyer_org_id", "buyer")
    tn = tn.select(
        t_tender=tn.tender_id, buyer=tn.buyer, buyer_org_id=tn.buyer_org_id, tender_title=tn.title
    )
    b = b.join(tn, b.tender_id == tn.t_tender)
    c = contracts(t).filter(lambda x: x.tender_id.notnull())
    wins = c.select(w_tender=c.tender_id, w_supplier=c.supplier).distinct()
    b = b.left_join(wins, (b.tender_id == wins.w_tender) & (b.bidder == wins.w_supplier))
    b = b.mutate(won=b.w_tender.notnull()).drop("w_tender", "w_supplier", "t_tender")
    per = b.group_by(g_bidder=b.bidder).aggregate(
        n_tenders=b.tender_id.nunique(),
        n_buyers=b.buyer.nunique(),
        n_won=b.won.ifelse(b.tender_id, ibis.null("string")).nunique(),
    )
    per = per.filter(
        (per.n_tenders >= int(params["min_tenders"]))
        & (per.n_buyers == 1)
        & (per.n_won == per.n_tenders)
    )
    j = b.join(per, b.bidder == per.g_bidder)
    j = with_org_name(t, j, "bidder", "bidder_name")
    j = with_org_name(t, j, "buyer", "buyer_name")
    return j.mutate(
        subject_id=j.bidder,
        score=ibis.least(1.0, 0.6 + 0.1 * j.n_tenders.cast("float64")),
    )
