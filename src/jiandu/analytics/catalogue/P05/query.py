"""P05 duplicate benefit: >= 2 payments in the same programme to the same person in the
same calendar month (subject person_month)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, month_text, people
from jiandu.analytics.catalogue._links import payments


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    # The groups are found on the register's own columns (year and month as numbers),
    # and only their payments go through the joins that resolve payer and approver.
    raw = t.payments
    raw = raw.mutate(bene=ibis.coalesce(raw.beneficiary_entity_id, raw.beneficiary_person_id))
    raw = raw.filter(raw.bene.notnull())
    groups = raw.group_by(
        g_bene=raw.bene,
        g_programme=raw.programme,
        g_year=raw.paid_date.year(),
        g_month=raw.paid_date.month(),
    ).aggregate(n=raw.payment_id.nunique(), total=raw.amount.sum())
    groups = groups.filter(groups.n >= int(params["min_payments"]))
    pay = payments(t)
    j = pay.join(
        groups,
        (pay.bene == groups.g_bene)
        & (pay.programme == groups.g_programme)
        & (pay.paid_date.year() == groups.g_year)
        & (pay.paid_date.month() == groups.g_month),
    )
    j = j.mutate(month=month_text(j.paid_date))
    who = people(t, "b")
    j = j.join(who, j.bene == who.b_id)
    return j.mutate(
        subject_id=j.bene + "|" + j.month,
        score=(j.n >= 3).ifelse(1.0, 0.85),
    )
