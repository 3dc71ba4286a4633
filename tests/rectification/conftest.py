"""Fixtures of the rectification tests.

`rect`: the inspection of tests/inspections/conftest.py carried to the stage
"rectification": targets[0] (unit E1) received its one-to-one feedback on 2026-03-26 with
three fed-back findings (A1 x2, B3). E1 has three people with current posts: the top
leader (secretary), a deputy and a department head. Accounts: `liaison` and `leader`
(unit_liaison / unit_leader on E1), `liaison2` (unit_liaison on E2), `verifier` and
`verifier2` (discipline / orgdept supervisors, global), the office.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from jiandu.accounts.models import Person, Post, User
from jiandu.inspections.services import feedback
from jiandu.rectification.models import Plan, Problem, Task
from jiandu.rectification.services import lists
from tests.inspections.conftest import Inspection, _in_english, inspection, office  # noqa: F401
from tests.inspections.test_reporting import adopted_report, advance, seed_findings

FEEDBACK_DATE = dt.date(2026, 3, 26)


@dataclass
class Rect:
    inspection: Inspection
    plan: Plan
    office: User
    liaison: User
    leader: User
    liaison2: User
    verifier: User
    verifier2: User
    secretary: Person
    deputy: Person
    head: Person


def person(name: str, unit: Any, title: str, leading: bool = True) -> Person:
    who = Person.objects.create(name=name)
    Post.objects.create(
        person=who,
        org_unit=unit,
        title=title,
        is_leading_cadre=leading,
        start_date=dt.date(2020, 1, 1),
    )
    return who


def pdf(name: str = "evidence.pdf", body: bytes = b"") -> SimpleUploadedFile:
    content = b"%PDF-1.4\n%" + (body or name.encode()) + b"\ntrailer <<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def task(r: Rect, problem: Problem, **kw: Any) -> Task:
    values: dict[str, Any] = {
        "actor": r.liaison,
        "problem": problem,
        "measure": "制定专项整改方案并组织实施",
        "deliverable": "整改方案",
        "deadline": dt.date(2026, 5, 20),
        "kind": "immediate",
        "leader": r.deputy,
        "department": "党委办公室",
        "person": "王五",
    }
    values.update(kw)
    return lists.add_task(**values)


def approved(r: Rect) -> Plan:
    """Every problem gets one immediate task; the plan is submitted and approved."""
    for problem in r.plan.problems.all():
        if not problem.tasks.exists():
            task(r, problem)
    lists.submit_plan(actor=r.liaison, plan=r.plan)
    r.plan = lists.approve_plan(actor=r.office, plan=r.plan)
    return r.plan


@pytest.fixture
def rect(inspection: Inspection, make_user: Callable[..., Any]) -> Rect:  # noqa: F811
    advance(inspection, "reporting")
    inspection.extra["findings"] = seed_findings(inspection)
    adopted_report(inspection, inspection.targets[0], inspection.leaders[0])
    advance(inspection, "feedback")
    item = feedback.draft_target_feedback(
        actor=inspection.leaders[0],
        target=inspection.targets[0],
        date=FEEDBACK_DATE,
        requirements="限期整改。",
    )
    feedback.deliver_feedback(actor=inspection.office, feedback=item)
    advance(inspection, "rectification")
    unit = inspection.units[0]
    secretary = person("张书记", unit, "党委书记")
    deputy = person("李副总", unit, "副总经理")
    head = person("赵主任", unit, "办公室主任", leading=False)
    liaison = make_user("liaison", role="unit_liaison", org=unit)
    plan = lists.open_plan(actor=liaison, target=inspection.targets[0])
    return Rect(
        inspection=inspection,
        plan=plan,
        office=inspection.office,
        liaison=liaison,
        leader=make_user("unitleader", role="unit_leader", org=unit),
        liaison2=make_user("liaison2", role="unit_liaison", org=inspection.units[1]),
        verifier=make_user("verifier", role="discipline_supervisor"),
        verifier2=make_user("verifier2", role="orgdept_supervisor"),
        secretary=secretary,
        deputy=deputy,
        head=head,
    )
