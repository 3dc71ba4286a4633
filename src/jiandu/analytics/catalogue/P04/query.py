"""P04 favouring relatives: a means-tested payment whose beneficiary is a family
relation (either direction) of the approver or of a post holder at the payer org at
paid_date."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, people, valid_at
from jiandu.analytics.catalogue._links import (
    NULL_D,
    NULL_S,
    family_pairs,
    payments,
    posts,
    relation_zh,
)


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    # Payments to someone with family first: few beneficiaries are relatives of anyone,
    # while every payment of a department would otherwise meet all of its staff.
    pay = payments(t, params["programmes"])
    fam = family_pairs(t)
    kin = pay.join(fam, pay.bene == fam.fam_b)
    kin = kin.filter(kin.fam_a != kin.bene)
    by_approver = kin.filter(kin.approver == kin.fam_a).mutate(
        via=ibis.literal("approver"),
        post_person_id=NULL_S,
        post_org_id=NULL_S,
        post_title=NULL_S,
        post_start=NULL_D,
        post_end=NULL_D,
    )
    p = posts(t)
    by_post = kin.join(p, (kin.payer == p.post_org) & (kin.fam_a == p.post_person))
    by_post = by_post.filter(valid_at(by_post.post_start, by_post.post_end, by_post.paid_date))
    by_post = by_post.mutate(via=ibis.literal("post")).select(*by_approver.columns)
    j = by_approver.union(by_post)
    j = j.mutate(official=j.fam_a)
    b = people(t, "b")
    j = j.join(b, j.bene == b.b_id)
    o = people(t, "o")
    j = j.join(o, j.official == o.o_id)
    approver = j.via == "approver"
    return j.mutate(
        subject_id=j.payment_id,
        via_zh=approver.ifelse("审批人", "付款单位任职人员（" + j.post_title.fill_null("") + "）"),
        via_en=approver.ifelse(
            "who approved it", "who held the post " + j.post_title.fill_null("") + " at the payer"
        ),
        relation_zh=relation_zh(j.fam_relation),
        score=approver.ifelse(1.0, 0.85),
    )
