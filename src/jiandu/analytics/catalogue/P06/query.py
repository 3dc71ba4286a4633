"""P06 ghost employee: payroll for a month starting after death_date, or payroll from
two different public_body orgs in the same month (subject person_month)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import (
    Tables,
    month_number,
    orgs,
    payroll_month_number,
    people,
    resolve_org,
    resolve_person,
    with_org_name,
)


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    pr = resolve_person(t, t.payroll, "person_id", "worker")
    pr = resolve_org(t, pr, "org_id", "employer")
    pr = pr.mutate(month_no=payroll_month_number(pr.month))
    who = people(t, "w")
    pr = pr.join(who, pr.worker == who.w_id)

    after_death = pr.filter(
        pr.w_death_date.notnull() & (pr.month_no > month_number(pr.w_death_date))
    ).mutate(
        reason_zh="死亡日期为 " + pr.w_death_date.cast("string") + "，其后月份仍发工资",
        reason_en="the person died on " + pr.w_death_date.cast("string"),
        score=ibis.literal(1.0),
    )

    kinds = orgs(t, "e")
    public = pr.join(kinds, pr.employer == kinds.e_id).filter(lambda x: x.e_kind == "public_body")
    public = public.select(*pr.columns)
    doubles = public.group_by(d_worker=public.worker, d_month=public.month_no).aggregate(
        n_orgs=public.employer.nunique()
    )
    doubles = doubles.filter(doubles.n_orgs >= 2)
    two_bodies = public.join(
        doubles, (public.worker == doubles.d_worker) & (public.month_no == doubles.d_month)
    )
    two_bodies = two_bodies.select(*pr.columns).mutate(
        reason_zh=ibis.literal("同月在两个以上机关事业单位领取工资"),
        reason_en=ibis.literal("salaries from two or more public bodies in the same month"),
        score=ibis.literal(0.9),
    )
    rows = after_death.union(two_bodies)
    rows = with_org_name(t, rows, "employer", "employer_name")
    return rows.mutate(
        subject_id=rows.worker + "|" + rows.month,
    )
