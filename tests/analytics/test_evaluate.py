"""Scoring against truth.csv with REGISTERS.md section 3's matching rules."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.analytics.evaluate import TruthError, TruthRow, evaluate, matches, read_truth
from jiandu.analytics.hits import Hit


def hit(model_id: str, subject_type: str, subject_id: str) -> Hit:
    return Hit(model_id, "1.0", subject_type, subject_id, 0.9, "中文", "English")


def test_a_person_with_several_records_matches_any_of_them() -> None:
    assert matches("person", "p1;p7;p9", "p7")
    assert not matches("person", "p1;p7", "p8")
    assert matches("person_month", "p1;p7|2024-05", "p7|2024-05")
    assert not matches("person_month", "p1;p7|2024-05", "p7|2024-06")
    assert matches("person_org", "p1;p2|c1;c9", "p2|c9")
    assert matches("payment", "pay1", "pay1") and not matches("payment", "pay1", "pay11")
    assert not matches("buyer_supplier", "o1|c1", "o1|c1|2024")


def test_a_community_matches_at_jaccard_one_half() -> None:
    assert matches("community", "a;b;c;d", "a;b;c")  # 3/4
    assert matches("community", "a;b", "a;b;c;d")  # 2/4
    assert not matches("community", "a;b;c", "a;d;e;f")  # 1/6


def test_precision_recall_and_f1_per_model() -> None:
    truth = [
        TruthRow("P01", "payment", "pay1"),
        TruthRow("P01", "payment", "pay2"),
        TruthRow("P05", "person_month", "p1;p1b|2024-03"),
        TruthRow("C02", "community", "a;b"),
    ]
    hits = [
        hit("P01", "payment", "pay1"),
        hit("P01", "payment", "pay3"),
        hit("P05", "person_month", "p1b|2024-03"),
        hit("E01", "invoice", "i1"),
    ]
    scores = {s.model_id: s for s in evaluate(hits, truth, ["P01", "P05", "E01"])}
    p01 = scores["P01"]
    assert (p01.planted, p01.hits, p01.true_positives) == (2, 2, 1)
    assert p01.precision == 0.5 and p01.recall == 0.5 and p01.f1 == 0.5
    assert scores["P05"].recall == 1.0 and scores["P05"].precision == 1.0
    assert scores["E01"].precision == 0.0 and scores["E01"].recall is None
    assert not scores["E01"].passes(0.95, 0.9)
    assert scores["C02"].status == "not run" and scores["C02"].passes(0.95, 0.9)
    assert not p01.passes(0.95, 0.0) and not p01.passes(0.0, 0.9) and p01.passes(0.5, 0.5)


def test_read_truth_names_the_file_and_row(tmp_path: Path) -> None:
    good = tmp_path / "truth.csv"
    good.write_text("model_id,subject_type,subject_id,note\nP01,payment,pay1,planted\n")
    assert read_truth(good) == [TruthRow("P01", "payment", "pay1", "planted")]
    bad = tmp_path / "bad.csv"
    bad.write_text("model_id,subject_id\nP01,\n")
    with pytest.raises(TruthError, match="missing columns subject_type"):
        read_truth(bad)
    bad.write_text("model_id,subject_type,subject_id\nP01,payment,\n")
    with pytest.raises(TruthError, match="row 2"):
        read_truth(bad)
    with pytest.raises(TruthError, match="no such file"):
        read_truth(tmp_path / "none.csv")
