"""Planted cases of the P models (harm to the people's interests), each with near-misses
a correct model must not flag."""

from __future__ import annotations

import datetime as dt

from .planter import Planter
from .world import pid

D = dt.date
DAY = dt.timedelta(days=1)


def _civil(pl: Planter, g: int) -> tuple:
    region = pl.info(g).region_code
    dept = pl.dept(region, "民政局")
    return dept, pid(pl.world.approvers[dept.org_id])


def p01(pl: Planter, k: int) -> None:
    """Paid after death: some cases pay the welfare system's duplicate record."""
    death = D(2023, 3, 5 + k % 20)
    on_dup = k % 2 == 1
    g = pl.person(noise="traditional" if on_dup else None, death=death)
    payer, approver = _civil(pl, g)
    ref = pl.dup(g) if on_dup else pid(g)
    for month in range(1, 6):
        paid = D(2023, month, 15)
        pid_ = pl.payment(
            payer=payer, programme="dibao", amount=480, paid=paid, ref=ref, g=g, approver=approver
        )
        if paid > death + 31 * DAY:
            pl.hit("P01", "payment", pid_, f"dibao paid {paid} after death on {death}")
    # near-miss: the last pension payment falls exactly on the grace day
    death2 = D(2023, 6, 14)
    h = pl.person(death=death2)
    dept = pl.dept(pl.info(h).region_code, "人力资源和社会保障局")
    approver2 = pid(pl.world.approvers[dept.org_id])
    for paid in (D(2023, 5, 15), D(2023, 6, 15), death2 + 31 * DAY):
        pl.payment(payer=dept, programme="pension", amount=1350, paid=paid, ref=pid(h), g=h,
                   approver=approver2)  # fmt: skip


def p02(pl: Planter, k: int) -> None:
    """Dibao to an owner or legal representative of a company worth >= 500,000."""
    g = pl.person()
    payer, approver = _civil(pl, g)
    if k % 2 == 0:
        company = pl.company(k, capital=800_000, legal_rep=g)
        pl.owns(pid(g), company, 100, D(2016, 5, 1))
        pl.directs(pid(g), company, "legal_representative", D(2016, 5, 1))
        note = "owner"
    else:
        owner = pl.person()
        company = pl.company(k, capital=1_500_000, legal_rep=g)
        pl.owns(pid(owner), company, 100, D(2014, 2, 1))
        pl.directs(pid(g), company, "legal_representative", D(2019, 1, 1))
        note = "legal representative"
    for month in (1, 2, 3):
        paid = D(2023, month, 12)
        p = pl.payment(payer=payer, programme="dibao", amount=520, paid=paid, ref=pid(g), g=g,
                       approver=approver)  # fmt: skip
        pl.hit("P02", "payment", p, f"dibao to the {note} of {company.org_id}")
    # near-misses: capital below the threshold; ownership ended; pension; only a director
    _, owner_small = pl.owned_company(k, capital=499_999)
    big_past, _ = pl.owned_company(k, capital=3_000_000)
    past = pl.person()
    pl.owns(pid(past), big_past, 20, D(2015, 1, 1), D(2022, 6, 30))
    big, owner_big = pl.owned_company(k, capital=5_000_000)
    director = pl.person()
    pl.directs(pid(director), big, "director", D(2018, 1, 1))
    for who in (owner_small, past, director):
        dept, appr = _civil(pl, who)
        for month in (9, 10):
            pl.payment(payer=dept, programme="dibao", amount=450, paid=D(2023, month, 12),
                       ref=pid(who), g=who, approver=appr)  # fmt: skip
    dept = pl.dept(pl.info(owner_big).region_code, "人力资源和社会保障局")
    approver = pid(pl.world.approvers[dept.org_id])
    pl.payment(payer=dept, programme="pension", amount=2100, paid=D(2023, 9, 12),
               ref=pid(owner_big), g=owner_big, approver=approver)  # fmt: skip


def p03(pl: Planter, k: int) -> None:
    """Dibao to someone on a public body's (or state enterprise's) payroll that month."""
    g = pl.person(noise="id15" if k % 2 else None)
    region = pl.info(g).region_code
    if k % 2 == 0:
        employer = pl.dept(region, "财政局")
    else:
        employer = next(o for o in pl.world.orgs if o.role == "subsidiary")
    pl.post(g, employer, "科员", leading=False, start=D(2020, 1, 1), end=D(2023, 6, 30))
    pl.payroll(g, employer, [(2022, m) for m in range(1, 13)] + [(2023, m) for m in range(1, 7)])
    payer, approver = _civil(pl, g)
    ref = pl.dup(g) if k % 2 else pid(g)
    for month in range(4, 10):
        p = pl.payment(payer=payer, programme="dibao", amount=510, paid=D(2023, month, 16),
                       ref=ref, g=g, approver=approver)  # fmt: skip
        if month <= 6:
            pl.hit("P03", "payment", p, f"dibao while on the payroll of {employer.org_id}")
    # near-misses: a village committee's allowance; a payroll that ended the month before
    village = next(o for o in pl.world.orgs if o.role == "village")
    v = pl.person()
    pl.payroll(v, village, [(2023, m) for m in range(1, 7)], amount=1800)
    ended = pl.person()
    dept = pl.dept(pl.info(ended).region_code, "教育局")
    pl.post(ended, dept, "办事员", leading=False, start=D(2018, 3, 1), end=D(2022, 12, 31))
    pl.payroll(ended, dept, [(2022, m) for m in range(1, 13)])
    for who in (v, ended):
        payer2, appr2 = _civil(pl, who)
        for month in (1, 2, 3):
            pl.payment(payer=payer2, programme="dibao", amount=430, paid=D(2023, month, 16),
                       ref=pid(who), g=who, approver=appr2)  # fmt: skip


def p04(pl: Planter, k: int) -> None:
    """Dibao to a relative of the approver, or of someone holding a post at the payer."""
    relative = pl.person()
    region = pl.info(relative).region_code
    payer = pl.dept(region, "民政局")
    official = pl.person()
    pl.post(official, payer, "社会救助股股长", leading=False, start=D(2019, 1, 1))
    variant = k % 3
    if variant == 0:
        pl.family(official, "spouse", relative)
        approver, note = pid(official), "the approver's spouse"
    elif variant == 1:
        pl.family(relative, "child", official)  # declared by the beneficiary
        approver, note = pid(pl.world.approvers[payer.org_id]), "a parent of a payer official"
    else:
        pl.family(official, "sibling", relative, form="name")
        approver, note = pid(official), "the approver's sibling"
    for month in (2, 3, 4):
        p = pl.payment(payer=payer, programme="dibao", amount=560, paid=D(2023, month, 14),
                       ref=pid(relative), g=relative, approver=approver)  # fmt: skip
        pl.hit("P04", "payment", p, note)
    # near-misses: the official left the payer before; a relative's pension from another body
    left = pl.person()
    rel2 = pl.person()
    payer2 = pl.dept(pl.info(rel2).region_code, "民政局")
    pl.post(left, payer2, "科员", leading=False, start=D(2015, 1, 1), end=D(2022, 12, 31))
    pl.post(left, pl.dept(pl.info(rel2).region_code, "教育局"), "科员", leading=False,
            start=D(2023, 1, 1))  # fmt: skip
    pl.family(left, "parent", rel2)
    pl.payment(payer=payer2, programme="dibao", amount=470, paid=D(2023, 3, 14), ref=pid(rel2),
               g=rel2, approver=pid(pl.world.approvers[payer2.org_id]))  # fmt: skip
    rel3 = pl.person()
    staff = pl.person()
    pl.post(staff, pl.dept(pl.info(rel3).region_code, "民政局"), "科员", leading=False,
            start=D(2017, 1, 1))  # fmt: skip
    pl.family(staff, "parent", rel3)
    hr = pl.dept(pl.info(rel3).region_code, "人力资源和社会保障局")
    pl.payment(payer=hr, programme="pension", amount=1900, paid=D(2023, 3, 14), ref=pid(rel3),
               g=rel3, approver=pid(pl.world.approvers[hr.org_id]))  # fmt: skip


def p05(pl: Planter, k: int) -> None:
    """Two dibao payments in one month (the second, in some cases, to a duplicate record)."""
    dup = k % 2 == 1
    g = pl.person(noise="typo" if dup else None)
    payer, approver = _civil(pl, g)
    month = 3 + k % 8
    for day, ref in ((8, pid(g)), (25, pl.dup(g) if dup else pid(g))):
        pl.payment(payer=payer, programme="dibao", amount=505, paid=D(2023, month, day), ref=ref,
                   g=g, approver=approver)  # fmt: skip
    pl.payment(payer=payer, programme="dibao", amount=505, paid=D(2023, month + 1, 8), ref=pid(g),
               g=g, approver=approver)  # fmt: skip
    pl.hit("P05", "person_month", f"{pl.ids(g)}|2023-{month:02d}", "two dibao payments in a month")
    # near-misses: two programmes in one month; the 31st and the next 1st
    h = pl.person()
    payer2, appr2 = _civil(pl, h)
    pl.payment(payer=payer2, programme="dibao", amount=400, paid=D(2023, 5, 10), ref=pid(h), g=h,
               approver=appr2)  # fmt: skip
    pl.payment(payer=payer2, programme="disability_allowance", amount=150, paid=D(2023, 5, 10),
               ref=pid(h), g=h, approver=appr2)  # fmt: skip
    i = pl.person()
    payer3, appr3 = _civil(pl, i)
    for paid in (D(2023, 1, 31), D(2023, 2, 1)):
        pl.payment(payer=payer3, programme="dibao", amount=400, paid=paid, ref=pid(i), g=i,
                   approver=appr3)  # fmt: skip


def p06(pl: Planter, k: int) -> None:
    """Payroll after death, and payroll from two public bodies in one month."""
    death = D(2023, 3, 10)
    g = pl.person(death=death)
    region = pl.info(g).region_code
    dept = pl.dept(region, "水利局")
    pl.post(g, dept, "科员", leading=False, start=D(2015, 1, 1))
    pl.payroll(g, dept, [(2022, 12)] + [(2023, m) for m in range(1, 7)])
    for m in (4, 5, 6):
        pl.hit("P06", "person_month", f"{pl.ids(g)}|2023-{m:02d}", f"paid after death on {death}")
    two = pl.person(noise="pinyin" if k % 2 else None)
    region = pl.info(two).region_code
    a, b = pl.dept(region, "交通运输局"), pl.dept(region, "卫生健康局")
    pl.post(two, a, "科员", leading=False, start=D(2016, 1, 1))
    pl.post(two, b, "科员", leading=False, start=D(2022, 11, 1), end=D(2023, 2, 28))
    pl.payroll(two, a, [(2022, m) for m in range(9, 13)] + [(2023, m) for m in range(1, 5)])
    pl.payroll(two, b, [(2022, 11), (2022, 12), (2023, 1), (2023, 2)], amount=4800)
    for y, m in ((2022, 11), (2022, 12), (2023, 1), (2023, 2)):
        pl.hit("P06", "person_month", f"{pl.ids(two)}|{y}-{m:02d}", "on two public bodies' payroll")
    # near-misses: paid in the month of death (the month starts on the day of death);
    # a public body and a state enterprise; two rows from one body (the year-end bonus)
    died = D(2023, 5, 1)
    n1 = pl.person(death=died)
    dept1 = pl.dept(pl.info(n1).region_code, "教育局")
    pl.post(n1, dept1, "科员", leading=False, start=D(2012, 1, 1), end=died)
    pl.payroll(n1, dept1, [(2023, m) for m in range(1, 6)])
    n2 = pl.person()
    dept2 = pl.dept(pl.info(n2).region_code, "财政局")
    soe = next(o for o in pl.world.orgs if o.role == "subsidiary")
    pl.post(n2, dept2, "科员", leading=False, start=D(2014, 1, 1))
    pl.post(n2, soe, "外部董事", leading=False, start=D(2023, 1, 1))
    pl.payroll(n2, dept2, [(2023, m) for m in range(1, 4)])
    pl.payroll(n2, soe, [(2023, m) for m in range(1, 4)], amount=2000)
    n3 = pl.person()
    dept3 = pl.dept(pl.info(n3).region_code, "自然资源局")
    pl.post(n3, dept3, "科员", leading=False, start=D(2014, 1, 1))
    pl.payroll(n3, dept3, [(2023, 11), (2023, 12), (2023, 12)])


PLANTS = {"P01": p01, "P02": p02, "P03": p03, "P04": p04, "P05": p05, "P06": p06}
