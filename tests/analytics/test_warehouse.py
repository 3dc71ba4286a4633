"""Opening the warehouse: its memory cap and where DuckDB spills."""

from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.analytics import warehouse as wh


def _setting(path: Path, name: str, *, read_only: bool = False) -> str:
    con = wh.connect(path, read_only=read_only)
    try:
        return str(con.execute(f"SELECT current_setting('{name}')").fetchone()[0])  # type: ignore[index]
    finally:
        con.close()


def test_duckdb_memory_is_capped_and_spills_beside_the_warehouse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "w" / "warehouse.duckdb"
    monkeypatch.delenv("JIANDU_WAREHOUSE_MEMORY", raising=False)
    assert _setting(path, "memory_limit") == "2.0 GiB"
    assert _setting(path, "temp_directory", read_only=True) == f"{path}.tmp"
    monkeypatch.setenv("JIANDU_WAREHOUSE_MEMORY", "512MiB")
    assert _setting(path, "memory_limit") == "512.0 MiB"


@pytest.mark.parametrize("value", ["lots", "2 GiBs", "-1GB", "GB"])
def test_a_memory_setting_that_is_not_a_size_is_named(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("JIANDU_WAREHOUSE_MEMORY", value)
    with pytest.raises(ValueError, match=r"JIANDU_WAREHOUSE_MEMORY=.* is not a memory size"):
        wh.connect(tmp_path / "warehouse.duckdb")
    assert not (tmp_path / "warehouse.duckdb").exists()
