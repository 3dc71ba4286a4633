"""The specs and the pages generated from them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from jiandu.analytics.catalogue import CatalogueError, Param, get, load, parse_spec
from jiandu.analytics.catalogue._schema import REGISTERS
from jiandu.analytics.catalogue.cases import load_cases
from jiandu.analytics.catalogue.docs import expected_files
from jiandu.analytics.engine.cases import run_case
from jiandu.analytics.hits import Hit

ROOT = Path(__file__).resolve().parents[2]


def test_every_spec_is_complete_and_names_known_registers() -> None:
    for spec in load():
        assert spec.title["zh"] and spec.title["en"] and spec.rationale["zh"]
        assert set(spec.registers) <= set(REGISTERS) | {"ocds_releases"}, spec.id
        for name, param in spec.parameters.items():
            assert param.description["zh"] and param.description["en"], (spec.id, name)
            assert param.parse(param.default) == param.default


def test_parameters_parse_text_in_their_type() -> None:
    assert Param(31, {}).parse("60") == 60
    assert Param(0.5, {}).parse("0.75") == 0.75
    assert Param(["dibao"], {}).parse("dibao, pension") == ["dibao", "pension"]
    with pytest.raises(ValueError, match="whole number"):
        Param(31, {}).parse("3.5")
    with pytest.raises(ValueError, match="at least one"):
        Param(["dibao"], {}).parse(" , ")
    assert get("p01").resolve_params({"grace_days": "7"}) == {"grace_days": 7}


def test_a_bad_spec_is_named(tmp_path: Path) -> None:
    folder = tmp_path / "X01"
    folder.mkdir()
    (folder / "spec.yaml").write_text("id: X01\nversion: 1\ntheme: x\nsubject: planet\n")
    with pytest.raises(CatalogueError, match="missing 'title'"):
        parse_spec(folder / "spec.yaml")
    (folder / "spec.yaml").write_text(
        "id: X01\nversion: 1\ntheme: x\nsubject: planet\ntitle: {zh: a, en: b}\n"
        "rationale: {zh: a, en: b}\nregisters: []\n"
    )
    with pytest.raises(CatalogueError, match="unknown subject type 'planet'"):
        parse_spec(folder / "spec.yaml")


def test_the_generated_model_pages_are_up_to_date() -> None:
    for path, content in expected_files(ROOT / "docs").items():
        assert path.exists(), f"{path} is missing: run `jiandu models docs`"
        assert path.read_text(encoding="utf-8") == content, (
            f"{path} is out of date: run `jiandu models docs`"
        )
    pages = {p.name for p in (ROOT / "docs" / "models").glob("*.md")}
    assert pages == {f"{s.id}.md" for s in load()}
    assert "(models.md)" in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def fake_indicator(con: Any, params: dict[str, Any]) -> list[Hit]:
    """A python model: one hit per OCDS release whose ocid starts with params['prefix']."""
    rows = con.execute("SELECT ocid FROM ocds_releases ORDER BY ocid").fetchall()
    return [
        Hit("R999", "1.0", "tender", ocid, 0.5, f"招标 {ocid}", f"Tender {ocid}")
        for (ocid,) in rows
        if ocid.startswith(params["prefix"])
    ]


def test_a_python_model_gets_the_connection_and_its_parameters(tmp_path: Path) -> None:
    folder = tmp_path / "R999"
    (folder / "cases").mkdir(parents=True)
    (folder / "spec.yaml").write_text(
        "id: R999\nversion: '1.0'\ntheme: procurement\nsubject: tender\n"
        "title: {zh: 测试, en: Test}\nrationale: {zh: 测试, en: Test}\n"
        "registers: [ocds_releases]\nimplementation: python\n"
        "entrypoint: tests.analytics.test_catalogue:fake_indicator\n"
        "parameters: {prefix: {default: ocds-a, description: {zh: 前缀, en: prefix}}}\n",
        encoding="utf-8",
    )
    (folder / "cases" / "basic.yaml").write_text(
        "description: two releases, one with the prefix\n"
        "tables:\n  ocds_releases:\n    - {ocid: ocds-a-1, release: '{}'}\n"
        "    - {ocid: ocds-b-2, release: '{}'}\nexpect: [ocds-a-1]\n",
        encoding="utf-8",
    )
    spec = parse_spec(folder / "spec.yaml")
    assert spec.implementation == "python" and spec.evidence == {}
    (case,) = load_cases(spec)
    hits = run_case(spec, case)
    assert [h.subject_id for h in hits] == case.expect
    assert run_case(spec, case, "spark") == hits  # python models always run on DuckDB
    (folder / "spec.yaml").write_text(
        (folder / "spec.yaml").read_text().replace("entrypoint: tests", "entry: tests")
    )
    with pytest.raises(CatalogueError, match="needs entrypoint: module:function"):
        parse_spec(folder / "spec.yaml")


def test_text_and_phone_normalization_of_the_models() -> None:
    import ibis

    from jiandu.analytics.catalogue._common import normalize_phone, normalize_text

    values = ["ＡＢＣ　１２３ x", "plain Text", "芙蓉区 ５号", None, "＋８６ １３８０００００"]
    t = ibis.memtable({"s": values}, schema={"s": "string"})
    out = t.mutate(n=normalize_text(t.s), p=normalize_phone(t.s)).to_pyarrow().to_pylist()
    assert [(r["n"], r["p"]) for r in out] == [
        ("abc123x", "123"),
        ("plaintext", None),
        ("芙蓉区5号", "5"),
        (None, None),
        ("+8613800000", "8613800000"),  # 10 digits: no country prefix to drop
    ]
