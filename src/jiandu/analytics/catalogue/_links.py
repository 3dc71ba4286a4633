"""The resolved relations the models join on: payments, posts, family ties (both
directions), holdings (ownership and directorship) and contracts, each with its raw
columns kept for the evidence."""

from __future__ import annotations

from collections.abc import Sequence

import ibis
import ibis.expr.types as ir

from ._common import Tables, resolve_org, resolve_person

NULL_S = ibis.null("string")
NULL_D = ibis.null("date")
NULL_F = ibis.null("float64")


def payments(t: Tables, programmes: Sequence[str] | None = None) -> ir.Table:
    """Payments with `payer` (resolved org), `approver` and `bene` (resolved persons)."""
    p = t.payments
    if programmes:
        p = p.filter(p.programme.isin(list(programmes)))
    p = p.mutate(bene=ibis.coalesce(p.beneficiary_entity_id, p.beneficiary_person_id))
    p = resolve_org(t, p, "payer_org_id", "payer")
    p = resolve_person(t, p, "approver_person_id", "approver")
    return p.select(
        "payment_id", "payer_org_id", "programme", "amount", "paid_date",
        "beneficiary_person_id", "beneficiary_name", "approver_person_id",
        "payer", "approver", "bene",
        programme_zh=p.programme.substitute(PROGRAMME_ZH, else_=p.programme),
    )  # fmt: skip


PROGRAMME_ZH = {
    "dibao": "低保",
    "pension": "养老金",
    "farmland_subsidy": "耕地地力保护补贴",
    "disability_allowance": "残疾人补贴",
    "relocation_compensation": "征迁安置补偿",
}


def posts(t: Tables, *, leading_only: bool = False) -> ir.Table:
    """Posts with `post_person` and `post_org` resolved; raw columns prefixed `post_`."""
    p = t.posts
    if leading_only:
        p = p.filter(p.is_leading_cadre.fill_null(False))
    p = resolve_person(t, p, "person_id", "post_person")
    p = resolve_org(t, p, "org_id", "post_org")
    return p.select(
        "post_person",
        "post_org",
        post_person_id=p.person_id,
        post_org_id=p.org_id,
        post_title=p.title,
        post_leading=p.is_leading_cadre,
        post_start=p.start_date,
        post_end=p.end_date,
    )


def family_pairs(t: Tables) -> ir.Table:
    """Family ties in both directions: `fam_b` is `fam_relation` of `fam_a` (resolved persons),
    with the raw row (`fam_person_id`, `fam_relationship`, `fam_relative_person_id`,
    `fam_relative_name`)."""
    f = resolve_person(t, t.family, "person_id", "a")
    rel_ref = resolve_person(t, f, "relative_person_id", "b_by_id")
    f = rel_ref.mutate(
        b=ibis.coalesce(
            rel_ref.relative_entity_id,
            rel_ref.relative_person_id.isnull().ifelse(NULL_S, rel_ref.b_by_id),
        )
    ).filter(lambda x: x.b.notnull() & (x.a != x.b))
    raw = {
        "fam_person_id": f.person_id,
        "fam_relationship": f.relationship,
        "fam_relative_person_id": f.relative_person_id,
        "fam_relative_name": f.relative_name,
    }
    # `fam_relation`: what fam_b is to fam_a (the row's relationship read from the other
    # side is its inverse: a child's parent, a spouse's spouse).
    forward = f.select(fam_a=f.a, fam_b=f.b, fam_relation=f.relationship, **raw)
    backward = f.select(
        fam_a=f.b,
        fam_b=f.a,
        fam_relation=f.relationship.substitute(INVERSE, else_=f.relationship),
        **raw,
    )
    return forward.union(backward, distinct=True)


def holdings(t: Tables, *, org_legal_reps: bool = False) -> ir.Table:
    """Who owns or directs which organization: `h_person`, `h_org` (resolved), `h_role`
    (owner, legal_representative, director, supervisor, manager), `h_start`, `h_end`,
    and the raw ownership (`own_*`) or directorship (`dir_*`) row. Organizations owned
    by organizations are not holdings of a person and are left out. With
    `org_legal_reps`, `organizations.legal_rep_person_id` counts as an undated
    legal-representative role too."""
    o = t.ownerships.filter(lambda x: x.owner_type == "person")
    o = resolve_person(t, o, "owner_id", "h_person")
    o = resolve_org(t, o, "org_id", "h_org")
    own = o.select(
        "h_person", "h_org",
        h_role=ibis.literal("owner"), h_start=o.start_date, h_end=o.end_date,
        own_owner_id=o.owner_id, own_org_id=o.org_id, own_share_pct=o.share_pct,
        dir_person_id=NULL_S, dir_org_id=NULL_S, dir_role=NULL_S,
        org_rep_org_id=NULL_S,
    )  # fmt: skip
    d = resolve_person(t, t.directorships, "person_id", "h_person")
    d = resolve_org(t, d, "org_id", "h_org")
    direct = d.select(
        "h_person", "h_org",
        h_role=d.role, h_start=d.start_date, h_end=d.end_date,
        own_owner_id=NULL_S, own_org_id=NULL_S, own_share_pct=NULL_F,
        dir_person_id=d.person_id, dir_org_id=d.org_id, dir_role=d.role,
        org_rep_org_id=NULL_S,
    )  # fmt: skip
    out = own.union(direct)
    if org_legal_reps:
        r = t.organizations.filter(lambda x: x.legal_rep_person_id.notnull())
        r = resolve_person(t, r, "legal_rep_person_id", "h_person")
        r = r.mutate(h_org=ibis.coalesce(r.entity_id, r.org_id))
        reps = r.select(
            "h_person", "h_org",
            h_role=ibis.literal("legal_representative"), h_start=NULL_D, h_end=NULL_D,
            own_owner_id=NULL_S, own_org_id=NULL_S, own_share_pct=NULL_F,
            dir_person_id=NULL_S, dir_org_id=NULL_S, dir_role=NULL_S,
            org_rep_org_id=r.org_id,
        )  # fmt: skip
        out = out.union(reps)
    return out


ROLE_ZH = {
    "owner": "股东",
    "legal_representative": "法定代表人",
    "director": "董事",
    "supervisor": "监事",
    "manager": "经理",
}


def role_zh(role: ir.StringValue) -> ir.StringValue:
    """The Chinese name of a holding role."""
    return role.substitute(ROLE_ZH, else_=role)


INVERSE = {
    "child": "parent",
    "parent": "child",
    "child_spouse": "spouse_parent",
    "spouse_parent": "child_spouse",
}

RELATION_ZH = {
    "spouse_parent": "配偶的父母",
    "spouse": "配偶",
    "child": "子女",
    "parent": "父母",
    "sibling": "兄弟姐妹",
    "child_spouse": "子女配偶",
    "other": "其他亲属",
}


def relation_zh(relationship: ir.StringValue) -> ir.StringValue:
    return relationship.substitute(RELATION_ZH, else_=relationship)


def contracts(t: Tables) -> ir.Table:
    """Contracts with `buyer` and `supplier` resolved."""
    c = resolve_org(t, t.contracts, "buyer_org_id", "buyer")
    c = resolve_org(t, c, "supplier_org_id", "supplier")
    return c.select(
        "contract_id", "buyer_org_id", "supplier_org_id", "amount", "signed_date",
        "tender_id", "title", "buyer", "supplier",
    )  # fmt: skip
