"""The planted cases are exactly what the definitions of REGISTERS.md section 4 find."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from jiandu.analytics.synth import MODELS

from .oracle import Oracle, truth

SUBJECT_TYPES = {
    "P01": "payment", "P02": "payment", "P03": "payment", "P04": "payment",
    "P05": "person_month", "P06": "person_month", "B01": "contract", "B02": "person_org",
    "B03": "contract", "B04": "contract", "B05": "buyer_supplier_year", "B06": "org",
    "T01": "tender", "T02": "buyer_supplier", "E01": "invoice", "E02": "buyer_seller_day",
    "E03": "invoice", "E04": "fuel_transaction", "R003": "tender", "R018": "tender",
    "R024": "tender", "R025": "tender", "R028": "tender", "R030": "tender", "R035": "tender",
    "R036": "tender", "R038": "tender", "R048": "tender", "R058": "tender",
    "C01": "person", "C02": "community",
}  # fmt: skip


def test_truth_file_columns_and_every_model_planted(tiny_world: Path) -> None:
    with (tiny_world / "truth.csv").open(encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        assert reader.fieldnames == ["model_id", "subject_type", "subject_id", "note"]
        planted = list(reader)
    assert set(SUBJECT_TYPES) <= set(MODELS)
    for model, subject_type in SUBJECT_TYPES.items():
        mine = [r for r in planted if r["model_id"] == model]
        assert len(mine) >= 5, model
        assert {r["subject_type"] for r in mine} == {subject_type}
        assert all(r["note"] for r in mine)


def test_a_planted_person_with_several_records_lists_them_all(tiny_world: Path) -> None:
    subjects = [s for _, t, s in truth(tiny_world) if t in ("person_month", "person_org")]
    several = [s for s in subjects if ";" in s.split("|")[0]]
    assert several, "no planted case uses a person with a duplicate record"
    for s in several:
        ids = s.split("|")[0].split(";")
        assert ids == sorted(ids) and len(set(ids)) == len(ids)


@pytest.mark.parametrize("world", ["tiny_world", "small_world"])
def test_planted_cases_are_exactly_what_the_definitions_find(
    world: str, request: pytest.FixtureRequest
) -> None:
    directory: Path = request.getfixturevalue(world)
    found = Oracle(directory).all()
    planted = truth(directory)
    assert sorted(planted - found) == [], "planted but not found"
    assert sorted(found - planted) == [], "found but not planted"


def test_near_misses_are_real_near_misses(tiny_world: Path) -> None:
    """Loosen a parameter a little and the near-misses planted beside the cases appear:
    they sit just outside the definitions (the grace day, the capital threshold, the
    limit, a programme that is not means-tested, the submission period, the fences of
    R025 and R038, 1/12 and 5/6), not far away."""
    base = Oracle(tiny_world)
    planted = truth(tiny_world)
    loose = Oracle(tiny_world)
    loose.means_tested = {"dibao", "pension"}
    loose.grace_days = 30
    loose.min_capital = 499_000
    loose.limit = 4_800
    loose.r003_days = 16
    loose.r025_fence = 0.11  # the cover bidder's partner won 3 of 30 to 32 bids
    loose.r038_fence = 0.7  # a tenderer with 3 of 4 bids disqualified
    extra = loose.all() - planted
    assert base.all() == planted
    assert {m for m, _, _ in extra} == {"P01", "P02", "E02", "R003", "R025", "R038"}
