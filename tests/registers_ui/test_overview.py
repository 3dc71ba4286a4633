"""The analysts' warehouse page: registers, row counts, the last load report."""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.utils import translation

from jiandu.analytics.registers import ingest
from jiandu.core.errors import PermissionDenied
from jiandu.registers_ui import selectors
from tests.analytics.registers_world import GOOD, write_csv, write_world


@pytest.fixture
def data_dir(settings: Any, tmp_path: Path) -> Iterator[Path]:
    settings.DATA_DIR = tmp_path / "data"
    settings.DATA_DIR.mkdir()
    yield settings.DATA_DIR
    shutil.rmtree(settings.DATA_DIR, ignore_errors=True)


@pytest.fixture
def analyst(make_user: Callable[..., Any]) -> Any:
    return make_user("ana", role="analyst")


def load(data_dir: Path, tmp_path: Path, bad: bool = False) -> None:
    world = write_world(tmp_path / "world")
    if bad:
        rows = [dict(r) for r in GOOD["payments"]]
        rows[1]["paid_date"] = "2024-13-01"
        write_csv(world / "payments.csv", rows)
    ingest(world, warehouse=data_dir / "warehouse.duckdb")


@pytest.mark.django_db
def test_empty_warehouse(client: Client, analyst: Any, data_dir: Path) -> None:
    client.force_login(analyst)
    response = client.get("/warehouse/")
    assert response.status_code == 200
    assert b"jiandu ingest DIR" in response.content


@pytest.mark.django_db
def test_registers_counts_and_the_last_report(
    client: Client, analyst: Any, data_dir: Path, tmp_path: Path
) -> None:
    load(data_dir, tmp_path, bad=True)
    overview = selectors.overview(analyst)
    counts = {r.name: r.rows for r in overview.registers}
    assert counts["persons"] == len(GOOD["persons"])
    assert counts["payments"] == 0  # rejected: nothing half-loaded
    assert counts["ocds_releases"] == 2
    assert overview.report is not None and not overview.report["ok"]
    assert [(p["file"], p["row"], p["column"]) for p in overview.problems] == [
        ("payments.csv", 3, "paid_date")
    ]
    client.force_login(analyst)
    with translation.override("zh-hans"):
        page = client.get("/warehouse/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "payments.csv" in page and "paid_date" in page
    assert "不是日期" in page  # the reason in the reader's language


@pytest.mark.django_db
def test_others_are_refused(make_user: Callable[..., Any], client: Client, data_dir: Path) -> None:
    office = make_user("off", role="office")
    with pytest.raises(PermissionDenied):
        selectors.overview(office)
    client.force_login(office)
    assert client.get("/warehouse/").status_code == 403
