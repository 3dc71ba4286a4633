"""P01 paid after death: paid_date > death_date + grace_days."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, people
from jiandu.analytics.catalogue._links import payments


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    pay = payments(t)
    who = people(t, "b")
    j = pay.join(who, pay.bene == who.b_id)
    j = j.filter(
        j.b_death_date.notnull()
        & (j.paid_date > j.b_death_date + ibis.interval(days=int(params["grace_days"])))
    )
    days = j.paid_date.delta(j.b_death_date, unit="day")
    return j.mutate(
        subject_id=j.payment_id,
        days_late=days,
        # A few weeks late may be an approval lag; a year or more is not.
        score=ibis.least(1.0, 0.7 + 0.3 * days.cast("float64") / 365.0),
    )
