"""The permission API: `can`, `require`, `scope_filter`, `get_or_deny`, `require_global`.

The tree used here:

    A (enterprise)          D (another enterprise)
    ├── B
    │   └── C
    └── B2
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.contrib.auth.models import AnonymousUser
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.utils import timezone

from jiandu.accounts import permissions, selectors
from jiandu.accounts.models import OrgUnit, Person, Post, Role, RoleAssignment, User
from jiandu.core.errors import PermissionDenied

pytestmark = pytest.mark.django_db

START = dt.date(2020, 1, 1)


def make_unit(code: str, parent: OrgUnit | None = None, pk: int | None = None) -> OrgUnit:
    unit = OrgUnit.objects.create(pk=pk, code=code, name_zh=code, kind="other", parent=parent)
    unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
    unit.depth = parent.depth + 1 if parent else 0
    unit.save(update_fields=["path", "depth"])
    return unit


def make_person(name: str, *units: OrgUnit) -> Person:
    person = Person.objects.create(name=name)
    for unit in units:
        Post.objects.create(person=person, org_unit=unit, title="干部", start_date=START)
    return person


@dataclass
class World:
    a: OrgUnit
    b: OrgUnit
    c: OrgUnit
    b2: OrgUnit
    d: OrgUnit
    in_a: Person
    in_b: Person
    in_c: Person
    in_d: Person


@pytest.fixture
def world(db: Any) -> World:
    a = make_unit("A")
    b = make_unit("B", a)
    c = make_unit("C", b)
    b2 = make_unit("B2", a)
    d = make_unit("D")
    return World(
        a=a,
        b=b,
        c=c,
        b2=b2,
        d=d,
        in_a=make_person("甲", a),
        in_b=make_person("乙", b),
        in_c=make_person("丙", c),
        in_d=make_person("丁", d),
    )


def fresh(user: User) -> User:
    """The same account without cached grants."""
    return User.objects.get(pk=user.pk)


def visible(actor: Any, action: str, model: type[Any]) -> set[Any]:
    return set(permissions.scope_filter(actor, action, model.objects.all()))


# --- org-subtree scope ------------------------------------------------------------------


def test_subtree_scope_includes_every_descendant(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.a)
    assert visible(leader, "orgunit.view", OrgUnit) == {world.a, world.b, world.c, world.b2}
    assert visible(leader, "person.view", Person) == {world.in_a, world.in_b, world.in_c}
    assert permissions.can(leader, "orgunit.view", world.c)
    assert permissions.can(leader, "person.view", world.in_c)
    assert not permissions.can(leader, "orgunit.view", world.d)
    assert not permissions.can(leader, "person.view", world.in_d)


def test_subtree_scope_does_not_reach_up_or_sideways(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.b)
    assert visible(leader, "orgunit.view", OrgUnit) == {world.b, world.c}
    assert visible(leader, "person.view", Person) == {world.in_b, world.in_c}
    assert not permissions.can(leader, "orgunit.view", world.a)
    assert not permissions.can(leader, "orgunit.view", world.b2)


def test_non_recursive_scope_covers_the_unit_only(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.a, include_descendants=False)
    assert visible(leader, "orgunit.view", OrgUnit) == {world.a}
    assert visible(leader, "person.view", Person) == {world.in_a}
    assert not permissions.can(leader, "orgunit.view", world.b)
    assert not permissions.can(leader, "person.view", world.in_c)


def test_subtree_prefix_is_not_a_number_prefix(db: Any, make_user: Callable) -> None:
    """A grant on unit 7001 ("/7001/") does not cover unit 70011 ("/70011/")."""
    unit = make_unit("N1", pk=7001)
    other = make_unit("N2", pk=70011)
    child = make_unit("N3", unit, pk=70012)
    leader = make_user("leader", role="unit_leader", org=unit)
    assert other.path.startswith(unit.path[:-1])
    assert visible(leader, "orgunit.view", OrgUnit) == {unit, child}


def test_posts_are_scoped_by_their_unit(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.b)
    posts = permissions.scope_filter(leader, "person.view", Post.objects.all())
    assert {p.org_unit for p in posts} == {world.b, world.c}


# --- global and object scope ----------------------------------------------------------


def test_global_scope_covers_everything(world: World, make_user: Callable) -> None:
    office = make_user("office", role="office")
    assert visible(office, "orgunit.view", OrgUnit) == set(OrgUnit.objects.all())
    assert visible(office, "person.view", Person) == set(Person.objects.all())
    assert permissions.can(office, "orgunit.manage", world.d)
    permissions.require_global(office, "orgunit.manage")


def test_object_scope_on_an_org_unit_covers_that_unit_only(
    world: World, make_user: Callable
) -> None:
    user = make_user("member")
    RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code="unit_leader"),
        scope_kind="object",
        object_type=ContentType.objects.get_for_model(OrgUnit),
        object_id=str(world.b.pk),
    )
    assert visible(user, "orgunit.view", OrgUnit) == {world.b}
    assert permissions.can(user, "orgunit.view", world.b)
    assert not permissions.can(user, "orgunit.view", world.c)
    assert not permissions.can(user, "orgunit.view", world.a)
    # A person is not an org unit, and Person names no objects it belongs to.
    assert visible(user, "person.view", Person) == set()
    assert not permissions.can(user, "person.view", world.in_b)
    # The action is still held somewhere, for navigation.
    assert permissions.can(user, "person.view")


def test_object_scope_on_a_person_covers_that_person_only(
    world: World, make_user: Callable
) -> None:
    user = make_user("handler")
    RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code="unit_leader"),
        scope_kind="object",
        object_type=ContentType.objects.get_for_model(Person),
        object_id=str(world.in_b.pk),
    )
    assert visible(user, "person.view", Person) == {world.in_b}
    assert visible(user, "orgunit.view", OrgUnit) == set()


def test_grants_add_up(world: World, make_user: Callable) -> None:
    user = make_user("both", role="unit_leader", org=world.c)
    RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code="team_member"),
        scope_kind="org_unit",
        org_unit=world.d,
    )
    assert visible(user, "orgunit.view", OrgUnit) == {world.c, world.d}


# --- validity windows -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("starts", "ends", "in_force"),
    [
        (None, None, True),
        (0, None, True),  # from today
        (1, None, False),  # from tomorrow
        (-30, None, True),
        (None, 0, True),  # until today, inclusive
        (None, -1, False),  # ended yesterday
        (-10, 10, True),
        (-10, -5, False),
        (5, 10, False),
    ],
)
def test_validity_window(
    world: World, make_user: Callable, starts: int | None, ends: int | None, in_force: bool
) -> None:
    today = timezone.localdate()
    user = make_user("temporary")
    RoleAssignment.objects.create(
        user=user,
        role=Role.objects.get(code="office"),
        scope_kind="global",
        valid_from=None if starts is None else today + dt.timedelta(days=starts),
        valid_until=None if ends is None else today + dt.timedelta(days=ends),
    )
    assert permissions.can(user, "person.view", world.in_d) is in_force
    assert permissions.can(user, "person.view") is in_force
    assert bool(visible(user, "orgunit.view", OrgUnit)) is in_force
    assert (len(permissions.grants(user)) == 1) is in_force


# --- who gets nothing -------------------------------------------------------------------


def test_inactive_user_gets_nothing(world: World, make_user: Callable) -> None:
    office = make_user("office", role="office")
    office.is_active = False
    office.save()
    office = fresh(office)
    assert permissions.grants(office) == []
    assert not permissions.can(office, "orgunit.view")
    assert not permissions.can(office, "orgunit.view", world.a)
    assert visible(office, "orgunit.view", OrgUnit) == set()
    with pytest.raises(PermissionDenied):
        permissions.require(office, "person.view", world.in_a)
    with pytest.raises(PermissionDenied):
        permissions.require_global(office, "orgunit.manage")


@pytest.mark.parametrize("flags", [{"is_superuser": True}, {"is_staff": True}])
def test_superuser_and_staff_flags_grant_nothing(world: World, flags: dict[str, bool]) -> None:
    user = User.objects.create_user(username="root", password="Correct-horse-9", **flags)
    for action in permissions.ACTIONS:
        assert not permissions.can(user, action), action
        assert not permissions.can(user, action, world.a), action
        with pytest.raises(PermissionDenied):
            permissions.require_global(user, action)
    assert visible(user, "orgunit.view", OrgUnit) == set()
    assert visible(user, "person.view", Person) == set()


@pytest.mark.parametrize("actor", [None, AnonymousUser()])
def test_anonymous_gets_nothing(world: World, actor: Any) -> None:
    assert permissions.grants(actor) == []
    assert not permissions.can(actor, "orgunit.view")
    assert not permissions.can(actor, "orgunit.view", world.a)
    assert visible(actor, "orgunit.view", OrgUnit) == set()


def test_system_admin_cannot_view_people(world: World, make_user: Callable) -> None:
    admin = make_user("admin", role="system_admin")
    assert permissions.can(admin, "account.manage")
    permissions.require_global(admin, "account.manage")
    assert permissions.can(admin, "orgunit.view", world.c)
    assert not permissions.can(admin, "person.view")
    assert not permissions.can(admin, "person.view", world.in_a)
    assert visible(admin, "person.view", Person) == set()
    assert list(selectors.people(admin)) == []
    with pytest.raises(PermissionDenied):
        selectors.person(admin, world.in_a.pk)
    assert list(selectors.people_in(admin, world.a)) == []


# --- people through their posts ---------------------------------------------------------


def test_people_with_several_posts_appear_once(world: World, make_user: Callable) -> None:
    several = make_person("多职", world.a, world.b, world.c, world.b2)
    straddling = make_person("跨界", world.c, world.d)
    leader = make_user("leader", role="unit_leader", org=world.a)
    # A second grant that covers the same people again.
    RoleAssignment.objects.create(
        user=leader,
        role=Role.objects.get(code="team_member"),
        scope_kind="org_unit",
        org_unit=world.b,
    )
    leader = fresh(leader)
    rows = list(permissions.scope_filter(leader, "person.view", Person.objects.all()))
    assert len(rows) == len(set(rows))
    assert rows.count(several) == 1
    assert straddling in rows
    assert permissions.scope_filter(leader, "person.view", Person.objects.all()).count() == len(
        rows
    )
    listed = list(selectors.people(leader))
    assert len(listed) == len(set(listed))
    assert set(listed) == {world.in_a, world.in_b, world.in_c, several, straddling}
    in_b = list(selectors.people(leader, org=world.b))
    assert sorted(p.pk for p in in_b) == sorted(
        {world.in_b.pk, world.in_c.pk, several.pk, straddling.pk}
    )


def test_people_outside_every_scope_stay_hidden(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.d)
    assert visible(leader, "person.view", Person) == {world.in_d}


# --- can, require, get_or_deny, require_global -----------------------------------------


def test_can_without_an_object_asks_whether_the_action_is_held_anywhere(
    world: World, make_user: Callable
) -> None:
    leader = make_user("leader", role="unit_leader", org=world.c)
    assert permissions.can(leader, "person.view")
    assert permissions.can(leader, "orgunit.view")
    assert not permissions.can(leader, "person.manage")
    assert not permissions.can(leader, "orgunit.manage")
    assert not permissions.can(leader, "account.manage")
    assert not permissions.can(leader, "no.such.action")


def test_can_on_an_unsaved_object_is_false(make_user: Callable) -> None:
    office = make_user("office", role="office")
    assert not permissions.can(office, "orgunit.view", OrgUnit(code="X"))


def test_require_raises_a_403_error_naming_the_action(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.a)
    permissions.require(leader, "orgunit.view", world.c)
    with pytest.raises(PermissionDenied) as info:
        permissions.require(leader, "orgunit.manage", world.c)
    assert info.value.action == "orgunit.manage"
    assert info.value.obj == world.c
    assert isinstance(info.value, DjangoPermissionDenied)  # Django answers 403


def test_get_or_deny(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.b)
    units = OrgUnit.objects.all()
    assert permissions.get_or_deny(leader, "orgunit.view", units, world.c.pk) == world.c
    with pytest.raises(PermissionDenied) as outside:
        permissions.get_or_deny(leader, "orgunit.view", units, world.a.pk)
    missing_pk = OrgUnit.objects.order_by("-pk").first().pk + 1000  # type: ignore[union-attr]
    with pytest.raises(PermissionDenied) as missing:
        permissions.get_or_deny(leader, "orgunit.view", units, missing_pk)
    # Absence and refusal look the same.
    assert str(outside.value) == str(missing.value)
    assert outside.value.obj is None and missing.value.obj is None
    with pytest.raises(PermissionDenied):
        permissions.get_or_deny(leader, "orgunit.manage", units, world.c.pk)


def test_get_or_deny_respects_the_given_queryset(world: World, make_user: Callable) -> None:
    office = make_user("office", role="office")
    with pytest.raises(PermissionDenied):
        permissions.get_or_deny(office, "orgunit.view", OrgUnit.objects.filter(depth=0), world.c.pk)


def test_require_global_refuses_a_scoped_grant(world: World, make_user: Callable) -> None:
    scoped = make_user("scoped", role="office", org=world.a)
    assert permissions.can(scoped, "orgunit.manage", world.b)
    assert not permissions.can(scoped, "orgunit.manage", world.d)
    with pytest.raises(PermissionDenied):
        permissions.require_global(scoped, "orgunit.manage")
    scoped_admin = make_user("scoped-admin", role="system_admin", org=world.a)
    with pytest.raises(PermissionDenied):
        permissions.require_global(scoped_admin, "account.manage")
    with pytest.raises(PermissionDenied):
        selectors.users(scoped_admin)


# --- roles are data -----------------------------------------------------------------------


def test_rights_follow_the_role_rows(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.a)
    assert permissions.can(leader, "person.view", world.in_b)
    role = Role.objects.get(code="unit_leader")
    role.actions = ["orgunit.view", "orgunit.manage"]
    role.save()
    leader = fresh(leader)
    assert not permissions.can(leader, "person.view", world.in_b)
    assert permissions.can(leader, "orgunit.manage", world.b)
    assert not permissions.can(leader, "orgunit.manage", world.d)


def test_grants_are_cached_until_forgotten(world: World, make_user: Callable) -> None:
    leader = make_user("leader", role="unit_leader", org=world.a)
    assert permissions.can(leader, "orgunit.view", world.a)
    RoleAssignment.objects.filter(user=leader).delete()
    assert permissions.can(leader, "orgunit.view", world.a)  # cached on this object
    permissions.forget(leader)
    assert not permissions.can(leader, "orgunit.view", world.a)


@pytest.mark.django_db
def test_global_only_actions_need_a_global_grant(make_user: Any, client: Any) -> None:
    """A role with account.manage or audit.view given for one org unit opens nothing:
    the accounts and the audit trail span the whole installation."""
    unit = OrgUnit.objects.create(code="G-1", name_zh="单位", kind="enterprise", path="/x/")
    unit.path = f"/{unit.pk}/"
    unit.save()
    admin = make_user("scoped-admin", role="system_admin", org=unit)
    auditor = make_user("scoped-auditor", role="auditor", org=unit)
    for user, action in ((admin, "account.manage"), (auditor, "audit.view")):
        assert action not in permissions.actions_of(user)
        assert not permissions.can(user, action)
        with pytest.raises(PermissionDenied):
            permissions.require_global(user, action)
    client.force_login(admin)
    home = client.get("/")
    assert home.status_code == 200
    assert 'data-nav="users"' not in home.content.decode()
    assert client.get("/manage/users/").status_code == 403
