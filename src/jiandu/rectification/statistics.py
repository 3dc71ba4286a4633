"""Progress statistics and the assessment score. Pure computations over querysets the
selectors have already limited to what the actor may see.

Statistics (the published form): of the problems on the lists (merged ones excluded),
"done" and "basically done" count by status and every other problem counts as not done;
completion = done / total, two decimals: "697 problems: 688 done, 4 basically done,
5 not done; completion 98.71%".

Assessment (per unit; weights in settings.JIANDU["RECTIFICATION_ASSESSMENT"]):

    score = completion_weight * completion + timeliness_weight * timeliness
            + quality_weight * quality - min(recurrence_penalty * recurrences, penalty_cap)

- completion: done problems / problems;
- timeliness: tasks completed by their deadline (moved to the next working day when it
  falls on a holiday) / tasks that are complete or past their deadline (1 when none);
- quality: cancelled problems accepted at the first submission and without an open
  perfunctory flag / cancelled problems (0 when none is cancelled);
- recurrences: open false-rectification flags (evidence reused, recurrence).
The score is clamped to 0..100 and rounded to one decimal.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.core import calendar
from jiandu.core.workdays import Calendar

from . import clocks
from .models import Flag, Problem, Task

DEFAULT_WEIGHTS = {
    "completion": 40,
    "timeliness": 30,
    "quality": 30,
    "recurrence_penalty": 5,
    "penalty_cap": 20,
}


@dataclass(frozen=True)
class Stats:
    total: int
    done: int
    basically: int

    @property
    def not_done(self) -> int:
        return self.total - self.done - self.basically

    @property
    def rate(self) -> Decimal:
        """Completion in percent, two decimals (half up)."""
        if not self.total:
            return Decimal("0.00")
        return (Decimal(self.done) * 100 / Decimal(self.total)).quantize(
            Decimal("0.01"), rounding=ROUND_HALF_UP
        )

    def describe(self) -> str:
        return _(
            "%(total)d problems: %(done)d done, %(basically)d basically done, %(not_done)d "
            "not done; completion %(rate)s%%"
        ) % {
            "total": self.total,
            "done": self.done,
            "basically": self.basically,
            "not_done": self.not_done,
            "rate": self.rate,
        }


def listed(problems: QuerySet[Problem]) -> QuerySet[Problem]:
    return problems.exclude(state=Problem.State.MERGED)


def statistics(problems: QuerySet[Problem]) -> Stats:
    statuses = list(listed(problems).values_list("status", flat=True))
    return Stats(
        total=len(statuses),
        done=statuses.count(Problem.Status.DONE),
        basically=statuses.count(Problem.Status.BASICALLY_DONE),
    )


def overdue_tasks(
    tasks: QuerySet[Task], today: dt.date | None = None, cal: Calendar | None = None
) -> list[Task]:
    cal = cal or calendar.current()
    today = today or timezone.localdate()
    return [
        t
        for t in tasks.filter(state=Task.State.OPEN, deadline__lt=today).exclude(
            problem__state__in=(Problem.State.MERGED, Problem.State.CANCELLED)
        )
        if clocks.is_overdue(t.deadline, today=today, cal=cal)
    ]


@dataclass(frozen=True)
class Score:
    unit: str
    stats: Stats
    completion: Decimal
    timeliness: Decimal
    quality: Decimal
    recurrences: int
    score: Decimal


def _ratio(part: int, whole: int, empty: Decimal) -> Decimal:
    if not whole:
        return empty
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP)


def weights() -> dict[str, Any]:
    return {**DEFAULT_WEIGHTS, **settings.JIANDU.get("RECTIFICATION_ASSESSMENT", {})}


def score(unit: str, problems: QuerySet[Problem], today: dt.date | None = None) -> Score:
    cal = calendar.current()
    today = today or timezone.localdate()
    w = weights()
    stats = statistics(problems)
    tasks = Task.objects.filter(problem__in=listed(problems))
    judged = on_time = 0
    for task in tasks.only("deadline", "state", "completed_at"):
        due = clocks.effective_due(task.deadline, cal)
        if task.state == Task.State.COMPLETE:
            judged += 1
            on_time += int(task.completed_at is None or task.completed_at <= due)
        elif today > due:
            judged += 1
    cancelled = list(problems.filter(state=Problem.State.CANCELLED))
    flagged = set(
        Flag.objects.filter(problem__in=cancelled, state=Flag.State.OPEN).values_list(
            "problem_id", flat=True
        )
    )
    good = sum(1 for p in cancelled if p.rejections == 0 and p.pk not in flagged)
    recurrences = Flag.objects.filter(
        problem__in=problems, state=Flag.State.OPEN, kind__in=Flag.FALSE_KINDS
    ).count()
    completion = _ratio(stats.done, stats.total, Decimal(0))
    timeliness = _ratio(on_time, judged, Decimal(1))
    quality = _ratio(good, len(cancelled), Decimal(0))
    raw = (
        Decimal(w["completion"]) * completion
        + Decimal(w["timeliness"]) * timeliness
        + Decimal(w["quality"]) * quality
        - min(Decimal(w["recurrence_penalty"]) * recurrences, Decimal(w["penalty_cap"]))
    )
    clamped = max(Decimal(0), min(Decimal(100), raw))
    return Score(
        unit=unit,
        stats=stats,
        completion=completion,
        timeliness=timeliness,
        quality=quality,
        recurrences=recurrences,
        score=clamped.quantize(Decimal("0.1"), rounding=ROUND_HALF_UP),
    )
