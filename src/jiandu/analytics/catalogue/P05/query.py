"""P05 duplicate benefit: >= 2 payments in the same programme to the same person in the
same calendar month (subject person_month)."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, month_text, people
from jiandu.analytics.catalogue._links import payments


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    pay = payments(t)
    pay = pay.filter(pay.bene.notnull()).mutate(month=lambda x: month_text(x.paid_date))
    groups = pay.group_by(g_bene=pay.bene, g_programme=pay.programme, g_month=pay.month).aggregate(
        n=pay.payment_id.nunique(), total=pay.amount.sum()
    )
    groups = groups.filter(groups.n >= int(params["min_payments"]))
    j = pay.join(
        groups,
        (pay.bene == groups.g_bene)
        & (pay.programme == groups.g_programme)
        & (pay.month == groups.g_month),
    )
    who = people(t, "b")
    j = j.join(who, j.bene == who.b_id)
    return j.mutate(
        subject_id=j.bene + "|" + j.month,
        score=(j.n >= 3).ifelse(1.0, 0.85),
    )
