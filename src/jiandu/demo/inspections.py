"""The demo's reference inspection round (DOMAIN.md section 1): 15 teams inspect the 27
enterprise groups and the 6 departments of the demo, from planning to rectification.

Everything is written through the inspection services, so the audit trail reads as if
the office, the teams and the receiving bodies had done it: the office plans the round,
adopts the reports and delivers the feedback; team members record findings and team
leaders confirm them, draft the reports and transfer clues. Afterwards the timestamps
the services set to "now" (finding recorded and confirmed, report adopted, feedback
delivered, transfer acknowledged) are moved back to the round's calendar; audit events
are never touched. Deterministic (seeded) and keyed on the round's code: a second run
creates nothing."""

from __future__ import annotations

import datetime as dt
import random
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.utils import timezone, translation

from jiandu.accounts.models import OrgUnit, Person, Post, User
from jiandu.inspections.models import (
    Finding,
    FindingCategory,
    Round,
    Target,
    Team,
    Transfer,
)
from jiandu.inspections.services import feedback, findings, planning, reporting, transfers

from . import findings_text as texts
from .findings_text import Place, compose, usable
from .names import GIVEN, PROVINCE_ZH, SURNAMES

ROUND_CODE = "YZ-2025-2"
ROUND_NAME_ZH = f"{PROVINCE_ZH[:-1]}省委2025年第二轮巡视"
ROUND_NAME_EN = "Provincial Committee inspection, round 2 of 2025"
ROUND_START, ROUND_END = dt.date(2025, 10, 9), dt.date(2026, 3, 31)
CENTRAL_FEEDBACK_DATE = dt.date(2026, 3, 25)
FEEDBACK_DAYS = [dt.date(2026, 3, 26) + dt.timedelta(days=i) for i in range(4)]
SEED = 20251009
NUMERALS = "一二三四五六七八九十"
POSITIONS = ("leader", "deputy", "member", "member", "member")

# Leaf category: how often a target shows it (the common problems weigh most).
WEIGHTS = {
    "A1": 2.0,
    "A2": 1.2,
    "A3": 3.0,
    "A4": 2.5,
    "B1": 5.0,
    "B2": 4.0,
    "B3": 5.0,
    "B4": 1.5,
    "C1": 2.5,
    "C2": 3.0,
    "C3": 4.5,
    "D1": 4.0,
    "D2": 2.5,
}
# Categories at least this likely to appear in each target (the heat map's hot rows).
COMMON = {"B1": 0.9, "B3": 0.85, "C3": 0.8, "D1": 0.75, "B2": 0.7}
# Problem clues: (category, receiving body, receiver kind, at most this many).
CLUES = [("B4", "CDI", "discipline", 8), ("C2", "ORG-DEPT", "organization", 4)]
# Who acknowledges receipt for each receiving body (demo accounts).
ACKNOWLEDGERS = {"CDI": "discipline", "ORG-DEPT": "orgdept", "DEP-01": "sector"}
# Leaders named by these categories are the top leader; by the others, another cadre.
TOP_LEADER = frozenset({"A1", "B1", "C1", "D1"})


def _day(date: dt.date, hour: int = 10, minute: int = 0) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, dt.time(hour, minute)))


def short_name(unit: OrgUnit) -> str:
    """华辰能源集团 for 云泽省华辰能源集团有限公司, 省财政厅 for 云泽省财政厅."""
    name = unit.name_zh.removesuffix("有限公司")
    if unit.code.startswith("DEP-"):
        return "省" + name.removeprefix(PROVINCE_ZH)
    return name.removeprefix(PROVINCE_ZH)


def team_plan() -> list[list[str]]:
    """The target codes of each of the 15 teams: teams 1-12 take two enterprise groups,
    teams 13-15 one group and two departments."""
    plan = [[f"SOE-{k:02d}", f"SOE-{k + 15:02d}"] for k in range(1, 13)]
    for k, deps in zip((13, 14, 15), ((1, 4), (2, 5), (3, 6)), strict=True):
        plan.append([f"SOE-{k:02d}", *(f"DEP-{d:02d}" for d in deps)])
    return plan


def team_name(number: int) -> str:
    numeral = NUMERALS[number - 1] if number <= 10 else "十" + NUMERALS[number - 11]
    return f"省委第{numeral}巡视组"


@dataclass
class RoundSummary:
    code: str = ROUND_CODE
    created: bool = False
    teams: int = 0
    targets: int = 0
    findings: int = 0
    reports: int = 0
    transfers: int = 0
    team_accounts: int = 0
    created_accounts: int = 0

    def describe(self) -> str:
        state = "new" if self.created else "already present"
        return (
            f"Inspection round {self.code} ({state}): {self.teams} teams, {self.targets} "
            f"targets, {self.findings} findings, {self.reports} reports, {self.transfers} "
            f"transfers; {self.team_accounts} team accounts teamNN-leader/-deputy/-memberN "
            f"({self.created_accounts} new; leader and member are on team 1)."
        )


@dataclass
class _Team:
    team: Team
    leader: User
    recorders: list[User]
    targets: list[Target] = field(default_factory=list)


class _RoundLoader:
    def __init__(self, summary: RoundSummary) -> None:
        self.rng = random.Random(SEED)  # noqa: S311 - fictional data, not secrets
        self.summary = summary
        self.office = User.objects.get(username="office")
        self.categories = {c.code: c for c in FindingCategory.objects.filter(parent__isnull=False)}
        self.teams: list[_Team] = []
        self.users: dict[str, User] = {}
        self.password = ""
        # Timestamps to set afterwards: model -> pk -> {field: value}.
        self.backdate: dict[type[Any], dict[int, dict[str, dt.datetime]]] = {}

    def later(self, obj: Any, **values: dt.datetime) -> None:
        self.backdate.setdefault(type(obj), {}).setdefault(obj.pk, {}).update(values)

    # --- planning -------------------------------------------------------------------

    def accounts(self, number: int) -> list[User]:
        """The team's accounts, in POSITIONS order; team 1 has `leader` and `member`."""
        names = [f"team{number:02d}-leader", f"team{number:02d}-deputy"]
        names += [f"team{number:02d}-member{i}" for i in (1, 2, 3)]
        if number == 1:
            names[0], names[2] = "leader", "member"
        existing = {u.username: u for u in User.objects.filter(username__in=names)}
        out = []
        for username, position in zip(names, POSITIONS, strict=True):
            person = self.rng.choice(SURNAMES) + "".join(
                self.rng.choice(GIVEN) for _ in range(self.rng.choice((1, 2)))
            )
            user = existing.get(username)
            if user is None:
                label = {"leader": "组长", "deputy": "副组长", "member": "成员"}[position]
                if not self.password:  # one (slow) hash for all the team accounts
                    self.password = make_password(settings.JIANDU["DEMO_PASSWORD"])
                user = User(
                    username=username,
                    display_name=f"{team_name(number)}{label}{person}",
                    password=self.password,
                )
                user.save()
                self.summary.created_accounts += 1
            out.append(user)
        return out

    def plan(self) -> Round:
        office = self.office
        round = planning.create_round(
            actor=office,
            code=ROUND_CODE,
            name_zh=ROUND_NAME_ZH,
            name_en=ROUND_NAME_EN,
            start_date=ROUND_START,
            end_date=ROUND_END,
        )
        units = {u.code: u for u in OrgUnit.objects.filter(code__regex=r"^(SOE|DEP)-[0-9]{2}$")}
        for number, codes in enumerate(team_plan(), start=1):
            team = planning.create_team(
                actor=office,
                round=round,
                number=number,
                name_zh=team_name(number),
                name_en=f"Inspection team {number}",
            )
            users = self.accounts(number)
            for user, position in zip(users, POSITIONS, strict=True):
                planning.add_member(actor=office, team=team, user=user, position=position)
            entry = dt.date(2025, 10, 20) + dt.timedelta(days=self.rng.randint(0, 3))
            exit_ = dt.date(2025, 12, 20) - dt.timedelta(days=self.rng.randint(0, 4))
            place = _Team(team=team, leader=users[0], recorders=users[1:])
            for code in codes:
                sources = ["discipline", "organization", "audit", "petition"]
                if self.rng.random() < 0.6:
                    sources.insert(1, "political_legal")
                place.targets.append(
                    planning.add_target(
                        actor=office,
                        round=round,
                        team=team,
                        org_unit=units[code],
                        entry_date=entry,
                        exit_date=exit_,
                        entry_meeting_date=entry,
                        sources_consulted=sources,
                    )
                )
            self.teams.append(place)
        self.later(round, created_at=_day(dt.date(2025, 9, 26), 9))
        return planning.advance_round(actor=office, round=round, to_state="inspecting")

    # --- findings -------------------------------------------------------------------

    def place(self, target: Target) -> tuple[Place, list[Person], list[Person]]:
        """The texts' view of the target, its top leader and its other leading cadres."""
        unit = target.org_unit
        subs = tuple(
            OrgUnit.objects.filter(parent=unit, kind=OrgUnit.Kind.SUBSIDIARY)
            .order_by("code")
            .values_list("name_zh", flat=True)
        )
        short = short_name(unit)
        if unit.code.startswith("DEP-"):
            kind = "dep"
            subs = (f"{short}直属事业单位", f"{short}所属服务中心", f"{short}下属协会")
            trade = short.removeprefix("省")
        else:
            kind = "soe"
            trade = short[:2]
        posts = list(
            Post.objects.filter(org_unit__path__startswith=unit.path, is_leading_cadre=True)
            .select_related("person", "org_unit")
            .order_by("org_unit__depth", "id")
        )
        top = [p.person for p in posts[:1]]
        others = [p.person for p in posts[1:]]
        return Place(unit=short, subs=subs, trade=trade, kind=kind), top, others

    def categories_of(self, kind: str, first: str) -> list[str]:
        """The leaf codes of one target's findings: `first`, the common problems it
        shows, then weighted picks, as long as a template is left for each."""
        count = round(self.rng.triangular(8, 20, 10))
        left = {code: len(usable(code, kind)) for code in WEIGHTS}
        picked = [first]
        left[first] -= 1
        for code, chance in COMMON.items():
            if len(picked) < count and self.rng.random() < chance and left[code]:
                picked.append(code)
                left[code] -= 1
        while len(picked) < count:
            codes = [c for c in WEIGHTS if left[c] > 0]
            code = self.rng.choices(codes, weights=[WEIGHTS[c] for c in codes])[0]
            picked.append(code)
            left[code] -= 1
        return picked

    def record(self, squad: _Team, target: Target, first: str) -> None:
        place, top, others = self.place(target)
        start = target.entry_date or ROUND_START
        end = target.exit_date or ROUND_END
        span = (end - start).days
        unused = {code: usable(code, place.kind) for code in WEIGHTS}
        for indexes in unused.values():
            self.rng.shuffle(indexes)
        codes = self.categories_of(place.kind, first)
        # One target in four also has a draft the leader withdrew (counted in the total).
        withdraw = len(codes) > 8 and self.rng.random() < 0.25
        for i, code in enumerate(codes):
            text = compose(code, unused[code].pop(), place, self.rng)
            leaders: list[Person] = []
            if text.leaders:
                pool = top if code in TOP_LEADER or not others else others
                leaders = [self.rng.choice(pool)] if pool else []
            recorder = self.rng.choice(squad.recorders)
            finding = findings.record_finding(
                actor=recorder,
                target=target,
                category=self.categories[code],
                title=text.title,
                description=text.description,
                source=text.source,
                severity=text.severity,
                leaders=leaders,
            )
            day = start + dt.timedelta(days=self.rng.randint(3, max(3, span - 10)))
            created = _day(day, self.rng.randint(9, 17), self.rng.choice((0, 15, 30, 45)))
            confirmed = created + dt.timedelta(days=self.rng.randint(2, 8), hours=2)
            if withdraw and i == len(codes) - 1:
                findings.withdraw_finding(
                    actor=squad.leader,
                    finding=finding,
                    reason=texts.WITHDRAWN_REASON,
                )
                self.later(finding, created_at=created)
                continue
            findings.confirm_finding(actor=squad.leader, finding=finding)
            self.later(finding, created_at=created, confirmed_at=confirmed)

    def inspect(self) -> None:
        index = 0
        leaves = list(WEIGHTS)
        for squad in self.teams:
            for target in squad.targets:
                # Target i starts with leaf i mod 13: every category appears in the round.
                self.record(squad, target, leaves[index % len(leaves)])
                index += 1

    # --- reports and transfers ------------------------------------------------------

    def report(self, round: Round) -> None:
        office = self.office
        for squad in self.teams:
            for target in squad.targets:
                report = reporting.draft_target_report(actor=squad.leader, target=target)
                reporting.submit_report(actor=squad.leader, report=report)
                reporting.adopt_report(actor=office, report=report)
                day = dt.date(2026, 1, 12) + dt.timedelta(days=self.rng.randint(0, 20))
                self.later(report, adopted_at=_day(day, 15))
        special = reporting.draft_special_report(actor=office, round=round)
        reporting.submit_report(actor=office, report=special)
        reporting.adopt_report(actor=office, report=special)
        self.later(special, adopted_at=_day(dt.date(2026, 2, 10), 15))

    def transfer(self, round: Round) -> None:
        """Clues by the teams to the commission and the organization department, sector
        problems by the office to departments; most receipts acknowledged."""
        sector = [receiver for _code, receiver, _text in texts.SECTOR]
        bodies = {u.code: u for u in OrgUnit.objects.filter(code__in=["CDI", "ORG-DEPT", *sector])}
        made: list[tuple[Transfer, dt.date]] = []
        for code, receiver, receiver_kind, limit in CLUES:
            clues = (
                Finding.objects.filter(target__round=round, category__code=code)
                .filter(leaders__isnull=False)
                .select_related("target__org_unit")
                .order_by("target__team__number", "target__org_unit__code", "id")
                .distinct()
            )
            for finding in clues[:limit]:
                leaders = list(finding.leaders.all())
                squad = next(s for s in self.teams if s.team.pk == finding.target.team_id)
                date = dt.date(2026, 1, 15) + dt.timedelta(days=self.rng.randint(0, 25))
                summary = texts.CLUE_SUMMARY[receiver].format(
                    unit=short_name(finding.target.org_unit),
                    names="、".join(p.name for p in leaders),
                    title=finding.title,
                )
                item = transfers.create_transfer(
                    actor=squad.leader,
                    round=round,
                    kind="clue",
                    receiver_kind=receiver_kind,
                    receiver_unit=bodies[receiver],
                    date=date,
                    summary=summary,
                    target=finding.target,
                    findings=[finding],
                    persons=leaders,
                )
                made.append((item, date))
        for code, receiver, text in texts.SECTOR:
            problems = list(
                Finding.objects.filter(target__round=round, category__code=code)
                .exclude(state=Finding.State.WITHDRAWN)
                .order_by("id")
            )
            date = dt.date(2026, 2, 12) + dt.timedelta(days=self.rng.randint(0, 6))
            item = transfers.create_transfer(
                actor=self.office,
                round=round,
                kind="sector",
                receiver_kind="functional",
                receiver_unit=bodies[receiver],
                date=date,
                summary=text.format(count=len({f.target_id for f in problems})),
                findings=problems,
            )
            made.append((item, date))
        # Receipts are acknowledged, except the latest transfer to each body.
        latest = {t.receiver_unit_id: t.pk for t, _date in sorted(made, key=lambda m: m[1])}
        codes = {u.pk: c for c, u in bodies.items()}
        for item, date in made:
            username = ACKNOWLEDGERS.get(codes[item.receiver_unit_id])
            if username is None or latest[item.receiver_unit_id] == item.pk:
                continue
            actor = self.users.setdefault(username, User.objects.get(username=username))
            transfers.acknowledge_transfer(actor=actor, transfer=item)
            ack = date + dt.timedelta(days=self.rng.randint(1, 5))
            self.later(item, acknowledged_at=_day(ack, 16))

    # --- feedback -------------------------------------------------------------------

    def central(self, round: Round) -> None:
        common = reporting.common_problems(round)
        common.sort(key=lambda c: (-len(c[1]), c[0].sort_order))
        lines = [
            texts.CENTRAL_PROBLEM.format(
                numeral=NUMERALS[i], category=category.name_zh, count=len(targets)
            )
            for i, (category, targets, _items) in enumerate(common[:6])
        ]
        feedback.record_central_feedback(
            actor=self.office,
            round=round,
            date=CENTRAL_FEEDBACK_DATE,
            attendees=texts.CENTRAL_ATTENDEES.format(count=round.targets.count()),
            common_problems="\n".join([texts.CENTRAL_PROBLEMS, *lines]),
            requirements=texts.CENTRAL_REQUIREMENTS,
        )

    def one_to_one(self) -> None:
        for squad in self.teams:
            for target in squad.targets:
                date = self.rng.choice(FEEDBACK_DAYS)
                unit = short_name(target.org_unit)
                problems = target.findings.exclude(state=Finding.State.WITHDRAWN).count()
                item = feedback.draft_target_feedback(
                    actor=squad.leader,
                    target=target,
                    date=date,
                    to_top_leader_date=date,
                    to_leadership_date=date,
                    participants=texts.FEEDBACK_PARTICIPANTS.format(
                        team=squad.team.name_zh, unit=unit
                    ),
                    requirements=texts.FEEDBACK_REQUIREMENTS.format(unit=unit, count=problems),
                )
                feedback.deliver_feedback(actor=self.office, feedback=item)
                self.later(item, delivered_at=_day(date, 16))

    # --- afterwards -----------------------------------------------------------------

    def apply_dates(self) -> None:
        """Move the services' "now" timestamps back to the round's calendar (one bulk
        update per model and set of fields, so no other column is written)."""
        groups: dict[tuple[type[Any], tuple[str, ...]], list[Any]] = {}
        for model, rows in self.backdate.items():
            for pk, values in rows.items():
                obj = model(pk=pk)
                for name, value in values.items():
                    setattr(obj, name, value)
                groups.setdefault((model, tuple(sorted(values))), []).append(obj)
        for (model, names), objs in groups.items():
            model._default_manager.bulk_update(objs, list(names), batch_size=200)

    def run(self) -> None:
        round = self.plan()
        self.inspect()
        round = planning.advance_round(actor=self.office, round=round, to_state="reporting")
        self.report(round)
        self.transfer(round)
        round = planning.advance_round(actor=self.office, round=round, to_state="feedback")
        self.central(round)
        self.one_to_one()
        planning.advance_round(actor=self.office, round=round, to_state="rectification")
        self.apply_dates()


def count(summary: RoundSummary) -> None:
    round = Round.objects.filter(code=ROUND_CODE).first()
    if round is None:
        return
    summary.teams = round.teams.count()
    summary.targets = round.targets.count()
    summary.findings = Finding.objects.filter(target__round=round).count()
    summary.reports = round.reports.count()
    summary.transfers = round.transfers.count()
    summary.team_accounts = User.objects.filter(team_places__team__round=round).distinct().count()


def load_round() -> RoundSummary:
    """Create the reference round unless a round with its code exists. Runs inside the
    caller's transaction (`jiandu.demo.load`)."""
    summary = RoundSummary()
    if not Round.objects.filter(code=ROUND_CODE).exists():
        with translation.override("zh-hans"):
            _RoundLoader(summary).run()
        summary.created = True
    count(summary)
    return summary
