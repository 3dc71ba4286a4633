"""The demo's clue ledger: a few dozen fictional clues in every state, kept by the demo
clue officer ("clues"), some handled by "handler", proposals decided by "approver".
Among them: clues overdue for disposal, an overdue written reply, a held clue due for
review, transfers awaiting receipt and feedback (one overdue), protected petitions with an
encrypted whistleblower, and two clues registered from the demo round's transfers.

Everything goes through the clue services; afterwards the dates the services set to
"today" (approval) are moved back to the clue's own calendar, relative to the day the demo
is loaded, so the clocks show the same picture whenever it runs. Audit events are never
touched. Keyed on origin "demo:": a second run creates nothing."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.utils import timezone

from jiandu.accounts.models import OrgUnit, Post, User
from jiandu.clues import clocks, services
from jiandu.clues.models import Clue
from jiandu.core.calendar import current as calendar
from jiandu.inspections.models import Transfer

SUMMARIES = [
    ("corruption", "反映{name}在{unit}物资采购中收受供应商财物，数额较大。"),
    (
        "politics_business",
        "反映{name}利用职务便利，为其亲属实际控制的企业承揽{unit}工程项目提供帮助。",
    ),
    ("eight_point", "反映{name}多次在节假日接受管理服务对象宴请，并违规使用公务用车。"),
    ("personnel", "反映{name}在{unit}干部选拔中打招呼、违规提拔身边工作人员。"),
    ("people_facing", "反映{name}分管期间，{unit}向不符合条件人员发放补贴，涉嫌优亲厚友。"),
    ("duty", "反映{name}对{unit}重大投资项目决策失误、造成国有资产损失负有责任。"),
    ("corruption", "反映{name}通过他人代持方式持有{unit}供应商股份，并获取分红。"),
    ("eight_point", "反映{name}违规发放津补贴，以会议费名义列支旅游费用。"),
]
WHISTLEBLOWERS = [
    ("王建国", "13800000001"),
    ("实名举报人李女士", "某市某区某街道12号"),
    ("赵某", ""),
]
SOURCES = ["petition", "petition", "inspection", "audit", "other_body", "other"]


@dataclass
class ClueSummary:
    created: int = 0

    def describe(self) -> str:
        return f"Clue ledger: {Clue.objects.count()} clues ({self.created} new)."


class _Ledger:
    def __init__(self) -> None:
        self.today = timezone.localdate()
        self.cal = calendar()
        self.officer = User.objects.get(username="clues")
        self.handler = User.objects.get(username="handler")
        self.approver = User.objects.get(username="approver")
        self.cadres = list(
            Post.objects.filter(is_leading_cadre=True, org_unit__code__startswith="SOE-")
            .select_related("person", "org_unit")
            .order_by("id")[:60]
        )
        self.cdi = OrgUnit.objects.get(code="CDI")
        self.orgdept = OrgUnit.objects.get(code="ORG-DEPT")
        self.count = 0

    def register(self, days_ago: int, *, petition: bool = False, **extra: Any) -> Clue:
        post = self.cadres[self.count % len(self.cadres)]
        category, text = SUMMARIES[self.count % len(SUMMARIES)]
        source = "petition" if petition else SOURCES[self.count % len(SOURCES)]
        args: dict[str, Any] = {
            "summary": text.format(name=post.person.name, unit=post.org_unit.name_zh),
            "category": category,
            "source": source,
            "received_date": self.today - dt.timedelta(days=days_ago),
            "subjects": [
                {
                    "name": post.person.name,
                    "post": post.title,
                    "rank": post.rank,
                    "person": post.person,
                    "org_unit": post.org_unit,
                }
            ],
            "confidentiality": ["internal", "confidential", "secret"][self.count % 3],
            "origin": f"demo:{self.count + 1}",
            "from_body": "某市纪委监委" if source == "other_body" else "",
        }
        if petition or source == "petition":
            name, contact = WHISTLEBLOWERS[self.count % len(WHISTLEBLOWERS)]
            args["whistleblower"] = {"name": name, "contact": contact}
        args.update(extra)
        self.count += 1
        clue = services.register_clue(actor=self.officer, **args)
        if self.count % 2 == 0:
            services.hand_over(
                actor=self.officer,
                clue=clue,
                to_user=self.handler,
                capacity="handler",
                note="请承办",
                confirmed=True,
            )
        return clue

    def dispose(self, clue: Clue, way: str, after: int, kind: str = "talk") -> Clue:
        services.propose_disposal(
            actor=self.officer,
            clue=clue,
            way=way,
            inquiry_kind=kind if way == "inquiry" else "",
            reason="经集体研究，建议按此方式处置。",
            approver=self.approver,
        )
        services.decide_disposal(actor=self.approver, clue=clue, approve=True)
        clue.refresh_from_db()
        # Approval happened `after` days after receipt, not today.
        approved = min(clue.received_date + dt.timedelta(days=after), self.today)
        fields: dict[str, Any] = {"disposed_on": approved}
        if clue.reply_due:
            fields["reply_due"] = clocks.reply_due(self.cal, approved)
        if clue.review_due:
            fields["review_due"] = clocks.review_due(self.cal, approved)
        if clue.closed_on:
            fields["closed_on"] = approved
        Clue.objects.filter(pk=clue.pk).update(**fields)
        clue.refresh_from_db()
        return clue

    def load(self) -> int:
        # Awaiting disposal: four in time, four overdue (received more than a month ago).
        for days in (3, 9, 16, 24, 38, 45, 52, 70):
            self.register(days, petition=days in (9, 45))
        # Proposed, awaiting the approver.
        for days in (12, 20, 27, 41):
            clue = self.register(days)
            services.propose_disposal(
                actor=self.officer,
                clue=clue,
                way=("inquiry", "check", "hold", "close")[days % 4],
                inquiry_kind="written",
                reason="建议按此方式处置。",
                approver=self.approver,
            )
        # Talk or written inquiry: replies pending (one overdue), one received.
        for days, after, kind in (
            (30, 10, "written"),
            (60, 12, "written"),
            (25, 5, "talk"),
            (90, 20, "written"),
            (50, 15, "talk"),
        ):
            clue = self.dispose(self.register(days, petition=days == 60), "inquiry", after, kind)
            if days == 90:
                services.record_reply(
                    actor=self.officer,
                    clue=clue,
                    received_on=(clue.disposed_on or self.today) + dt.timedelta(days=14),
                    text="本人书面说明：反映问题与事实不符，附相关证明材料。",
                )
        # Preliminary checks, two escalated from an inquiry.
        for days in (40, 75):
            self.dispose(self.register(days), "check", 14)
        for days in (80, 100):
            clue = self.dispose(self.register(days), "inquiry", 10, "talk")
            services.record_outcome(
                actor=self.officer,
                clue=clue,
                outcome="escalated",
                note="谈话中说明不清，转初步核实。",
            )
        # Held for later, one review overdue.
        for days in (60, 230):
            self.dispose(self.register(days), "hold", 20)
        # Transfers: one awaiting receipt, two awaiting feedback (one overdue), one fed back.
        for days, receipt, feedback in (
            (10, None, None),
            (40, 5, None),
            (130, 3, None),
            (150, 4, 60),
        ):
            clue = self.register(days)
            body = self.cdi if days != 40 else self.orgdept
            sent = clue.received_date + dt.timedelta(days=2)
            services.transfer_clue(
                actor=self.officer,
                clue=clue,
                receiver_kind="discipline" if body == self.cdi else "organization",
                receiver_unit=body,
                sent_on=sent,
                note="按干部管理权限移交。",
                confirmed=True,
            )
            if receipt is not None:
                services.acknowledge_receipt(
                    actor=self.officer,
                    clue=clue,
                    acknowledged_on=sent + dt.timedelta(days=receipt),
                    reference=f"回执〔2026〕{days}号",
                )
            if feedback is not None:
                services.record_transfer_feedback(
                    actor=self.officer,
                    clue=clue,
                    fed_back_on=sent + dt.timedelta(days=feedback),
                    result="已对相关人员立案审查调查。",
                )
        # Closed in each way.
        for days, way, outcome in (
            (120, "close", ""),
            (110, "inquiry", "clarified"),
            (160, "check", "unfounded"),
            (170, "check", "case_opened"),
            (140, "inquiry", "admonished"),
        ):
            clue = self.dispose(self.register(days, petition=days == 110), way, 15, "talk")
            if outcome:
                services.record_outcome(
                    actor=self.officer, clue=clue, outcome=outcome, note="经核查，情况已查明。"
                )
        # Two clues from the demo round's transfers of clues to the commission.
        for transfer in Transfer.objects.filter(kind="clue").order_by("id")[:2]:
            people = list(transfer.persons.all())
            self.count += 1
            services.register_clue(
                actor=self.officer,
                summary=transfer.summary,
                category="corruption",
                source="inspection",
                received_date=min(transfer.date, self.today),
                subjects=people or [{"name": "（巡视移交）"}],
                origin=f"demo:transfer:{transfer.pk}",
                findings=[],
            )
        return self.count


def load_clues() -> ClueSummary:
    summary = ClueSummary()
    if Clue.objects.filter(origin__startswith="demo:").exists():
        return summary
    if User.objects.filter(username__in=["clues", "handler", "approver"]).count() != 3:
        return summary
    summary.created = _Ledger().load()
    return summary
