"""Loads the demo organizations, people and one account per role. Running it again
creates only what is missing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.db import transaction

from jiandu.accounts.models import OrgUnit, Person, Post, Role, RoleAssignment, User
from jiandu.audit import services as audit

from .clues import ClueSummary, load_clues
from .inspections import RoundSummary, load_round
from .names import (
    DEPARTMENTS,
    INTERNAL,
    PROVINCE_EN,
    PROVINCE_ZH,
    SECTORS,
    SUBSIDIARIES,
    TRADE_NAMES,
    NameMaker,
)
from .rectification import RectificationSummary, load_rectification

Kind = OrgUnit.Kind
Rank = Post.Rank

# (title zh, rank, leading cadre) of the leadership of a group, a subsidiary, a department
GROUP_POSTS = [
    ("党委书记、董事长", Rank.ENTERPRISE_EXECUTIVE, True),
    ("党委副书记、总经理", Rank.ENTERPRISE_EXECUTIVE, True),
    ("党委委员、纪委书记", Rank.ENTERPRISE_EXECUTIVE, True),
    ("党委委员、副总经理", Rank.ENTERPRISE_EXECUTIVE, True),
    ("总会计师", Rank.ENTERPRISE_EXECUTIVE, True),
]
SUBSIDIARY_POSTS = [
    ("执行董事、总经理", Rank.ENTERPRISE_EXECUTIVE, True),
    ("财务负责人", Rank.OTHER, False),
]
DEPARTMENT_POSTS = [
    ("党组书记、厅长", Rank.BUREAU, True),
    ("党组成员、副厅长", Rank.VICE_BUREAU, True),
    ("驻厅纪检监察组组长", Rank.VICE_BUREAU, True),
    ("处长", Rank.DIVISION, False),
]
BODY_POSTS = [
    ("主任", Rank.BUREAU, True),
    ("副主任", Rank.VICE_BUREAU, True),
    ("干部", Rank.SECTION, False),
]


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    display_name: str
    scope: str  # "global" or an org-unit code (with its subordinate units)
    person_of: str = ""  # org code whose first leader the account belongs to


ACCOUNTS = [
    DemoAccount("admin", "system_admin", "系统管理员", "global"),
    DemoAccount("office", "office", "巡视办干部", "global"),
    DemoAccount("leader", "team_leader", "第一巡视组组长", "SOE-01"),
    DemoAccount("member", "team_member", "第一巡视组成员", "SOE-01"),
    DemoAccount("unit", "unit_leader", "被巡视单位主要负责人", "SOE-01", person_of="SOE-01"),
    DemoAccount("liaison", "unit_liaison", "被巡视单位联络员", "SOE-01"),
    DemoAccount("discipline", "discipline_supervisor", "纪委监委监督人员", "global"),
    DemoAccount("orgdept", "orgdept_supervisor", "组织部监督人员", "global"),
    DemoAccount("clues", "clue_officer", "线索管理员", "global"),
    DemoAccount("handler", "clue_handler", "线索承办人", "global"),
    DemoAccount("analyst", "analyst", "数据分析员", "global"),
    DemoAccount("sector", "functional_dept", "职能部门人员", "DEP-01"),
    DemoAccount("auditor", "auditor", "审计人员", "global"),
    DemoAccount("approver", "clue_approver", "纪委监委分管领导", "CDI"),
]


@dataclass
class Summary:
    created_units: int = 0
    created_people: int = 0
    created_accounts: int = 0
    units: int = 0
    people: int = 0
    accounts: list[tuple[str, str, str]] = field(default_factory=list)
    round: RoundSummary = field(default_factory=RoundSummary)
    rectification: RectificationSummary = field(default_factory=RectificationSummary)
    clues: ClueSummary = field(default_factory=ClueSummary)

    def describe(self) -> str:
        lines = [
            f"Demo data: {self.units} org units ({self.created_units} new), "
            f"{self.people} people ({self.created_people} new), "
            f"{len(self.accounts)} demo accounts ({self.created_accounts} new).",
            "",
            f"{'account':<12} {'role':<40} scope",
        ]
        lines += [f"{u:<12} {r:<40} {s}" for u, r, s in self.accounts]
        lines += ["", self.round.describe(), self.rectification.describe()]
        lines += [self.clues.describe()]
        return "\n".join(lines)


class _Loader:
    def __init__(self) -> None:
        self.names = NameMaker()
        self.summary = Summary()
        self.start = dt.date(2021, 1, 1)

    def unit(self, code: str, zh: str, en: str, kind: str, parent: OrgUnit | None) -> OrgUnit:
        found = OrgUnit.objects.filter(code=code).first()
        if found is not None:
            return found
        unit = OrgUnit.objects.create(code=code, name_zh=zh, name_en=en, kind=kind, parent=parent)
        unit.path = f"{parent.path if parent else '/'}{unit.pk}/"
        unit.depth = parent.depth + 1 if parent else 0
        unit.save(update_fields=["path", "depth"])
        self.summary.created_units += 1
        return unit

    def staff(self, unit: OrgUnit, posts: Sequence[tuple[str, str, bool]]) -> None:
        # The name generator advances for every unit, so names stay stable across runs.
        people = [self.names.person() for _ in posts]
        if Post.objects.filter(org_unit=unit).exists():
            return
        for (title, rank, leading), (name, gender, number, born) in zip(posts, people, strict=True):
            person, created = Person.objects.get_or_create(
                id_number=number,
                defaults={"name": name, "gender": gender, "birth_date": dt.date(*born)},
            )
            self.summary.created_people += int(created)
            Post.objects.create(
                person=person,
                org_unit=unit,
                title=title,
                rank=rank,
                is_leading_cadre=leading,
                start_date=self.start,
            )

    def organizations(self) -> None:
        office = self.unit(
            "INS-OFFICE",
            f"{PROVINCE_ZH}委巡视工作领导小组办公室",
            f"Inspection Leading Group Office of {PROVINCE_EN}",
            Kind.INSPECTION_OFFICE,
            None,
        )
        commission = self.unit(
            "CDI",
            f"{PROVINCE_ZH}纪委监委",
            f"Commission for Discipline Inspection and Supervision of {PROVINCE_EN}",
            Kind.COMMISSION,
            None,
        )
        orgdept = self.unit(
            "ORG-DEPT",
            f"{PROVINCE_ZH}委组织部",
            f"Organization Department of {PROVINCE_EN}",
            Kind.ORGANIZATION_DEPARTMENT,
            None,
        )
        for body in (office, commission, orgdept):
            self.staff(body, BODY_POSTS)
        for i, ((trade_zh, trade_en), (sector_zh, sector_en)) in enumerate(
            zip(
                TRADE_NAMES,
                [SECTORS[i % len(SECTORS)] for i in range(len(TRADE_NAMES))],
                strict=True,
            ),
            start=1,
        ):
            group = self.unit(
                f"SOE-{i:02d}",
                f"{PROVINCE_ZH}{trade_zh}{sector_zh}",
                f"{PROVINCE_EN} {trade_en} {sector_en}",
                Kind.ENTERPRISE,
                None,
            )
            self.staff(group, GROUP_POSTS)
            for j in range(2 + i % 3):
                sub_zh, sub_en = SUBSIDIARIES[(i + j) % len(SUBSIDIARIES)]
                sub = self.unit(
                    f"SOE-{i:02d}-{j + 1}",
                    f"{trade_zh}{sub_zh}",
                    f"{trade_en} {sub_en}",
                    Kind.SUBSIDIARY,
                    group,
                )
                self.staff(sub, SUBSIDIARY_POSTS)
            for k, (office_zh, office_en) in enumerate(INTERNAL, start=1):
                self.unit(f"SOE-{i:02d}-D{k}", office_zh, office_en, Kind.DEPARTMENT, group)
        for i, (dep_zh, dep_en) in enumerate(DEPARTMENTS, start=1):
            dep = self.unit(
                f"DEP-{i:02d}",
                f"{PROVINCE_ZH}{dep_zh}",
                f"{dep_en} of {PROVINCE_EN}",
                Kind.DEPARTMENT,
                None,
            )
            self.staff(dep, DEPARTMENT_POSTS)

    def accounts(self) -> None:
        password: str = settings.JIANDU["DEMO_PASSWORD"]
        hashed = ""  # one (slow) hash of the shared demo password for every new account
        for spec in ACCOUNTS:
            role = Role.objects.get(code=spec.role)
            user = User.objects.filter(username=spec.username).first()
            if user is None:
                user = User(username=spec.username, display_name=spec.display_name)
                hashed = hashed or make_password(password)
                user.password = hashed
                if spec.person_of:
                    first = (
                        Post.objects.filter(org_unit__code=spec.person_of).order_by("id").first()
                    )
                    user.person = first.person if first else None
                user.save()
                self.summary.created_accounts += 1
            if not RoleAssignment.objects.filter(user=user, role=role).exists():
                if spec.scope == "global":
                    RoleAssignment.objects.create(user=user, role=role, scope_kind="global")
                else:
                    RoleAssignment.objects.create(
                        user=user,
                        role=role,
                        scope_kind="org_unit",
                        org_unit=OrgUnit.objects.get(code=spec.scope),
                        include_descendants=True,
                    )
            scope = (
                "全部 / everything"
                if spec.scope == "global"
                else OrgUnit.objects.get(code=spec.scope).name_zh
            )
            self.summary.accounts.append((spec.username, f"{role.name_zh} / {role.name_en}", scope))


@transaction.atomic
def load() -> Summary:
    loader = _Loader()
    loader.organizations()
    loader.accounts()
    summary = loader.summary
    summary.round = load_round()
    summary.rectification = load_rectification()
    summary.clues = load_clues()
    summary.units = OrgUnit.objects.count()
    summary.people = Person.objects.count()
    new_team_accounts = summary.round.created_accounts
    if (
        summary.created_units
        or summary.created_people
        or summary.created_accounts
        or new_team_accounts
    ):
        audit.record(
            actor=None,
            action="demo.load",
            changes={
                "org_units": summary.created_units,
                "people": summary.created_people,
                "accounts": summary.created_accounts,
                "team_accounts": new_team_accounts,
            },
        )
    return summary
