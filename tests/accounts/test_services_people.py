"""People and posts: creation, ID numbers, edits and the end of a post."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable

import pytest
from django.utils import timezone

from jiandu.accounts import services
from jiandu.accounts.models import Person
from jiandu.core.errors import PermissionDenied, ValidationFailed
from tests.accounts.helpers import (
    ID_15,
    ID_18,
    OTHER_ID,
    START,
    Setup,
    audited,
    changes_nothing,
)

pytestmark = pytest.mark.django_db


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
