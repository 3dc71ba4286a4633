"""Per-release work of each indicator (cardinal-rs's `fold`), applied in file order.

`State` holds what the finalizing step needs: results already decided per contracting
process, and the accumulators of the indicators that compare across processes (ratios
per process, fractions per organization, classifications per supplier).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from . import release as r
from .facts import Facts
from .settings import Settings, split_pipe
from .stats import divide

GROUPS = ("OCID", "Buyer", "ProcuringEntity", "Tenderer")


@dataclass
class Config:
    """Settings resolved once: defaults applied, lists parsed."""

    settings: Settings
    codes: frozenset[str]
    currency: str | None
    price_include: frozenset[str]
    price_exclude: frozenset[str]
    exclude_details: frozenset[str]
    map: bool
    r003_threshold: int = 15
    r003_methods: frozenset[str] = frozenset()
    r003_details: dict[str, int] = field(default_factory=dict)
    r018_methods: frozenset[str] = frozenset({"open", "selective"})
    r035_threshold: int = 1
    r048_digits: int = 2

    @classmethod
    def of(cls, settings: Settings, *, map: bool = False) -> Config:
        s = settings
        r018 = s.get("R018", "procurement_methods")
        return cls(
            settings=s,
            codes=frozenset(s.indicators),
            currency=s.currency,
            price_include=frozenset(split_pipe(s.price_comparison_procurement_methods)),
            price_exclude=frozenset(split_pipe(s.no_price_comparison_procurement_methods)),
            exclude_details=frozenset(split_pipe(s.exclusions.get("procurement_method_details"))),
            map=map,
            r003_threshold=s.get("R003", "threshold", 15),
            r003_methods=frozenset(split_pipe(s.get("R003", "procurement_methods"))),
            r003_details=dict(s.get("R003", "procurement_method_details", {})),
            r018_methods=frozenset(split_pipe("open|selective" if r018 is None else r018)),
            r035_threshold=max(s.get("R035", "threshold", 1), 1),
            r048_digits=s.get("R048", "digits", 2),
        )


@dataclass
class State:
    config: Config
    results: dict[str, dict[str, dict[str, float]]] = field(
        default_factory=lambda: {g: {} for g in GROUPS}
    )
    meta: dict[str, dict[str, float]] = field(default_factory=dict)
    maps: dict[str, dict[str, Any]] = field(default_factory=dict)
    currency: str | None = None
    # ocid -> (difference, winner, lowest non-winner); later lines replace earlier ones.
    second_lowest: dict[str, tuple[float, str, str]] = field(default_factory=dict)
    r025: dict[str, list[int]] = field(default_factory=dict)
    r038_buyer: dict[str, list[int]] = field(default_factory=dict)
    r038_procuring_entity: dict[str, list[int]] = field(default_factory=dict)
    r038_tenderer: dict[str, list[int]] = field(default_factory=dict)
    r048: dict[str, tuple[list[int], set[str]]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)
    lines: int = 0
    releases: int = 0

    def config_setting(self, code: str, name: str, default: Any) -> Any:
        return self.config.settings.get(code, name, default)

    def config_threshold(self, code: str) -> Any:
        return self.config.settings.get(code, "threshold", None)

    def flag(self, group: str, key: str, code: str, value: float) -> None:
        self.results[group].setdefault(key, {})[code] = float(value)

    def map_add(self, name: str, ocid: str, value: str) -> None:
        if self.config.map:
            self.maps.setdefault(name, {}).setdefault(ocid, set()).add(value)

    def main_currency(self, currency: str) -> str:
        """The main currency: the configured one, else the first observed."""
        if self.currency is None:
            self.currency = self.config.currency if self.config.currency is not None else currency
        return self.currency


def _price_comparable(state: State, release: r.Release) -> bool:
    c = state.config
    return r.matches_procurement_method_details(release, c.price_include, c.price_exclude)


def tenderers_map(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    for bid in facts.submitted:
        for tenderer_id in bid.ids:
            state.map_add("ocid_tenderer", ocid, tenderer_id)


def second_lowest_bid_ratio(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    if not _price_comparable(state, release):
        return
    supplier_id = facts.sole_winner()
    if supplier_id is None:
        return
    winner = winner_amount = loser = loser_amount = None
    for bid in facts.bids or ():
        amount, currency, tenderer_id = bid.amount, bid.currency, bid.first_id
        if (
            bid.status != "valid"
            or amount is None
            or currency is None
            or bid.tenderers != 1
            or tenderer_id is None
        ):
            continue
        if currency != state.main_currency(currency):
            state.skipped["other_currency"] += 1
            continue
        if supplier_id == tenderer_id:
            if winner_amount is None or amount < winner_amount:
                winner, winner_amount = tenderer_id, amount
        elif loser_amount is None or amount < loser_amount:
            loser, loser_amount = tenderer_id, amount
    if (
        winner is not None
        and winner_amount is not None
        and loser is not None
        and loser_amount is not None
        and loser_amount >= winner_amount
    ):
        ratio = divide(loser_amount - winner_amount, winner_amount)
        state.second_lowest[ocid] = (ratio, winner, loser)


def r003(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    c = state.config
    tender = r.obj(release, "tender")
    if tender is None:
        state.skipped["R003_dates"] += 1
        return
    if not r.matches_procurement_method(tender, c.r003_methods):
        return
    period = r.obj(tender, "tenderPeriod")
    start_text, end_text = r.text(period, "startDate"), r.text(period, "endDate")
    start = r.parse_rfc3339(start_text) if start_text is not None else None
    end = r.parse_rfc3339(end_text) if end_text is not None else None
    if start is None or end is None:
        state.skipped["R003_dates"] += 1
        return
    details = r.text(tender, "procurementMethodDetails")
    threshold = c.r003_threshold
    if details is not None and details in c.r003_details:
        threshold = c.r003_details[details]
    if r.whole_days(start, end) < threshold:
        state.flag("OCID", ocid, "R003", 1.0)


def r018(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    tender = r.obj(release, "tender")
    if tender is None or not r.matches_procurement_method(tender, state.config.r018_methods):
        return
    count = tender.get("numberOfTenderers")
    if type(count) is int and count == 1:
        state.flag("OCID", ocid, "R018", 1.0)


def r025(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    supplier_id = facts.sole_winner()
    if supplier_id is None:
        return
    valid = {
        b.first_id
        for b in facts.bids or ()
        if b.status == "valid" and b.tenderers == 1 and b.first_id is not None
    }
    for tenderer_id in valid:
        fraction = state.r025.setdefault(tenderer_id, [0, 0])
        fraction[0] += supplier_id == tenderer_id
        fraction[1] += 1


def r028(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    if not _price_comparable(state, release):
        return
    prices: dict[tuple[float, str], set[str]] = {}
    for bid in facts.submitted:
        amount, currency = bid.amount, bid.currency
        if bid.tenderers < 0 or amount is None or currency is None or not bid.ids:
            continue
        ids = set(bid.ids)
        price = (amount, currency)
        other = prices.get(price)
        if other is not None and ids != other:
            state.flag("OCID", ocid, "R028", 1.0)
            for tenderer_id in ids | other:
                state.flag("Tenderer", tenderer_id, "R028", 1.0)
                state.map_add("ocid_tenderer_r028", ocid, tenderer_id)
        prices[price] = ids


def r030(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    end_date = r.text(r.obj(r.obj(release, "tender"), "tenderPeriod"), "endDate")
    if end_date is None or facts.awards is None or facts.bids is None:
        return
    suppliers: set[str] = set()
    for award in facts.awards:
        if award.status == "active" and award.suppliers >= 0:
            suppliers.update(award.supplier_ids)
    for bid in facts.bids:
        date = bid.date
        if bid.status != "valid" or date is None or bid.tenderers < 0 or not date > end_date:
            continue
        for tenderer_id in bid.ids:
            if tenderer_id in suppliers:
                state.flag("OCID", ocid, "R030", 1.0)
                state.flag("Tenderer", tenderer_id, "R030", 1.0)
                state.map_add("ocid_tenderer_r030", ocid, tenderer_id)


def r035(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    complete = facts.complete_awards()
    if complete is None:
        return
    suppliers: set[str] = set()
    for award in complete:
        suppliers.update(award.supplier_ids)
    valid: set[str] = set()
    disqualified: set[str] = set()
    for bid in facts.bids or ():
        if bid.tenderers < 0:
            continue
        if bid.status == "valid":
            valid.update(bid.ids)
        elif bid.status == "disqualified":
            disqualified.update(bid.ids)
    if len(valid) == 1 and valid == suppliers:
        difference = len(disqualified - valid)
        if difference >= state.config.r035_threshold:
            state.flag("OCID", ocid, "R035", float(difference))
            (winner,) = valid
            state.flag("Tenderer", winner, "R035", 0.0)
            state.map_add("ocid_tenderer_r035", ocid, winner)


def r036(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    if not _price_comparable(state, release):
        return
    if facts.awards is None or not any(a.status == "active" for a in facts.awards):
        return
    lowest: float | None = None
    lowest_disqualified = False
    valid_with_amount = False
    for bid in facts.submitted:
        amount, currency = bid.amount, bid.currency
        if amount is None or currency is None:
            continue
        if currency != state.main_currency(currency):
            state.skipped["other_currency"] += 1
            continue
        if lowest is None or amount < lowest:
            lowest = amount
            lowest_disqualified = bid.status == "disqualified"
        if bid.status == "valid":
            valid_with_amount = True
    if valid_with_amount and lowest_disqualified:
        state.flag("OCID", ocid, "R036", 1.0)


def r038(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    bids = facts.submitted
    if not bids:
        return
    disqualified = 0
    tenderers = state.r038_tenderer
    for bid in bids:
        increment = int(bid.status == "disqualified")
        disqualified += increment
        for tenderer_id in bid.ids:
            fraction = tenderers.get(tenderer_id)
            if fraction is None:
                tenderers[tenderer_id] = [increment, 1]
            else:
                fraction[0] += increment
                fraction[1] += 1
    buyer_id = r.text(r.obj(release, "buyer"), "id")
    if buyer_id is not None:
        fraction = state.r038_buyer.setdefault(buyer_id, [0, 0])
        fraction[0] += disqualified
        fraction[1] += len(bids)
        if state.config.map and disqualified:
            state.maps.setdefault("ocid_buyer_r038", {})[ocid] = buyer_id
    entity_id = r.text(r.obj(r.obj(release, "tender"), "procuringEntity"), "id")
    if entity_id is not None:
        fraction = state.r038_procuring_entity.setdefault(entity_id, [0, 0])
        fraction[0] += disqualified
        fraction[1] += len(bids)
        if state.config.map and disqualified:
            state.maps.setdefault("ocid_procuringentity_r038", {})[ocid] = entity_id


def r048(state: State, release: r.Release, ocid: str, facts: Facts) -> None:
    digits = state.config.r048_digits
    observed: set[str] = set()
    for award in facts.awards or ():
        supplier_id = award.first_supplier
        codes = award.classifications
        if award.status != "active" or codes is None or award.suppliers != 1 or supplier_id is None:
            continue
        for code in codes:
            entry = state.r048.get(supplier_id)
            if entry is None:
                entry = state.r048[supplier_id] = ([0], set())
            if supplier_id not in observed:
                observed.add(supplier_id)
                entry[0][0] += 1
                state.map_add("ocid_supplier_r048", ocid, supplier_id)
            entry[1].add(code[:digits])


FOLDS = {
    "R003": r003,
    "R018": r018,
    "R025": r025,
    "R028": r028,
    "R030": r030,
    "R035": r035,
    "R036": r036,
    "R038": r038,
    "R048": r048,
}
