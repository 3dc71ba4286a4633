"""Fixtures of the supervision tests: hit records, a tiny warehouse, runs."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from jiandu.analytics import warehouse as analytics_warehouse
from jiandu.analytics.hits import Hit as HitRecord


def record(
    model_id: str = "P01",
    subject_id: str = "pay-1",
    *,
    subject_type: str = "payment",
    score: float = 0.9,
    persons: tuple[str, ...] = ("p1",),
    orgs: tuple[str, ...] = ("o1",),
    version: str = "1",
    amount: float = 680.0,
) -> HitRecord:
    return HitRecord(
        model_id=model_id,
        model_version=version,
        subject_type=subject_type,
        subject_id=subject_id,
        score=score,
        explanation_zh=f"支付{subject_id}金额{amount:.2f}元，受益人已死亡。",
        explanation_en=f"Payment {subject_id} of {amount:.2f} yuan went to a dead person.",
        evidence={
            "payments": [{"payment_id": subject_id, "amount": amount, "region_code": "330102"}]
        },
        person_ids=persons,
        org_ids=orgs,
    )


WAREHOUSE_SQL = [
    "CREATE TABLE persons (person_id VARCHAR, name VARCHAR, id_number VARCHAR, "
    "death_date DATE, entity_id VARCHAR)",
    "INSERT INTO persons VALUES ('p1', '王芳', '11010519491231002X', DATE '2023-11-30', 'p1'), "
    "('p2', '李强', NULL, NULL, 'p2'), ('p2b', '李強', NULL, NULL, 'p2'), "
    "('p3', '赵敏', NULL, NULL, 'p3')",
    "CREATE TABLE organizations (org_id VARCHAR, name VARCHAR, uscc VARCHAR, kind VARCHAR, "
    "region_code VARCHAR, founded_date DATE, entity_id VARCHAR)",
    "INSERT INTO organizations VALUES ('o1', '民政局', '11330100MB0000001X', 'public_body', "
    "'330100', NULL, 'o1'), ('o2', '某某公司', '91330100MA0000002Y', 'company', '330200', "
    "DATE '2023-01-01', 'o2')",
    "CREATE TABLE posts (person_id VARCHAR, org_id VARCHAR, title VARCHAR, rank VARCHAR, "
    "is_leading_cadre BOOLEAN, start_date DATE, end_date DATE)",
    "INSERT INTO posts VALUES ('p2b', 'o1', '局长', 'division', TRUE, DATE '2020-01-01', NULL), "
    "('p3', 'o1', '科员', 'staff', FALSE, DATE '2020-01-01', NULL)",
    "CREATE TABLE family (person_id VARCHAR, relationship VARCHAR, relative_person_id VARCHAR, "
    "relative_name VARCHAR, relative_id_number VARCHAR)",
    "INSERT INTO family VALUES ('p2', 'spouse', 'p3', NULL, NULL)",
    "CREATE TABLE ownerships (owner_id VARCHAR, owner_type VARCHAR, org_id VARCHAR, "
    "share_pct DOUBLE, start_date DATE, end_date DATE)",
    "INSERT INTO ownerships VALUES ('p3', 'person', 'o2', 60.0, DATE '2023-01-01', NULL)",
    "CREATE TABLE directorships (person_id VARCHAR, org_id VARCHAR, role VARCHAR, "
    "start_date DATE, end_date DATE)",
    "CREATE TABLE contracts (contract_id VARCHAR, buyer_org_id VARCHAR, supplier_org_id VARCHAR, "
    "amount DOUBLE, signed_date DATE, tender_id VARCHAR, title VARCHAR, "
    "procurement_method VARCHAR, category VARCHAR)",
    "INSERT INTO contracts VALUES ('c1', 'o1', 'o2', 1200000, DATE '2024-03-01', NULL, "
    "'办公设备', 'open', 'goods')",
]


def build_warehouse(path: Path) -> Path:
    con = analytics_warehouse.connect(path)
    try:
        for sql in WAREHOUSE_SQL:
            con.execute(sql)
    finally:
        con.close()
    return path


@pytest.fixture
def wh(tmp_path: Path) -> Path:
    return build_warehouse(tmp_path / "warehouse.duckdb")


@pytest.fixture
def default_wh(settings: Any) -> Any:
    """The tiny warehouse at the default place (where the pages read it)."""
    path = analytics_warehouse.default_path()
    path.unlink(missing_ok=True)
    build_warehouse(path)
    yield path
    path.unlink(missing_ok=True)


@pytest.fixture
def make_run(db: Any) -> Callable[..., Any]:
    from jiandu.supervision.models import Run

    def make(user: Any, **fields: Any) -> Run:
        fields.setdefault("state", Run.State.RUNNING)
        return Run.objects.create(kind=Run.Kind.MODELS, requested_by=user, **fields)

    return make


@pytest.fixture
def unit(db: Any) -> Callable[..., Any]:
    from jiandu.accounts.models import OrgUnit

    def make(code: str, parent: Any = None) -> OrgUnit:
        u = OrgUnit.objects.create(code=code, name_zh=code, kind="other", parent=parent)
        u.path = f"{parent.path if parent else '/'}{u.pk}/"
        u.depth = parent.depth + 1 if parent else 0
        u.save()
        return u

    return make
