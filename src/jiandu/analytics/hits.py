"""The record a supervision model hands to the workflow half: one `Hit` per lead.

A hit names its subject the way REGISTERS.md section 3 defines subjects
(`subject_type`, `subject_id`), carries a score in [0, 1], the evidence rows that made
it (plain dicts of JSON-compatible values, grouped by register) and an explanation in
Chinese and English that a person can check by hand. `key` is stable across runs: the
same model finding the same subject again is the same lead.
"""

from __future__ import annotations

import datetime as dt
import decimal
import json
from dataclasses import dataclass, field
from typing import Any

SUBJECT_TYPES = frozenset(
    {
        "payment",
        "contract",
        "invoice",
        "tender",
        "fuel_transaction",
        "person",
        "org",
        "person_month",
        "person_org",
        "buyer_supplier_year",
        "buyer_supplier",
        "buyer_seller_day",
        "community",
    }
)


def _plain(value: Any) -> Any:
    """A JSON-compatible form of an evidence value (dates as ISO text, decimals as text)."""
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float) and value != value:  # NaN
        return None
    return value


@dataclass(frozen=True)
class Hit:
    model_id: str
    model_version: str
    subject_type: str
    subject_id: str
    score: float
    explanation_zh: str
    explanation_en: str
    evidence: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    # Ids of the resolved people and organizations the hit involves, for linking and
    # for deciding who may see it (a hit naming a leading cadre is restricted).
    person_ids: tuple[str, ...] = ()
    org_ids: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if self.subject_type not in SUBJECT_TYPES:
            raise ValueError(f"unknown subject type {self.subject_type!r}")
        if not self.subject_id:
            raise ValueError("a hit needs a subject id")
        if not 0.0 <= self.score <= 1.0:
            raise ValueError(f"score {self.score} is outside [0, 1]")

    @property
    def key(self) -> str:
        """Stable identity of the lead across runs: model id and subject."""
        return f"{self.model_id}:{self.subject_type}:{self.subject_id}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "model_id": self.model_id,
            "model_version": self.model_version,
            "subject_type": self.subject_type,
            "subject_id": self.subject_id,
            "score": round(float(self.score), 6),
            "explanation_zh": self.explanation_zh,
            "explanation_en": self.explanation_en,
            "evidence": _plain(self.evidence),
            "person_ids": list(self.person_ids),
            "org_ids": list(self.org_ids),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Hit:
        return cls(
            model_id=str(data["model_id"]),
            model_version=str(data["model_version"]),
            subject_type=str(data["subject_type"]),
            subject_id=str(data["subject_id"]),
            score=float(data["score"]),
            explanation_zh=str(data["explanation_zh"]),
            explanation_en=str(data["explanation_en"]),
            evidence=dict(data.get("evidence") or {}),
            person_ids=tuple(data.get("person_ids") or ()),
            org_ids=tuple(data.get("org_ids") or ()),
        )

    def to_json(self) -> str:
        return json.dumps(self.to_dict(), ensure_ascii=False, sort_keys=True)
