"""Fixtures of the accounts tests."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from jiandu.accounts import services
from tests.accounts.helpers import Setup


@pytest.fixture
def setup(make_user: Callable) -> Setup:
    office = make_user("office", role="office")
    a = services.create_org_unit(actor=office, code="A", name_zh="甲集团", kind="enterprise")
    b = services.create_org_unit(
        actor=office, code="B", name_zh="乙公司", kind="subsidiary", parent=a
    )
    c = services.create_org_unit(
        actor=office, code="C", name_zh="丙部门", kind="department", parent=b
    )
    d = services.create_org_unit(actor=office, code="D", name_zh="丁集团", kind="enterprise")
    return Setup(office=office, admin=make_user("admin", role="system_admin"), a=a, b=b, c=c, d=d)
