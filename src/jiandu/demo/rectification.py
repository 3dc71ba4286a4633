"""The reference round in rectification: every one of the 33 targets has its plan, with a
realistic mix of done (cancelled), basically done, in progress, not started, overdue,
rejected and escalated problems, on-site checks, and a few perfunctory and false
rectification flags.

Everything goes through the rectification services, as the units, the supervisors and
the office would do it; each unit imports its task and responsibility lists from the
Excel template in one go (the bulk path the services offer). Afterwards the timestamps
the services set to "now" are moved back to the spring of 2026; audit events are never
touched. Deterministic (seeded); skipped when the round already has plans."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from jiandu.accounts.models import Post, Role, RoleAssignment, User
from jiandu.inspections.models import Round
from jiandu.rectification import excel
from jiandu.rectification.models import Plan, Problem, Task
from jiandu.rectification.services import (
    batch,
    escalation,
    exchange,
    flags,
    lists,
    progress,
    verification,
)

from .inspections import ROUND_CODE
from .names import GIVEN, SURNAMES

SEED = 20260326
APPROVED_ON = dt.date(2026, 4, 15)
MEASURES = [
    ("召开党委会专题研究，制定专项整改方案，明确整改目标和时限", "专项整改方案"),
    ("全面排查同类问题，建立问题台账，逐项整改销号", "问题排查台账"),
    ("修订完善相关管理制度，堵塞制度漏洞", "修订后的管理制度"),
    ("开展专项监督检查，对相关责任人严肃问责", "监督检查报告"),
    ("组织警示教育，以案促改、举一反三", "警示教育会议纪要"),
    ("建立长效机制，定期评估整改成效", "长效机制文件"),
]
DEPARTMENTS = ["党委办公室", "纪委办公室", "财务部", "人力资源部", "投资管理部", "审计部"]
RESULT = "已按整改方案完成整改，相关制度已印发执行，问题已清理到位。"
REJECTION = "佐证材料不足，未能反映整改实效，请补充制度文件和执行记录。"
# Share of each outcome among a target's problems (the rest are in progress).
OUTCOMES = [
    ("cancelled", 0.58),
    ("submitted", 0.07),
    ("basically", 0.10),
    ("not_started", 0.04),
]
PDF = b"%PDF-1.4\n%jiandu demo evidence\n"


def _pdf(name: str, body: str) -> SimpleUploadedFile:
    content = PDF + body.encode() + b"\ntrailer <<>>\n%%EOF\n"
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour, 0)))


@dataclass
class RectificationSummary:
    plans: int = 0
    problems: int = 0
    cancelled: int = 0
    escalations: int = 0
    flags: int = 0
    liaisons: int = 0
    created: bool = False
    statistics: str = ""

    def describe(self) -> str:
        state = "new" if self.created else "already present"
        return (
            f"Rectification of {ROUND_CODE} ({state}): {self.plans} plans, {self.problems} "
            f"problems ({self.cancelled} cancelled), {self.escalations} escalations, "
            f"{self.flags} flags; {self.liaisons} unit liaison accounts liaison-<unit code>. "
            f"{self.statistics}"
        )


@dataclass
class _Loader:
    round: Round
    summary: RectificationSummary
    rng: random.Random = field(default_factory=lambda: random.Random(SEED))  # noqa: S311
    later: dict[type[Any], dict[int, dict[str, Any]]] = field(default_factory=dict)
    completed: dict[int, dt.date] = field(default_factory=dict)
    submitted: dict[int, dt.datetime] = field(default_factory=dict)
    cancelled: dict[int, dt.datetime] = field(default_factory=dict)

    def __post_init__(self) -> None:
        users = {
            u.username: u
            for u in User.objects.filter(
                username__in=["office", "discipline", "orgdept", "liaison"]
            )
        }
        self.office, self.discipline = users["office"], users["discipline"]
        self.orgdept, self.liaison = users["orgdept"], users["liaison"]
        self.password = ""

    def backdate(self, obj: Any, **values: Any) -> None:
        self.later.setdefault(type(obj), {}).setdefault(obj.pk, {}).update(values)

    def liaison_of(self, unit: Any) -> User:
        if unit.code == "SOE-01":
            return self.liaison
        username = f"liaison-{unit.code.lower()}"
        user = User.objects.filter(username=username).first()
        if user is None:
            if not self.password:
                self.password = make_password(settings.JIANDU["DEMO_PASSWORD"])
            user = User.objects.create(
                username=username, display_name=f"{unit.name_zh}整改联络员", password=self.password
            )
            RoleAssignment.objects.create(
                user=user, role=self.liaison_role, scope_kind="org_unit", org_unit=unit
            )
            self.summary.liaisons += 1
        return user

    def person_name(self) -> str:
        return self.rng.choice(SURNAMES) + "".join(self.rng.choice(GIVEN) for _ in range(2))

    def rows(self, plan: Plan) -> excel.Parsed:
        """What the unit fills into the template: one or two measures per problem."""
        leaders = list(
            Post.objects.filter(
                org_unit=plan.target.org_unit, is_leading_cadre=True, end_date__isnull=True
            )
            .select_related("person")
            .order_by("id")
        )
        parsed = excel.Parsed(plan_id=plan.pk)
        row = 1
        for problem in plan.problems.order_by("number"):
            count = 2 if self.rng.random() < 0.3 else 1
            for number in range(1, count + 1):
                row += 1
                measure, deliverable = self.rng.choice(MEASURES[:5])
                kind = Task.Kind.IMMEDIATE
                deadline = dt.date(2026, 5, 15) + dt.timedelta(days=self.rng.randint(0, 12))
                if number == 2:
                    measure, deliverable = MEASURES[5]
                    kind, deadline = Task.Kind.LONG_TERM, dt.date(2026, 12, 31)
                leader = leaders[0] if self.rng.random() < 0.3 else self.rng.choice(leaders)
                key = {"row": row, "problem": problem.number, "number": number}
                parsed.tasks.append(
                    {
                        **key,
                        "measure": measure,
                        "deliverable": deliverable,
                        "deadline": deadline,
                        "kind": kind,
                    }
                )
                parsed.responsibilities.append(
                    {
                        **key,
                        "leader": leader.person.name,
                        "department": self.rng.choice(DEPARTMENTS),
                        "person": self.person_name(),
                    }
                )
        return parsed

    def outcome(self) -> str:
        draw, edge = self.rng.random(), 0.0
        for name, share in OUTCOMES:
            edge += share
            if draw < edge:
                return name
        return "in_progress"

    def work(self, plan: Plan, liaison: User, rush: bool) -> None:
        """The unit's progress report, its submissions and the verifiers' session."""
        due = plan.report_due
        problems = list(plan.problems.prefetch_related("tasks").order_by("number"))
        entries: list[batch.Entry] = []
        submit: list[Problem] = []
        outcomes: dict[int, str] = {}
        for index, problem in enumerate(problems):
            tasks = list(problem.tasks.all())
            outcome = "cancelled" if rush and index < 6 else self.outcome()
            if outcome == "basically" and len(tasks) == 1:
                outcome = "in_progress"
            elif outcome == "in_progress" and len(tasks) > 1 and self.rng.random() < 0.6:
                outcome = "basically"
            outcomes[problem.pk] = outcome
            if outcome == "not_started":
                continue
            first = tasks[0]
            done_on = min(first.deadline, due) - dt.timedelta(days=self.rng.randint(0, 20))
            if outcome == "in_progress":
                entries.append(batch.Entry(task=first, narrative="正在推进整改，已完成问题排查。"))
                continue
            bare = outcome == "cancelled" and self.rng.random() < 0.04
            files = [] if bare else [_pdf(f"{problem.number}.pdf", f"{plan.pk}-{problem.pk}")]
            result = RESULT if outcome != "basically" and not bare else ""
            entries.append(batch.Entry(first, RESULT, completes=True, files=files, result=result))
            late = self.rng.random() < 0.12
            self.completed[first.pk] = first.deadline + dt.timedelta(days=9) if late else done_on
            if outcome == "basically":
                continue
            for task in tasks[1:]:
                entries.append(batch.Entry(task, "长效机制已建立。", completes=True))
                self.completed[task.pk] = done_on
            submit.append(problem)
            submitted = due - dt.timedelta(days=1 + index % 3) if rush else done_on
            self.submitted[problem.pk] = _at(submitted + dt.timedelta(days=2))
        if entries:
            batch.report_progress(actor=liaison, plan=plan, entries=entries)
        if submit:
            batch.submit_problems(actor=liaison, plan=plan, problems=submit)
        checked = [p for p in submit if outcomes[p.pk] == "cancelled"]
        rejected = [p for p in checked if self.rng.random() < 0.06]
        for problem in rejected:
            verification.reject(actor=self.discipline, problem=problem, reason=REJECTION)
        signed = [p for p in checked if p not in rejected]
        if signed:
            batch.sign_off(actor=self.orgdept, plan=plan, problems=signed, comment="同意销号")
            for problem in signed:
                self.cancelled[problem.pk] = self.submitted[problem.pk] + dt.timedelta(days=5)

    def reuse(self, plan: Plan, liaison: User) -> None:
        """One unit files the same document as evidence for two problems."""
        open_ = list(plan.problems.filter(state=Problem.State.OPEN).order_by("number")[:2])
        for problem in open_:
            progress.add_evidence(
                actor=liaison,
                problem=problem,
                uploaded_file=_pdf("整改工作总结.pdf", f"reused-{plan.pk}"),
                title="整改工作总结",
            )

    def escalate(self, plans: list[Plan]) -> None:
        ladder = ["notice", "guidance", "reminder", "warning"]
        for depth, plan in zip((4, 3, 2, 1, 1), plans, strict=False):
            for level in ladder[:depth]:
                escalation.issue_escalation(
                    actor=self.discipline,
                    plan=plan,
                    level=level,
                    reason="部分整改任务逾期未完成，整改进度滞后。",
                    requirements="请于15个工作日内完成逾期整改任务，并书面报告整改情况。",
                )
                self.summary.escalations += 1

    def supervise(self, plan: Plan, day: dt.date) -> None:
        verification.record_supervision(
            actor=self.discipline,
            plan=plan,
            kind="onsite",
            date=day,
            arrangement="随机抽查整改任务落实情况",
            people="省纪委监委第一监督检查室、省委组织部干部监督处",
            observations="查阅整改台账和制度文件，现场核实问题整改情况，个别任务进度滞后。",
            satisfaction=self.rng.choice(["satisfied", "basically"]),
        )

    def apply_dates(self) -> None:
        for pk, day in self.completed.items():
            self.backdate(Task(pk=pk), completed_at=day)
        for pk, moment in self.submitted.items():
            self.backdate(Problem(pk=pk), submitted_at=moment)
        for pk, moment in self.cancelled.items():
            self.backdate(Problem(pk=pk), cancelled_at=moment)
        for model, rows in self.later.items():
            groups: dict[tuple[str, ...], list[Any]] = {}
            for pk, values in rows.items():
                obj = model(pk=pk)
                for name, value in values.items():
                    setattr(obj, name, value)
                groups.setdefault(tuple(sorted(values)), []).append(obj)
            for names, objs in groups.items():
                model._default_manager.bulk_update(objs, list(names), batch_size=200)

    def run(self) -> None:
        self.liaison_role = Role.objects.get(code="unit_liaison")
        targets = list(
            self.round.targets.select_related("org_unit").order_by("team__number", "org_unit__code")
        )
        plans: list[Plan] = []
        for i, target in enumerate(targets):
            liaison = self.liaison_of(target.org_unit)
            plan = lists.open_plan(actor=liaison, target=target)
            exchange.import_rows(actor=liaison, plan=plan, parsed=self.rows(plan))
            lists.submit_plan(actor=liaison, plan=plan)
            plan = lists.approve_plan(actor=self.office, plan=plan)
            approved = _at(APPROVED_ON + dt.timedelta(days=i % 7))
            self.backdate(plan, approved_at=approved)
            for version in plan.versions.all():
                self.backdate(version, approved_at=approved)
            self.work(plan, liaison, rush=i == 7)
            if i in (3, 11):
                self.reuse(plan, liaison)
            if i % 4 == 0:
                self.supervise(plan, dt.date(2026, 5, 8) + dt.timedelta(days=i % 9))
            plans.append(plan)
        # The most overdue plans are escalated; one cancelled problem recurs.
        overdue = sorted(
            plans, key=lambda p: -Task.objects.filter(problem__plan=p, state="open").count()
        )
        self.escalate(overdue[:5])
        self.apply_dates()
        recurring = (
            Problem.objects.filter(plan=plans[5], state=Problem.State.CANCELLED)
            .order_by("number")
            .first()
        )
        if recurring is not None:
            flags.flag_recurrence(
                actor=self.office,
                problem=recurring,
                source="lookback:2026-09",
                reason="回头看发现同类问题再次出现，整改成效未能巩固。",
            )
        flags.scan(actor=self.office, round=self.round)


def count(summary: RectificationSummary) -> None:
    from jiandu.rectification import statistics
    from jiandu.rectification.models import Escalation, Flag

    problems = Problem.objects.filter(plan__target__round__code=ROUND_CODE)
    summary.plans = Plan.objects.filter(target__round__code=ROUND_CODE).count()
    summary.problems = statistics.listed(problems).count()
    summary.cancelled = problems.filter(state=Problem.State.CANCELLED).count()
    summary.escalations = Escalation.objects.filter(plan__target__round__code=ROUND_CODE).count()
    summary.flags = Flag.objects.filter(problem__in=problems).count()
    summary.statistics = statistics.statistics(problems).describe()


def load_rectification() -> RectificationSummary:
    """Put the reference round in rectification (inside the caller's transaction)."""
    from django.utils import translation

    summary = RectificationSummary()
    round = Round.objects.filter(code=ROUND_CODE, state=Round.State.RECTIFICATION).first()
    if round is not None and not Plan.objects.filter(target__round=round).exists():
        with translation.override("zh-hans"):
            _Loader(round=round, summary=summary).run()
        summary.created = True
    with translation.override("en"):
        count(summary)
    return summary
