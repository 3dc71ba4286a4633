"""Behaviour of the engine beyond the fixtures: bad input, the main currency, maps, the
arithmetic of quartiles and fences, dates, and the settings file."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest

from jiandu.analytics import ocds
from jiandu.analytics.ocds import release, stats
from jiandu.analytics.ocds.settings import from_mapping, parse_ini, split_pipe


def lines(*releases: object) -> list[bytes]:
    return [r if isinstance(r, bytes) else json.dumps(r).encode() for r in releases]


def r036(ocid: str, low: tuple[int, str], high: tuple[int, str]) -> dict[str, object]:
    return {
        "ocid": ocid,
        "bids": {
            "details": [
                {"status": "disqualified", "value": {"amount": low[0], "currency": low[1]}},
                {"status": "valid", "value": {"amount": high[0], "currency": high[1]}},
            ]
        },
        "awards": [{"status": "active"}],
    }


def test_bad_lines_are_skipped_and_counted() -> None:
    settings = from_mapping({"R036": {}})
    data = [
        b"not json",
        b"",
        b"   ",
        b"[1, 2]",
        b'{"ocid": 5}',
        b'{"tender": {}}',
        json.dumps(
            {**r036("c", (1, "USD"), (2, "USD")), "tender": {"status": "cancelled"}}
        ).encode(),
        json.dumps(r036("ok", (1, "USD"), (2, "USD"))).encode(),
        b'{"ocid": "big", "n": 123456789012345678901234567890}',
        b'{"ocid": "inf", "n": 1e400}',
    ]
    warnings: list[str] = []
    result = ocds.run(data, settings, warn=lambda n, m: warnings.append(m))
    assert result.output(meta=False) == {"OCID": {"ok": {"R036": 1.0}}}
    assert result.skipped == {
        "invalid_json": 2,
        "not_object": 1,
        "no_ocid": 2,
        "cancelled": 1,
    }
    assert result.releases == 2
    assert warnings[0].startswith("Line 1 is invalid JSON, skipping.")
    assert warnings[1].startswith("Line 10 is invalid JSON")


def test_the_main_currency_is_the_first_observed_unless_configured() -> None:
    data = lines(
        r036("first", (1, "CAD"), (2, "CAD")),
        r036("usd", (1, "USD"), (2, "USD")),
        r036("mixed", (1, "USD"), (2, "CAD")),
    )
    result = ocds.run(data, from_mapping({"R036": {}}))
    assert result.output(meta=False) == {"OCID": {"first": {"R036": 1.0}}}
    assert result.skipped["other_currency"] == 3
    result = ocds.run(data, from_mapping({"R036": {}, "currency": "USD"}))
    assert result.output(meta=False) == {"OCID": {"usd": {"R036": 1.0}}}


def test_price_comparison_lists() -> None:
    def details(value: str) -> dict[str, object]:
        return {
            **r036(value, (1, "USD"), (2, "USD")),
            "tender": {"procurementMethodDetails": value},
        }

    data = lines(details("X"), details("Y"), details("N"), r036("unset", (1, "USD"), (2, "USD")))
    only = ocds.run(data, from_mapping({"R036": {}, "price_comparison_procurement_methods": "Y"}))
    assert set(only.output(meta=False)["OCID"]) == {"Y"}
    not_n = ocds.run(
        data, from_mapping({"R036": {}, "no_price_comparison_procurement_methods": "N"})
    )
    assert set(not_n.output(meta=False)["OCID"]) == {"X", "Y", "unset"}


def test_maps_and_meta_blocks(tmp_path: Path) -> None:
    from .conftest import FIXTURES

    settings = from_mapping({"R038": {}, "R030": {}})
    with (FIXTURES / "R038.jsonl").open("rb") as stream:
        result = ocds.run_file(stream, settings, map=True)
    out = result.output()
    assert out["Maps"]["ocid_buyer_r038"] == {"0": "B"}
    assert out["Maps"]["ocid_procuringentity_r038"] == {"0": "P"}
    assert out["Maps"]["ocid_tenderer"]["0"] == ["D", "W1"]
    assert out["Meta"]["R038"] == {
        "Buyer_q1": 0.5,
        "Buyer_q3": 0.5,
        "Buyer_upper_fence": 0.5,
        "ProcuringEntity_q1": 0.5,
        "ProcuringEntity_q3": 0.5,
        "ProcuringEntity_upper_fence": 0.5,
    }
    assert result.counts() == {"Buyer": 1, "ProcuringEntity": 1}


def test_meta_of_no_data_is_null() -> None:
    result = ocds.run([], from_mapping({"R058": {}, "R024": {"threshold": "0.1"}}))
    assert result.output() == {
        "Meta": {
            "R024": {"lower_fence": 0.1},
            "R058": {"q1": None, "q3": None, "upper_fence": None},
        }
    }


def test_quantile_is_statrs_r8() -> None:
    data = [-1.0, 5.0, 0.0, -3.0, 10.0, -0.5, 4.0, 0.2, 1.0, 6.0]
    assert stats.quantile(data, 0.0) == -3.0
    assert stats.quantile(data, 1.0) == 10.0
    assert stats.quantile(data, 0.5) == pytest.approx(3.0 / 5.0, abs=1e-15)
    assert stats.quantile(data, 0.2) == pytest.approx(-4.0 / 5.0, abs=1e-15)
    assert stats.quantile(data, 0.7) == 137.0 / 30.0
    assert stats.quantile(data, 0.01) == -3.0
    assert stats.quantile(data, 0.99) == 10.0
    assert stats.quantile(data, 0.52) == pytest.approx(287.0 / 375.0, abs=1e-15)
    assert stats.quantile(data, 0.325) == pytest.approx(-37.0 / 240.0, abs=1e-15)
    assert math.isnan(stats.quantile([], 0.5))
    assert math.isnan(stats.percentile([1.0], 101))


def test_fences_use_one_rounding_and_meta_rounds_half_away_from_zero() -> None:
    # 0.1 * 10 - 1 is 0.0 with two roundings and the error of 0.1 with one.
    assert 0.1 * 10.0 - 1.0 == 0.0
    assert stats.fma(0.1, 10.0, -1.0) == 5.551115123125783e-17
    assert stats.fma(2.0, -1.5, 1.0) == -2.0
    assert stats.round4(0.00005) == 0.0001
    assert stats.round4(-0.00005) == -0.0001
    assert stats.round4(2.5e-5) == 0.0
    assert stats.round4(math.nan) is None
    assert stats.divide(1.0, 0.0) == math.inf
    assert math.isnan(stats.divide(0.0, 0.0))


def test_rfc3339_dates_and_whole_days() -> None:
    start = release.parse_rfc3339("2000-01-01T18:00:00Z")
    assert start is not None
    assert release.parse_rfc3339("2000-01-01T20:00:00+02:00") == start
    assert release.parse_rfc3339("2000-01-01t18:00:00.5z") == start + 500_000_000
    for bad in ("invalid", "2000-01-01", "2000-02-30T00:00:00Z", "2000-01-01T00:00:00"):
        assert release.parse_rfc3339(bad) is None
    end = release.parse_rfc3339("2000-01-16T17:59:59Z")
    assert end is not None
    assert release.whole_days(start, end) == 14
    assert release.whole_days(end, start) == -14


def test_pipe_lists_drop_a_trailing_empty_item() -> None:
    assert split_pipe(None) == []
    assert split_pipe("") == []
    assert split_pipe("a|b|") == ["a", "b"]
    assert split_pipe("a||b") == ["a", "", "b"]


def test_settings_files(tmp_path: Path) -> None:
    ini = tmp_path / "s.ini"
    ini.write_text(ocds.DEFAULT_SETTINGS, encoding="utf-8")
    settings = ocds.load(ini)
    assert sorted(settings.indicators) == sorted(ocds.CODES)
    parsed = parse_ini(
        "currency = USD\n[R018]\nprocurement_methods = open|selective # default\n"
        "[R003.procurement_method_details]\nemergency = 10\n[R003]\nthreshold = 7\n"
    )
    settings = from_mapping(parsed)
    assert settings.currency == "USD"
    assert settings.get("R018", "procurement_methods") == "open|selective"
    assert settings.get("R003", "procurement_method_details") == {"emergency": 10}
    assert settings.get("R003", "threshold") == 7
    toml = tmp_path / "s.toml"
    toml.write_text("[R024]\nthreshold = 0.05\n", encoding="utf-8")
    assert ocds.load(toml).get("R024", "threshold") == 0.05


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[R999]\n", "R999: unknown field `R999`"),
        ("[R024]\nthreshold = high\n", "R024.threshold: invalid value 'high', expected a number"),
        ("[R035]\nthreshold = -1\n", "R035.threshold: invalid value '-1', expected a non-negative"),
        ("[R024]\nlimit = 1\n", "R024.limit: unknown field `limit`"),
        ("[R024\n", "line 1: section must end with ']'"),
        ("just text\n", "line 1: expected name = value"),
    ],
)
def test_bad_settings_say_where_and_why(tmp_path: Path, text: str, message: str) -> None:
    ini = tmp_path / "bad.ini"
    ini.write_text(text, encoding="utf-8")
    with pytest.raises(ocds.SettingsError) as info:
        ocds.load(ini)
    assert message in str(info.value)
    assert str(ini) in str(info.value)


@pytest.mark.parametrize("currency", [None, "USD"])
def test_a_file_split_across_processes_gives_the_answer_of_one_pass(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, currency: str | None
) -> None:
    from jiandu.analytics.ocds import parallel

    from .conftest import FIXTURES

    # Every fixture three times over: repeated ocids across ranges, bad lines, currencies.
    data = b"".join(p.read_bytes() + b"\nnot json\n" for p in sorted(FIXTURES.glob("*.jsonl")))
    path = tmp_path / "all.jsonl"
    path.write_bytes(data * 3)
    monkeypatch.setattr(parallel, "MIN_BYTES_PER_WORKER", 1000)
    settings = ocds.Settings.all_indicators(currency=currency)
    one: list[str] = []
    many: list[str] = []
    with path.open("rb") as stream:
        expected = ocds.run_file(stream, settings, map=True, warn=lambda n, m: one.append(m))
    result = parallel.run_path(
        path, settings, map=True, workers=4, warn=lambda n, m: many.append(m)
    )
    assert result.output() == expected.output()
    assert (result.lines, result.releases, result.skipped) == (
        expected.lines,
        expected.releases,
        expected.skipped,
    )
    assert many == one and len(one) == 45


def test_the_streamed_json_is_the_output(tmp_path: Path) -> None:
    import io

    from .conftest import FIXTURES

    settings = ocds.Settings.all_indicators()
    for path in sorted(FIXTURES.glob("*.jsonl")):
        with path.open("rb") as stream:
            result = ocds.run_file(stream, settings, map=True)
        for meta in (True, False):
            buffer = io.BytesIO()
            result.write(buffer, meta=meta)
            assert json.loads(buffer.getvalue()) == result.output(meta=meta)
            assert buffer.getvalue().endswith(b"}\n") and buffer.getvalue().count(b"\n") == 1
    empty = io.BytesIO()
    ocds.run([], ocds.Settings()).write(empty, meta=False)
    assert empty.getvalue() == b"{}\n"
