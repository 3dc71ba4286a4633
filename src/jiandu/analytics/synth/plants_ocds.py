"""Planted cases of the OCDS red flags, as cardinal-rs documents them
(docs/cli/indicators/R/*.md), each with near-misses. Every case is a fresh tender of a
fresh unit; the other bids sit in the background's band (2% to 3.5% apart).

R048 compares only suppliers awarded classified items in at least 20 contracting
processes; the background's awards list no items and no background supplier wins 20
tenders, so the plant brings the whole compared population: per case one supplier of
many CPV divisions and four specialists of one to four.

R025 and R038 compare every bidder with all the others; the background's bidders sit at
fixed values (background.Rivals: win ratios 1/2 and 1/3, disqualified shares 0 and 1/3,
so fences of 1/12 and 5/6). Their plants bring a ring of fresh companies bidding the
same way, so that the fences keep those values at every scale, even the smallest, where
the other plants' one-bid companies (win ratio 0 or 1) are as many as the background's."""

from __future__ import annotations

import datetime as dt

from .ocds import DEADLINE_TIME
from .people import unit
from .planter import Planter
from .vocab import CPV_DIVISIONS
from .world import Org

D = dt.date
OPENING = dt.time.fromisoformat(DEADLINE_TIME)


def _bidders(pl: Planter, k: int, n: int) -> list:
    return [pl.owned_company(k)[0] for _ in range(n)]


def _published(k: int) -> dt.date:
    return D(2023, 1 + k % 11, 6)


def r003(pl: Planter, k: int) -> None:
    """Short submission period: fewer than 15 whole days."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    days = 7 + k % 7
    tender_id, _ = pl.tender(buyer, [(a, 520_000), (b, 533_000), (c, 545_000)], a,
                             _published(k), deadline_days=days)  # fmt: skip
    pl.hit("R003", "tender", tender_id, f"submission period of {days} days")
    # near-miss: exactly 15 days
    d, e, f = _bidders(pl, k, 3)
    pl.tender(buyer, [(d, 610_000), (e, 624_000), (f, 637_000)], d, _published(k + 3),
              deadline_days=15)  # fmt: skip


def r018(pl: Planter, k: int) -> None:
    """Single bid received in a competitive (open or selective) procedure."""
    buyer = pl.centre(k)
    (a,) = _bidders(pl, k, 1)
    method = "open" if k % 2 == 0 else "selective"
    tender_id, _ = pl.tender(buyer, [(a, 480_000)], a, _published(k), method=method)
    pl.hit("R018", "tender", tender_id, f"one bid in a {method} tender")
    # near-miss: a single bid in a limited procedure
    (b,) = _bidders(pl, k, 1)
    pl.tender(buyer, [(b, 450_000)], b, _published(k + 2), method="limited")


def r024(pl: Planter, k: int) -> None:
    """Price close to the winning bid: the second-lowest valid bid a fraction of a percent
    above the winner's, far under the lower fence of the background's 2% to 3.5% gaps."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    second = 701_500 + 500 * (k % 4)
    tender_id, _ = pl.tender(buyer, [(a, 700_000), (b, second), (c, 721_000)], a, _published(k))
    pl.hit("R024", "tender", tender_id, f"the second-lowest bid {second:,}.00 vs 700,000.00")
    # near-miss: a 2% gap, the bottom of the background's band
    d, e, f = _bidders(pl, k, 3)
    pl.tender(buyer, [(d, 700_000), (e, 714_000), (f, 730_000)], d, _published(k + 8))


def r028(pl: Planter, k: int) -> None:
    """Identical bid prices from different tenderers."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    tender_id, _ = pl.tender(buyer, [(a, 700_000), (b, 716_000), (c, 716_000)], a, _published(k))
    pl.hit("R028", "tender", tender_id, "two bids of 716,000.00")
    # near-miss: prices 100 yuan apart
    d, e, f = _bidders(pl, k, 3)
    pl.tender(buyer, [(d, 700_000), (e, 716_000), (f, 716_100)], d, _published(k + 4))


def r030(pl: Planter, k: int) -> None:
    """The winning bid was received after the submission deadline."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    published = _published(k)
    deadline = published + dt.timedelta(days=25)
    late = dt.datetime.combine(deadline + dt.timedelta(days=k % 3), dt.time(14, 0))
    tender_id, _ = pl.tender(buyer, [(a, 560_000), (b, 574_000), (c, 585_000)], a, published,
                             submitted={0: late})  # fmt: skip
    pl.hit("R030", "tender", tender_id, f"winning bid received {late}")
    # near-misses: a losing bid came late; the winner's came on time on the deadline day
    d, e, f = _bidders(pl, k, 3)
    published = _published(k + 5)
    deadline = published + dt.timedelta(days=25)
    pl.tender(buyer, [(d, 560_000), (e, 574_000), (f, 585_000)], d, published,
              submitted={2: dt.datetime.combine(deadline, dt.time(15, 0)),
                         0: dt.datetime.combine(deadline, dt.time(8, 45))})  # fmt: skip


def r035(pl: Planter, k: int) -> None:
    """All bids but the winner's disqualified."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    tender_id, _ = pl.tender(buyer, [(a, 640_000), (b, 655_000), (c, 668_000)], a, _published(k),
                             statuses=["valid", "disqualified", "disqualified"])  # fmt: skip
    pl.hit("R035", "tender", tender_id, "the two other bids disqualified")
    # near-miss: one other bid disqualified, another valid
    d, e, f = _bidders(pl, k, 3)
    pl.tender(buyer, [(d, 640_000), (e, 655_000), (f, 668_000)], d, _published(k + 6),
              statuses=["valid", "valid", "disqualified"])  # fmt: skip


def r036(pl: Planter, k: int) -> None:
    """The lowest bid disqualified, and the contract awarded."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    # bids: winner, the disqualified lowest, a valid third
    tender_id, _ = pl.tender(buyer, [(a, 700_000), (b, 690_000), (c, 717_000)], a, _published(k),
                             statuses=["valid", "disqualified", "valid"])  # fmt: skip
    pl.hit("R036", "tender", tender_id, "the lowest bid (690,000.00) disqualified")
    # near-miss: the highest bid disqualified
    d, e, f = _bidders(pl, k, 3)
    pl.tender(buyer, [(d, 700_000), (e, 716_000), (f, 730_000)], d, _published(k + 7),
              statuses=["valid", "valid", "disqualified"])  # fmt: skip


def r058(pl: Planter, k: int) -> None:
    """Heavily discounted winning bid: far below the second-lowest valid bid."""
    buyer = pl.centre(k)
    a, b, c = _bidders(pl, k, 3)
    tender_id, _ = pl.tender(buyer, [(a, 400_000), (b, 600_000), (c, 615_000)], a, _published(k))
    pl.hit("R058", "tender", tender_id, "the winning bid is a third below the next")


RING = 48  # companies of a planted ring (even); each wins 2 of its 2 * RING tenders


def _ring(pl: Planter, k: int, buyer: Org, extra: dict[int, list[tuple[Org, str]]]) -> list[str]:
    """2 * RING tenders at `buyer`, won in turn by RING fresh companies that bid
    against each other as the background's rivals do: member i of kind c = 1 + i % 2
    submits c valid losing bids per win, and members of kind 1 also one disqualified bid
    per win, so their win ratios are exactly 1/2 or 1/3 and their disqualified shares 1/3
    or 0. Tender t (won by member t % RING) has the bids of members t+1 (valid), t+2
    (valid if of kind 2) and t+3 (disqualified if of kind 1), then `extra[t]`: further
    (company, status) bids, each priced above the one before. Returns the tender ids."""
    members = [pl.owned_company(k)[0] for _ in range(RING)]
    ids = []
    for t in range(2 * RING):
        i = t % RING
        odd = i % 2 == 1
        bidders = [(members[i], "valid"), (members[(i + 1) % RING], "valid")]
        if odd:
            bidders += [(members[(i + 2) % RING], "valid"),
                        (members[(i + 3) % RING], "disqualified")]  # fmt: skip
        bidders += extra.get(t, [])
        amount = 520_000 + 1_000 * ((37 * t + 11 * k) % 97)
        bids = [(bidders[0][0], float(amount))]
        for n in range(1, len(bidders)):
            # the background's disjoint bands: the second-lowest 2% to 3.5% above the winner
            band = 1.02 + 0.02 * (n - 1) + 0.015 * unit(pl.world.seed, k, t, n, 111)
            bids.append((bidders[n][0], round(amount * band, -2)))
        year, r = divmod(t, 24)
        published = D(2021 + year, 1 + r * 10 // 24, 3 + 9 * (r % 3) + k % 5)
        tender_id, _ = pl.tender(buyer, bids, members[i], published,
                                 statuses=[s for _, s in bidders])  # fmt: skip
        ids.append(tender_id)
    return ids


def r025(pl: Planter, k: int) -> None:
    """Excessive unsuccessful bids: a top tenderer whose win ratio is a low outlier. A
    cover bidder loses 30 tenders at one unit (27 of a ring, 3 against its partner) and
    wins 0, 1 or 2: a ratio of 0, 1/31 or 2/32, under the lower fence of 1/12."""
    buyer = pl.centre(k)
    x, y = _bidders(pl, k, 2)
    covered = range(0, 81, 3)  # 27 tenders of the ring; its partner bids in 27 others
    extra = {t: [(x, "valid")] for t in covered} | {t + 1: [(y, "valid")] for t in covered}
    ids = _ring(pl, k, buyer, extra)
    mine = [ids[t] for t in covered]
    x_wins = k % 3
    # near-miss: the partner wins three tenders against it: a ratio of 3/30 to 3/32,
    # above the fence
    for n in range(3 + x_wins):
        winner, loser = (y, x) if n < 3 else (x, y)
        amount = 610_000 + 10_000 * n
        tender_id, _ = pl.tender(buyer, [(winner, amount), (loser, round(amount * 1.027, -2))],
                                 winner, D(2021 + n % 4, 11 - n // 4, 6 + k % 5))  # fmt: skip
        mine.append(tender_id)
    bids = len(mine)
    for tender_id in mine:
        pl.hit("R025", "tender", tender_id, f"a tenderer won {x_wins} of its {bids} valid bids")


def r038(pl: Planter, k: int) -> None:
    """Excessive disqualified bids: a tenderer whose disqualified share is a high
    outlier, 9 of 10, 7 of 8 or 6 of 6 bids in tenders of a ring, over the upper fence
    of 5/6."""
    buyer = pl.centre(k)
    z, z2 = _bidders(pl, k, 2)
    total, disqualified = ((10, 9), (8, 7), (6, 6))[k % 3]
    extra: dict[int, list[tuple[Org, str]]] = {}
    mine = range(1, 2 * RING, 9)[:total]
    for n, t in enumerate(mine):
        extra[t] = [(z, "disqualified" if n < disqualified else "valid")]
    # near-miss: 3 of 4 bids disqualified
    for n, t in enumerate(range(4, 2 * RING, 11)[:4]):
        extra.setdefault(t, []).append((z2, "disqualified" if n < 3 else "valid"))
    ids = _ring(pl, k, buyer, extra)
    note = f"{disqualified} of a tenderer's {total} bids disqualified"
    for t in mine:
        pl.hit("R038", "tender", ids[t], note)


R048_PROCESSES = 20  # cardinal-rs's default minimum_contracting_processes


def r048(pl: Planter, k: int) -> None:
    """Heterogeneous supplier: items of many CPV divisions awarded to one tenderer, beside
    specialists of one to four divisions with as many awards (the compared population)."""
    buyer = pl.centre(k)
    n = len(CPV_DIVISIONS)
    suppliers = [(pl.owned_company(k)[0], width) for width in (16, 1, 2, 3, 4)]
    ids: list[str] = []
    for i in range(R048_PROCESSES):
        # the year's awards spread evenly over the five suppliers (no B05 concentration)
        published = D(2021 + i // 5, 1 + 2 * (i % 5), 3 + k % 20)
        for s, (supplier, width) in enumerate(suppliers):
            code, text = CPV_DIVISIONS[(7 * k + 5 * s + i % width) % n]
            tender_id = pl.award(buyer, supplier, 450_000 + 1_000 * s + 500 * (i % 3),
                                 published, [(code, text)])  # fmt: skip
            if s == 0:
                ids.append(tender_id)
    for tender_id in ids:
        pl.hit("R048", "tender", tender_id, "its supplier is awarded items of 16 CPV divisions")


PLANTS = {"R003": r003, "R018": r018, "R024": r024, "R025": r025, "R028": r028,
          "R030": r030, "R035": r035, "R036": r036, "R038": r038, "R048": r048,
          "R058": r058}  # fmt: skip
