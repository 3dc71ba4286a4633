"""One pass over a release's bids and awards, keeping only typed values.

The indicators look at the same few members of every bid and award; reading them once
per release, with cardinal-rs's type checks applied (a member of another JSON type is
absent, an element that is not an object is skipped), keeps the per-release work flat.
"""

from __future__ import annotations

from typing import Any, NamedTuple

SUBMITTED_EXCLUDED = frozenset({"invited", "withdrawn"})


class Bid(NamedTuple):
    status: str | None
    ids: tuple[str, ...]  # ids of the tenderers that are objects with a string id
    tenderers: int  # length of `tenderers`, or -1 if it is not an array
    first_id: str | None  # id of the first tenderer
    has_value: bool  # `value` is an object
    amount: float | None
    currency: str | None
    date: str | None


class Award(NamedTuple):
    status: str | None
    supplier_ids: tuple[str, ...]
    suppliers: int  # length of `suppliers`, or -1 if it is not an array
    first_supplier: str | None
    classifications: tuple[str, ...] | None  # ids of item classifications; None: no items


def _ids(entries: Any) -> tuple[tuple[str, ...], int, str | None]:
    if not isinstance(entries, list):
        return (), -1, None
    ids = []
    first = None
    for index, entry in enumerate(entries):
        if isinstance(entry, dict):
            ident = entry.get("id")
            if isinstance(ident, str):
                ids.append(ident)
                if index == 0:
                    first = ident
    return tuple(ids), len(entries), first


def bids_of(release: dict[str, Any]) -> list[Bid] | None:
    """The bids (objects) of `/bids/details`, or None if it is not an array."""
    bids = release.get("bids")
    details = bids.get("details") if isinstance(bids, dict) else None
    if not isinstance(details, list):
        return None
    out = []
    for bid in details:
        if not isinstance(bid, dict):
            continue
        status = bid.get("status")
        ids, count, first = _ids(bid.get("tenderers"))
        value = bid.get("value")
        amount = currency = None
        if isinstance(value, dict):
            raw = value.get("amount")
            if isinstance(raw, int | float) and not isinstance(raw, bool):
                try:
                    amount = float(raw)
                except OverflowError:
                    amount = None
            currency = value.get("currency")
        date = bid.get("date")
        out.append(
            Bid(
                status if isinstance(status, str) else None,
                ids,
                count,
                first,
                isinstance(value, dict),
                amount,
                currency if isinstance(currency, str) else None,
                date if isinstance(date, str) else None,
            )
        )
    return out


def awards_of(release: dict[str, Any]) -> list[Award] | None:
    """The awards (objects) of `/awards`, or None if it is not an array."""
    awards = release.get("awards")
    if not isinstance(awards, list):
        return None
    out = []
    for award in awards:
        if not isinstance(award, dict):
            continue
        status = award.get("status")
        ids, count, first = _ids(award.get("suppliers"))
        items = award.get("items")
        codes: tuple[str, ...] | None = None
        if isinstance(items, list):
            found = []
            for item in items:
                classification = item.get("classification") if isinstance(item, dict) else None
                code = classification.get("id") if isinstance(classification, dict) else None
                if isinstance(code, str):
                    found.append(code)
            codes = tuple(found)
        out.append(Award(status if isinstance(status, str) else None, ids, count, first, codes))
    return out


class Facts:
    """The bids and awards of one release, read once, with the views indicators share."""

    __slots__ = ("_complete", "awards", "bids", "submitted")

    def __init__(self, release: dict[str, Any]) -> None:
        self.bids = bids_of(release)
        self.awards = awards_of(release)
        self.submitted = [
            b
            for b in self.bids or ()
            if b.status is not None and b.status not in SUBMITTED_EXCLUDED
        ]
        self._complete: list[Award] | bool | None = False

    def complete_awards(self) -> list[Award] | None:
        """The active awards if bids exist and every award with a status is final."""
        if self._complete is False:
            self._complete = self._final()
        return self._complete  # type: ignore[return-value]

    def _final(self) -> list[Award] | None:
        if self.awards is None or self.bids is None:
            return None
        complete = []
        for award in self.awards:
            if award.status is None:
                continue
            if award.status == "active":
                complete.append(award)
            elif award.status not in ("cancelled", "unsuccessful"):
                return None
        return complete

    def sole_winner(self) -> str | None:
        """The supplier of the only active award, if it has exactly one supplier."""
        complete = self.complete_awards()
        if complete is None or len(complete) != 1:
            return None
        award = complete[0]
        return award.first_supplier if award.suppliers == 1 else None
