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
    pay = payments(t, params["programmes"])
    approvers = pay.filter(pay.approver.notnull()).select(
        off_payment=pay.payment_id,
        official=pay.approver,
        via=ibis.literal("approver"),
        post_person_id=NULL_S,
        post_org_id=NULL_S,
        post_title=NULL_S,
        post_start=NULL_D,
        post_end=NULL_D,
    )
    p = posts(t)
    staff = pay.join(p, pay.payer == p.post_org)
    staff = staff.filter(valid_at(staff.post_start, staff.post_end, staff.paid_date))
    staff = staff.select(
        off_payment=staff.payment_id,
        official=staff.post_person,
        via=ibis.literal("post"),
        post_person_id=staff.post_person_id,
        post_org_id=staff.post_org_id,
        post_title=staff.post_title,
        post_start=staff.post_start,
        post_end=staff.post_end,
    )
    officials = approvers.union(staff)
    j = pay.join(officials, pay.payment_id == officials.off_payment)
    fam = family_pairs(t)
    j = j.join(fam, (j.official == fam.fam_a) & (j.bene == fam.fam_b))
    j = j.filter(j.official != j.bene)
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
