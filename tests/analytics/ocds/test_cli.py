"""`jiandu ocds`: init, prepare and the errors a user sees."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from jiandu.analytics import ocds
from jiandu.cli import main

from .conftest import FIXTURES


def invoke(*args: str, input: bytes | None = None):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(main, ["ocds", *args], input=input)


def test_init_writes_the_default_settings(tmp_path: Path) -> None:
    target = tmp_path / "settings.ini"
    result = invoke("init", str(target))
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == ocds.DEFAULT_SETTINGS
    again = invoke("init", str(target))
    assert again.exit_code == 1 and "--force" in again.output
    assert invoke("init", "--force", str(target)).exit_code == 0
    assert invoke("init", "-").stdout == ocds.DEFAULT_SETTINGS


def test_all_indicators_at_once(tmp_path: Path) -> None:
    settings = tmp_path / "settings.ini"
    settings.write_text(ocds.DEFAULT_SETTINGS, encoding="utf-8")
    result = invoke("indicators", "-s", str(settings), "--map", str(FIXTURES / "R035.jsonl"))
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert out["OCID"]["F2"]["R035"] == 2.0
    assert set(out) >= {"OCID", "Tenderer", "Meta", "Maps"}
    assert out["Maps"]["ocid_tenderer_r035"]["F2"] == ["V"]
    assert "skipped: 1 cancelled contracting processes." in result.stderr
    assert "excluded: 11 releases without valid tender period dates (R003)" in result.stderr


def test_bad_input_never_fails(tmp_path: Path) -> None:
    settings = tmp_path / "settings.ini"
    settings.write_text("[R018]\n", encoding="utf-8")
    data = b'{"ocid": "a", "tender": {"numberOfTenderers": 1, "procurementMethod": "open"}}\n'
    data += b"\xff\xfe not utf-8\n{broken\n"
    result = invoke("indicators", "-s", str(settings), "--no-meta", "-", input=data)
    assert result.exit_code == 0
    assert json.loads(result.stdout) == {"OCID": {"a": {"R018": 1.0}}}
    assert "2 lines that are not JSON" in result.stderr
    assert "Line 2 is invalid JSON" in result.stderr


def test_errors_name_the_file_and_the_reason(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ini"
    bad.write_text("[R024]\nthreshold = high\n", encoding="utf-8")
    result = invoke("indicators", "-s", str(bad), str(FIXTURES / "R024.jsonl"))
    assert result.exit_code == 2
    assert "R024.threshold: invalid value 'high'" in result.output
    result = invoke("indicators", str(tmp_path / "missing.jsonl"))
    assert result.exit_code == 2 and "No such file" in result.output
    result = invoke("indicators", str(tmp_path))
    assert result.exit_code == 2 and "Is a directory" in result.output
    result = invoke("indicators", str(FIXTURES / "R024.jsonl"))
    assert result.exit_code == 0 and "No indicator is enabled" in result.stderr


def test_prepare_reports_problems_line_by_line(tmp_path: Path) -> None:
    data = tmp_path / "in.jsonl"
    data.write_text(
        "\n".join(
            [
                json.dumps(
                    {
                        "ocid": "a",
                        "tender": {"tenderPeriod": {"startDate": "soon"}},
                        "bids": {
                            "details": [
                                {"status": "qualified", "value": {"amount": 0}},
                                {"value": {"amount": 5, "currency": "USD"}},
                            ]
                        },
                        "awards": [{"status": "Active", "items": [{"classification": {"id": 1}}]}],
                    }
                ),
                "oops",
                json.dumps({"tender": {}}),
            ]
        ),
        encoding="utf-8",
    )
    result = invoke("prepare", str(data))
    assert result.exit_code == 0
    rows = result.stdout.splitlines()
    assert rows == [
        "1,a,/tender/tenderPeriod/startDate,,soon,is not an RFC 3339 date-time",
        "1,a,/bids/details[]/value/amount,0,,is zero",
        "1,a,/bids/details[]/value/currency,0,,not set",
        "1,a,/bids/details[]/status,0,qualified,invalid",
        "1,a,/bids/details[]/status,1,,not set",
        "1,a,/awards[]/items[]/classification/scheme,0.0,,not set",
        "1,a,/awards[]/status,0,Active,invalid",
        rows[7],
        "3,,/ocid,,,not set",
    ]
    assert rows[7].startswith('2,,,,,"is invalid JSON')
    settings = tmp_path / "prepare.ini"
    settings.write_text(
        "[defaults]\ncurrency = USD\nbid_status = valid\nitem_classification_scheme = CPV\n"
        "[codelists.bid_status]\nqualified = valid\n[codelists.award_status]\nActive = active\n",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = invoke("prepare", "-s", str(settings), "-o", str(out), str(data))
    assert result.exit_code == 0
    assert [r.split(",")[2] for r in result.stdout.splitlines()] == [
        "/tender/tenderPeriod/startDate",
        "/bids/details[]/value/amount",
        "",
        "/ocid",
    ]
    first = json.loads(out.read_text(encoding="utf-8").splitlines()[0])
    assert first["bids"]["details"][0] == {
        "status": "valid",
        "value": {"amount": 0, "currency": "USD"},
    }
    assert first["bids"]["details"][1]["status"] == "valid"
    assert first["awards"][0]["status"] == "active"
    assert first["awards"][0]["items"][0]["classification"] == {"id": "1", "scheme": "CPV"}
