"""The clocks of a clue, on the official working-day calendar (`jiandu.core.calendar`).

- disposal: proposed and approved within DISPOSAL_MONTHS (1) of receipt;
- written reply: within INQUIRY_REPLY_WORKDAYS (15) working days of the letter, which is
  issued on the day the inquiry is approved;
- transfer feedback: within TRANSFER_FEEDBACK_MONTHS (3) of the acknowledged receipt;
- review of a held clue: every HOLD_REVIEW_MONTHS (6).

A deadline counted in months that falls on a non-working day moves to the next working day
(a weekend day made a working day counts as one). Days left are working days."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from jiandu.core.workdays import Calendar, add_months


def _setting(name: str) -> int:
    return int(settings.JIANDU[name])


def next_workday(cal: Calendar, day: dt.date) -> dt.date:
    while not cal.is_workday(day):
        day += dt.timedelta(days=1)
    return day


def months_due(cal: Calendar, start: dt.date, months: int) -> dt.date:
    return next_workday(cal, add_months(start, months))


def disposal_due(cal: Calendar, received: dt.date) -> dt.date:
    return months_due(cal, received, _setting("CLUE_DISPOSAL_MONTHS"))


def reply_due(cal: Calendar, issued: dt.date) -> dt.date:
    return cal.add_workdays(issued, _setting("CLUE_REPLY_WORKDAYS"))


def feedback_due(cal: Calendar, acknowledged: dt.date) -> dt.date:
    return months_due(cal, acknowledged, _setting("CLUE_TRANSFER_FEEDBACK_MONTHS"))


def review_due(cal: Calendar, held: dt.date) -> dt.date:
    return months_due(cal, held, _setting("CLUE_HOLD_REVIEW_MONTHS"))


KINDS = {
    "disposal": _("Disposal"),
    "reply": _("Written reply"),
    "feedback": _("Transfer feedback"),
    "review": _("Review of the held clue"),
}


@dataclass(frozen=True)
class Clock:
    kind: str
    due: dt.date
    days_left: int  # working days; negative: overdue by that many

    @property
    def label(self) -> str:
        return str(KINDS[self.kind])

    @property
    def overdue(self) -> bool:
        return self.days_left < 0

    @property
    def days_late(self) -> int:
        return max(0, -self.days_left)


def running(clue: object, cal: Calendar, today: dt.date) -> list[Clock]:
    """The clocks of `clue` still running today."""
    from .models import Clue

    assert isinstance(clue, Clue)
    out: list[tuple[str, dt.date]] = []
    if clue.state in (Clue.State.REGISTERED, Clue.State.PROPOSED):
        out.append(("disposal", clue.disposal_due))
    if clue.state == Clue.State.INQUIRY and clue.reply_due and not clue.replied_on:
        out.append(("reply", clue.reply_due))
    if clue.state == Clue.State.HELD and clue.review_due:
        out.append(("review", clue.review_due))
    if clue.state == Clue.State.TRANSFERRED:
        transfer = getattr(clue, "transfer", None)
        if transfer is not None and transfer.feedback_due and not transfer.fed_back_on:
            out.append(("feedback", transfer.feedback_due))
    return [Clock(kind, due, cal.workdays_left(today, due)) for kind, due in out]
