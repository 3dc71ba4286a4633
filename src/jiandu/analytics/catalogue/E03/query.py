"""E03 luxury gifts: an invoice whose item description names premium liquor,
cigarettes, shopping or gift cards, or similar, under a non-gift category."""

from __future__ import annotations

import re
from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, resolve_org, with_org_name

CATEGORY_ZH = {
    "catering": "餐饮",
    "accommodation": "住宿",
    "fuel": "燃油",
    "travel": "差旅",
    "office": "办公用品",
    "other": "其他",
}


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    words = sorted({w.strip().lower() for w in params["keywords"] if w.strip()}, key=len)
    pattern = "(" + "|".join(re.escape(w) for w in reversed(words)) + ")"
    i = t.invoices
    i = i.filter(i.category.isnull() | (i.category != "gifts"))
    text = i.item_description.lower()
    i = i.mutate(keyword=text.re_extract(pattern, 1)).filter(
        lambda x: x.item_description.notnull() & (x.keyword != "")
    )
    i = resolve_org(t, i, "buyer_org_id", "buyer")
    i = with_org_name(t, i, "buyer", "buyer_name")
    return i.mutate(
        subject_id=i.invoice_id,
        category_zh=i.category.substitute(CATEGORY_ZH, else_=i.category),
        score=ibis.least(1.0, 0.6 + 0.4 * i.amount / 10000.0),
    )
