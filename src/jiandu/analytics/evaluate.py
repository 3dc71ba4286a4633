"""Scoring a model run against the ground truth of a synthetic world (REGISTERS.md
section 3): per model, planted cases, hits, true positives, precision, recall and F1.

Matching: a subject id is split on `|` into parts; a truth part may list several record
ids of one person or organization joined by `;`, and a hit part matches when it is one
of them. A community matches when the Jaccard similarity of its members with the
planted community is at least 0.5.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from jiandu.analytics.hits import Hit

COMMUNITY_JACCARD = 0.5


@dataclass(frozen=True)
class TruthRow:
    model_id: str
    subject_type: str
    subject_id: str
    note: str = ""


@dataclass
class ModelScore:
    model_id: str
    planted: int
    hits: int
    true_positives: int  # planted cases found
    matched_hits: int  # hits that match a planted case
    status: str = "ok"  # ok | not run

    @property
    def precision(self) -> float | None:
        return self.matched_hits / self.hits if self.hits else None

    @property
    def recall(self) -> float | None:
        return self.true_positives / self.planted if self.planted else None

    @property
    def f1(self) -> float | None:
        p, r = self.precision, self.recall
        if p is None or r is None or p + r == 0:
            return None
        return 2 * p * r / (p + r)

    def passes(self, min_recall: float, min_precision: float) -> bool:
        if self.status != "ok":
            return True
        recall, precision = self.recall, self.precision
        if recall is not None and recall < min_recall:
            return False
        return not (precision is not None and precision < min_precision)


class TruthError(ValueError):
    pass


def read_truth(path: Path) -> list[TruthRow]:
    """Rows of truth.csv (model_id, subject_type, subject_id, note)."""
    if not path.is_file():
        raise TruthError(f"{path}: no such file")
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = {"model_id", "subject_type", "subject_id"} - set(reader.fieldnames or [])
        if missing:
            raise TruthError(f"{path}: missing columns {', '.join(sorted(missing))}")
        rows = []
        for number, row in enumerate(reader, start=2):
            if not row.get("model_id") or not row.get("subject_id"):
                raise TruthError(f"{path}, row {number}: model_id and subject_id are required")
            rows.append(
                TruthRow(
                    row["model_id"].strip(),
                    (row.get("subject_type") or "").strip(),
                    row["subject_id"].strip(),
                    (row.get("note") or "").strip(),
                )
            )
    return rows


def matches(subject_type: str, truth_id: str, hit_id: str) -> bool:
    if subject_type == "community":
        planted = {m for m in truth_id.split(";") if m}
        found = {m for m in hit_id.split(";") if m}
        union = planted | found
        return bool(union) and len(planted & found) / len(union) >= COMMUNITY_JACCARD
    truth_parts = truth_id.split("|")
    hit_parts = hit_id.split("|")
    if len(truth_parts) != len(hit_parts):
        return False
    return all(h == t or h in t.split(";") for t, h in zip(truth_parts, hit_parts, strict=True))


def score_model(model_id: str, truth: list[TruthRow], hits: list[Hit]) -> ModelScore:
    found = set()
    matched = 0
    for hit in hits:
        hit_matched = False
        for index, row in enumerate(truth):
            if matches(row.subject_type or hit.subject_type, row.subject_id, hit.subject_id):
                found.add(index)
                hit_matched = True
        matched += hit_matched
    return ModelScore(model_id, len(truth), len(hits), len(found), matched)


def evaluate(
    hits: Iterable[Hit], truth: list[TruthRow], models_run: Iterable[str]
) -> list[ModelScore]:
    """One score per model that ran or has planted cases, in model-id order."""
    ran = set(models_run)
    by_model: dict[str, list[Hit]] = {}
    for hit in hits:
        by_model.setdefault(hit.model_id, []).append(hit)
    planted: dict[str, list[TruthRow]] = {}
    for row in truth:
        planted.setdefault(row.model_id, []).append(row)
    scores = []
    for model_id in sorted(ran | set(planted)):
        score = score_model(model_id, planted.get(model_id, []), by_model.get(model_id, []))
        if model_id not in ran:
            score.status = "not run"
        scores.append(score)
    return scores
