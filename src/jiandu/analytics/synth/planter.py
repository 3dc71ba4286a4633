"""The toolkit planted cases are written with: fresh people, units and companies (so a
case never leans on background data), rows for every register, and the truth file."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

from . import codes
from .ocds import release
from .people import Person, mix
from .vocab import BRAND_CHARS, CENTRES, INDUSTRIES
from .world import Org, Post, World, pid, qid

Row = tuple[object, ...]


class Planter:
    def __init__(self, world: World, counters: dict[str, int]) -> None:
        self.world = world
        self.counters = counters
        self.rows: dict[str, list[Row]] = defaultdict(list)
        self.truth: list[Row] = []
        self.people: dict[int, str | None] = {}  # global index -> noise kind
        self.next_person = world.role_offsets["plant"][0]
        self.orgs: dict[str, Org] = {}

    # ---- people ------------------------------------------------------------------------
    def person(
        self, *, noise: str | None = None, death: dt.date | None = None,
        death_on_duplicate: bool = False,
    ) -> int:  # fmt: skip
        g = self.next_person
        self.next_person += 1
        self.people[g] = noise
        rows = self.world.person_rows(
            g, noise=noise, death=death, death_on_duplicate=death_on_duplicate
        )
        self.rows["persons"] += rows
        self.rows["truth_identity"] += [("persons", r[0], pid(g)) for r in rows]
        return g

    def info(self, g: int) -> Person:
        return self.world.person(g)

    def ids(self, g: int) -> str:
        """Every record id of person g, joined by ';' (the truth file's subject form)."""
        return ";".join([pid(g), qid(g)] if self.people.get(g) else [pid(g)])

    @staticmethod
    def dup(g: int) -> str:
        return qid(g)

    # ---- organizations -----------------------------------------------------------------
    def _org(self, org: Org) -> Org:
        self.rows["organizations"].append(org.row())
        self.rows["truth_identity"].append(("organizations", org.org_id, org.org_id))
        self.orgs[org.org_id] = org
        return org

    def county(self, k: int) -> str:
        return self.world.region_codes[k % len(self.world.region_codes)]

    def centre(self, k: int) -> Org:
        """A fresh public institution under county k's government."""
        region = self.county(k)
        gov = self.world.govs[region]
        n = self.world.org_counter + 1
        name = f"{self.world.division[region].name}{CENTRES[n % len(CENTRES)]}"
        if any(o.name == name for o in self.orgs.values()):
            name = name.replace("中心", f"第{n % 97 + 2}分中心").replace(
                "站", f"第{n % 97 + 2}分站"
            )
        org = self.world.new_org(name, "public_body", region, "centre", parent=gov.org_id)
        return self._org(org)

    def company(
        self, k: int, *, founded: dt.date = dt.date(2012, 4, 1), capital: float = 2_000_000.0,
        legal_rep: int | None = None,
    ) -> Org:  # fmt: skip
        region = self.county(k)
        n = self.world.org_counter + 1
        L = len(BRAND_CHARS)
        brand = (
            BRAND_CHARS[(n * 7) % L]
            + BRAND_CHARS[(n // L + 3) % L]
            + BRAND_CHARS[(n // (L * L)) % L]
        )
        industry = INDUSTRIES[mix(n, 5) % len(INDUSTRIES)][0]
        name = f"湖南{self.world.division[region].name[:2]}{brand}{industry}有限公司"
        org = self.world.new_org(
            name, "company", region, "company", founded=founded, capital=capital,
            legal_rep=pid(legal_rep) if legal_rep is not None else None,
        )  # fmt: skip
        return self._org(org)

    def dept(self, region: str, name: str) -> Org:
        return self.world.depts[(region, name)]

    # ---- ties --------------------------------------------------------------------------
    def post(
        self, g: int, org: Org, title: str, *, leading: bool, start: dt.date,
        end: dt.date | None = None, rank: str | None = None,
    ) -> Post:  # fmt: skip
        post = Post(g, org, title, rank or "", leading, start, end)
        self.rows["posts"].append(
            (pid(g), org.org_id, title, rank, "true" if leading else "false", start, end)
        )
        return post

    def family(self, g: int, relationship: str, relative: int, *, form: str = "id") -> None:
        if form == "name":
            p = self.info(relative)
            self.rows["family"].append((pid(g), relationship, None, p.name, p.id_number))
        elif form == "dup":
            self.rows["family"].append((pid(g), relationship, qid(relative), None, None))
        else:
            self.rows["family"].append((pid(g), relationship, pid(relative), None, None))

    def owns(
        self, owner: str, org: Org, share: float, start: dt.date | None,
        end: dt.date | None = None, owner_type: str = "person",
    ) -> None:  # fmt: skip
        self.rows["ownerships"].append((owner, owner_type, org.org_id, f"{share:g}", start, end))

    def directs(
        self, person: str, org: Org, role: str, start: dt.date | None, end: dt.date | None = None
    ) -> None:
        self.rows["directorships"].append((person, org.org_id, role, start, end))

    def owned_company(self, k: int, **kw: object) -> tuple[Org, int]:
        """A fresh company with its own founder, owner and legal representative."""
        founder = self.person()
        org = self.company(k, legal_rep=founder, **kw)  # type: ignore[arg-type]
        self.owns(pid(founder), org, 100, org.founded)
        self.directs(pid(founder), org, "legal_representative", org.founded)
        return org, founder

    # ---- transactions ------------------------------------------------------------------
    def payroll(
        self, g: int, org: Org, months: list[tuple[int, int]], amount: float = 5600
    ) -> None:
        for y, m in months:
            self.rows["payroll"].append((pid(g), org.org_id, f"{y}-{m:02d}", codes.money(amount)))

    def payment(
        self, *, payer: Org, programme: str, amount: float, paid: dt.date, ref: str | None,
        g: int, approver: str | None, with_name: bool = True,
    ) -> str:  # fmt: skip
        self.counters["payment"] += 1
        payment_id = f"ZF{self.counters['payment']:09d}"
        p = self.info(g)
        self.rows["payments"].append(
            (payment_id, payer.org_id, programme, codes.money(amount), paid, ref,
             p.name if with_name else None, p.id_number if with_name else None, approver,
             p.region_code),
        )  # fmt: skip
        return payment_id

    def contract(
        self, buyer: Org, supplier: Org, amount: float, signed: dt.date, *,
        tender_id: str | None = None, method: str | None = None, category: str = "services",
    ) -> str:  # fmt: skip
        self.counters["contract"] += 1
        contract_id = f"HT{self.counters['contract']:08d}"
        if method is None:
            method = "direct" if amount < 100_000 else "limited"
        self.rows["contracts"].append(
            (contract_id, buyer.org_id, supplier.org_id, codes.money(amount), signed, tender_id,
             f"{buyer.name}{category}采购", method, category),
        )  # fmt: skip
        return contract_id

    def tender(
        self, buyer: Org, bids: list[tuple[Org, float]], winner: Org | None,
        published: dt.date, *, method: str = "open", category: str = "works",
        deadline_days: int = 25, statuses: list[str] | None = None,
        submitted: dict[int, dt.datetime] | None = None,
    ) -> tuple[str, str | None]:  # fmt: skip
        """A tender with its bids (first bid is the winner's when there is one), its
        contract and its OCDS release. Returns (tender id, contract id)."""
        self.counters["tender"] += 1
        tender_id = f"ocds-jd0001-T{self.counters['tender']:06d}"
        deadline = published + dt.timedelta(days=deadline_days)
        award = deadline + dt.timedelta(days=7)
        amounts = [a for _, a in bids]
        estimate = round(max(amounts) * 1.08, -2)
        title = f"{buyer.name}{published.year}年度{category}项目"
        tender: Row = (tender_id, buyer.org_id, title, method, codes.money(estimate), published,
                       deadline, award, category)  # fmt: skip
        self.rows["tenders"].append(tender)
        bid_rows: list[Row] = []
        for i, (org, amount) in enumerate(bids):
            at = dt.datetime.combine(deadline - dt.timedelta(days=1 + i % 3), dt.time(9 + i, 30))
            at = (submitted or {}).get(i, at)
            status = statuses[i] if statuses else "valid"
            bid_rows.append((tender_id, org.org_id, codes.money(amount), status, at.isoformat()))
        self.rows["bids"] += bid_rows
        contract_id = None
        contracts: list[Row] = []
        if winner is not None:
            amount = next(a for o, a in bids if o is winner)
            contract_id = self.contract(
                buyer, winner, amount, award + dt.timedelta(days=5), tender_id=tender_id,
                method=method, category=category,
            )  # fmt: skip
            contracts.append(self.rows["contracts"][-1])
        orgs = {o.org_id: o for o, _ in bids}
        orgs[buyer.org_id] = buyer
        self.rows["ocds"].append((release(tender, bid_rows, contracts, orgs),))
        return tender_id, contract_id

    def award(
        self, buyer: Org, supplier: Org, amount: float, published: dt.date,
        items: list[tuple[str, str]], *, category: str = "goods",
    ) -> str:  # fmt: skip
        """A limited procedure without recorded bids: the tender, its contract and its OCDS
        release, whose award lists `items` (CPV code, description). Returns the tender id."""
        self.counters["tender"] += 1
        tender_id = f"ocds-jd0001-T{self.counters['tender']:06d}"
        deadline = published + dt.timedelta(days=20)
        award = deadline + dt.timedelta(days=7)
        title = f"{buyer.name}{published.year}年度{category}项目"
        tender: Row = (tender_id, buyer.org_id, title, "limited",
                       codes.money(round(amount * 1.05, -2)), published, deadline, award,
                       category)  # fmt: skip
        self.rows["tenders"].append(tender)
        self.contract(buyer, supplier, amount, award + dt.timedelta(days=5),
                      tender_id=tender_id, method="limited", category=category)  # fmt: skip
        contract = self.rows["contracts"][-1]
        orgs = {supplier.org_id: supplier, buyer.org_id: buyer}
        self.rows["ocds"].append((release(tender, [], [contract], orgs, items),))
        return tender_id

    def invoice(
        self, buyer: Org, amount: float, at: dt.datetime, seller: str, seller_uscc: str | None,
        category: str, item: str, *, number: str | None = None,
    ) -> str:  # fmt: skip
        self.counters["invoice"] += 1
        invoice_id = f"FP{self.counters['invoice']:09d}"
        if number is None:
            number = f"{(self.counters['invoice'] * 48271 + self.world.seed) % 100_000_000:08d}"
        self.rows["invoices"].append(
            (invoice_id, buyer.org_id, codes.money(amount), at.isoformat(), number, seller,
             seller_uscc, category, item),
        )  # fmt: skip
        return invoice_id

    def seller(self, k: int) -> tuple[str, str]:
        """A fresh restaurant: name and credit code."""
        self.counters["seller"] += 1
        n = self.counters["seller"]
        region = self.county(k)
        name = f"{self.world.division[region].name[:2]}{'福禄寿喜金玉满堂'[n % 8]}{n}号私房菜馆"
        return name, codes.uscc("9", "2", region, mix(self.world.seed, n, 97))

    # ---- truth -------------------------------------------------------------------------
    def hit(self, model: str, subject_type: str, subject_id: str, note: str) -> None:
        self.truth.append((model, subject_type, subject_id, note))


def rest_days(year: int) -> list[dt.date]:
    """Weekend days and holidays that are not working days."""
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if not codes.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def adjusted_workdays(year: int) -> list[dt.date]:
    """Weekend days made working days by the official calendar."""
    day, out = dt.date(year, 1, 1), []
    while day.year == year:
        if day.weekday() >= 5 and codes.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out


def workdays(year: int, month: int) -> list[dt.date]:
    day, out = dt.date(year, month, 1), []
    while day.month == month:
        if codes.is_workday(day):
            out.append(day)
        day += dt.timedelta(days=1)
    return out
