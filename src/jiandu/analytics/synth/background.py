"""The background of a world: everything that is not a planted case, streamed register by
register. It is realistic but built so that no model's definition holds by accident:
welfare goes to ordinary citizens (nobody's declared relative, owner or employee), one
payment per person, programme and month; companies have their own owners, directors,
phones and addresses; a buyer signs at most one contract a year with a supplier, amounts
within a factor of two; a public body's catering invoices fall on distinct days, and on
non-working days stay below 2,000 yuan; official cars refuel at home on rest days, within
their tank and grade."""

from __future__ import annotations

import datetime as dt
from collections import deque
from collections.abc import Callable, Iterator
from math import gcd
from typing import NamedTuple

from . import codes
from .ocds import release
from .output import Output
from .people import mix, unit
from .vocab import INDUSTRIES, ITEMS, RESTAURANT_WORDS
from .world import END, PAYROLL_MONTHS, START, Org, World, pid

Progress = Callable[[str, int], None] | None
PROGRAMMES = ("dibao", "pension", "disability_allowance", "farmland_subsidy")
PAYER_DEPT = {
    "dibao": "民政局",
    "disability_allowance": "民政局",
    "pension": "人力资源和社会保障局",
    "farmland_subsidy": "农业农村局",
    "relocation_compensation": "自然资源局",
}
DAYS = (END - START).days + 1


def coprime_stride(n: int, start: int = 7919) -> int:
    s = start
    while gcd(s, n) != 1:
        s += 2
    return s


WELFARE_SHARE = 0.7  # the first 70% of citizens may receive welfare; only the others die


def write_people(world: World, out: Output) -> None:
    plant_start = world.role_offsets["plant"][0]
    first, citizens = world.role_offsets["citizen"]
    mortal = first + int(citizens * WELFARE_SHARE)
    for g in range(plant_start):
        death = None
        if g >= mortal and unit(world.seed, g, 14) < 0.04:
            death = START + dt.timedelta(days=mix(world.seed, g, 15) % DAYS)
        rows = world.person_rows(g, death=death)
        out.rows_of("persons", rows)
        out.rows_of("truth_identity", [("persons", r[0], pid(g)) for r in rows])


def write_structure(world: World, out: Output) -> None:
    """Organizations, posts, declared relatives, companies with owners and directors."""
    for org in world.orgs:
        out.row("organizations", org.row())
        out.row("truth_identity", ("organizations", org.org_id, org.org_id))
    for sasac, group in world.sasac_group:
        out.row("ownerships", (sasac.org_id, "org", group.org_id, "100", group.founded, None))
    for org in world.orgs:
        if org.role == "subsidiary":
            out.row("ownerships", (org.parent, "org", org.org_id, "100", org.founded, None))
    for post in world.posts:
        out.row(
            "posts",
            (pid(post.person), post.org.org_id, post.title, post.rank or None,
             "true" if post.leading else "false", post.start, post.end),
        )  # fmt: skip
    relative = world.role_offsets["relative"][0]
    for g in range(world.official_count):
        for i in range(1 + mix(world.seed, g, 46) % 3):
            kind = ("spouse", "child", "parent")[i]
            if unit(world.seed, g, 47 + i) < 0.3:
                p = world.person(relative)
                out.row("family", (pid(g), kind, None, p.name, p.id_number))
            else:
                out.row("family", (pid(g), kind, world.ref(relative, 4), None, None))
            relative += 1
    for j in range(world.scale.companies):
        org = world.company(j)
        out.row("organizations", org.row())
        out.row("truth_identity", ("organizations", org.org_id, org.org_id))
        owners, directors = world.company_ties(j, org)
        out.rows_of("ownerships", owners)
        out.rows_of("directorships", directors)


def write_payroll(world: World, out: Output) -> None:
    by_person: dict[int, list] = {}
    for post in world.posts:
        if post.org.kind in ("public_body", "soe"):
            by_person.setdefault(post.person, []).append(post)
    for g, posts in by_person.items():
        base = 4200 + 600 * (mix(world.seed, g, 61) % 12)
        if posts[0].leading:
            base += 4000
        for y, m in PAYROLL_MONTHS:
            first = codes.month_start(y, m)
            for post in posts:
                if post.valid(first):
                    amount = base + (800 if m == 12 else 0)
                    out.row(
                        "payroll", (pid(g), post.org.org_id, f"{y}-{m:02d}", codes.money(amount))
                    )
                    break


def buyers(world: World) -> list[Org]:
    return [o for o in world.orgs if o.role in ("dept", "group", "subsidiary")]


TENDER_MIN = 400_000  # contracts from this amount on went through a tender
LOOKAHEAD = 3  # tenders whose winners may already bid as losers
DQ_PER_TENDER = 2  # disqualified bids per tender at the units that disqualify
DQ_MAX_WINS = 3  # only companies with at most this many wins are ever disqualified


class Purchase(NamedTuple):
    b: int  # buyer index
    buyer: Org
    year: int
    k: int  # index in the buyer's year
    supplier: int  # company index
    amount: float
    day: dt.date


def purchases(world: World) -> Iterator[Purchase]:
    """Every background purchase in order: per buyer and year, one supplier per purchase
    (a buyer signs at most one contract a year with a supplier), amounts within a factor
    of two of the year's base amount. A pure function of the world: it can be replayed."""
    n_comp = world.scale.companies
    stride = coprime_stride(n_comp)
    seed = world.seed
    for b, buyer in enumerate(buyers(world)):
        for year in (2021, 2022, 2023, 2024):
            u = unit(seed, b, year, 71)
            n = min(n_comp - 1, int(world.scale.contracts_per_buyer_year * (0.4 + 1.2 * u)))
            base_amount = 10 ** (4.3 + 2.2 * unit(seed, b, year, 72))
            off = mix(seed, b, year, 73)
            for k in range(n):
                amount = round(base_amount * (1 + unit(seed, b, year, k, 74)), -2)
                day = dt.date(year, 1, 2) + dt.timedelta(days=int(270 * unit(seed, b, year, k, 75)))
                yield Purchase(b, buyer, year, k, (off + k * stride) % n_comp, amount, day)


def losses_per_win(seed: int, j: int) -> int:
    """Valid losing bids company j submits per tender it wins: 1 or 2, half each."""
    return 1 + (mix(seed, j, 78) & 1)


class Rivals:
    """Who bids against whom in the background's tenders, so that the OCDS indicators
    comparing organizations over the whole data set (R025, R038) have clean fences.

    R025 (win ratio): every bidder is a winner, and a company of kind c (1 or 2, half
    each) submits exactly c valid losing bids per tender it wins, so its win ratio is
    exactly 1/2 or 1/3: the quartiles are 1/3 and 1/2 and the lower fence 1/12. A
    winner's losing bids go to the tenders around its own (the tokens of the next
    LOOKAHEAD winners and of earlier ones not yet placed, oldest first, at most two per
    tender), so rivals are mostly the same buyer's other suppliers of the year.

    R038 (disqualified share): companies of kind 1 with at most DQ_MAX_WINS wins also
    submit one bid per win that is disqualified, so their share is exactly 1/3 (one in
    three of their bids); they are about a third of the bidders, so the tenderers'
    quartiles are 0 and 1/3 and the upper fence 5/6. Those bids all go to a few units
    with the most tenders, DQ_PER_TENDER in each of their tenders, so more than three
    quarters of the buyers never disqualify a bid and the buyers' fence stays 0.
    A disqualified bid is always above every valid one: the winner and the lowest losing
    bid are never disqualified."""

    def __init__(self, world: World) -> None:
        self.seed = world.seed
        wins: dict[int, int] = {}
        tenders: dict[int, int] = {}
        for p in purchases(world):
            if p.amount >= TENDER_MIN:
                wins[p.supplier] = wins.get(p.supplier, 0) + 1
                tenders[p.b] = tenders.get(p.b, 0) + 1
        flagged = sorted(
            (j for j, w in wins.items() if w <= DQ_MAX_WINS and losses_per_win(self.seed, j) == 1),
            key=lambda j: mix(self.seed, j, 79),
        )
        # one ticket per win, in rounds, so that a company's tickets are far apart
        self.tickets = deque(j for r in range(DQ_MAX_WINS) for j in flagged if wins[j] > r)
        self.deferred: list[int] = []
        need = len(self.tickets)
        self.dq_buyers: set[int] = set()
        capacity = 0
        for b in sorted(tenders, key=lambda b: (-tenders[b], b)):
            if capacity >= need + need // 10 + 2 * DQ_PER_TENDER:
                break
            self.dq_buyers.add(b)
            capacity += DQ_PER_TENDER * tenders[b]
        self.ahead = (p.supplier for p in purchases(world) if p.amount >= TENDER_MIN)
        self.pulled = 0
        self.pending: list[int] = []  # one entry per valid losing bid owed, oldest first
        self.first: list[int] = []  # the first winners, for the very last tenders

    def _pull(self) -> bool:
        j = next(self.ahead, None)
        if j is None:
            return False
        self.pulled += 1
        if len(self.first) < 8:
            self.first.append(j)
        self.pending += [j] * losses_per_win(self.seed, j)
        return True

    def losers(self, i: int, winner: int) -> list[int]:
        """The valid losing bidders of background tender i (0-based), won by `winner`."""
        while self.pulled <= i + LOOKAHEAD and self._pull():
            pass
        chosen: list[int] = []
        while True:
            taken = []
            for n, j in enumerate(self.pending):
                if j != winner and j not in chosen:
                    chosen.append(j)
                    taken.append(n)
                    if len(chosen) == 2:
                        break
            for n in reversed(taken):
                del self.pending[n]
            if chosen or not self._pull():
                break
        if not chosen:  # the very end: a first winner bids once more
            chosen.append(next(j for j in self.first if j != winner))
        return chosen

    def disqualified(self, b: int, taken: list[int]) -> list[int]:
        """The disqualified bidders of a tender of buyer b whose other bidders are `taken`."""
        if b not in self.dq_buyers:
            return []
        out: list[int] = []
        keep: list[int] = []
        for j in self.deferred:
            fits = len(out) < DQ_PER_TENDER and j not in taken and j not in out
            (out if fits else keep).append(j)
        self.deferred = keep
        while len(out) < DQ_PER_TENDER and self.tickets:
            j = self.tickets.popleft()
            (out if j not in taken and j not in out else self.deferred).append(j)
        return out


def write_procurement(world: World, out: Output, counters: dict[str, int]) -> None:
    rivals = Rivals(world)
    tendered = 0
    for p in purchases(world):
        if p.amount >= TENDER_MIN:
            losers = rivals.losers(tendered, p.supplier)
            disqualified = rivals.disqualified(p.b, [p.supplier, *losers])
            tendered += 1
            _tender(world, out, counters, p, losers, disqualified)
            continue
        counters["contract"] += 1
        supplier = world.company(p.supplier)
        category = _category(supplier)
        signed = p.day + dt.timedelta(days=40)
        out.row(
            "contracts",
            (f"HT{counters['contract']:08d}", p.buyer.org_id, supplier.org_id,
             codes.money(p.amount), signed, None, f"{p.buyer.name}{category}采购",
             "direct" if p.amount < 100_000 else "limited", category),
        )  # fmt: skip


def _category(org: Org) -> str:
    for word, cat in INDUSTRIES:
        if word in org.name:
            return cat
    return "goods"


def _tender(
    world: World, out: Output, counters: dict[str, int], p: Purchase, losers: list[int],
    disqualified: list[int],
) -> None:  # fmt: skip
    seed = world.seed
    buyer, amount, published = p.buyer, p.amount, p.day
    counters["tender"] += 1
    tender_id = f"ocds-jd0001-T{counters['tender']:06d}"
    h = mix(seed, counters["tender"], 77)
    deadline = published + dt.timedelta(days=21 + h % 15)
    award = deadline + dt.timedelta(days=5 + (h >> 8) % 8)
    signed = award + dt.timedelta(days=3 + (h >> 16) % 6)
    supplier = world.company(p.supplier)
    category = _category(supplier)
    estimate = round(amount * (1.05 + 0.1 * unit(seed, h)), -2)
    title = f"{buyer.name}{p.year}年度{category}项目{p.k + 1}"
    method = "open" if h % 4 else "selective"
    tender = (tender_id, buyer.org_id, title, method, codes.money(estimate), published,
              deadline, award, category)  # fmt: skip
    out.row("tenders", tender)
    bids = []
    bidders = [p.supplier, *losers, *disqualified]
    for i, j in enumerate(bidders):
        # losers in disjoint bands (no equal prices), the first 2% to 3.5% above the winner;
        # the disqualified ones above every valid bid
        band = 1.02 + 0.02 * (i - 1) + 0.015 * unit(seed, h, i)
        price = amount if i == 0 else round(amount * band, -2)
        at = dt.datetime.combine(
            deadline - dt.timedelta(days=1 + (h >> (i + 3)) % 5), dt.time(9 + i, 15 * (i % 4))
        )
        status = "disqualified" if i > len(losers) else "valid"
        org_id = world.company(j).org_id
        bids.append((tender_id, org_id, codes.money(price), status, at.isoformat()))
    out.rows_of("bids", bids)
    counters["contract"] += 1
    contract = (f"HT{counters['contract']:08d}", buyer.org_id, supplier.org_id, codes.money(amount),
                signed, tender_id, title, method, category)  # fmt: skip
    out.row("contracts", contract)
    orgs = {world.company(j).org_id: world.company(j) for j in bidders}
    orgs[buyer.org_id] = buyer
    out.release(release(tender, bids, [contract], orgs))


def welfare_programme(seed: int, g: int, e: int, pool: int, enrolments: int) -> str:
    """The programme of enrolment ``e`` of person ``g``.

    A person is enrolled once per round of ``pool`` enrolments, each round in a different
    programme. Most farmland enrolments become a monthly programme instead; the one
    chosen must not be one the person already receives in another round, or the
    background itself would pay the same programme twice a month (a P05 case).
    """
    rounds, r = divmod(e, pool)
    turn = mix(seed, g, 81)
    programme = PROGRAMMES[(rounds + turn) % len(PROGRAMMES)]
    if programme == "farmland_subsidy" and unit(seed, g, 82) < 0.6:
        programme = PROGRAMMES[(rounds + turn + 1) % 3]
        others = {
            PROGRAMMES[(k + turn) % len(PROGRAMMES)]
            for k in range(3)
            if k != rounds and k * pool + r < enrolments
        }
        if programme in others:
            # the fourth programme, the one no round of this person uses
            programme = PROGRAMMES[(3 + turn) % len(PROGRAMMES)]
    return programme


def write_payments(world: World, out: Output, counters: dict[str, int], progress: Progress) -> None:
    seed = world.seed
    first, citizens = world.role_offsets["citizen"]
    pool = int(citizens * WELFARE_SHARE)
    stride = coprime_stride(pool, 104_729)
    enrolments = min(3 * pool - 1, world.scale.payments // 14)
    months = [(y, m) for y in (2022, 2023, 2024) for m in range(1, 13)]
    for e in range(enrolments):
        local = (e * stride + seed) % pool
        g = first + local
        programme = welfare_programme(seed, g, e, pool, enrolments)
        person = world.person(g)
        payer = world.depts[(person.region_code, PAYER_DEPT[programme])]
        approver = pid(world.approvers[payer.org_id])
        h = mix(seed, e, 83)
        begin = h % 30
        length = 6 + (h >> 8) % 31
        span = months[begin : begin + length]
        if programme == "farmland_subsidy":
            span = [(y, 4) for y in (2022, 2023, 2024)]
        base = {"dibao": 300 + (h >> 16) % 600, "pension": 150 + (h >> 16) % 2800,
                "disability_allowance": 100 + (h >> 16) % 200,
                "farmland_subsidy": 300 + (h >> 16) % 1500}[programme]  # fmt: skip
        form = (h >> 32) % 10
        bid = "" if form == 9 else world.ref(g, 5)
        name = "" if form in (7, 8) else person.name
        number = "" if form in (7, 8) else person.id_number
        # ids, codes and names: nothing a CSV field would need to quote
        tail = f"{bid},{name},{number},{approver},{person.region_code}\n"
        head = f"{payer.org_id},{programme},{base}.00,"
        day = 10 + (h >> 40) % 11
        n = counters["payment"]
        text = "".join(
            f"ZF{n + i:09d},{head}{y}-{m:02d}-{day:02d},{tail}" for i, (y, m) in enumerate(span, 1)
        )
        counters["payment"] = n + len(span)
        out.lines("payments", text, len(span))
        if progress and e % 20_000 == 0:
            progress("payments", counters["payment"])


def restaurants(world: World, county: str, n: int) -> list[tuple[str, str | None]]:
    name = world.division[county].name[:2]
    out: list[tuple[str, str | None]] = []
    for r in range(n):
        word = RESTAURANT_WORDS[r % len(RESTAURANT_WORDS)]
        code = codes.uscc("9", "2", county, mix(world.seed, int(county), r, 91))
        out.append((f"{name}{'好再来悦来聚福满堂'[r % 9]}{r // 9 or ''}{word}", code))
    return out


def write_invoices(world: World, out: Output, counters: dict[str, int]) -> None:
    seed = world.seed
    cats = ("accommodation",) * 3 + ("office",) * 5 + ("travel",) * 3 + ("fuel",) + ("other",) * 2
    day_stride = coprime_stride(DAYS, 389)
    per_county = {c: restaurants(world, c, 3 + world.scale.invoices_per_body_year // 20)
                  for c in world.region_codes}  # fmt: skip
    bodies = [o for o in world.orgs if o.kind == "public_body"]
    for b, body in enumerate(bodies):
        region = body.region if body.region in per_county else world.region_codes[0]
        sellers = per_county[region]
        n = world.scale.invoices_per_body_year * 4
        n_cat = min(DAYS - 1, n * 3 // 10)
        off = mix(seed, b, 92)
        for c in range(n):
            counters["invoice"] += 1
            h = mix(seed, b, c, 93)
            if c < n_cat:
                day = START + dt.timedelta(days=(off + c * day_stride) % DAYS)
                seller, code = sellers[h % len(sellers)]
                # rest days: under the banquet threshold of 2,000
                workday = codes.is_workday(day)
                amount = 150 + (h >> 8) % 4650 if workday else 80 + (h >> 8) % 1820
                category = "catering"
            else:
                day = START + dt.timedelta(days=(h >> 8) % DAYS)
                category = cats[(h >> 20) % len(cats)]
                if (h >> 30) % 50 == 0:
                    category = "gifts"
                j = (h >> 36) % world.scale.companies
                company = world.company(j)
                seller, code = company.name, company.uscc
                amount = 50 + (h >> 40) % 3000
            if (h >> 50) % 10 == 0:
                code = None
            item = (
                "节日慰问品"
                if category == "gifts"
                else ITEMS[category][(h >> 44) % len(ITEMS[category])]
            )
            at = dt.datetime.combine(day, dt.time(8 + (h >> 4) % 12, (h >> 12) % 60))
            number = f"{(counters['invoice'] * 48271 + seed) % 100_000_000:08d}"
            out.row(
                "invoices",
                (f"FP{counters['invoice']:09d}", body.org_id, codes.money(amount), at.isoformat(),
                 number, seller, code, category, item),
            )  # fmt: skip


def write_vehicles(world: World, out: Output, counters: dict[str, int]) -> None:
    seed = world.seed
    bodies = [o for o in world.orgs if o.kind == "public_body"]
    regions = world.region_codes
    for b, body in enumerate(bodies):
        for v in range(world.scale.vehicles_per_body * 2):
            official = v % 2 == 0
            counters["vehicle"] += 1
            h = mix(seed, b, v, 101)
            home = body.region if body.region in regions else regions[0]
            if not official:
                home = regions[h % len(regions)]
            city = world.division[world.division[home].parent_code]
            plate = f"{city.plate}{(counters['vehicle'] * 7 + 3) % 100_000:05d}"
            tank = 50 + (h >> 8) % 26
            grade = ("92", "95", "0")[(h >> 16) % 3]
            kind = "official" if official else "private"
            owner = body.org_id if official else None
            out.row("vehicles", (plate, owner, kind, home, tank, grade))
            card = f"FC{mix(seed, b, v) % 10**10:010d}"
            for t in range(world.scale.fuel_per_vehicle_year * 4):
                counters["fuel"] += 1
                k = mix(seed, b, v, t, 102)
                day = START + dt.timedelta(days=k % DAYS)
                station = home
                if (codes.is_workday(day) or not official) and (k >> 12) % 4 == 0:
                    station = regions[(k >> 16) % len(regions)]
                litres = round(20 + (tank - 23) * ((k >> 40) % 1000) / 1000, 1)
                fuel = grade
                if not official and (k >> 24) % 10 == 0:
                    fuel = "95" if grade == "92" else "92"
                at = dt.datetime.combine(day, dt.time(7 + (k >> 30) % 14, (k >> 36) % 60))
                out.row(
                    "fuel_transactions",
                    (f"JY{counters['fuel']:09d}", plate, at.isoformat(),
                     codes.money(litres * 7.9), card, litres,
                     fuel, station),
                )  # fmt: skip
