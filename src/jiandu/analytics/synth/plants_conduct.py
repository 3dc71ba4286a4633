"""Planted cases of the E models (eight-point regulations), each with near-misses."""

from __future__ import annotations

import datetime as dt

from .planter import Planter, adjusted_workdays, rest_days, workdays
from .vocab import LUXURY_ITEMS

D = dt.date
T = dt.datetime


def _body(pl: Planter, k: int, name: str = "财政局"):
    return pl.dept(pl.county(k), name)


def e01(pl: Planter, k: int) -> None:
    """A catering invoice of at least 2,000 on a non-working day."""
    buyer = _body(pl, k)
    days = rest_days(2023)
    day = days[(7 * k + 3) % len(days)]
    seller, code = pl.seller(k)
    i = pl.invoice(buyer, 2_000 + 450 * (k % 4), T.combine(day, dt.time(19, 20)), seller, code,
                   "catering", "公务接待用餐")  # fmt: skip
    pl.hit("E01", "invoice", i, f"catering on {day}, a non-working day")
    # near-misses: 1,999.00 on a rest day; 5,000 on a working weekend; lodging on a holiday
    s2, c2 = pl.seller(k)
    pl.invoice(buyer, 1_999, T.combine(days[(7 * k + 10) % len(days)], dt.time(12, 5)), s2, c2,
               "catering", "工作餐")  # fmt: skip
    adjusted = adjusted_workdays(2023)
    s3, c3 = pl.seller(k)
    pl.invoice(buyer, 5_000, T.combine(adjusted[k % len(adjusted)], dt.time(12, 30)), s3, c3,
               "catering", "会议用餐")  # fmt: skip
    s4, c4 = pl.seller(k)
    pl.invoice(buyer, 3_000, T.combine(D(2023, 10, 2), dt.time(21, 0)), s4, c4, "accommodation",
               "会议住宿")  # fmt: skip


def e02(pl: Planter, k: int) -> None:
    """Catering split into several invoices of one seller on one day."""
    buyer = _body(pl, k, "教育局")
    days = workdays(2023, 3 + k % 9)
    day = days[k % len(days)]
    seller, code = pl.seller(k)
    for n, amount in enumerate((2_000, 1_800, 1_500)):
        pl.invoice(buyer, amount, T.combine(day, dt.time(12 + n, 10)), seller, code, "catering",
                   "公务接待用餐")  # fmt: skip
    pl.hit("E02", "buyer_seller_day", f"{buyer.org_id}|{code}|{day}", "5,300 in three invoices")
    # consecutive numbers, no credit code: keyed by the seller's name
    day2 = days[(k + 5) % len(days)]
    s2, _ = pl.seller(k)
    base = 90_000_000 + 1_000 * pl.counters["invoice"] + pl.world.seed % 997
    for n, amount in enumerate((800, 900)):
        pl.invoice(buyer, amount, T.combine(day2, dt.time(12, 20 + n)), s2, None, "catering",
                   "工作餐", number=f"{base + n:08d}")  # fmt: skip
    pl.hit("E02", "buyer_seller_day", f"{buyer.org_id}|{s2}|{day2}", "consecutive invoice numbers")
    # near-misses: under the limit together; consecutive days; one invoice above the limit
    s3, c3 = pl.seller(k)
    day3 = days[(k + 9) % len(days)]
    for n, amount in enumerate((2_000, 2_800)):
        pl.invoice(buyer, amount, T.combine(day3, dt.time(12 + n, 0)), s3, c3, "catering", "工作餐")
    s4, c4 = pl.seller(k)
    for day4 in days[1:3]:
        pl.invoice(buyer, 3_000, T.combine(day4, dt.time(18, 0)), s4, c4, "catering", "会议用餐")
    s5, c5 = pl.seller(k)
    for amount in (6_000, 500):
        pl.invoice(
            buyer, amount, T.combine(days[4], dt.time(19, 0)), s5, c5, "catering", "会议用餐"
        )


def e03(pl: Planter, k: int) -> None:
    """Liquor, cigarettes or shopping cards invoiced under another category."""
    buyer = _body(pl, k, "交通运输局")
    days = workdays(2023, 1 + k % 11)
    category = ("office", "catering", "other")[k % 3]
    seller, code = pl.seller(k)
    item = LUXURY_ITEMS[k % len(LUXURY_ITEMS)]
    i = pl.invoice(buyer, 3_600, T.combine(days[2], dt.time(10, 0)), seller, code, category, item)
    pl.hit("E03", "invoice", i, f"{item} under {category}")
    # near-miss: a gift card invoiced as a gift
    s2, c2 = pl.seller(k)
    pl.invoice(buyer, 2_000, T.combine(days[5], dt.time(10, 0)), s2, c2, "gifts", "商场礼品卡")


def e04(pl: Planter, k: int) -> None:
    """Official-car refuelling away on a rest day, over the tank, or of another grade."""
    region = pl.county(k)
    away = pl.county(k + 1)
    owner = _body(pl, k, "住房和城乡建设局")
    city = pl.world.division[pl.world.division[region].parent_code]
    pl.counters["vehicle"] += 1
    plate = f"{city.plate}{(pl.counters['vehicle'] * 7 + 3) % 100_000:05d}"
    pl.rows["vehicles"].append((plate, owner.org_id, "official", region, 55, "92"))
    rest = rest_days(2023)
    work = workdays(2023, 6)
    rows: list[tuple[dt.date, str, float, str, str | None]] = [
        (rest[(5 * k + 20) % len(rest)], away, 40.0, "92", "a rest day away from home"),
        (work[1], region, 68.5, "92", "more litres than the tank holds"),
        (work[3], region, 40.0, "95", "another fuel grade"),
        # near-misses: a rest day at home; a working day away; exactly a full tank
        (rest[(5 * k + 30) % len(rest)], region, 45.0, "92", None),
        (work[5], away, 42.0, "92", None),
        (work[7], region, 55.0, "92", None),
    ]
    for n, (day, station, litres, grade, note) in enumerate(rows):
        pl.counters["fuel"] += 1
        txn = f"JY{pl.counters['fuel']:09d}"
        pl.rows["fuel_transactions"].append(
            (txn, plate, T.combine(day, dt.time(9, 10 + n)).isoformat(), f"{litres * 7.9:.2f}",
             f"FC{pl.counters['vehicle']:010d}", litres, grade, station)
        )  # fmt: skip
        if note:
            pl.hit("E04", "fuel_transaction", txn, note)
    # near-miss: a private car away on a rest day with another grade
    pl.counters["vehicle"] += 1
    private = f"{city.plate}{(pl.counters['vehicle'] * 7 + 3) % 100_000:05d}"
    pl.rows["vehicles"].append((private, None, "private", region, 50, "92"))
    pl.counters["fuel"] += 1
    pl.rows["fuel_transactions"].append(
        (f"JY{pl.counters['fuel']:09d}", private,
         T.combine(rest[k % len(rest)], dt.time(15, 0)).isoformat(), "316.00", None, 40.0, "95",
         away)
    )  # fmt: skip


PLANTS = {"E01": e01, "E02": e02, "E03": e03, "E04": e04}
