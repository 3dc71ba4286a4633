"""E01 weekend or holiday banquet: a catering invoice issued on a non-working day of the
official calendar, amount >= min_amount."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import (
    Tables,
    non_working_days,
    resolve_org,
    with_org_name,
)


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    i = t.invoices
    i = i.filter((i.category == "catering") & (i.amount >= float(params["min_amount"])))
    i = i.mutate(day=i.issued_at.date())
    off = non_working_days()
    j = i.join(off, i.day == off.nwd_day)
    j = resolve_org(t, j, "buyer_org_id", "buyer")
    j = with_org_name(t, j, "buyer", "buyer_name")
    return j.mutate(
        subject_id=j.invoice_id,
        score=ibis.least(1.0, 0.6 + 0.4 * j.amount / 20000.0),
    )
