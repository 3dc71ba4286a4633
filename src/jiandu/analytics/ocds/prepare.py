"""Data-quality problems that stop the indicators from working, line by line.

`prepare(lines, settings)` does what cardinal-rs's `prepare` command does: it fills
defaults (`[defaults]`), maps local codes to OCDS codes (`[codelists.*]`), removes
placeholder values (`[redactions]`), applies `[corrections]` and `[modifications]`, and
yields, for each line, the corrected release and the problems found, each as a row
(line, ocid, path, array indexes, incorrect value, description). It also reports, as
rows, the lines cardinal-rs only logs: a line that is not JSON or not a JSON object, a
release without a string `ocid`, and tender period dates that are not RFC 3339.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from . import release as r
from .engine import BLANK
from .settings import Settings, split_pipe

BID_STATUS = frozenset({"invited", "pending", "valid", "disqualified", "withdrawn"})
AWARD_STATUS = frozenset({"pending", "active", "cancelled", "unsuccessful"})

Row = tuple[int, Any, str, str, str, str]


@dataclass
class Prepared:
    line: int
    release: dict[str, Any] | None
    problems: list[Row]


def _stringify(value: dict[str, Any], key: str) -> None:
    got = value.get(key)
    if not isinstance(got, bool) and isinstance(got, int | float):
        value[key] = orjson.dumps(got).decode()


class _Preparer:
    def __init__(self, settings: Settings) -> None:
        p = settings.prepare
        defaults = p.get("defaults", {})
        self.currency = defaults.get("currency")
        self.scheme = defaults.get("item_classification_scheme")
        self.bid_status = defaults.get("bid_status")
        self.award_status = defaults.get("award_status")
        self.party_roles = bool(defaults.get("party_roles", False))
        redactions = p.get("redactions", {})
        amounts = []
        for item in split_pipe(redactions.get("amount")):
            try:
                amounts.append(float(item))
            except ValueError:
                continue
        self.redact_amounts = sorted(amounts)
        self.redact_ids = frozenset(split_pipe(redactions.get("organization_id")))
        corrections = p.get("corrections", {})
        self.by_contract_status = bool(corrections.get("award_status_by_contract_status", False))
        mods = p.get("modifications", {})
        self.move_auctions = bool(mods.get("move_auctions", False))
        self.prefix_buyer = mods.get("prefix_buyer_or_procuring_entity_id") or ""
        self.prefix_tenderer = mods.get("prefix_tenderer_or_supplier_id") or ""
        self.split_details = mods.get("split_procurement_method_details")
        self.bid_codes = settings.codelists.get("bid_status", {})
        self.award_codes = settings.codelists.get("award_status", {})

    def _redacted_amount(self, amount: float) -> bool:
        i = bisect.bisect_left(self.redact_amounts, amount)
        return i < len(self.redact_amounts) and self.redact_amounts[i] == amount

    def _id_object(
        self, parent: Any, key: str, redact: frozenset[str], prefix: str, roles: Any, role: str
    ) -> None:
        target = parent.get(key) if isinstance(parent, dict) else None
        if isinstance(target, dict):
            self._id(target, redact, prefix, roles, role)

    def _id(
        self, target: dict[str, Any], redact: frozenset[str], prefix: str, roles: Any, role: str
    ) -> None:
        _stringify(target, "id")
        ident = target.get("id")
        if not isinstance(ident, str):
            return
        if ident in redact:
            del target["id"]
            return
        if not ident.startswith(prefix):
            ident = prefix + ident
            target["id"] = ident
        if roles is not None and ident in roles:
            roles[ident].add(role)

    def _id_array(
        self, parent: Any, key: str, redact: frozenset[str], prefix: str, roles: Any, role: str
    ) -> None:
        if not isinstance(parent, dict):
            return
        if isinstance(parent.get(key), dict):
            parent[key] = [parent[key]]
        for entry in r.arr(parent, key) or ():
            if isinstance(entry, dict):
                self._id(entry, redact, prefix, roles, role)

    def prepare(self, line: int, rel: dict[str, Any]) -> list[Row]:
        rows: list[Row] = []
        ocid = rel.get("ocid")
        if not isinstance(ocid, str):
            rows.append((line, ocid, "/ocid", "", "", "not set" if ocid is None else "invalid"))
        self._id_array(rel, "parties", self.redact_ids, "", None, "")
        roles: dict[str, set[str]] | None = None
        if self.party_roles:
            roles = {}
            for party in r.arr(rel, "parties") or ():
                ident = r.text(party, "id")
                if ident is not None:
                    roles[ident] = {x for x in r.arr(party, "roles") or () if isinstance(x, str)}
        self._id_object(rel, "buyer", self.redact_ids, self.prefix_buyer, roles, "buyer")
        tender = r.obj(rel, "tender")
        if tender is not None:
            prefix = self.prefix_buyer
            self._id_object(
                tender, "procuringEntity", self.redact_ids, prefix, roles, "procuringEntity"
            )
            details = r.text(tender, "procurementMethodDetails")
            if self.split_details and details is not None:
                tender["procurementMethodDetails"] = details.split(self.split_details)[0].rstrip()
            period = r.obj(tender, "tenderPeriod")
            for name in ("startDate", "endDate"):
                value = r.text(period, name)
                if value is not None and r.parse_rfc3339(value) is None:
                    path = f"/tender/tenderPeriod/{name}"
                    rows.append((line, ocid, path, "", value, "is not an RFC 3339 date-time"))
        if self.move_auctions:
            self._move_auctions(rel)
        self._bids(line, ocid, rel, roles, rows)
        self._awards(line, ocid, rel, roles, rows)
        if roles is not None:
            for party in r.arr(rel, "parties") or ():
                ident = r.text(party, "id")
                if ident is not None and roles.get(ident):
                    party["roles"] = sorted(roles[ident])
        return rows

    def _move_auctions(self, rel: dict[str, Any]) -> None:
        if "auctions" in rel and "bids" in rel:
            return
        auctions = r.arr(rel, "auctions")
        if auctions is None:
            return
        details: list[Any] = []
        for auction in auctions:
            for stage in r.arr(auction, "stages") or ():
                if isinstance(stage, dict) and isinstance(stage.get("bids"), list):
                    details.extend(stage.pop("bids"))
        rel["bids"] = {"details": details}

    def _scheme(
        self, line: int, ocid: Any, item: Any, path: str, index: str, rows: list[Row]
    ) -> None:
        classification = r.obj(item, "classification")
        if classification is not None and "scheme" not in classification:
            if self.scheme is not None:
                classification["scheme"] = self.scheme
            else:
                rows.append((line, ocid, path, index, "", "not set"))

    def _bids(self, line: int, ocid: Any, rel: dict[str, Any], roles: Any, rows: list[Row]) -> None:
        details = r.arr(r.obj(rel, "bids"), "details")
        for j, bid in enumerate(details or ()):
            value = r.obj(bid, "value")
            if value is not None:
                amount = r.number(value, "amount")
                if amount is not None:
                    if self._redacted_amount(amount):
                        del value["amount"]
                    elif amount == 0.0:
                        path = "/bids/details[]/value/amount"
                        rows.append((line, ocid, path, str(j), "", "is zero"))
                if "currency" not in value:
                    if self.currency is not None:
                        value["currency"] = self.currency
                    else:
                        rows.append(
                            (line, ocid, "/bids/details[]/value/currency", str(j), "", "not set")
                        )
            for k, item in enumerate(r.arr(bid, "items") or ()):
                path = "/bids/details[]/items[]/classification/scheme"
                self._scheme(line, ocid, item, path, f"{j}.{k}", rows)
            if not isinstance(bid, dict):
                continue
            if "status" not in bid:
                if self.bid_status is not None:
                    bid["status"] = self.bid_status
                else:
                    rows.append((line, ocid, "/bids/details[]/status", str(j), "", "not set"))
            status = r.text(bid, "status")
            if status is not None:
                status = self.bid_codes.get(status, status)
                bid["status"] = status
                if status not in BID_STATUS:
                    rows.append((line, ocid, "/bids/details[]/status", str(j), status, "invalid"))
            prefix = self.prefix_tenderer
            self._id_array(bid, "tenderers", self.redact_ids, prefix, roles, "tenderer")

    def _awards(
        self, line: int, ocid: Any, rel: dict[str, Any], roles: Any, rows: list[Row]
    ) -> None:
        cancelled: dict[str, bool] = {}
        if self.by_contract_status:
            for contract in r.arr(rel, "contracts") or ():
                if not isinstance(contract, dict):
                    continue
                _stringify(contract, "awardID")
                award_id = r.text(contract, "awardID")
                if award_id is not None:
                    is_cancelled = r.is_status(contract, "cancelled")
                    cancelled[award_id] = cancelled.get(award_id, True) and is_cancelled
        for j, award in enumerate(r.arr(rel, "awards") or ()):
            if not isinstance(award, dict):
                continue
            _stringify(award, "id")
            for k, item in enumerate(r.arr(award, "items") or ()):
                self._id_object(item, "classification", frozenset(), "", None, "")
                path = "/awards[]/items[]/classification/scheme"
                self._scheme(line, ocid, item, path, f"{j}.{k}", rows)
            if "status" not in award:
                if self.award_status is not None:
                    award["status"] = self.award_status
                else:
                    rows.append((line, ocid, "/awards[]/status", str(j), "", "not set"))
            status = r.text(award, "status")
            if status is not None:
                status = self.award_codes.get(status, status)
                award["status"] = status
                if status not in AWARD_STATUS:
                    rows.append((line, ocid, "/awards[]/status", str(j), status, "invalid"))
            award_id = r.text(award, "id")
            if self.by_contract_status and award_id is not None and cancelled.get(award_id):
                award["status"] = "cancelled"
            prefix = self.prefix_tenderer
            self._id_array(award, "suppliers", self.redact_ids, prefix, roles, "supplier")


def prepare(lines: Iterable[bytes | str], settings: Settings) -> Iterator[Prepared]:
    """Correct each release and report its problems; a line that is not a release
    yields no release and one problem row."""
    preparer = _Preparer(settings)
    for number, line in enumerate(lines, start=1):
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as exc:
            data = line.encode() if isinstance(line, str) else line
            if all(byte in BLANK for byte in data):
                continue
            yield Prepared(number, None, [(number, None, "", "", "", f"is invalid JSON ({exc})")])
            continue
        if not isinstance(value, dict):
            yield Prepared(number, None, [(number, None, "", "", "", "is not a JSON object")])
            continue
        yield Prepared(number, value, preparer.prepare(number, value))
