"""Every model's cases (catalogue/<ID>/cases/*.yaml): the subjects each must report,
on DuckDB, and the very same hits on Spark local mode."""

from __future__ import annotations

import re
from typing import Any

import pytest

from jiandu.analytics.catalogue import ModelSpec, load
from jiandu.analytics.catalogue.cases import Case, load_cases
from jiandu.analytics.engine.cases import run_case
from jiandu.analytics.hits import Hit

CASES = [(spec, case) for spec in load() for case in load_cases(spec)]
IBIS_CASES = [(s, c) for s, c in CASES if s.implementation == "ibis"]
_duckdb_hits: dict[str, list[Hit]] = {}


def _hits(spec: ModelSpec, case: Case) -> list[Hit]:
    if case.name not in _duckdb_hits:
        _duckdb_hits[case.name] = run_case(spec, case)
    return _duckdb_hits[case.name]


def test_the_catalogue_holds_every_model_of_registers_md() -> None:
    ids = {s.id for s in load()}
    expected = {f"P0{i}" for i in range(1, 7)} | {f"B0{i}" for i in range(1, 7)}
    expected |= {"T01", "T02", "E01", "E02", "E03", "E04"}
    assert expected <= ids


@pytest.mark.parametrize("spec", load(), ids=lambda s: s.id)
def test_every_model_has_a_case_with_a_true_positive_and_rows_left_out(spec: ModelSpec) -> None:
    cases = load_cases(spec)
    assert cases, f"{spec.id} has no cases"
    assert any(c.expect for c in cases)
    for case in cases:
        assert case.description
        # Exclusions and an irrelevant row: the case holds more subjects than it expects.
        rows = sum(len(r) for r in case.tables.values())
        assert rows > len(case.expect)


@pytest.mark.parametrize(("spec", "case"), CASES, ids=[c.name for _, c in CASES])
def test_case_on_duckdb(spec: ModelSpec, case: Case) -> None:
    hits = _hits(spec, case)
    assert sorted(h.subject_id for h in hits) == sorted(case.expect), case.description
    for hit in hits:
        assert hit.model_id == spec.id and hit.model_version == spec.version
        assert hit.subject_type == spec.subject_type
        assert 0.0 <= hit.score <= 1.0
        assert hit.evidence and any(hit.evidence.values())
        for text in (hit.explanation_zh, hit.explanation_en):
            assert text and not re.search(r"\{\w+", text), text
        assert re.search(r"[\u4e00-\u9fff]", hit.explanation_zh)


def _plain(hits: list[Hit]) -> list[dict[str, Any]]:
    return [h.to_dict() for h in hits]


@pytest.mark.spark
@pytest.mark.parametrize(("spec", "case"), IBIS_CASES, ids=[c.name for _, c in IBIS_CASES])
def test_case_on_spark_gives_the_same_hits(spec: ModelSpec, case: Case, spark_session: Any) -> None:
    assert _plain(run_case(spec, case, "spark")) == _plain(_hits(spec, case))
