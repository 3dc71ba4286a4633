"""The OCDS indicators as catalogue models: hits over the warehouse's `ocds_releases`.

`hits(con, code, params)` streams the compiled releases of `ocds_releases(ocid, release,
source_file, line_no)` in file order through the same engine as `jiandu ocds indicators`,
so a hit exists exactly where cardinal-rs flags the contracting process, or flags an
organization (buyer, procuring entity, tenderer, supplier) taking part in it. Each hit's
subject is the tender (`subject_id` = ocid); its evidence is the release's location and
its bids and awards; its explanation gives the numbers a person can check by hand.
`r003(con, params)` ... `r058(con, params)` are the catalogue entrypoints, and `batch(con,
{code: params})` computes several indicators in one pass (the catalogue's `batch`).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from typing import Any

import orjson

from jiandu.analytics.hits import Hit

from . import release as r
from .engine import Result, run
from .explain import explain
from .parallel import run_warehouse
from .settings import (
    CODES,
    GLOBAL_FIELDS,
    INDICATOR_FIELDS,
    Settings,
    SettingsError,
    from_mapping,
)

VERSION = "1.0"
BATCH = 10_000
# Organization-level results and the map from contracting processes to the organization.
ORG_MAPS = {
    ("Buyer", "R038"): "ocid_buyer_r038",
    ("ProcuringEntity", "R038"): "ocid_procuringentity_r038",
    ("Tenderer", "R025"): "ocid_tenderer",
    ("Tenderer", "R038"): "ocid_tenderer",
    ("Tenderer", "R048"): "ocid_supplier_r048",
}


def settings_for(code: str, params: Mapping[str, Any]) -> Settings:
    """Settings enabling `code` alone; empty or None parameters keep their defaults."""
    section, shared = _sections(code, params)
    return from_mapping({**shared, code: section})


def _sections(code: str, params: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """`code`'s own settings section and the global settings its parameters set."""
    if code not in CODES:
        raise SettingsError(f"unknown indicator {code!r}; expected one of {', '.join(CODES)}")
    section: dict[str, Any] = {}
    shared: dict[str, Any] = {}
    for name, value in params.items():
        if value is None or value == "":
            continue
        if name in INDICATOR_FIELDS[code]:
            if INDICATOR_FIELDS[code][name] == "map" and isinstance(value, str):
                value = _pairs(value, f"{code}.{name}")
            section[name] = value
        elif name in GLOBAL_FIELDS:
            shared[name] = value
        elif name == "exclude_procurement_method_details":
            shared["exclusions"] = {"procurement_method_details": value}
        else:
            raise SettingsError(f"{code}: unknown parameter {name!r}")
    return section, shared


def _pairs(text: str, where: str) -> dict[str, str]:
    """`emergency=10|international=25`, the one-line form of a map section."""
    pairs = {}
    for item in text.split("|"):
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise SettingsError(f"{where}: expected name=value|name=value, got {text!r}")
        pairs[name.strip()] = value.strip()
    return pairs


def _releases(con: Any) -> Iterator[str]:
    cursor = con.execute(
        "SELECT release FROM ocds_releases ORDER BY source_file, line_no NULLS LAST"
    )
    while True:
        rows = cursor.fetchmany(BATCH)
        if not rows:
            return
        for (text,) in rows:
            yield text if text is not None else ""


def _scores(code: str, result: Result) -> dict[str, tuple[float, list[tuple[str, str]]]]:
    """ocid -> (score, [(group, organization id)]) for every flagged process."""
    meta = result.meta.get(code, {})
    out: dict[str, tuple[float, list[tuple[str, str]]]] = {}
    for ocid, values in result.results.get("OCID", {}).items():
        if code in values:
            out[ocid] = (_process_score(code, values[code], meta), [])
    maps = result.maps or {}
    for group in ("Buyer", "ProcuringEntity", "Tenderer"):
        name = ORG_MAPS.get((group, code))
        if name is None:
            continue
        flagged = {k: v[code] for k, v in result.results.get(group, {}).items() if code in v}
        for ocid, ids in maps.get(name, {}).items():
            for org_id in [ids] if isinstance(ids, str) else sorted(ids):
                if org_id in flagged:
                    score = _org_score(code, group, flagged[org_id], meta)
                    old_score, orgs = out.get(ocid, (0.0, []))
                    out[ocid] = (max(old_score, score), [*orgs, (group, org_id)])
    return out


def _clip(value: float) -> float:
    """A flagged subject scores at least 0.5; how far past the fence adds up to 0.5."""
    if math.isnan(value):
        return 1.0
    return 0.5 + 0.5 * min(1.0, max(0.0, value))


def _process_score(code: str, value: float, meta: Mapping[str, float]) -> float:
    if code == "R024":
        fence = meta.get("lower_fence", math.nan)
        return _clip(1.0 - value / fence) if fence > 0 else 1.0
    if code == "R058":
        fence = meta.get("upper_fence", math.nan)
        return _clip(1.0 - fence / value) if value > 0 else 1.0
    if code == "R035":
        return value / (value + 1.0)  # one disqualified rival: 0.5, two: 0.67, ...
    return 1.0


def _org_score(code: str, group: str, value: float, meta: Mapping[str, float]) -> float:
    if code == "R025":
        fence = meta.get("lower_fence", math.nan)
        return _clip(1.0 - value / fence) if fence > 0 else 1.0
    if code == "R038":
        return _clip(value)
    fence = meta.get("upper_fence", math.nan)
    return _clip(1.0 - fence / value) if value > 0 else 1.0


def _evidence(con: Any, ocids: list[str]) -> dict[str, tuple[str, int, dict[str, Any]]]:
    """ocid -> (source file, line, parsed release) of the last release of each ocid."""
    found: dict[str, tuple[str, int, dict[str, Any]]] = {}
    for start in range(0, len(ocids), BATCH):
        chunk = ocids[start : start + BATCH]
        rows = con.execute(
            "SELECT ocid, source_file, line_no, release FROM ocds_releases "
            "WHERE ocid IN (SELECT unnest(?)) ORDER BY source_file, line_no NULLS LAST",
            [chunk],
        ).fetchall()
        for ocid, source_file, line_no, text in rows:
            try:
                value = orjson.loads(text)
            except orjson.JSONDecodeError:
                continue
            if isinstance(value, dict) and value.get("ocid") == ocid:
                found[ocid] = (source_file, line_no, value)
    return found


def _rows(source_file: str, line_no: int, rel: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    tender = r.obj(rel, "tender") or {}
    period = r.obj(tender, "tenderPeriod") or {}
    bids = []
    for index, bid in enumerate(r.arr(r.obj(rel, "bids"), "details") or ()):
        value = r.obj(bid, "value")
        tenderers = [r.text(t, "id") for t in r.arr(bid, "tenderers") or ()]
        bids.append(
            {
                "index": index,
                "status": r.text(bid, "status"),
                "tenderers": [t for t in tenderers if t is not None],
                "amount": r.number(value, "amount"),
                "currency": r.text(value, "currency"),
                "date": r.text(bid, "date"),
            }
        )
    awards = []
    for index, award in enumerate(r.arr(rel, "awards") or ()):
        suppliers = [r.text(s, "id") for s in r.arr(award, "suppliers") or ()]
        awards.append(
            {
                "index": index,
                "status": r.text(award, "status"),
                "suppliers": [s for s in suppliers if s is not None],
            }
        )
    return {
        "ocds_releases": [{"ocid": rel["ocid"], "source_file": source_file, "line_no": line_no}],
        "ocds_tenders": [
            {
                "ocid": rel["ocid"],
                "buyer_id": r.text(r.obj(rel, "buyer"), "id"),
                "procuring_entity_id": r.text(r.obj(tender, "procuringEntity"), "id"),
                "procurement_method": r.text(tender, "procurementMethod"),
                "procurement_method_details": r.text(tender, "procurementMethodDetails"),
                "number_of_tenderers": tender.get("numberOfTenderers"),
                "start_date": r.text(period, "startDate"),
                "end_date": r.text(period, "endDate"),
                "status": r.text(tender, "status"),
            }
        ],
        "ocds_bids": bids,
        "ocds_awards": awards,
    }


def hits(con: Any, code: str, params: Mapping[str, Any]) -> list[Hit]:
    """Compute indicator `code` over the warehouse's releases; one hit per flagged tender."""
    return batch(con, {code: params})[code]


def batch(con: Any, wanted: Mapping[str, Mapping[str, Any]]) -> dict[str, list[Hit]]:
    """Hits of several indicators ({code: params}) from one pass over the releases.

    Indicators are independent of each other given the global settings (main currency,
    price comparison methods, excluded method details), so every group of codes whose
    parameters agree on those is computed in a single pass; a catalogue run with default
    parameters reads the releases once instead of once per indicator.
    """
    groups: dict[bytes, dict[str, Any]] = {}
    for code, params in wanted.items():
        section, shared = _sections(code, params)
        key = orjson.dumps(shared, option=orjson.OPT_SORT_KEYS)
        groups.setdefault(key, dict(shared))[code] = section
    out: dict[str, list[Hit]] = {}
    for data in groups.values():
        settings = from_mapping(data)
        result = run_warehouse(con, settings, map=True) or run(_releases(con), settings, map=True)
        codes = [code for code in wanted if code in data]
        flagged = {code: _scores(code, result) for code in codes}
        found = _evidence(con, sorted({ocid for f in flagged.values() for ocid in f}))
        for code in codes:
            out[code] = _hits(code, flagged[code], found, result, settings)
    return out


def _hits(
    code: str,
    flagged: dict[str, tuple[float, list[tuple[str, str]]]],
    found: dict[str, tuple[str, int, dict[str, Any]]],
    result: Result,
    settings: Settings,
) -> list[Hit]:
    out = []
    for ocid, (score, orgs) in sorted(flagged.items()):
        if ocid not in found:
            continue
        source_file, line_no, rel = found[ocid]
        evidence = _rows(source_file, line_no, rel)
        zh, en = explain(code, ocid, result, orgs, evidence, settings)
        org_ids = tuple(dict.fromkeys(org for _, org in orgs))
        out.append(
            Hit(
                model_id=code,
                model_version=VERSION,
                subject_type="tender",
                subject_id=ocid,
                score=round(score, 6),
                explanation_zh=zh,
                explanation_en=en,
                evidence=evidence,
                org_ids=org_ids,
            )
        )
    return out


def _entrypoint(code: str) -> Callable[[Any, Mapping[str, Any]], list[Hit]]:
    def model(con: Any, params: Mapping[str, Any]) -> list[Hit]:
        return hits(con, code, params)

    model.__name__ = code.lower()
    model.__doc__ = f"Catalogue entrypoint of {code}: `hits(con, {code!r}, params)`."
    return model


r003 = _entrypoint("R003")
r018 = _entrypoint("R018")
r024 = _entrypoint("R024")
r025 = _entrypoint("R025")
r028 = _entrypoint("R028")
r030 = _entrypoint("R030")
r035 = _entrypoint("R035")
r036 = _entrypoint("R036")
r038 = _entrypoint("R038")
r048 = _entrypoint("R048")
r058 = _entrypoint("R058")
