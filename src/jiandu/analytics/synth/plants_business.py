"""Planted cases of the B models (politics and business) and of T01/T02 (bid rigging,
split purchases), each with near-misses a correct model must not flag."""

from __future__ import annotations

import datetime as dt

from .planter import Planter
from .world import pid

D = dt.date


def b01(pl: Planter, k: int) -> None:
    """A contract won by a company of a leading cadre's relative (at the buyer or its parent)."""
    buyer = pl.centre(k)
    cadre = pl.person()
    relative = pl.person(noise="missing_id" if k % 2 else None)
    variant = k % 3
    if variant == 1:  # the cadre leads the buyer's parent (the county government)
        gov = pl.orgs.get(buyer.parent or "") or next(
            o for o in pl.world.orgs if o.org_id == buyer.parent
        )
        pl.post(cadre, gov, "副县长", leading=True, start=D(2019, 3, 1), rank="副处级")
    else:
        pl.post(cadre, buyer, "主任", leading=True, start=D(2019, 3, 1), rank="正科级")
    pl.family(cadre, ("spouse", "sibling", "child")[variant], relative,
              form="name" if variant == 2 else "id")  # fmt: skip
    ref = pl.dup(relative) if k % 2 else pid(relative)
    if variant == 0:
        company, _ = pl.owned_company(k)
        pl.directs(ref, company, "director", D(2016, 1, 1))
    else:
        company = pl.company(k, legal_rep=relative)
        pl.owns(ref, company, 70, D(2015, 6, 1))
        pl.directs(ref, company, "legal_representative", D(2015, 6, 1))
    c = pl.contract(buyer, company, 360_000, D(2023, 6, 10))
    pl.hit(
        "B01", "contract", c, f"supplier tied to a relative of a leading cadre of {buyer.org_id}"
    )
    # near-misses: ownership ended; the cadre had left; another buyer; an ordinary employee
    nm_buyer = pl.centre(k + 1)
    c1, r1 = pl.person(), pl.person()
    pl.post(c1, nm_buyer, "主任", leading=True, start=D(2018, 1, 1), rank="正科级")
    pl.family(c1, "spouse", r1)
    x1, _ = pl.owned_company(k)
    pl.owns(pid(r1), x1, 30, D(2016, 1, 1), D(2022, 12, 31))
    pl.contract(nm_buyer, x1, 280_000, D(2023, 6, 20))
    c2, r2 = pl.person(), pl.person()
    pl.post(c2, nm_buyer, "副主任", leading=True, start=D(2016, 1, 1), end=D(2022, 12, 31))
    pl.family(c2, "child", r2)
    x2, _ = pl.owned_company(k)
    pl.owns(pid(r2), x2, 40, D(2017, 1, 1))
    pl.contract(nm_buyer, x2, 150_000, D(2023, 7, 5))
    other = pl.centre(k + 2)
    pl.contract(other, company, 210_000, D(2023, 8, 1))  # not where the cadre works
    c3, r3 = pl.person(), pl.person()
    pl.post(c3, other, "科员", leading=False, start=D(2018, 1, 1))
    pl.family(c3, "sibling", r3)
    x3, _ = pl.owned_company(k)
    pl.owns(pid(r3), x3, 50, D(2016, 1, 1))
    pl.contract(other, x3, 190_000, D(2023, 9, 1))


def b02(pl: Planter, k: int) -> None:
    """A leading cadre who owns or directs a company while in post."""
    unit_ = pl.centre(k)
    cadre = pl.person(noise="lowercase_x" if k % 2 else None)
    pl.post(cadre, unit_, "主任", leading=True, start=D(2018, 3, 1), rank="正科级")
    company, _ = pl.owned_company(k)
    ref = pl.dup(cadre) if k % 2 else pid(cadre)
    if k % 3 == 2:
        pl.directs(ref, company, "supervisor", D(2021, 4, 1))
    else:
        pl.owns(ref, company, 30, D(2020, 5, 1))
    pl.hit(
        "B02", "person_org", f"{pl.ids(cadre)}|{company.org_id}", "shares or a seat while in post"
    )
    # near-misses: shares sold before the post; an ordinary employee; shares after leaving
    before = pl.person()
    pl.post(before, unit_, "副主任", leading=True, start=D(2018, 3, 1), rank="副科级")
    x1, _ = pl.owned_company(k)
    pl.owns(pid(before), x1, 25, D(2012, 1, 1), D(2017, 12, 31))
    staff = pl.person()
    pl.post(staff, unit_, "科员", leading=False, start=D(2016, 1, 1))
    x2, _ = pl.owned_company(k)
    pl.owns(pid(staff), x2, 15, D(2019, 1, 1))
    after = pl.person()
    pl.post(after, pl.centre(k + 1), "主任", leading=True, start=D(2014, 1, 1), end=D(2020, 6, 30))
    x3, _ = pl.owned_company(k)
    pl.owns(pid(after), x3, 60, D(2020, 9, 1))


def b03(pl: Planter, k: int) -> None:
    """A contract with a company a former official of the buyer joined within 3 years."""
    buyer = pl.centre(k)
    former = pl.person()
    pl.post(former, buyer, "副主任", leading=True, start=D(2015, 1, 1), end=D(2021, 6, 30))
    company, _ = pl.owned_company(k)
    if k % 2:
        pl.directs(pid(former), company, "manager", D(2021, 10, 1))
    else:
        pl.owns(pid(former), company, 35, D(2021, 9, 1))
    c = pl.contract(buyer, company, 330_000, D(2023, 3, 15))
    pl.hit("B03", "contract", c, "supplier run by a former official of the buyer")
    # near-misses: left more than 3 years before; ownership already ended; another buyer
    buyer2 = pl.centre(k + 1)
    old = pl.person()
    pl.post(old, buyer2, "科员", leading=False, start=D(2010, 1, 1), end=D(2019, 12, 31))
    x1, _ = pl.owned_company(k)
    pl.owns(pid(old), x1, 50, D(2020, 3, 1))
    pl.contract(buyer2, x1, 240_000, D(2023, 2, 20))
    gone = pl.person()
    pl.post(gone, buyer2, "科员", leading=False, start=D(2012, 1, 1), end=D(2021, 6, 30))
    x2, _ = pl.owned_company(k)
    pl.owns(pid(gone), x2, 50, D(2021, 9, 1), D(2022, 12, 31))
    pl.contract(buyer2, x2, 260_000, D(2023, 3, 15))
    pl.contract(pl.centre(k + 2), company, 180_000, D(2023, 4, 2))


def b04(pl: Planter, k: int) -> None:
    """A contract of at least 1,000,000 won by a company under a year old."""
    buyer = pl.centre(k)
    young, _ = pl.owned_company(k, founded=D(2023, 1, 10))
    c = pl.contract(buyer, young, 1_800_000, D(2023, 7, 1))
    pl.hit("B04", "contract", c, "company founded 172 days before signing")
    older, _ = pl.owned_company(k, founded=D(2022, 5, 1))  # 426 days: not new
    pl.contract(pl.centre(k + 1), older, 2_000_000, D(2023, 7, 1))
    small, _ = pl.owned_company(k, founded=D(2023, 3, 1))  # new, but below the amount
    pl.contract(pl.centre(k + 2), small, 999_999, D(2023, 7, 1))


def b05(pl: Planter, k: int) -> None:
    """A buyer-year of >= 5 contracts in which one supplier takes >= 50%."""
    buyer = pl.centre(k)
    top, _ = pl.owned_company(k)
    pl.contract(buyer, top, 1_200_000, D(2023, 5, 6))
    for i in range(5):
        x, _ = pl.owned_company(k)
        pl.contract(buyer, x, 150_000, D(2023, 2 + 2 * i, 10))
    pl.hit("B05", "buyer_supplier_year", f"{buyer.org_id}|{top.org_id}|2023", "62% of 1,950,000")
    # near-misses: only four contracts; six contracts with a top share of 49%
    few = pl.centre(k + 1)
    t1, _ = pl.owned_company(k)
    pl.contract(few, t1, 900_000, D(2023, 4, 1))
    for i in range(3):
        x, _ = pl.owned_company(k)
        pl.contract(few, x, 30_000, D(2023, 6 + i, 3))
    near = pl.centre(k + 2)
    t2, _ = pl.owned_company(k)
    pl.contract(near, t2, 490_000, D(2023, 3, 1))
    for i in range(5):
        x, _ = pl.owned_company(k)
        pl.contract(near, x, 102_000, D(2023, 4 + i, 3))


def b06(pl: Planter, k: int) -> None:
    """A bidder that bid only at one buyer, at least 4 times, and won every time."""
    buyer = pl.centre(k)
    winner, _ = pl.owned_company(k)
    covers = [pl.owned_company(k)[0] for _ in range(2)]
    for i, published in enumerate((D(2022, 3, 1), D(2022, 9, 1), D(2023, 3, 1), D(2023, 9, 1))):
        amount = 600_000 + 10_000 * i
        bids = [(winner, amount)] + [(c, amount * (1.025 + 0.02 * n)) for n, c in enumerate(covers)]
        pl.tender(buyer, bids, winner, published)
    pl.hit("B06", "org", winner.org_id, "4 tenders, all at one buyer, all won")
    # near-misses: three wins; four wins and a loss; four wins at two buyers
    for wins, loses, buyers_n in ((3, 0, 1), (4, 1, 1), (4, 0, 2)):
        b = [pl.centre(k + 1 + n) for n in range(buyers_n)]
        w, _ = pl.owned_company(k)
        rival, _ = pl.owned_company(k)
        for i in range(wins + loses):
            won = i < wins
            published = D(2022 + i // 3, 1 + 4 * (i % 3), 5)
            bids = (
                [(w, 500_000.0), (rival, 514_000.0)]
                if won
                else [(rival, 490_000.0), (w, 504_000.0)]
            )
            pl.tender(b[i % buyers_n], bids, w if won else rival, published)


def t01(pl: Planter, k: int) -> None:
    """A tender whose bidders share a phone, an address, a legal representative, a director
    or an owner."""
    buyer = pl.centre(k)
    variant = k % 5
    a, _ = pl.owned_company(k)
    if variant == 1:
        b = pl.company(k)
        b.address = (a.address or "").replace("号", " 号").replace("路", "路 ")
        pl.rows["organizations"][-1] = b.row()
        founder = pl.person()
        pl.owns(pid(founder), b, 100, b.founded)
    elif variant == 0:
        b = pl.company(k)
        b.phone = a.phone
        pl.rows["organizations"][-1] = b.row()
        founder = pl.person()
        pl.owns(pid(founder), b, 100, b.founded)
    else:
        shared = pl.person(noise="traditional" if k % 2 else None)
        b = pl.company(k, legal_rep=shared if variant == 2 else None)
        if variant == 2:
            pl.directs(
                pl.dup(shared) if k % 2 else pid(shared), b, "legal_representative", b.founded
            )
            pl.directs(pid(shared), a, "legal_representative", a.founded)
        elif variant == 3:
            pl.directs(pid(shared), a, "director", D(2018, 1, 1))
            pl.directs(pl.dup(shared) if k % 2 else pid(shared), b, "director", D(2019, 1, 1))
        else:
            pl.owns(pid(shared), a, 20, D(2018, 1, 1))
            pl.owns(pl.dup(shared) if k % 2 else pid(shared), b, 45, D(2019, 1, 1))
    c, _ = pl.owned_company(k)
    what = ("phone", "address", "legal representative", "director", "owner")[variant]
    tender_id, _ = pl.tender(buyer, [(c, 700_000.0), (a, 719_000.0), (b, 736_000.0)], c,
                             D(2023, 4, 3))  # fmt: skip
    pl.hit("T01", "tender", tender_id, f"two bidders share a {what}")
    # near-misses: same road, other number; a shared phone across two different tenders
    d, _ = pl.owned_company(k)
    e = pl.company(k)
    e.address = (d.address or "").replace("号", "0号")
    pl.rows["organizations"][-1] = e.row()
    f, _ = pl.owned_company(k)
    pl.owns(pid(pl.person()), e, 100, e.founded)
    pl.tender(buyer, [(d, 650_000.0), (e, 668_000.0), (f, 681_000.0)], d, D(2023, 8, 1))
    g, _ = pl.owned_company(k)
    h = pl.company(k)
    h.phone = g.phone
    pl.rows["organizations"][-1] = h.row()
    pl.owns(pid(pl.person()), h, 100, h.founded)
    x, _ = pl.owned_company(k)
    y, _ = pl.owned_company(k)
    other = pl.centre(k + 1)
    pl.tender(other, [(g, 450_000.0), (x, 462_000.0)], g, D(2023, 5, 2))
    pl.tender(other, [(y, 820_000.0), (h, 840_000.0)], y, D(2023, 10, 9))


def t02(pl: Planter, k: int) -> None:
    """Three purchases from one supplier within 30 days, each under 400,000, together over."""
    buyer = pl.centre(k)
    supplier, _ = pl.owned_company(k)
    month = 2 + k % 9
    for day, amount in ((5, 150_000), (15, 180_000), (25, 120_000)):
        pl.contract(buyer, supplier, amount, D(2023, month, day), category="goods")
    pl.hit("T02", "buyer_supplier", f"{buyer.org_id}|{supplier.org_id}", "450,000 in 3 purchases")
    # near-misses: together under the threshold; spread over 50 days
    b2 = pl.centre(k + 1)
    s2, _ = pl.owned_company(k)
    for day, amount in ((3, 130_000), (10, 130_000), (20, 130_000)):
        pl.contract(b2, s2, amount, D(2023, 5, day), category="goods")
    s3, _ = pl.owned_company(k)
    b3 = pl.centre(k + 2)
    for signed in (D(2023, 9, 1), D(2023, 9, 25), D(2023, 10, 21)):
        pl.contract(b3, s3, 150_000, signed, category="goods")


PLANTS = {"B01": b01, "B02": b02, "B03": b03, "B04": b04, "B05": b05, "B06": b06,
          "T01": t01, "T02": t02}  # fmt: skip
