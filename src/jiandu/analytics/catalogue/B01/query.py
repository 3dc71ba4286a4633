"""B01 relative's company wins: a contract whose supplier, at signed_date, is owned or
directed by a family relation of a leading cadre of the buyer org or its parent org."""

from __future__ import annotations

from typing import Any

import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import Tables, orgs, people, valid_at, with_org_name
from jiandu.analytics.catalogue._links import (
    contracts,
    family_pairs,
    holdings,
    posts,
    relation_zh,
    role_zh,
)


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    c = contracts(t)
    o = orgs(t, "bo")
    # The buyer itself and its parent: the organizations whose cadres count.
    self_side = o.select(side_buyer=o.bo_id, side_org=o.bo_id)
    parent_side = o.filter(o.bo_parent.notnull()).select(side_buyer=o.bo_id, side_org=o.bo_parent)
    sides = self_side.union(parent_side, distinct=True)
    c = c.join(sides, c.buyer == sides.side_buyer)
    # Cadres whose relatives own or direct a company first (few), then their contracts.
    cadres = posts(t, leading_only=True).mutate(cadre=lambda x: x.post_person)
    fam = family_pairs(t)
    kin = cadres.join(fam, cadres.cadre == fam.fam_a).mutate(relative=lambda x: x.fam_b)
    h = holdings(t)
    kin = kin.join(h, kin.relative == h.h_person)
    kin = kin.filter(kin.relative != kin.cadre)
    j = c.join(kin, (c.side_org == kin.post_org) & (c.supplier == kin.h_org))
    j = j.filter(
        valid_at(j.post_start, j.post_end, j.signed_date)
        & valid_at(j.h_start, j.h_end, j.signed_date)
    )
    j = with_org_name(t, j, "buyer", "buyer_name")
    j = with_org_name(t, j, "supplier", "supplier_name")
    j = with_org_name(t, j, "side_org", "cadre_org_name")
    cp = people(t, "c")
    j = j.join(cp, j.cadre == cp.c_id)
    rp = people(t, "r")
    j = j.join(rp, j.relative == rp.r_id)
    return j.mutate(
        subject_id=j.contract_id,
        role_zh=role_zh(j.h_role),
        role_en=j.h_role.re_replace("_", " "),
        relation_zh=relation_zh(j.fam_relation),
        score=(j.side_org == j.buyer).ifelse(1.0, 0.85),
    )
