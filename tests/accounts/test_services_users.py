"""Accounts, passwords, role assignments and API tokens."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from jiandu.accounts import permissions, services
from jiandu.accounts.models import ApiToken, Role, RoleAssignment, User
from jiandu.api.auth import TokenAuth
from jiandu.core.errors import PermissionDenied, ValidationFailed
from tests.accounts.helpers import (
    ID_15,
    ID_18,
    OTHER_ID,
    PASSWORD,
    START,
    Setup,
    audited,
    changes_nothing,
)

pytestmark = pytest.mark.django_db


def test_create_user(setup: Setup) -> None:
    with audited("user.create") as events:
        user = services.create_user(
            actor=setup.admin, username=" alice ", password=PASSWORD, display_name="爱丽丝"
        )
    assert user.username == "alice"
    assert user.check_password(PASSWORD)
    assert PASSWORD not in user.password
    assert PASSWORD not in str(events[0].changes)
    assert not permissions.grants(user)  # an account has no rights until given a role


@pytest.mark.parametrize(
    "password", ["short-1", "12345678901234", "password123", "alice-wonderland"]
)
def test_create_user_validates_the_password(setup: Setup, password: str) -> None:
    with changes_nothing(ValidationFailed) as info:
        services.create_user(actor=setup.admin, username="alice-wonderland", password=password)
    assert "password" in info.value.errors


def test_create_user_refuses_a_taken_name(setup: Setup) -> None:
    with changes_nothing(ValidationFailed):
        services.create_user(actor=setup.admin, username="OFFICE", password=PASSWORD)


def test_only_a_global_administrator_creates_accounts(setup: Setup, make_user: Callable) -> None:
    scoped_admin = make_user("scoped-admin", role="system_admin", org=setup.a)
    for actor in (setup.office, scoped_admin):
        with changes_nothing(PermissionDenied):
            services.create_user(actor=actor, username="bob", password=PASSWORD)


def test_create_user_links_a_person_by_id_number(setup: Setup) -> None:
    person = services.create_person(
        actor=setup.office,
        name="甲",
        org_unit=setup.a,
        title="干部",
        start_date=START,
        id_number=ID_18,
    )
    user = services.create_user(
        actor=setup.admin, username="jia", password=PASSWORD, person_id_number=ID_15
    )
    assert User.objects.get(pk=user.pk).person == person
    # One account per person.
    with changes_nothing(ValidationFailed) as info:
        services.create_user(
            actor=setup.admin, username="jia2", password=PASSWORD, person_id_number=ID_18
        )
    assert "person" in info.value.errors
    for unknown in (OTHER_ID, "not a number"):
        with changes_nothing(ValidationFailed) as info:
            services.create_user(
                actor=setup.admin, username="jia3", password=PASSWORD, person_id_number=unknown
            )
        assert "person" in info.value.errors


def test_update_user(setup: Setup) -> None:
    user = services.create_user(actor=setup.admin, username="bob", password=PASSWORD)
    with audited("user.update") as events:
        services.update_user(actor=setup.admin, user=user, display_name="鲍勃", is_active=False)
    assert events[0].changes == {
        "display_name": {"before": "", "after": "鲍勃"},
        "is_active": {"before": True, "after": False},
    }
    with changes_nothing(ValidationFailed):
        services.update_user(actor=setup.admin, user=setup.admin, is_active=False)
    with changes_nothing(PermissionDenied):
        services.update_user(actor=setup.office, user=user, display_name="x")


def test_set_password(setup: Setup) -> None:
    user = services.create_user(actor=setup.admin, username="bob", password=PASSWORD)
    with audited("user.password") as events:
        services.set_password(actor=user, user=user, password="Another-good-one-7")
    assert "Another" not in str(events[0].changes)
    assert User.objects.get(pk=user.pk).check_password("Another-good-one-7")
    with changes_nothing(ValidationFailed):
        services.set_password(actor=user, user=user, password="bob")
    with changes_nothing(PermissionDenied):
        services.set_password(actor=user, user=setup.office, password="Another-good-one-7")
    services.set_password(actor=setup.admin, user=user, password="Reset-by-admin-42")
    assert User.objects.get(pk=user.pk).check_password("Reset-by-admin-42")


# --- role assignments and roles --------------------------------------------------------------


def test_assign_and_revoke_a_role(setup: Setup, make_user: Callable) -> None:
    user = make_user("bob")
    person = services.create_person(
        actor=setup.office, name="甲", org_unit=setup.c, title="干部", start_date=START
    )
    role = Role.objects.get(code="unit_leader")
    assert not permissions.can(user, "person.view", person)
    with audited("role.assign") as events:
        assignment = services.assign_role(
            actor=setup.admin, user=user, role=role, org_unit=setup.b, include_descendants=True
        )
    assert (assignment.scope_kind, assignment.org_unit, assignment.granted_by) == (
        "org_unit",
        setup.b,
        setup.admin,
    )
    assert events[0].target_id == str(user.pk)
    assert events[0].changes["role"] == "unit_leader"
    assert events[0].changes["org_unit"] == "B"
    # The same user object sees the new grant at once.
    assert permissions.can(user, "person.view", person)
    assert not permissions.can(user, "person.view", setup.a)
    with audited("role.revoke") as events:
        services.revoke_assignment(actor=setup.admin, assignment=assignment)
    assert events[0].changes["role"] == "unit_leader"
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert not permissions.can(user, "person.view", person)


def test_assign_a_global_and_an_object_scope(setup: Setup, make_user: Callable) -> None:
    user = make_user("bob")
    role = Role.objects.get(code="unit_leader")
    glob = services.assign_role(actor=setup.admin, user=user, role=role)
    assert glob.scope_kind == "global"
    services.revoke_assignment(actor=setup.admin, assignment=glob)
    obj = services.assign_role(actor=setup.admin, user=user, role=role, scoped_object=setup.b)
    assert (obj.scope_kind, obj.object_id) == ("object", str(setup.b.pk))
    assert permissions.can(user, "orgunit.view", setup.b)
    assert not permissions.can(user, "orgunit.view", setup.c)


def test_assign_role_refusals(setup: Setup, make_user: Callable) -> None:
    user = make_user("bob")
    role = Role.objects.get(code="office")
    with changes_nothing(ValidationFailed):
        services.assign_role(
            actor=setup.admin, user=user, role=role, org_unit=setup.a, scoped_object=setup.b
        )
    with changes_nothing(ValidationFailed):
        services.assign_role(
            actor=setup.admin,
            user=user,
            role=role,
            valid_from=dt.date(2025, 2, 1),
            valid_until=dt.date(2025, 1, 31),
        )
    # An office may not hand out roles, not even its own.
    with changes_nothing(PermissionDenied):
        services.assign_role(actor=setup.office, user=user, role=role)
    assignment = RoleAssignment.objects.get(user=setup.office)
    with changes_nothing(PermissionDenied):
        services.revoke_assignment(actor=setup.office, assignment=assignment)


def test_the_administrator_cannot_widen_their_own_rights(setup: Setup) -> None:
    """Separation of duties: no role for one's own account, and no case-reading action
    on a role that manages accounts."""
    with changes_nothing(ValidationFailed) as info:
        services.assign_role(
            actor=setup.admin, user=setup.admin, role=Role.objects.get(code="office")
        )
    assert "user" in info.value.errors
    admin_role = Role.objects.get(code="system_admin")
    with changes_nothing(ValidationFailed) as info:
        services.update_role(
            actor=setup.admin,
            role=admin_role,
            actions=["account.manage", "orgunit.view", "person.view"],
        )
    assert "actions" in info.value.errors
    assert not permissions.can(setup.admin, "person.view")


def test_update_role(setup: Setup) -> None:
    role = Role.objects.get(code="analyst")
    before = list(role.actions)
    with changes_nothing(ValidationFailed) as info:
        services.update_role(actor=setup.admin, role=role, actions=["person.view", "cases.eat"])
    assert "cases.eat" in info.value.errors["actions"]
    assert Role.objects.get(pk=role.pk).actions == before
    with changes_nothing(ValueError):
        services.update_role(actor=setup.admin, role=role, code="renamed")
    with changes_nothing(PermissionDenied):
        services.update_role(actor=setup.office, role=role, actions=["orgunit.view"])
    with audited("role.update") as events:
        services.update_role(
            actor=setup.admin,
            role=role,
            actions=["person.view", "orgunit.view", "person.view"],
            requires_otp=True,
        )
    role = Role.objects.get(pk=role.pk)
    assert role.actions == ["orgunit.view", "person.view"]
    assert role.requires_otp
    assert events[0].changes["requires_otp"] == {"before": False, "after": True}


# --- API tokens -----------------------------------------------------------------------------------


def authenticate(raw: str) -> Any:
    request = RequestFactory().get("/api/org-units", headers={"Authorization": f"Bearer {raw}"})
    return TokenAuth().authenticate(request, raw)


def test_api_token_raw_value_is_returned_once(setup: Setup) -> None:
    with audited("token.create") as events:
        token, raw = services.create_api_token(actor=setup.office, name="脚本")
    assert raw.startswith("jd_") and len(raw) > 40
    stored = ApiToken.objects.get(pk=token.pk)
    assert stored.digest == hashlib.sha256(raw.encode()).hexdigest()
    assert stored.prefix == raw[:10]
    assert raw not in {str(v) for v in vars(stored).values()}
    assert raw not in str(events[0].changes) and raw not in events[0].target_repr
    assert stored.expires_at is not None
    assert stored.expires_at - timezone.now() > dt.timedelta(days=89)
    assert authenticate(raw) == setup.office
    assert ApiToken.objects.get(pk=token.pk).last_used_at is not None
    # A second token is a different secret.
    _other, raw2 = services.create_api_token(actor=setup.office, name="another")
    assert raw2 != raw


def test_api_token_refusals(setup: Setup, make_user: Callable) -> None:
    token, raw = services.create_api_token(actor=setup.office, name="t")
    assert authenticate(raw + "x") is None
    assert authenticate(token.digest) is None  # the stored digest is no credential
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert authenticate(raw) is None
    ApiToken.objects.filter(pk=token.pk).update(expires_at=None)
    assert authenticate(raw) == setup.office
    User.objects.filter(pk=setup.office.pk).update(is_active=False)
    assert authenticate(raw) is None


def test_an_account_without_roles_gets_no_token(make_user: Callable) -> None:
    nobody = make_user("nobody")
    with changes_nothing(PermissionDenied):
        services.create_api_token(actor=nobody, name="t")


def test_revoke_api_token(setup: Setup, make_user: Callable) -> None:
    token, raw = services.create_api_token(actor=setup.office, name="t")
    other = make_user("other", role="unit_leader")
    with changes_nothing(PermissionDenied):
        services.revoke_api_token(actor=other, token=token)
    with audited("token.revoke"):
        services.revoke_api_token(actor=setup.office, token=token)
    assert authenticate(raw) is None
    token, _raw = services.create_api_token(actor=setup.office, name="t")
    services.revoke_api_token(actor=setup.admin, token=token)
    assert not ApiToken.objects.filter(pk=token.pk).exists()
