"""Services of the accounts app: rules, permission checks, and the audit event each writes
inside its own transaction. A refused action changes nothing and writes nothing."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from django.test import RequestFactory
from django.utils import timezone

from jiandu.accounts import permissions, services
from jiandu.accounts.models import ApiToken, OrgUnit, Person, Post, Role, RoleAssignment, User
from jiandu.api.auth import TokenAuth
from jiandu.audit import services as audit_services
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied, ValidationFailed

pytestmark = pytest.mark.django_db

START = dt.date(2021, 3, 1)
ID_18 = "11010519491231002X"  # GB 11643 example
ID_15 = "110105491231002"  # the same person's old 15-digit number
OTHER_ID = "440524188001010014"
PASSWORD = "Correct-horse-battery-9"


# --- helpers ------------------------------------------------------------------------------


def last_seq() -> int:
    event = AuditEvent.objects.order_by("-seq").first()
    return event.seq if event else 0


def events_after(seq: int) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(seq__gt=seq).order_by("seq"))


@contextmanager
def audited(*actions: str) -> Iterator[list[AuditEvent]]:
    """Assert that the block writes exactly these audit events, in this order."""
    before = last_seq()
    written: list[AuditEvent] = []
    yield written
    written.extend(events_after(before))
    assert [e.action for e in written] == list(actions)


def counts() -> tuple[int, ...]:
    return (
        OrgUnit.objects.count(),
        Person.objects.count(),
        Post.objects.count(),
        User.objects.count(),
        RoleAssignment.objects.count(),
        ApiToken.objects.count(),
        AuditEvent.objects.count(),
    )


@contextmanager
def changes_nothing(error: type[Exception]) -> Iterator[pytest.ExceptionInfo[Any]]:
    """The block raises `error` and leaves no row and no audit event behind."""
    before = counts()
    with pytest.raises(error) as info:
        yield info
    assert counts() == before


@dataclass
class Setup:
    office: User
    admin: User
    a: OrgUnit
    b: OrgUnit
    c: OrgUnit
    d: OrgUnit


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


def reload(unit: OrgUnit) -> OrgUnit:
    return OrgUnit.objects.get(pk=unit.pk)


# --- org units ------------------------------------------------------------------------------


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


def test_create_person_writes_person_and_post(setup: Setup) -> None:
    with audited("person.create", "post.create") as events:
        person = services.create_person(
            actor=setup.office,
            name=" 张三 ",
            org_unit=setup.b,
            title="总经理",
            rank="enterprise_executive",
            is_leading_cadre=True,
            start_date=START,
            id_number=ID_18.lower(),
            gender="F",
        )
    assert (person.name, person.id_number) == ("张三", ID_18)
    post = person.posts.get()
    assert (post.org_unit, post.title, post.is_leading_cadre) == (setup.b, "总经理", True)
    assert events[0].changes["after"]["id_number"] == ID_18
    assert events[0].target_id == str(person.pk)
    assert events[1].changes["after"]["org_unit"] == setup.b.pk
    assert events[1].changes["after"]["start_date"] == "2021-03-01"


def test_create_person_converts_a_fifteen_digit_number(setup: Setup) -> None:
    person = services.create_person(
        actor=setup.office,
        name="李四",
        org_unit=setup.a,
        title="干部",
        start_date=START,
        id_number="１１０１０５ ４９１２３１ ００２",
    )
    assert Person.objects.get(pk=person.pk).id_number == ID_18


def test_people_without_id_numbers_do_not_clash(setup: Setup) -> None:
    for name in ("甲", "乙"):
        person = services.create_person(
            actor=setup.office, name=name, org_unit=setup.a, title="干部", start_date=START
        )
        assert person.id_number is None
    services.create_person(
        actor=setup.office,
        name="丙",
        org_unit=setup.a,
        title="干部",
        start_date=START,
        id_number=" ",
    )
    assert Person.objects.filter(id_number__isnull=True).count() == 3


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"id_number": "110105194912310021"}, "id_number"),  # wrong check character
        ({"id_number": "11010519490230002X"}, "id_number"),  # 30 February
        ({"id_number": "12345"}, "id_number"),
        ({"id_number": ID_18}, "id_number"),  # taken
        ({"id_number": ID_15}, "id_number"),  # taken, in its 15-digit form
        ({"name": "  "}, "name"),
        ({"gender": "X"}, "gender"),
        ({"title": "  "}, "title"),  # refused after the person row was written
        ({"rank": "general"}, "rank"),
    ],
)
def test_create_person_refuses_invalid_input(
    setup: Setup, fields: dict[str, str], field: str
) -> None:
    services.create_person(
        actor=setup.office,
        name="王五",
        org_unit=setup.a,
        title="干部",
        start_date=START,
        id_number=ID_18,
    )
    values = {"name": "赵六", "title": "干部", **fields}
    with changes_nothing(ValidationFailed) as info:
        services.create_person(actor=setup.office, org_unit=setup.b, start_date=START, **values)
    assert field in info.value.errors


def test_create_person_needs_person_manage_on_the_unit(setup: Setup, make_user: Callable) -> None:
    orgdept = make_user("orgdept", role="orgdept_supervisor", org=setup.b)
    services.create_person(
        actor=orgdept, name="甲", org_unit=setup.c, title="干部", start_date=START
    )
    for actor in (orgdept, make_user("viewer", role="unit_leader"), setup.admin):
        with changes_nothing(PermissionDenied):
            services.create_person(
                actor=actor, name="乙", org_unit=setup.d, title="干部", start_date=START
            )


def test_update_person(setup: Setup) -> None:
    person = services.create_person(
        actor=setup.office,
        name="甲",
        org_unit=setup.a,
        title="干部",
        start_date=START,
        id_number=ID_18,
    )
    with audited("person.update") as events:
        services.update_person(actor=setup.office, person=person, id_number=ID_15, gender="F")
    assert events[0].changes == {"gender": {"before": "", "after": "F"}}  # same number
    other = services.create_person(
        actor=setup.office, name="乙", org_unit=setup.a, title="干部", start_date=START
    )
    with changes_nothing(ValidationFailed):
        services.update_person(actor=setup.office, person=other, id_number=ID_15)
    with changes_nothing(ValueError):
        services.update_person(actor=setup.office, person=other, created_at=timezone.now())
    with audited("person.update") as events:
        services.update_person(actor=setup.office, person=other, id_number=OTHER_ID)
    assert events[0].changes == {"id_number": {"before": None, "after": OTHER_ID}}


def test_posts_add_and_end(setup: Setup, make_user: Callable) -> None:
    person = services.create_person(
        actor=setup.office, name="甲", org_unit=setup.a, title="干部", start_date=START
    )
    with audited("post.create"):
        post = services.add_post(
            actor=setup.office, person=person, org_unit=setup.d, title="兼职", start_date=START
        )
    with changes_nothing(ValidationFailed):
        services.end_post(actor=setup.office, post=post, end_date=START - dt.timedelta(days=1))
    with audited("post.end") as events:
        services.end_post(actor=setup.office, post=post, end_date=dt.date(2022, 1, 31))
    assert events[0].changes == {"end_date": {"before": None, "after": "2022-01-31"}}
    # A supervisor of A may not place the person in D.
    scoped = make_user("orgdept", role="orgdept_supervisor", org=setup.a)
    with changes_nothing(PermissionDenied):
        services.add_post(
            actor=scoped, person=person, org_unit=setup.d, title="兼职", start_date=START
        )


# --- accounts -----------------------------------------------------------------------------------


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
