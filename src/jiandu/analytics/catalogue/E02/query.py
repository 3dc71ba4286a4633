"""E02 split catering invoices: >= 2 catering invoices of one seller to one buyer on one
day, each below `limit` and together at or above it, or with consecutive invoice numbers
(subject buyer_seller_day)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, normalize_text, resolve_org, with_org_name


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    limit = float(params["limit"])
    i = t.invoices.filter(lambda x: x.category == "catering")
    i = resolve_org(t, i, "buyer_org_id", "buyer")
    uscc = i.seller_uscc.strip().upper().nullif("")
    i = i.mutate(
        day=i.issued_at.date(),
        seller_key=ibis.coalesce(uscc, normalize_text(i.seller_name).nullif("")),
        num_prefix=i.invoice_number.strip().re_extract(r"^(.*?)(\d+)$", 1),
        num=i.invoice_number.strip().re_extract(r"(\d{1,17})$", 1).nullif("").cast("int64"),
    ).filter(lambda x: x.seller_key.notnull())
    cols = i.columns

    # Each below the limit, together at or above it.
    small = i.filter(i.amount < limit)
    sums = small.group_by(g_buyer=small.buyer, g_key=small.seller_key, g_day=small.day).aggregate(
        n=small.invoice_id.nunique(), total=small.amount.sum()
    )
    sums = sums.filter((sums.n >= 2) & (sums.total >= limit))
    split = small.join(
        sums,
        (small.buyer == sums.g_buyer)
        & (small.seller_key == sums.g_key)
        & (small.day == sums.g_day),
    ).select(*cols)
    split = split.mutate(
        reason_zh=ibis.literal(f"每张低于 {limit:,.0f} 元，合计达到限额"),
        reason_en=ibis.literal(f"each below {limit:,.0f} yuan, together at or above it"),
    )

    # Consecutive invoice numbers.
    nxt = i.select(
        n_buyer=i.buyer, n_key=i.seller_key, n_day=i.day, n_prefix=i.num_prefix, n_num=i.num,
        n_id=i.invoice_id,
    )  # fmt: skip
    pairs = i.join(
        nxt,
        (i.buyer == nxt.n_buyer)
        & (i.seller_key == nxt.n_key)
        & (i.day == nxt.n_day)
        & (i.num_prefix == nxt.n_prefix)
        & (nxt.n_num == i.num + 1),
    )
    first = pairs.select(*cols)
    seconds = pairs.select(s_id=pairs.n_id)
    second = i.join(seconds, i.invoice_id == seconds.s_id).select(*cols)
    runs = first.union(second).mutate(
        reason_zh=ibis.literal("发票号码连号"),
        reason_en=ibis.literal("consecutive invoice numbers"),
    )

    rows = split.union(runs)
    rows = with_org_name(t, rows, "buyer", "buyer_name")
    return rows.mutate(
        subject_id=rows.buyer + "|" + rows.seller_key + "|" + rows.day.cast("string"),
        score=ibis.literal(0.8),
    )
