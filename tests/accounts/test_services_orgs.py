"""Org-unit services: building, moving and editing the tree; the audit event each writes
inside its own transaction. A refused action changes nothing and writes nothing."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from jiandu.accounts import permissions, services
from jiandu.accounts.models import OrgUnit
from jiandu.audit import services as audit_services
from jiandu.core.errors import PermissionDenied, ValidationFailed
from tests.accounts.helpers import (
    START,
    Setup,
    audited,
    changes_nothing,
    reload,
)

pytestmark = pytest.mark.django_db


def test_create_org_unit_builds_path_and_depth(setup: Setup) -> None:
    a, b, c = reload(setup.a), reload(setup.b), reload(setup.c)
    assert (a.path, a.depth) == (f"/{a.pk}/", 0)
    assert (b.path, b.depth) == (f"/{a.pk}/{b.pk}/", 1)
    assert (c.path, c.depth) == (f"/{a.pk}/{b.pk}/{c.pk}/", 2)
    assert c.is_within(a) and c.is_within(b) and not a.is_within(c)


def test_create_org_unit_writes_one_event(setup: Setup) -> None:
    with audited("orgunit.create") as events:
        unit = services.create_org_unit(
            actor=setup.office, code=" E ", name_zh=" 戊 ", kind="other", parent=setup.b
        )
    assert (unit.code, unit.name_zh) == ("E", "戊")
    event = events[0]
    assert (event.target_type, event.target_id) == ("accounts.orgunit", str(unit.pk))
    assert (event.actor_id, event.actor_username, event.kind) == (
        setup.office.pk,
        "office",
        "write",
    )
    assert event.changes == {
        "after": {
            "code": "E",
            "name_zh": "戊",
            "name_en": "",
            "kind": "other",
            "parent": setup.b.pk,
            "is_active": True,
        }
    }


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "A"}, "code"),  # taken
        ({"code": "  "}, "code"),
        ({"name_zh": " "}, "name_zh"),
        ({"kind": "castle"}, "kind"),
    ],
)
def test_create_org_unit_refuses_invalid_input(
    setup: Setup, fields: dict[str, str], field: str
) -> None:
    values = {"code": "NEW", "name_zh": "新", "kind": "other", **fields}
    with changes_nothing(ValidationFailed) as info:
        services.create_org_unit(actor=setup.office, **values)
    assert field in info.value.errors


def test_create_org_unit_needs_the_right_in_scope(setup: Setup, make_user: Callable) -> None:
    scoped = make_user("scoped-office", role="office", org=setup.a)
    services.create_org_unit(actor=scoped, code="A2", name_zh="子", kind="other", parent=setup.b)
    with changes_nothing(PermissionDenied):
        services.create_org_unit(
            actor=scoped, code="D2", name_zh="子", kind="other", parent=setup.d
        )
    with changes_nothing(PermissionDenied):  # a root needs a global grant
        services.create_org_unit(actor=scoped, code="ROOT", name_zh="根", kind="other")
    viewer = make_user("viewer", role="unit_leader")
    with changes_nothing(PermissionDenied):
        services.create_org_unit(actor=viewer, code="V", name_zh="看", kind="other", parent=setup.a)


def test_update_org_unit_records_a_diff(setup: Setup) -> None:
    with audited("orgunit.update") as events:
        services.update_org_unit(actor=setup.office, unit=setup.c, name_zh="丙处", name_en="C")
    assert events[0].changes == {
        "name_zh": {"before": "丙部门", "after": "丙处"},
        "name_en": {"before": "", "after": "C"},
    }
    assert reload(setup.c).name_zh == "丙处"


def test_moving_a_subtree_rewrites_descendants(setup: Setup, make_user: Callable) -> None:
    grandchild = services.create_org_unit(
        actor=setup.office, code="C1", name_zh="丙一", kind="other", parent=setup.c
    )
    with audited("orgunit.update") as events:
        services.update_org_unit(actor=setup.office, unit=setup.b, parent=setup.d)
    assert events[0].changes == {"parent": {"before": setup.a.pk, "after": setup.d.pk}}
    d, b, c, g = reload(setup.d), reload(setup.b), reload(setup.c), reload(grandchild)
    assert (b.parent_id, b.path, b.depth) == (d.pk, f"{d.path}{b.pk}/", 1)
    assert (c.path, c.depth) == (f"{b.path}{c.pk}/", 2)
    assert (g.path, g.depth) == (f"{c.path}{g.pk}/", 3)
    # Scopes follow the move.
    leader_of_d = make_user("leader-d", role="unit_leader", org=d)
    leader_of_a = make_user("leader-a", role="unit_leader", org=setup.a)
    assert permissions.can(leader_of_d, "orgunit.view", g)
    assert not permissions.can(leader_of_a, "orgunit.view", c)
    # And to the top.
    services.update_org_unit(actor=setup.office, unit=b, parent=None)
    b, g = reload(b), reload(g)
    assert (b.path, b.depth, g.depth) == (f"/{b.pk}/", 0, 2)
    assert g.path == f"/{b.pk}/{c.pk}/{g.pk}/"


@pytest.mark.parametrize("target", ["a", "b", "c"])
def test_a_unit_cannot_move_under_itself(setup: Setup, target: str) -> None:
    paths = {u.pk: u.path for u in OrgUnit.objects.all()}
    with changes_nothing(ValidationFailed) as info:
        services.update_org_unit(actor=setup.office, unit=setup.a, parent=getattr(setup, target))
    assert "parent" in info.value.errors
    assert {u.pk: u.path for u in OrgUnit.objects.all()} == paths


def test_moving_needs_the_right_at_the_destination(setup: Setup, make_user: Callable) -> None:
    scoped = make_user("scoped-office", role="office", org=setup.a)
    services.update_org_unit(actor=scoped, unit=setup.c, parent=setup.a)
    paths = {u.pk: u.path for u in OrgUnit.objects.all()}
    with changes_nothing(PermissionDenied):
        services.update_org_unit(actor=scoped, unit=setup.c, parent=setup.d)
    with changes_nothing(PermissionDenied):
        services.update_org_unit(actor=scoped, unit=setup.c, parent=None)
    assert {u.pk: u.path for u in OrgUnit.objects.all()} == paths


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"code": "B"}, "code"),
        ({"code": " B "}, "code"),
        ({"code": ""}, "code"),
        ({"name_zh": "  "}, "name_zh"),
        ({"kind": "castle"}, "kind"),
    ],
)
def test_update_org_unit_refuses_invalid_input(
    setup: Setup, fields: dict[str, str], field: str
) -> None:
    with changes_nothing(ValidationFailed) as info:
        services.update_org_unit(actor=setup.office, unit=setup.c, **fields)
    assert field in info.value.errors
    assert reload(setup.c).code == "C"


def test_update_org_unit_refuses_unknown_fields(setup: Setup) -> None:
    with changes_nothing(ValueError):
        services.update_org_unit(actor=setup.office, unit=setup.c, path="/")


def test_audit_event_is_written_inside_the_services_transaction(
    setup: Setup, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When the audit event cannot be written, the change is rolled back with it."""

    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit_services, "record", broken)
    with changes_nothing(RuntimeError):
        services.create_org_unit(actor=setup.office, code="LOST", name_zh="丢", kind="other")
    with changes_nothing(RuntimeError):
        services.update_org_unit(actor=setup.office, unit=setup.b, parent=setup.d)
    assert reload(setup.b).parent_id == setup.a.pk
    with changes_nothing(RuntimeError):
        services.create_person(
            actor=setup.office, name="丢", org_unit=setup.a, title="干部", start_date=START
        )


# --- people and posts ---------------------------------------------------------------------
