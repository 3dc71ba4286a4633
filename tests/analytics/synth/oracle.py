"""An independent checker of a synthetic world: the definitions of REGISTERS.md section 4
in plain Python over the generated files, with people resolved by the world's own
truth_identity.csv. It is a test oracle, not the product's models: it says which cases
the definitions find, so a test can compare them with truth.csv."""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
import json
import statistics
import unicodedata
from collections import defaultdict
from pathlib import Path

import chinese_calendar
from opencc import OpenCC

from jiandu.analytics.identity.idnumber import IdNumberError, parse

LUXURY = ("茅台", "五粮液", "香烟", "中华烟", "购物卡", "礼品卡", "卡券")
MEANS_TESTED = {"dibao"}
_T2S = OpenCC("t2s")


def read(world: Path, register: str) -> list[dict[str, str]]:
    with (world / f"{register}.csv").open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def day(text: str) -> dt.date | None:
    return dt.date.fromisoformat(text[:10]) if text else None


def stamp(text: str | None) -> dt.datetime | None:
    return dt.datetime.fromisoformat(text) if text else None


def valid(row: dict[str, str], d: dt.date) -> bool:
    start, end = day(row.get("start_date", "")), day(row.get("end_date", ""))
    return (start is None or start <= d) and (end is None or d <= end)


def normalized(text: str) -> str:
    return _T2S.convert("".join(unicodedata.normalize("NFKC", text).split()))


class Oracle:
    # The defaults of REGISTERS.md section 4; a test may loosen them.
    means_tested = MEANS_TESTED
    grace_days = 31
    min_capital = 500_000.0
    limit = 5_000.0
    r003_days = 15
    r025_fence: float | None = None  # None: Q1 - 1.5 IQR of the win ratios
    r038_fence: float | None = None  # None: Q3 + 1.5 IQR of the disqualified shares

    def __init__(self, world: Path) -> None:
        self.w = world
        self.t = {r: read(world, r) for r in (
            "persons", "organizations", "posts", "family", "ownerships", "directorships",
            "tenders", "bids", "contracts", "payments", "payroll", "invoices", "vehicles",
            "fuel_transactions")}  # fmt: skip
        self.entity: dict[str, str] = {}
        for row in read(world, "truth_identity"):
            if row["register"] == "persons":
                self.entity[row["record_id"]] = row["entity_id"]
        self.records: dict[str, list[str]] = defaultdict(list)
        self.by_number: dict[str, str] = {}
        self.death: dict[str, dt.date] = {}
        for p in self.t["persons"]:
            e = self.entity[p["person_id"]]
            self.records[e].append(p["person_id"])
            if p["id_number"]:
                with contextlib.suppress(IdNumberError):
                    self.by_number[parse(p["id_number"]).value] = e
            if p["death_date"]:
                d = day(p["death_date"])
                assert d is not None
                self.death[e] = min(d, self.death.get(e, d))
        self.orgs = {o["org_id"]: o for o in self.t["organizations"]}
        self.relatives: dict[str, set[str]] = defaultdict(set)
        for f in self.t["family"]:
            a = self.entity[f["person_id"]]
            b = self.resolve(f["relative_person_id"], f["relative_id_number"])
            if b:
                self.relatives[a].add(b)
                self.relatives[b].add(a)
        self.posts_at: dict[str, list[dict[str, str]]] = defaultdict(list)
        for p in self.t["posts"]:
            self.posts_at[p["org_id"]].append(p)
        self.owners: dict[str, list[dict[str, str]]] = defaultdict(list)
        for o in self.t["ownerships"]:
            self.owners[o["org_id"]].append(o)
        self.directors: dict[str, list[dict[str, str]]] = defaultdict(list)
        for d in self.t["directorships"]:
            self.directors[d["org_id"]].append(d)

    def resolve(self, person_id: str, number: str) -> str | None:
        if person_id:
            return self.entity[person_id]
        if number:
            try:
                return self.by_number.get(parse(number).value)
            except IdNumberError:
                return None
        return None

    def subject(self, e: str) -> str:
        return ";".join(sorted(self.records[e]))

    def ties(self, org_id: str, d: dt.date | None) -> set[str]:
        """Person entities owning or directing org_id (at d, or ever when d is None)."""
        out = set()
        for o in self.owners[org_id]:
            if o["owner_type"] == "person" and (d is None or valid(o, d)):
                out.add(self.entity[o["owner_id"]])
        for r in self.directors[org_id]:
            if d is None or valid(r, d):
                out.add(self.entity[r["person_id"]])
        return out

    # ---- P -------------------------------------------------------------------------------
    def payments(self):
        for p in self.t["payments"]:
            e = self.resolve(p["beneficiary_person_id"], p["beneficiary_id_number"])
            yield p, e, day(p["paid_date"])

    def p_models(self) -> set[tuple[str, str, str]]:
        hits = set()
        payroll: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self.t["payroll"]:
            if self.orgs[r["org_id"]]["kind"] in ("public_body", "soe"):
                payroll[(self.entity[r["person_id"]], r["month"])].add(r["org_id"])
        counts: dict[tuple[str, str, str], int] = defaultdict(int)
        for p, e, d in self.payments():
            assert d is not None
            if e is None:
                continue
            counts[(e, p["programme"], p["paid_date"][:7])] += 1
            if e in self.death and d > self.death[e] + dt.timedelta(days=self.grace_days):
                hits.add(("P01", "payment", p["payment_id"]))
            if p["programme"] not in self.means_tested:
                continue
            for org_id in self._owned_or_represented(e, d):
                if float(self.orgs[org_id]["registered_capital"] or 0) >= self.min_capital:
                    hits.add(("P02", "payment", p["payment_id"]))
            if payroll.get((e, p["paid_date"][:7])):
                hits.add(("P03", "payment", p["payment_id"]))
            related = self.relatives[e]
            approver = self.entity.get(p["approver_person_id"])
            holders = {self.entity[x["person_id"]] for x in self.posts_at[p["payer_org_id"]]
                       if valid(x, d)}  # fmt: skip
            if approver in related or holders & related:
                hits.add(("P04", "payment", p["payment_id"]))
        for (e, _programme, month), n in counts.items():
            if n >= 2:
                hits.add(("P05", "person_month", f"{self.subject(e)}|{month}"))
        public: dict[tuple[str, str], set[str]] = defaultdict(set)
        for r in self.t["payroll"]:
            e = self.entity[r["person_id"]]
            start = dt.date.fromisoformat(r["month"] + "-01")
            if e in self.death and start > self.death[e]:
                hits.add(("P06", "person_month", f"{self.subject(e)}|{r['month']}"))
            if self.orgs[r["org_id"]]["kind"] == "public_body":
                public[(e, r["month"])].add(r["org_id"])
        for (e, month), orgs in public.items():
            if len(orgs) >= 2:
                hits.add(("P06", "person_month", f"{self.subject(e)}|{month}"))
        return hits

    def _owned_or_represented(self, e: str, d: dt.date) -> set[str]:
        if not hasattr(self, "_holdings"):
            self._holdings: dict[str, list[tuple[str, dict[str, str]]]] = defaultdict(list)
            for o in self.t["ownerships"]:
                if o["owner_type"] == "person":
                    self._holdings[self.entity[o["owner_id"]]].append((o["org_id"], o))
            for r in self.t["directorships"]:
                if r["role"] == "legal_representative":
                    self._holdings[self.entity[r["person_id"]]].append((r["org_id"], r))
            for org in self.t["organizations"]:
                if org["legal_rep_person_id"]:
                    self._holdings[self.entity[org["legal_rep_person_id"]]].append(
                        (org["org_id"], {})
                    )
        return {
            org_id for org_id, row in self._holdings[e]
            if self.orgs[org_id]["kind"] == "company" and valid(row, d)
        }  # fmt: skip

    # ---- B, T ----------------------------------------------------------------------------
    def b_models(self) -> set[tuple[str, str, str]]:
        hits = set()
        by_year: dict[tuple[str, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for c in self.t["contracts"]:
            d = day(c["signed_date"])
            assert d is not None
            buyer, supplier, amount = c["buyer_org_id"], c["supplier_org_id"], float(c["amount"])
            by_year[(buyer, c["signed_date"][:4])][supplier] += amount
            by_year[(buyer, c["signed_date"][:4])]["#n"] += 1
            tied = self.ties(supplier, d)
            units = {buyer, self.orgs[buyer]["parent_org_id"]}
            for u in units:
                for post in self.posts_at.get(u, []):
                    leading = post["is_leading_cadre"] == "true" and valid(post, d)
                    if leading and self.relatives[self.entity[post["person_id"]]] & tied:
                        hits.add(("B01", "contract", c["contract_id"]))
            for post in self.posts_at[buyer]:
                end = day(post["end_date"])
                recent = end is not None and years_before(d, 3) <= end <= d
                if recent and self.entity[post["person_id"]] in tied:
                    hits.add(("B03", "contract", c["contract_id"]))
            founded = day(self.orgs[supplier]["founded_date"])
            if amount >= 1_000_000 and founded and (d - founded).days < 365:
                hits.add(("B04", "contract", c["contract_id"]))
        for (buyer, year), amounts in by_year.items():
            n = amounts.pop("#n")
            total = sum(amounts.values())
            if n >= 5:
                for supplier, a in amounts.items():
                    if a / total >= 0.5:
                        hits.add(("B05", "buyer_supplier_year", f"{buyer}|{supplier}|{year}"))
        for post in self.t["posts"]:
            if post["is_leading_cadre"] != "true":
                continue
            e = self.entity[post["person_id"]]
            for rows, key in (
                (self.t["ownerships"], "owner_id"),
                (self.t["directorships"], "person_id"),
            ):
                for r in self._by_person(rows, key).get(e, []):
                    if self.orgs[r["org_id"]]["kind"] == "company" and _overlap(post, r):
                        hits.add(("B02", "person_org", f"{self.subject(e)}|{r['org_id']}"))
        hits |= self._b06() | self._t01() | self._t02()
        return hits

    def _by_person(self, rows, key):
        cache = self.__dict__.setdefault("_bp", {})
        if key not in cache:
            out = defaultdict(list)
            for r in rows:
                if key == "owner_id" and r["owner_type"] != "person":
                    continue
                out[self.entity[r[key]]].append(r)
            cache[key] = out
        return cache[key]

    def _b06(self):
        buyer_of = {t["tender_id"]: t["buyer_org_id"] for t in self.t["tenders"]}
        won = {
            (c["tender_id"], c["supplier_org_id"]) for c in self.t["contracts"] if c["tender_id"]
        }
        tenders: dict[str, set[str]] = defaultdict(set)
        for b in self.t["bids"]:
            tenders[b["bidder_org_id"]].add(b["tender_id"])
        hits = set()
        for bidder, ts in tenders.items():
            if (
                len(ts) >= 4
                and len({buyer_of[t] for t in ts}) == 1
                and all((t, bidder) in won for t in ts)
            ):
                hits.add(("B06", "org", bidder))
        return hits

    def _t01(self):
        def marks(org_id: str) -> set[tuple[str, str]]:
            o = self.orgs[org_id]
            out = {("person", e) for e in self.ties(org_id, None)}
            out |= {("org", r["owner_id"]) for r in self.owners[org_id] if r["owner_type"] == "org"}
            if o["legal_rep_person_id"]:
                out.add(("person", self.entity[o["legal_rep_person_id"]]))
            if o["phone"]:
                out.add(("phone", o["phone"]))
            if o["address"]:
                out.add(("address", normalized(o["address"])))
            return out

        bidders: dict[str, set[str]] = defaultdict(set)
        for b in self.t["bids"]:
            bidders[b["tender_id"]].add(b["bidder_org_id"])
        hits = set()
        for tender, orgs in bidders.items():
            seen: dict[tuple[str, str], str] = {}
            for org_id in sorted(orgs):
                for m in marks(org_id):
                    if m in seen and seen[m] != org_id:
                        hits.add(("T01", "tender", tender))
                    seen.setdefault(m, org_id)
        return hits

    def _t02(self):
        pairs: dict[tuple[str, str], list[tuple[dt.date, float]]] = defaultdict(list)
        for c in self.t["contracts"]:
            if float(c["amount"]) < 400_000:
                d = day(c["signed_date"])
                pairs[(c["buyer_org_id"], c["supplier_org_id"])].append((d, float(c["amount"])))
        hits = set()
        for (buyer, supplier), rows in pairs.items():
            rows.sort()
            for i, (d0, _) in enumerate(rows):
                window = [a for d, a in rows[i:] if (d - d0).days <= 30]
                if len(window) >= 3 and sum(window) > 400_000:
                    hits.add(("T02", "buyer_supplier", f"{buyer}|{supplier}"))
        return hits

    # ---- E -------------------------------------------------------------------------------
    def e_models(self) -> set[tuple[str, str, str]]:
        hits = set()
        groups: dict[tuple[str, str, str], list[dict[str, str]]] = defaultdict(list)
        for i in self.t["invoices"]:
            d = day(i["issued_at"])
            amount = float(i["amount"])
            if i["category"] == "catering":
                if amount >= 2000 and not chinese_calendar.is_workday(d):
                    hits.add(("E01", "invoice", i["invoice_id"]))
                key = i["seller_uscc"] or normalized(i["seller_name"])
                groups[(i["buyer_org_id"], key, i["issued_at"][:10])].append(i)
            if i["category"] != "gifts" and any(w in i["item_description"] for w in LUXURY):
                hits.add(("E03", "invoice", i["invoice_id"]))
        for (buyer, key, date), rows in groups.items():
            if len(rows) < 2:
                continue
            amounts = [float(r["amount"]) for r in rows]
            numbers = sorted(
                int(r["invoice_number"]) for r in rows if r["invoice_number"].isdigit()
            )
            consecutive = any(b - a == 1 for a, b in itertools.pairwise(numbers))
            if (sum(amounts) >= self.limit and max(amounts) < self.limit) or consecutive:
                hits.add(("E02", "buyer_seller_day", f"{buyer}|{key}|{date}"))
        vehicles = {v["plate"]: v for v in self.t["vehicles"]}
        for t in self.t["fuel_transactions"]:
            v = vehicles[t["plate"]]
            if v["kind"] != "official":
                continue
            d = day(t["at"])
            away = (
                not chinese_calendar.is_workday(d)
                and t["station_region_code"] != v["home_region_code"]
            )
            over = t["litres"] and v["tank_litres"] and float(t["litres"]) > float(v["tank_litres"])
            grade = t["fuel_grade"] and v["fuel_grade"] and t["fuel_grade"] != v["fuel_grade"]
            if away or over or grade:
                hits.add(("E04", "fuel_transaction", t["txn_id"]))
        return hits

    # ---- OCDS red flags, as cardinal-rs's docs/cli/indicators/R/*.md define them --------
    def r_models(self) -> set[tuple[str, str, str]]:
        hits = set()
        # per tenderer: [won, valid bids] (R025), [disqualified, submitted bids] (R038)
        self.won: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        self.disqualified: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        # per (role, buyer or procuring entity): [disqualified, submitted bids, processes]
        self.buyers: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
        self.bid_in: dict[str, set[str]] = defaultdict(set)  # tenderer -> tenders
        # (role, buyer) -> its tenders with a disqualified bid
        self.disqualifying: dict[tuple[str, str], set[str]] = defaultdict(set)
        diffs: dict[str, float] = {}
        processes: dict[str, set[str]] = defaultdict(set)
        divisions: dict[str, set[str]] = defaultdict(set)
        lines = (self.w / "ocds" / "releases.jsonl").read_text("utf-8").splitlines()
        for line in lines:
            r = json.loads(line)
            ocid, tender = r["ocid"], r.get("tender", {})
            period = tender.get("tenderPeriod", {})
            start, end = stamp(period.get("startDate")), stamp(period.get("endDate"))
            if start and end and (end - start).days < self.r003_days:
                hits.add(("R003", "tender", ocid))
            bids = [
                (b["tenderers"][0]["id"], b["value"]["amount"], b["status"], stamp(b["date"]))
                for b in r.get("bids", {}).get("details", [])
            ]
            tenderers = {t for t, _, _, _ in bids}
            if tender.get("procurementMethod") in ("open", "selective") and len(tenderers) == 1:
                hits.add(("R018", "tender", ocid))
            prices: dict[float, set[str]] = defaultdict(set)
            for t, amount, _, _ in bids:
                prices[amount].add(t)
            if any(len(ts) > 1 for ts in prices.values()):
                hits.add(("R028", "tender", ocid))
            awards = [a for a in r.get("awards", []) if a.get("status") == "active"]
            suppliers = {s["id"] for a in awards for s in a["suppliers"]}
            if end and any(
                s == "valid" and d and d > end and t in suppliers for t, _, s, d in bids
            ):
                hits.add(("R030", "tender", ocid))
            valid_tenderers = {t for t, _, s, _ in bids if s == "valid"}
            disqualified = {t for t, _, s, _ in bids if s == "disqualified"} - valid_tenderers
            if len(valid_tenderers) == 1 and suppliers == valid_tenderers and disqualified:
                hits.add(("R035", "tender", ocid))
            submitted = [(a, s) for _, a, s, _ in bids if s in ("valid", "disqualified")]
            if awards and submitted and min(submitted)[1] == "disqualified":
                hits.add(("R036", "tender", ocid))
            valid = sorted((a, t) for t, a, s, _ in bids if s == "valid")
            if len(awards) == 1 and len(suppliers) == 1 and len(valid) >= 2:
                (winner,) = suppliers
                if valid[0][1] == winner:
                    diffs[ocid] = (valid[1][0] - valid[0][0]) / valid[0][0]
            self._collect_fenced(r, bids, awards)
            for a in awards:
                if len(a["suppliers"]) == 1 and a.get("items"):
                    supplier = a["suppliers"][0]["id"]
                    processes[supplier].add(ocid)
                    divisions[supplier] |= {i["classification"]["id"][:2] for i in a["items"]}
        if len(diffs) >= 4:
            q1, _, q3 = statistics.quantiles(diffs.values(), n=4, method="inclusive")
            fence = q3 + 1.5 * (q3 - q1)
            hits |= {("R058", "tender", o) for o, d in diffs.items() if d >= fence}
            low = q1 - 1.5 * (q3 - q1)
            if q1 > 0 and low > 0:
                hits |= {("R024", "tender", o) for o, d in diffs.items() if d <= low}
        hits |= self._r025() | self._r038()
        # R048: suppliers of classified items in >= 20 processes; every process of one
        # whose number of CPV divisions reaches Q3 + 1.5 IQR is reported
        varieties = {s: len(divisions[s]) for s, p in processes.items() if len(p) >= 20}
        if len(varieties) >= 4:
            q1, _, q3 = statistics.quantiles(varieties.values(), n=4, method="inclusive")
            fence = q3 + 1.5 * (q3 - q1)
            for s, v in varieties.items():
                if v >= fence:
                    hits |= {("R048", "tender", o) for o in processes[s]}
        return hits

    def _collect_fenced(self, r: dict, bids: list[tuple], awards: list[dict]) -> None:
        """What R025 and R038 count of one release. Every bid here has one tenderer, and
        the statuses are valid or disqualified (both submitted)."""
        ocid = r["ocid"]
        submitted = [(t, s) for t, _, s, _ in bids if s in ("valid", "disqualified")]
        for t, s in submitted:
            self.bid_in[t].add(ocid)
            self.disqualified[t][0] += s == "disqualified"
            self.disqualified[t][1] += 1
        if submitted:
            buyers = [("buyer", r["buyer"]["id"]),
                      ("procuringEntity", r["tender"]["procuringEntity"]["id"])]  # fmt: skip
            for b in buyers:
                row = self.buyers[b]
                row[0] += sum(s == "disqualified" for _, s in submitted)
                row[1] += len(submitted)
                row[2] += 1
                if any(s == "disqualified" for _, s in submitted):
                    self.disqualifying[b].add(ocid)
        # R025 excludes processes whose award is not one active award to one supplier
        if len(awards) != 1 or len(awards[0]["suppliers"]) != 1:
            return
        winner = awards[0]["suppliers"][0]["id"]
        for t in {t for t, s in submitted if s == "valid"}:
            self.won[t][0] += t == winner
            self.won[t][1] += 1

    def _r025(self) -> set[tuple[str, str, str]]:
        """A tenderer with at least the 75th percentile of valid bids whose win ratio is at
        most Q1 - 1.5 IQR; every tender it bid in is reported."""
        counts = [n for _, n in self.won.values()]
        ratios = [w / n for w, n in self.won.values()]
        top = statistics.quantiles(counts, n=4, method="inclusive")[2]
        q1, _, q3 = statistics.quantiles(ratios, n=4, method="inclusive")
        fence = q1 - 1.5 * (q3 - q1) if self.r025_fence is None else self.r025_fence
        if not (fence > 0 and (q1 > 0 or self.r025_fence is not None)):
            return set()
        flagged = [t for t, (w, n) in self.won.items() if n >= top and w / n <= fence]
        return {("R025", "tender", o) for t in flagged for o in self.bid_in[t]}

    def _r038(self) -> set[tuple[str, str, str]]:
        """A tenderer (2 or more bids), a buyer or a procuring entity (2 or more processes),
        each compared with its own kind, whose share of disqualified bids is at least
        Q3 + 1.5 IQR: every tender the tenderer bid in, every tender of the buyer with a
        disqualified bid."""
        hits: set[tuple[str, str, str]] = set()
        groups: list[tuple[dict, dict]] = [
            ({t: d / n for t, (d, n) in self.disqualified.items() if n >= 2}, self.bid_in)
        ]
        for role in ("buyer", "procuringEntity"):
            shares = {b: d / n for b, (d, n, p) in self.buyers.items() if b[0] == role and p >= 2}
            groups.append((shares, self.disqualifying))
        for shares, tenders in groups:
            q1, _, q3 = statistics.quantiles(shares.values(), n=4, method="inclusive")
            fence = q3 + 1.5 * (q3 - q1) if self.r038_fence is None else self.r038_fence
            if fence > 0:
                for key, share in shares.items():
                    if share >= fence:
                        hits |= {("R038", "tender", o) for o in tenders[key]}
        return hits

    # ---- C, as docs/synth.md reads REGISTERS.md -------------------------------------------
    def c_models(self, min_density: float = 0.3) -> set[tuple[str, str, str]]:
        hits: set[tuple[str, str, str]] = set()
        companies_of: dict[str, set[str]] = defaultdict(set)
        for o in self.t["ownerships"]:
            if o["owner_type"] == "person":
                companies_of[self.entity[o["owner_id"]]].add(o["org_id"])
        for r in self.t["directorships"]:
            companies_of[self.entity[r["person_id"]]].add(r["org_id"])
        person_ties: dict[str, set[str]] = defaultdict(set)
        company_ties: dict[str, set[str]] = defaultdict(set)
        for c in self.t["contracts"]:
            d = day(c["signed_date"])
            assert d is not None
            cadres = {
                self.entity[p["person_id"]] for p in self.posts_at.get(c["buyer_org_id"], [])
                if p["is_leading_cadre"] == "true" and valid(p, d)
            }  # fmt: skip
            if not cadres:
                continue
            holders = self.ties(c["supplier_org_id"], d)
            for cadre in cadres:
                if cadre in holders or self.relatives[cadre] & holders:
                    company_ties[c["supplier_org_id"]].add(cadre)
                for h in holders - {cadre}:
                    if h in self.relatives[cadre] or companies_of[h] & companies_of[cadre]:
                        person_ties[h].add(cadre)
        hits |= {
            ("C01", "person", self.subject(h)) for h, cs in person_ties.items() if len(cs) >= 3
        }
        hits |= {("C01", "org", x) for x, cs in company_ties.items() if len(cs) >= 3}
        return hits | self._circles(min_density)

    def _circles(self, min_density: float) -> set[tuple[str, str, str]]:
        edges: set[tuple[str, str]] = set()

        def tie(a: str, b: str) -> None:
            if a != b:
                edges.add((min(a, b), max(a, b)))

        for p in self.t["posts"]:
            tie("p" + self.entity[p["person_id"]], "o" + p["org_id"])
        for f in self.t["family"]:
            b = self.resolve(f["relative_person_id"], f["relative_id_number"])
            if b:
                tie("p" + self.entity[f["person_id"]], "p" + b)
        for o in self.t["ownerships"]:
            owner = (
                "p" + self.entity[o["owner_id"]]
                if o["owner_type"] == "person"
                else "o" + o["owner_id"]
            )
            tie(owner, "o" + o["org_id"])
        for r in self.t["directorships"]:
            tie("p" + self.entity[r["person_id"]], "o" + r["org_id"])
        for c in self.t["contracts"]:
            tie("o" + c["buyer_org_id"], "o" + c["supplier_org_id"])
        parent: dict[str, str] = {}

        def find(x: str) -> str:
            parent.setdefault(x, x)
            while parent[x] != x:
                parent[x] = parent[parent[x]]
                x = parent[x]
            return x

        for a, b in edges:
            parent[find(a)] = find(b)
        members: dict[str, set[str]] = defaultdict(set)
        counts: dict[str, int] = defaultdict(int)
        for a, b in edges:
            root = find(a)
            members[root] |= {a, b}
            counts[root] += 1
        leading = {"p" + self.entity[p["person_id"]] for p in self.t["posts"]
                   if p["is_leading_cadre"] == "true"}  # fmt: skip
        hits = set()
        for root, nodes in members.items():
            cadres = nodes & leading
            companies = {n for n in nodes if n[0] == "o" and self.orgs[n[1:]]["kind"] == "company"}
            n = len(nodes)
            if (
                len(cadres) >= 2
                and len(companies) >= 2
                and counts[root] / (n * (n - 1) / 2) > min_density
            ):
                hits.add(("C02", "community", ";".join(sorted(x[1:] for x in nodes))))
        return hits

    def all(self) -> set[tuple[str, str, str]]:
        return (
            self.p_models() | self.b_models() | self.e_models() | self.r_models()
            | self.c_models()
        )  # fmt: skip


def years_before(d: dt.date, years: int) -> dt.date:
    try:
        return d.replace(year=d.year - years)
    except ValueError:  # 29 February
        return d.replace(year=d.year - years, day=28)


def _overlap(post: dict[str, str], tie: dict[str, str]) -> bool:
    lo = dt.date.min
    hi = dt.date.max
    p0, p1 = day(post["start_date"]) or lo, day(post["end_date"]) or hi
    t0, t1 = day(tie["start_date"]) or lo, day(tie["end_date"]) or hi
    return p0 <= t1 and t0 <= p1


def truth(world: Path) -> set[tuple[str, str, str]]:
    return {(r["model_id"], r["subject_type"], r["subject_id"]) for r in read(world, "truth")}
