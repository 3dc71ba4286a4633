"""B02 cadre in business: a leading cadre who, during the post, owns shares of or holds
a directorship in a company (subject person_org)."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, orgs, people, with_org_name
from jiandu.analytics.catalogue._links import NULL_D, holdings, posts, role_zh


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    p = posts(t, leading_only=True)
    h = holdings(t)
    company = orgs(t, "k").select("k_id", "k_kind")
    h = h.join(company, h.h_org == company.k_id).filter(lambda x: x.k_kind == "company")
    j = p.join(h, p.post_person == h.h_person)
    # The holding and the post overlap in time (an empty bound is open).
    overlap = (j.h_start.isnull() | j.post_end.isnull() | (j.h_start <= j.post_end)) & (
        j.h_end.isnull() | (j.h_end >= j.post_start)
    )
    j = j.filter(overlap).mutate(cadre=lambda x: x.post_person, company=lambda x: x.h_org)
    j = with_org_name(t, j, "company", "company_name")
    j = with_org_name(t, j, "post_org", "post_org_name")
    cp = people(t, "c")
    j = j.join(cp, j.cadre == cp.c_id)
    own = j.h_role == "owner"
    return j.mutate(
        subject_id=j.cadre + "|" + j.company,
        role_zh=role_zh(j.h_role),
        role_en=j.h_role.re_replace("_", " "),
        own_start=own.ifelse(j.h_start, NULL_D),
        own_end=own.ifelse(j.h_end, NULL_D),
        dir_start=own.ifelse(NULL_D, j.h_start),
        dir_end=own.ifelse(NULL_D, j.h_end),
        score=own.ifelse(0.9, ibis.literal(1.0)),
    )
