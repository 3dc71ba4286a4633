"""P05 duplicate benefit: >= 2 payments in the same programme to the same person in the
same calendar month (subject person_month)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, month_text, people
from jiandu.analytics.catalogue._links import payments


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    # The groups are found on the register's own columns (the month as its first day),
    # and only their payments go through the joins that resolve payer and approver.
    raw = t.payments
    raw = raw.mutate(bene=ibis.coalesce(raw.beneficiary_entity_id, raw.beneficiary_person_id))
    raw = raw.filter(raw.bene.notnull())
    # payment_id is unique in the warehouse (ingest rejects a repeated id), so counting
    # rows counts payments, without the cost of a distinct count over every payment.
    groups = raw.group_by(
        g_bene=raw.bene, g_programme=raw.programme, g_month=raw.paid_date.truncate("M")
    ).aggregate(n=raw.count(), total=raw.amount.sum())
    groups = groups.filter(groups.n >= int(params["min_payments"]))
    pay = payments(t)
    j = pay.join(
        groups,
        (pay.bene == groups.g_bene)
        & (pay.programme == groups.g_programme)
        & (pay.paid_date.truncate("M") == groups.g_month),
    )
    j = j.mutate(month=month_text(j.paid_date))
    who = people(t, "b")
    j = j.join(who, j.bene == who.b_id)
    return j.mutate(
        subject_id=j.bene + "|" + j.month,
        score=(j.n >= 3).ifelse(1.0, 0.85),
    )
