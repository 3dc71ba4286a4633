"""The specs and the pages generated from them."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.analytics.catalogue import CatalogueError, Param, get, load, parse_spec
from jiandu.analytics.catalogue._schema import REGISTERS
from jiandu.analytics.catalogue.docs import expected_files

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
