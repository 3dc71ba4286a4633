"""The standing structure of a world: organizations, officials and their posts, declared
relatives, companies with their owners and directors, and every person's records.

Government bodies, state enterprises and villages are few enough to keep in memory;
companies and people are pure functions of their index (see people.py)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import cached_property

from opencc import OpenCC

from . import codes
from .codes import Division, uscc
from .people import Person, id15, make_person, mix, romanized, unit, with_typo
from .scales import Scale
from .vocab import BRAND_CHARS, DEPARTMENTS, INDUSTRIES, ROADS, VILLAGE_CHARS

START = dt.date(2021, 1, 1)
END = dt.date(2024, 12, 31)
PAYROLL_MONTHS = [(y, m) for y in (2022, 2023, 2024) for m in range(1, 13)]
NOISE_KINDS = ("traditional", "pinyin", "id15", "lowercase_x", "missing_id", "typo")
_S2T = OpenCC("s2t")


@dataclass(slots=True)
class Org:
    org_id: str
    name: str
    kind: str
    region: str
    parent: str | None = None
    uscc: str | None = None
    founded: dt.date | None = None
    capital: float | None = None
    address: str | None = None
    phone: str | None = None
    legal_rep: str | None = None
    role: str = ""  # gov, dept, centre, sasac, group, subsidiary, village, social, company

    def row(self) -> tuple[object, ...]:
        return (
            self.org_id, self.name, self.uscc, self.kind, self.parent, self.region,
            self.founded, None if self.capital is None else codes.money(self.capital),
            self.address, self.phone, self.legal_rep,
        )  # fmt: skip


@dataclass(slots=True)
class Post:
    person: int  # global person index
    org: Org
    title: str
    rank: str
    leading: bool
    start: dt.date
    end: dt.date | None = None

    def valid(self, day: dt.date) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


@dataclass
class World:
    seed: int
    scale: Scale
    orgs: list[Org] = field(default_factory=list)
    posts: list[Post] = field(default_factory=list)
    depts: dict[tuple[str, str], Org] = field(default_factory=dict)  # (county, dept) -> org
    govs: dict[str, Org] = field(default_factory=dict)  # county or city code -> government
    approvers: dict[str, int] = field(default_factory=dict)  # payer org id -> person
    org_counter: int = 0

    # ---- regions ---------------------------------------------------------------------
    @cached_property
    def counties(self) -> tuple[Division, ...]:
        every = [d for d in codes.divisions() if d.level == "county"]
        return tuple(every[: self.scale.counties] if self.scale.counties else every)

    @cached_property
    def cities(self) -> tuple[Division, ...]:
        used = {c.parent_code for c in self.counties}
        return tuple(d for d in codes.divisions() if d.code in used)

    @cached_property
    def region_codes(self) -> tuple[str, ...]:
        return tuple(c.code for c in self.counties)

    @cached_property
    def division(self) -> dict[str, Division]:
        return {d.code: d for d in codes.divisions()}

    # ---- people ------------------------------------------------------------------------
    @cached_property
    def role_offsets(self) -> dict[str, tuple[int, int]]:
        """role -> (first global index, count)."""
        sizes = {
            "official": self.official_count,
            "business": 2 * self.scale.companies,
            "relative": self.relative_count,
            "citizen": self.scale.citizens,
        }
        out: dict[str, tuple[int, int]] = {}
        at = 0
        for role, n in sizes.items():
            out[role] = (at, n)
            at += n
        out["plant"] = (at, 1_000_000)
        return out

    official_count: int = 0
    relative_count: int = 0

    def person(self, g: int) -> Person:
        for role, (first, n) in self.role_offsets.items():
            if first <= g < first + n:
                return make_person(self.seed, role, g - first, self.region_codes, pid(g))
        raise IndexError(g)

    def global_index(self, role: str, local: int) -> int:
        return self.role_offsets[role][0] + local

    def noise_kind(self, g: int) -> str | None:
        """The kind of duplicate record person g also has, if any."""
        if self.role_offsets["plant"][0] <= g or unit(self.seed, g, 11) >= self.scale.noise:
            return None
        return NOISE_KINDS[mix(self.seed, g, 12) % len(NOISE_KINDS)]

    def ref(self, g: int, context: int) -> str:
        """The record id a source system uses for person g (sometimes its duplicate)."""
        if self.noise_kind(g) is not None and unit(self.seed, g, 100 + context) < 0.5:
            return qid(g)
        return pid(g)

    def person_rows(
        self, g: int, *, noise: str | None = None, death: dt.date | None = None,
        death_on_duplicate: bool = False,
    ) -> list[tuple[object, ...]]:  # fmt: skip
        """The persons rows of person g: the primary record and its duplicate if any."""
        p = self.person(g)
        kind = noise if noise is not None else self.noise_kind(g)
        h = mix(self.seed, g, 13)
        phone = f"1{3 + h % 6}{h % 1_000_000_000:09d}" if h % 5 else None
        primary_death = None if death_on_duplicate else death
        rows: list[tuple[object, ...]] = [
            (pid(g), p.name, p.id_number, p.birth_date, p.gender, p.region_code,
             primary_death, phone, None, None)
        ]  # fmt: skip
        if kind is None:
            return rows
        name, number, latin = p.name, p.id_number, None
        if kind == "id15" and id15(p.id_number) is None:
            kind = "lowercase_x" if p.id_number.endswith("X") else "traditional"
        if kind == "lowercase_x" and not p.id_number.endswith("X"):
            kind = "id15" if id15(p.id_number) is not None else "traditional"
        if kind == "traditional":
            name = _S2T.convert(p.name)
        elif kind == "pinyin":
            name = latin = romanized(p, surname_first=bool(h & 8), upper_surname=bool(h & 16))
        elif kind == "id15":
            number = id15(p.id_number) or number
        elif kind == "lowercase_x":
            number = p.id_number[:-1] + "x"
        elif kind == "missing_id":
            number = ""
        elif kind == "typo":
            name = with_typo(p)
        dup_death = death if death_on_duplicate else None
        rows.append(
            (qid(g), name, number, p.birth_date, p.gender, p.region_code, dup_death,
             None, None, latin)
        )  # fmt: skip
        return rows

    # ---- organizations -----------------------------------------------------------------
    def new_org(self, name: str, kind: str, region: str, role: str, **kw: object) -> Org:
        self.org_counter += 1
        n = self.org_counter
        authority = {"public_body": "11", "social_org": "51"}.get(kind, "91")
        code = (
            None
            if kind == "village_committee"
            else uscc(authority[0], authority[1], region, mix(n, 31))
        )
        h = mix(self.seed, n, 32)
        org = Org(
            org_id=oid(n), name=name, kind=kind, region=region, uscc=code, role=role,
            address=f"{self.place(region)}{ROADS[n % len(ROADS)]}{n // len(ROADS) + 1}号",
            phone=f"0731-8{n % 10_000_000:07d}",
            founded=dt.date(1985 + h % 30, 1 + h % 12, 1 + h % 28),
        )  # fmt: skip
        for k, v in kw.items():
            setattr(org, k, v)
        self.orgs.append(org)
        return org

    def place(self, region: str) -> str:
        d = self.division[region]
        parent = self.division.get(d.parent_code)
        return (
            ("湖南省" + (parent.name if parent else "") + d.name)
            if d.level == "county"
            else ("湖南省" + d.name)
        )

    def build(self) -> None:
        """Government bodies, state enterprises, villages and social organizations, with
        their posts; companies are counted (they are functions of their index)."""
        province_code = "430000"
        for city in self.cities:
            gov = self.new_org(f"{city.name}人民政府", "public_body", city.code, "gov")
            self.govs[city.code] = gov
            sasac = self.new_org(
                f"{city.name}国有资产监督管理委员会", "public_body", city.code, "sasac",
                parent=gov.org_id,
            )  # fmt: skip
            short = city.name.removesuffix("市").removesuffix("土家族苗族自治州")
            group = self.new_org(
                f"{short}城市建设投资集团有限公司", "soe", city.code, "group",
                capital=500_000_000.0,
            )  # fmt: skip
            group.legal_rep = None
            self.sasac_group.append((sasac, group))
            for word in ("建设工程", "水务", "交通投资"):
                self.new_org(
                    f"{short}{word}有限公司", "soe", city.code, "subsidiary",
                    parent=group.org_id, capital=50_000_000.0,
                )  # fmt: skip
        del province_code
        for county in self.counties:
            city_gov = self.govs[county.parent_code]
            gov = self.new_org(
                f"{county.name}人民政府", "public_body", county.code, "gov", parent=city_gov.org_id
            )
            self.govs[county.code] = gov
            for dept in DEPARTMENTS:
                org = self.new_org(
                    f"{county.name}{dept}", "public_body", county.code, "dept", parent=gov.org_id
                )
                self.depts[(county.code, dept)] = org
            for v in range(self.scale.villages_per_county):
                a = VILLAGE_CHARS[v % len(VILLAGE_CHARS)]
                b = VILLAGE_CHARS[(v // len(VILLAGE_CHARS) + v * 7 + 3) % len(VILLAGE_CHARS)]
                self.new_org(
                    f"{county.name}{a}{b}{v // 961 or ''}村民委员会", "village_committee",
                    county.code, "village", parent=gov.org_id,
                )  # fmt: skip
            ind = INDUSTRIES[mix(self.seed, len(self.orgs)) % len(INDUSTRIES)][0]
            self.new_org(f"{county.name}{ind}协会", "social_org", county.code, "social")
        self.company_base = self.org_counter
        self._staff()

    sasac_group: list[tuple[Org, Org]] = field(default_factory=list)
    _companies: dict[int, Org] = field(default_factory=dict)
    company_base: int = 0

    def _staff(self) -> None:
        titles = {
            "gov": ("长", "正处级", "副职", "副处级"),
            "dept": ("局长", "正科级", "副局长", "副科级"),
            "sasac": ("主任", "正处级", "副主任", "副处级"),
            "group": ("董事长", "正处级", "总经理", "副处级"),
            "subsidiary": ("董事长", "正科级", "总经理", "副科级"),
        }
        person = 0
        bodies = [o for o in self.orgs if o.role in titles]
        by_county: dict[str, list[Org]] = {}
        for o in bodies:
            if o.role == "dept":
                by_county.setdefault(o.region, []).append(o)
        for o in bodies:
            head, head_rank, deputy, deputy_rank = titles[o.role]
            if o.role == "gov":
                head = ("市长" if self.division[o.region].level == "city" else
                        ("区长" if o.name.endswith("区人民政府") else "县长"))  # fmt: skip
                deputy = "副" + head
            for k in range(self.scale.staff_per_body):
                h = mix(self.seed, person, 41)
                start = dt.date(2008 + h % 13, 1 + (h >> 8) % 12, 1)
                if k == 0:
                    title, rank, leading = head, head_rank, True
                elif k <= 2:
                    title, rank, leading = deputy, deputy_rank, True
                else:
                    title, rank, leading = ("科员" if k % 2 else "办事员"), "", False
                post = Post(person, o, title, rank, leading, start)
                self.posts.append(post)
                if k == 3 and o.role == "dept":
                    self.approvers[o.org_id] = person
                elif k >= 4 and o.role == "dept" and unit(self.seed, person, 42) < 0.15:
                    # transferred to another department of the county at a month's end
                    year, month = codes.add_months(2022, 1, int(unit(self.seed, person, 43) * 34))
                    post.end = codes.month_end(year, month)
                    others = [d for d in by_county[o.region] if d is not o]
                    target = others[mix(self.seed, person, 44) % len(others)]
                    y2, m2 = codes.add_months(year, month, 1)
                    self.posts.append(
                        Post(person, target, title, rank, leading, codes.month_start(y2, m2))
                    )
                person += 1
        for o in self.orgs:
            if o.role == "village":
                for title in ("村党支部书记", "村民委员会主任"):
                    h = mix(self.seed, person, 45)
                    self.posts.append(
                        Post(person, o, title, "", False, dt.date(2011 + h % 10, 1 + h % 12, 1))
                    )
                    person += 1
        self.official_count = person
        self.relative_count = sum(1 + mix(self.seed, g, 46) % 3 for g in range(person))

    # ---- companies (functions of their index) ------------------------------------------
    def company(self, j: int) -> Org:
        """Company j (remembered: the same companies come back contract after contract)."""
        org = self._companies.get(j)
        if org is None:
            if len(self._companies) >= 100_000:
                self._companies.clear()
            org = self._companies[j] = self._company(j)
        return org

    def _company(self, j: int) -> Org:
        n = self.company_base + 1 + j
        h = mix(self.seed, j, 51)
        county = self.counties[j % len(self.counties)]
        short = county.name[:2]
        q, L = j // len(self.counties), len(BRAND_CHARS)
        brand = BRAND_CHARS[q % L] + BRAND_CHARS[(q // L + q) % L]
        industry = INDUSTRIES[(h >> 8) % len(INDUSTRIES)][0]
        suffix = str(q // (L * L)) if q >= L * L else ""
        owner = self.global_index("business", 2 * j)
        capital = (1 + (h >> 16) % 200) * 100_000.0
        return Org(
            org_id=oid(n),
            name=f"湖南{short}{brand}{suffix}{industry}有限公司",
            kind="company",
            region=county.code,
            uscc=uscc("9", "1", county.code, mix(n, 31)),
            founded=dt.date(1996 + (h >> 24) % 22, 1 + (h >> 32) % 12, 1 + (h >> 40) % 28),
            capital=capital,
            address=f"{self.place(county.code)}{ROADS[j % len(ROADS)]}{j // len(ROADS) + 1}号",
            phone=f"0731-{2_000_000 + j:08d}",
            legal_rep=self.ref(owner, 1),
            role="company",
        )

    def company_ties(
        self, j: int, org: Org
    ) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
        """Ownership and directorship rows of company j."""
        a = self.global_index("business", 2 * j)
        b = a + 1
        h = mix(self.seed, j, 52)
        start = org.founded
        owners: list[tuple[object, ...]] = []
        if h % 3:
            owners.append((self.ref(a, 2), "person", org.org_id, "100", start, None))
        else:
            owners.append((self.ref(a, 2), "person", org.org_id, "60", start, None))
            owners.append((self.ref(b, 2), "person", org.org_id, "40", start, None))
        role = ("manager", "director", "supervisor")[(h >> 4) % 3]
        directors: list[tuple[object, ...]] = [
            (self.ref(a, 3), org.org_id, "legal_representative", start, None),
            (self.ref(b, 3), org.org_id, role, start, None),
        ]
        return owners, directors


def pid(g: int) -> str:
    return f"P{g + 1:08d}"


def qid(g: int) -> str:
    return f"Q{g + 1:08d}"


def oid(n: int) -> str:
    return f"O{n:07d}"
