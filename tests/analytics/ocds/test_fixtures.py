"""Parity with cardinal-rs: every fixture of its test suite, through the library and through
`jiandu ocds indicators`, must give the expected results (parsed JSON, no Meta)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from jiandu.analytics import ocds
from jiandu.cli import main

from .conftest import FIXTURE_NAMES, FIXTURES, fixture_ini


def expected(name: str) -> object:
    return json.loads((FIXTURES / f"{name}.expected").read_text(encoding="utf-8"))


def test_every_indicator_has_a_fixture() -> None:
    codes = {name.split("-")[0] for name in FIXTURE_NAMES}
    assert codes == set(ocds.CODES)
    assert len(FIXTURE_NAMES) == 15


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_library(name: str, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    ini.write_text(fixture_ini(name), encoding="utf-8")
    settings = ocds.load(ini)
    with (FIXTURES / f"{name}.jsonl").open("rb") as stream:
        result = ocds.run_file(stream, settings)
    assert result.output(meta=False) == expected(name)


@pytest.mark.parametrize("name", FIXTURE_NAMES)
def test_cli(name: str, tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    ini.write_text(fixture_ini(name), encoding="utf-8")
    runner = CliRunner()
    args = ["ocds", "indicators", "--no-meta", "--settings", str(ini)]
    result = runner.invoke(main, [*args, str(FIXTURES / f"{name}.jsonl")])
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout.splitlines()[0]) == expected(name)


def test_cli_reads_standard_input_and_prints_meta(tmp_path: Path) -> None:
    ini = tmp_path / "settings.ini"
    ini.write_text(fixture_ini("R024"), encoding="utf-8")
    data = (FIXTURES / "R024.jsonl").read_bytes()
    result = CliRunner().invoke(main, ["ocds", "indicators", "-s", str(ini), "-c", "-"], input=data)
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout.splitlines()[0])
    # The worked example of cardinal-rs's documentation.
    assert out["Meta"] == {"R024": {"q1": 66.6667, "q3": 100.0, "lower_fence": 16.6667}}
    assert "OCID: 2" in result.stderr and "Tenderer: 2" in result.stderr
