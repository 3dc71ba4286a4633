"""Planted cases of the C models (circles and "hunting").

REGISTERS.md leaves their mechanics open; the synthetic world reads them as follows
(docs/synth.md says the same, and the test oracle checks it):

- C01: cadre c is tied to a business person H when a company H owns or directs signed a
  contract with an organization where c held a leading-cadre post on the signing date,
  and H is c's family relation or shares a company (as owner or director) with c; a
  company X is tied to c when X signed such a contract and c or c's relation owned or
  directed X on the signing date. H or X is a hunter when tied to >= 3 cadres.
- C02: the communities are the connected components of the tie graph (posts, family,
  ownership, directorships, contracts; people resolved); a circle has >= 2 leading cadres,
  >= 2 companies and a density (ties / possible ties) above 0.3.

Both plants also plant the B01/B02 cases their ties make (a circle is made of them)."""

from __future__ import annotations

import datetime as dt

from .planter import Planter
from .world import pid

D = dt.date


def c01(pl: Planter, k: int) -> None:
    """A business person tied to three leading cadres of three units."""
    hunter = pl.person()
    company = pl.company(k, legal_rep=hunter)
    pl.owns(pid(hunter), company, 100, D(2013, 5, 1))
    pl.directs(pid(hunter), company, "legal_representative", D(2013, 5, 1))
    for n, tie in enumerate(("family", "shares", "family")):
        unit_ = pl.centre(k + n)
        cadre = pl.person()
        pl.post(cadre, unit_, "主任", leading=True, start=D(2019, 1, 1), rank="正科级")
        c = pl.contract(unit_, company, 260_000 + 20_000 * n, D(2023, 3 + 2 * n, 12))
        if tie == "family":
            pl.family(cadre, "other" if n == 0 else "sibling", hunter)
            pl.hit("B01", "contract", c, "supplier owned by a relative of the unit's leading cadre")
        else:
            side, _ = pl.owned_company(k)
            pl.owns(pid(cadre), side, 10, D(2020, 1, 1))
            pl.owns(pid(hunter), side, 20, D(2020, 1, 1))
            pl.hit("B02", "person_org", f"{pl.ids(cadre)}|{side.org_id}", "shares while in post")
    pl.hit("C01", "person", pl.ids(hunter), "tied to three leading cadres through contracts")
    # near-miss: a business person tied to two cadres only
    other = pl.person()
    firm = pl.company(k, legal_rep=other)
    pl.owns(pid(other), firm, 100, D(2014, 1, 1))
    pl.directs(pid(other), firm, "legal_representative", D(2014, 1, 1))
    for n in range(2):
        unit_ = pl.centre(k + 3 + n)
        cadre = pl.person()
        pl.post(cadre, unit_, "主任", leading=True, start=D(2019, 1, 1), rank="正科级")
        pl.family(cadre, "spouse" if n == 0 else "child_spouse", other)
        c = pl.contract(unit_, firm, 210_000, D(2023, 6 + n, 3))
        pl.hit("B01", "contract", c, "supplier owned by a relative of the unit's leading cadre")


def c02(pl: Planter, k: int) -> None:
    """Two units, their leading cadres and relatives, and three companies the relatives
    own and run, all contracting with both units."""
    units = [pl.centre(k), pl.centre(k + 1)]
    cadres = [pl.person(), pl.person()]
    relatives = [pl.person(), pl.person()]
    members = [*units]
    for unit_, cadre, relative in zip(units, cadres, relatives, strict=True):
        pl.post(cadre, unit_, "主任", leading=True, start=D(2018, 6, 1), rank="正科级")
        pl.family(cadre, "spouse", relative)
    companies = [pl.company(k + n, legal_rep=relatives[n % 2]) for n in range(3)]
    r1, r2 = (pid(r) for r in relatives)
    pl.owns(r1, companies[0], 100, D(2016, 1, 1))
    pl.directs(r2, companies[0], "manager", D(2016, 1, 1))
    pl.owns(r2, companies[1], 100, D(2016, 1, 1))
    pl.directs(r1, companies[1], "director", D(2016, 1, 1))
    pl.owns(r1, companies[2], 50, D(2017, 1, 1))
    pl.owns(r2, companies[2], 50, D(2017, 1, 1))
    deals = [(0, 0), (0, 1), (0, 2), (1, 1), (1, 2), (1, 0)]
    for n, (u, x) in enumerate(deals):
        c = pl.contract(units[u], companies[x], 150_000 + 10_000 * n, D(2022, 2 + n, 8 + n))
        pl.hit("B01", "contract", c, "supplier tied to a relative of the unit's leading cadre")
    members += [*companies]
    ids = sorted([o.org_id for o in members] + [pid(g) for g in cadres + relatives])
    pl.hit("C02", "community", ";".join(ids), "2 leading cadres, 3 companies, 16 ties among 9")


PLANTS = {"C01": c01, "C02": c02}
