"""Chinese and English explanations of an OCDS indicator hit, with the figures to check.

Each sentence names the contracting process, what was measured, the value and the
threshold or fence it was compared with (fences as computed from the quartiles of all
processes or organizations, or as set in the parameters).
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from . import release as r
from .engine import Result
from .settings import Settings

GROUP_ZH = {"Buyer": "采购人", "ProcuringEntity": "采购代理/组织机构", "Tenderer": "投标人"}
GROUP_EN = {"Buyer": "buyer", "ProcuringEntity": "procuring entity", "Tenderer": "tenderer"}


def _n(value: Any) -> str:
    if isinstance(value, float):
        if value != value:
            return "NaN"
        if value.is_integer():
            return str(int(value))
        return f"{value:.4f}".rstrip("0").rstrip(".")
    return str(value)


def _fraction(result: Result, name: str, key: str) -> tuple[int, int]:
    state = result.state
    table = getattr(state, name, {}) if state is not None else {}
    numerator, denominator = table.get(key, (0, 0))
    return numerator, denominator


def _bids_text(bids: list[dict[str, Any]]) -> tuple[str, str]:
    zh, en = [], []
    for bid in bids:
        who = "、".join(bid["tenderers"]) or "?"
        amount = "" if bid["amount"] is None else f" {_n(bid['amount'])} {bid['currency'] or ''}"
        zh.append(f"{who}（{bid['status']}{amount}）")
        en.append(f"{', '.join(bid['tenderers']) or '?'} ({bid['status']}{amount})")
    return "；".join(zh), "; ".join(en)


def explain(
    code: str,
    ocid: str,
    result: Result,
    orgs: list[tuple[str, str]],
    evidence: dict[str, list[dict[str, Any]]],
    settings: Settings,
) -> tuple[str, str]:
    tender = evidence["ocds_tenders"][0]
    bids = evidence["ocds_bids"]
    value = result.results.get("OCID", {}).get(ocid, {}).get(code)
    meta = result.meta.get(code, {})
    bids_zh, bids_en = _bids_text(bids)
    if code == "R003":
        start, end = tender["start_date"], tender["end_date"]
        s, e = r.parse_rfc3339(start or ""), r.parse_rfc3339(end or "")
        days = r.whole_days(s, e) if s is not None and e is not None else "?"
        details = tender["procurement_method_details"]
        threshold = settings.get("R003", "procurement_method_details", {}).get(
            details, settings.get("R003", "threshold", 15)
        )
        return (
            f"招标 {ocid} 的投标期从 {start} 到 {end}，共 {days} 整天，短于 {threshold} 天的下限。",
            f"Tender {ocid}: the submission period runs from {start} to {end}, {days} whole "
            f"days, shorter than the minimum of {threshold} days.",
        )
    if code == "R018":
        method = tender["procurement_method"]
        return (
            f"招标 {ocid} 采用竞争性方式（{method}），只有 1 家投标人（numberOfTenderers = 1）。",
            f"Tender {ocid} used a competitive method ({method}) and received bids from a "
            "single tenderer (numberOfTenderers = 1).",
        )
    if code in ("R024", "R058"):
        low = code == "R024"
        fence = meta.get("lower_fence" if low else "upper_fence")
        word_zh = "低于或等于下限" if low else "高于或等于上限"
        word_en = "at or below the lower fence" if low else "at or above the upper fence"
        return (
            f"招标 {ocid} 中，次低有效报价比中标报价高 {_n(value)}（比例），{word_zh} "
            f"{_n(fence)}。有效报价：{bids_zh}。",
            f"Tender {ocid}: the second-lowest valid bid exceeds the winning bid by a ratio of "
            f"{_n(value)}, {word_en} of {_n(fence)}. Bids: {bids_en}.",
        )
    if code == "R028":
        prices: dict[tuple[Any, Any], list[str]] = defaultdict(list)
        for bid in bids:
            if bid["amount"] is not None and bid["status"] not in ("invited", "withdrawn"):
                prices[(bid["amount"], bid["currency"])].extend(bid["tenderers"])
        same = [(k, v) for k, v in prices.items() if len(set(v)) > 1]
        zh = "；".join(f"{_n(a)} {c}：{'、'.join(sorted(set(v)))}" for (a, c), v in same)
        en = "; ".join(f"{_n(a)} {c}: {', '.join(sorted(set(v)))}" for (a, c), v in same)
        return (
            f"招标 {ocid} 中，不同投标人提交了相同报价（{zh}）。",
            f"Tender {ocid}: different tenderers submitted bids with the same price ({en}).",
        )
    if code == "R030":
        end = tender["end_date"]
        late = [b for b in bids if b["status"] == "valid" and (b["date"] or "") > (end or "")]
        who = ", ".join(f"{'、'.join(b['tenderers'])} @ {b['date']}" for b in late)
        return (
            f"招标 {ocid} 的投标截止时间为 {end}，中标人的有效投标在截止后才提交（{who}）。",
            f"Tender {ocid}: the submission deadline was {end}, and the winner's valid bid "
            f"was received after it ({who}).",
        )
    if code == "R035":
        return (
            f"招标 {ocid} 中，唯一有效投标人中标，另有 {_n(value)} 家投标人的投标全部被取消资格。"
            f"投标：{bids_zh}。",
            f"Tender {ocid}: the single valid tenderer won, and {_n(value)} other tenderer(s) "
            f"had their bids disqualified. Bids: {bids_en}.",
        )
    if code == "R036":
        return (
            f"招标 {ocid} 以价格为唯一标准，但最低的已提交报价被取消资格。投标：{bids_zh}。",
            f"Tender {ocid}: the lowest submitted bid was disqualified although price is the "
            f"award criterion. Bids: {bids_en}.",
        )
    parts_zh, parts_en = [], []
    for group, org_id in orgs:
        org_value = result.results.get(group, {}).get(org_id, {}).get(code, 0.0)
        if code == "R025":
            won, bids_made = _fraction(result, "r025", org_id)
            fence = meta.get("lower_fence")
            parts_zh.append(
                f"投标人 {org_id} 在 {bids_made} 次有效投标中只中标 {won} 次（{_n(org_value)}），"
                f"低于或等于下限 {_n(fence)}，且投标次数不少于 {_n(meta.get('upper_fence'))}"
            )
            parts_en.append(
                f"tenderer {org_id} won {won} of its {bids_made} valid bids "
                f"({_n(org_value)}), at or below the lower fence of {_n(fence)}, with at least "
                f"{_n(meta.get('upper_fence'))} bids"
            )
        elif code == "R038":
            name = {"Buyer": "r038_buyer", "ProcuringEntity": "r038_procuring_entity"}.get(
                group, "r038_tenderer"
            )
            disq, total = _fraction(result, name, org_id)
            fence = meta.get(f"{group}_upper_fence")
            parts_zh.append(
                f"{GROUP_ZH[group]} {org_id} 的 {total} 份投标中有 {disq} 份被取消资格"
                f"（{_n(org_value)}），高于或等于上限 {_n(fence)}"
            )
            parts_en.append(
                f"{GROUP_EN[group]} {org_id} had {disq} of {total} submitted bids disqualified "
                f"({_n(org_value)}), at or above the upper fence of {_n(fence)}"
            )
        else:  # R048
            parts_zh.append(
                f"供应商 {org_id} 中标物品涉及 {_n(org_value)} 个不同大类，"
                f"高于或等于上限 {_n(meta.get('upper_fence'))}"
            )
            parts_en.append(
                f"supplier {org_id} was awarded items in {_n(org_value)} distinct top-level "
                f"classes, at or above the upper fence of {_n(meta.get('upper_fence'))}"
            )
    return (
        f"招标 {ocid} 的参与方存在异常：" + "；".join(parts_zh) + "。",
        f"Tender {ocid} involves a flagged organization: " + "; ".join(parts_en) + ".",
    )
