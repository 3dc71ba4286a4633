"""T01 related bidders: two or more bidders in the same tender that share a phone
number, a normalized address, a legal representative, a director, or an owner."""

from __future__ import annotations

from typing import Any

import ibis
import ibis.expr.types as ir

from jiandu.analytics.catalogue._common import (
    Tables,
    normalize_phone,
    normalize_text,
    orgs,
    people,
    resolve_org,
    resolve_person,
)
from jiandu.analytics.catalogue._links import NULL_F, NULL_S

SCORES = {"phone": 0.8, "address": 0.7, "legal_rep": 0.95, "director": 0.9, "owner": 0.9}


def _keys(t: Tables) -> ir.Table:
    """(k_org, k_kind, k_value, k_shown) plus the raw directorship or ownership row."""
    o = orgs(t, "o")
    raw = {
        "k_dir_person": NULL_S,
        "k_dir_org": NULL_S,
        "k_dir_role": NULL_S,
        "k_own_owner": NULL_S,
        "k_own_org": NULL_S,
        "k_own_share": NULL_F,
    }
    phone = o.select(
        k_org=o.o_id,
        k_kind=ibis.literal("phone"),
        k_value=normalize_phone(o.o_phone),
        k_shown=o.o_phone,
        **raw,
    )
    address = o.select(
        k_org=o.o_id,
        k_kind=ibis.literal("address"),
        k_value=normalize_text(o.o_address).nullif(""),
        k_shown=o.o_address,
        **raw,
    )
    names = people(t, "n")
    rep = o.filter(o.o_legal_rep.notnull())
    rep = rep.left_join(names, rep.o_legal_rep == names.n_id)
    rep = rep.select(
        k_org=rep.o_id,
        k_kind=ibis.literal("legal_rep"),
        k_value=rep.o_legal_rep,
        k_shown=ibis.coalesce(rep.n_name, rep.o_legal_rep),
        **raw,
    )
    d = resolve_person(t, t.directorships, "person_id", "d_person")
    d = resolve_org(t, d, "org_id", "d_org")
    d = d.left_join(names, d.d_person == names.n_id)
    dir_raw = {**raw, "k_dir_person": d.person_id, "k_dir_org": d.org_id, "k_dir_role": d.role}
    shown = ibis.coalesce(d.n_name, d.d_person)
    director = d.select(
        k_org=d.d_org, k_kind=ibis.literal("director"), k_value=d.d_person, k_shown=shown, **dir_raw
    )
    d_rep = d.filter(d.role == "legal_representative")
    d_rep = d_rep.select(
        k_org=d_rep.d_org,
        k_kind=ibis.literal("legal_rep"),
        k_value=d_rep.d_person,
        k_shown=ibis.coalesce(d_rep.n_name, d_rep.d_person),
        **{**raw, "k_dir_person": d_rep.person_id, "k_dir_org": d_rep.org_id,
           "k_dir_role": d_rep.role},
    )  # fmt: skip
    w = t.ownerships
    w = resolve_person(t, w, "owner_id", "w_person")
    w = resolve_org(t, w, "owner_id", "w_orgowner")
    w = resolve_org(t, w, "org_id", "w_org")
    is_person = w.owner_type == "person"
    owner_ent = is_person.ifelse("person:" + w.w_person, "org:" + w.w_orgowner)
    w = w.left_join(names, is_person & (w.w_person == names.n_id))
    owner = w.select(
        k_org=w.w_org,
        k_kind=ibis.literal("owner"),
        k_value=owner_ent,
        k_shown=ibis.coalesce(w.n_name, w.owner_id),
        **{**raw, "k_own_owner": w.owner_id, "k_own_org": w.org_id, "k_own_share": w.share_pct},
    )
    keys = phone.union(address).union(rep).union(director).union(d_rep).union(owner)
    return keys.filter(keys.k_value.notnull())


def build(t: Tables, params: dict[str, Any]) -> ir.Table:
    b = resolve_org(t, t.bids, "bidder_org_id", "bidder")
    k1 = _keys(t)
    # The ties first, on narrow columns: each bidder's keys within its tender, met by the
    # same key of another bidder of that tender. Only then the wide rows (bids, the raw
    # ownership or directorship behind each key) for the few ties found.
    narrow = k1.select("k_org", "k_kind", "k_value").distinct()
    entered = b.select("tender_id", "bidder").distinct()
    held = entered.join(narrow, entered.bidder == narrow.k_org).drop("k_org")
    other = held.select(
        o_tender=held.tender_id, partner=held.bidder, o_kind=held.k_kind, o_value=held.k_value
    )
    ties = held.join(
        other,
        (held.tender_id == other.o_tender)
        & (held.k_kind == other.o_kind)
        & (held.k_value == other.o_value)
        & (held.bidder != other.partner),
    )
    ties = ties.select(
        t_tender="tender_id", t_bidder="bidder", partner="partner", t_kind="k_kind",
        t_value="k_value",
    ).distinct()  # fmt: skip
    left = b.select("tender_id", "bidder_org_id", "amount", "status", "bidder")
    j = left.join(ties, (left.tender_id == ties.t_tender) & (left.bidder == ties.t_bidder))
    j = j.join(
        k1, (j.bidder == k1.k_org) & (j.t_kind == k1.k_kind) & (j.t_value == k1.k_value)
    ).drop("t_tender", "t_bidder", "t_kind", "t_value")
    o = orgs(t, "b").select(
        "b_id", bidder_name="b_name", bidder_phone="b_phone", bidder_address="b_address"
    )
    j = j.join(o, j.bidder == o.b_id)
    legal = t.organizations.select(lr_org="org_id", bidder_legal_rep="legal_rep_person_id")
    j = j.left_join(legal, j.bidder == legal.lr_org)
    p = orgs(t, "q").select(q_id="q_id", partner_name="q_name")
    j = j.join(p, j.partner == p.q_id)
    kind = j.k_kind
    return j.mutate(
        subject_id=j.tender_id,
        tie_en=kind.substitute(
            {"phone": "a phone number", "address": "an address",
             "legal_rep": "a legal representative", "director": "a director",
             "owner": "an owner"}
        ),
        tie_zh=kind.substitute(
            {"phone": "电话", "address": "地址", "legal_rep": "法定代表人",
             "director": "董监高人员", "owner": "股东"}
        ),
        score=kind.substitute(SCORES, else_=ibis.literal(0.7)),
    )  # fmt: skip
