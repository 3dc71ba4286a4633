"""Perfunctory and false rectification flags. Each flag names its kind, its source and
why it was raised:

- no evidence: a cancelled problem with no evidence file;
- thin evidence: a cancelled problem with fewer than THIN_FILES evidence files and
  nothing on the results list;
- evidence reused: a file (same SHA-256) filed as evidence for different problems;
- deadline rush: RUSH_COUNT or more problems of one plan submitted for verification in
  the last RUSH_WORKDAYS working days before the report was due;
- recurrence: a cancelled problem recurs, because a later finding is marked as the
  recurrence of one of its findings, or (`flag_recurrence`) because a supervision hit or
  a look-back check says so.

`scan` raises the flags it finds (idempotent: one flag per problem, kind and source).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core import calendar, states
from jiandu.core.errors import ValidationFailed
from jiandu.inspections.models import Finding, Round

from ..models import EvidenceRevision, Flag, Problem
from .common import deny, require, text

THIN_FILES = 2
RUSH_WORKDAYS = 5
RUSH_COUNT = 5


def _raise(actor: Any, problem: Problem, kind: str, source: str, reason: str) -> Flag | None:
    flag, created = Flag.objects.get_or_create(
        problem=problem,
        kind=kind,
        source=source[:200],
        defaults={"reason": reason, "raised_by": actor},
    )
    if not created:
        return None
    audit.record(
        actor=actor,
        action="rectification.flag",
        target=flag,
        changes={"problem": problem.pk, "kind": kind, "source": source, "reason": reason},
    )
    return flag


@transaction.atomic
def flag_recurrence(*, actor: Any, problem: Problem, source: str, reason: str) -> Flag:
    """Raise the false-rectification (recurrence) flag of a cancelled problem. `source`
    names what shows the recurrence ("finding:<id>", "hit:<hit key>", "lookback:<ref>");
    the same source flags a problem once (the existing flag is returned).
    Needs ``rectification.verify`` or ``rectification.assess`` on the problem."""
    problem = Problem.objects.select_for_update().get(pk=problem.pk)
    if not (
        permissions.can(actor, "rectification.verify", problem)
        or permissions.can(actor, "rectification.assess", problem)
    ):
        raise deny(
            "rectification.assess", problem, _("You may not flag rectification in this scope.")
        )
    errors: dict[str, str] = {}
    if problem.state != Problem.State.CANCELLED:
        errors["problem"] = _("Only a cancelled problem can recur.")
    if not text(source):
        errors["source"] = _("Name what shows the recurrence.")
    if not text(reason):
        errors["reason"] = _("Say why the problem is considered to recur.")
    if errors:
        raise ValidationFailed(errors)
    flag = _raise(actor, problem, Flag.Kind.RECURRENCE, text(source), text(reason))
    if flag is None:
        return Flag.objects.get(
            problem=problem, kind=Flag.Kind.RECURRENCE, source=text(source)[:200]
        )
    return flag


def _evidence_flags(actor: Any, problems: Any) -> int:
    raised = 0
    closed = problems.filter(state=Problem.State.CANCELLED).annotate(
        files=Count("evidence__revisions", distinct=True), results_n=Count("results", distinct=True)
    )
    for problem in closed:
        if problem.files == 0:
            reason = _("Cancelled without any evidence file.")
            raised += _raise(actor, problem, Flag.Kind.NO_EVIDENCE, "", reason) is not None
        elif problem.files < THIN_FILES and problem.results_n == 0:
            reason = _(
                "Cancelled with %(files)d evidence file and nothing on the results list."
            ) % {"files": problem.files}
            raised += _raise(actor, problem, Flag.Kind.THIN_EVIDENCE, "", reason) is not None
    return raised


def reused_files(problems: Any) -> dict[str, list[tuple[int, int, str]]]:
    """SHA-256 -> [(problem id, problem number, file name)] for files of more than one
    problem (anywhere in the vault: reuse across plans counts too)."""
    mine = EvidenceRevision.objects.filter(document__problem__in=problems).values_list(
        "sha256", flat=True
    )
    shared = (
        EvidenceRevision.objects.filter(sha256__in=mine)
        .values("sha256")
        .annotate(n=Count("document__problem", distinct=True))
        .filter(n__gt=1)
        .values_list("sha256", flat=True)
    )
    out: dict[str, list[tuple[int, int, str]]] = defaultdict(list)
    rows = (
        EvidenceRevision.objects.filter(sha256__in=list(shared))
        .values_list("sha256", "document__problem_id", "document__problem__number", "original_name")
        .order_by("sha256", "document__problem_id")
    )
    for sha, pid, number, name in rows:
        if all(p != pid for p, _n, _f in out[sha]):
            out[sha].append((pid, number, name))
    return dict(out)


def _reuse_flags(actor: Any, problems: Any) -> int:
    raised = 0
    ids = set(problems.values_list("pk", flat=True))
    by_id = {p.pk: p for p in Problem.objects.filter(pk__in=ids)}
    for sha, users in reused_files(problems).items():
        for pid, _number, name in users:
            if pid not in ids:
                continue
            others = ", ".join(str(n) for p, n, _f in users if p != pid)
            reason = _(
                "The file “%(name)s” (SHA-256 %(sha)s…) is also evidence for problem(s) %(others)s."
            ) % {"name": name, "sha": sha[:12], "others": others}
            raised += (
                _raise(actor, by_id[pid], Flag.Kind.REUSED_EVIDENCE, f"sha256:{sha}", reason)
                is not None
            )
    return raised


def _rush_flags(actor: Any, problems: Any) -> int:
    raised = 0
    cal = calendar.current()
    by_plan: dict[int, list[Problem]] = defaultdict(list)
    for problem in problems.filter(submitted_at__isnull=False).select_related("plan"):
        by_plan[problem.plan_id].append(problem)
    for items in by_plan.values():
        due = items[0].plan.report_due
        window = list(cal.workdays(due - dt.timedelta(days=RUSH_WORKDAYS * 3), due))[
            -RUSH_WORKDAYS:
        ]
        if not window:
            continue
        rushed = [p for p in items if window[0] <= timezone.localtime(p.submitted_at).date() <= due]
        if len(rushed) < RUSH_COUNT:
            continue
        for problem in rushed:
            reason = _(
                "%(count)d problems of this plan were closed in the last %(days)d working days "
                "before the report was due (%(due)s)."
            ) % {"count": len(rushed), "days": RUSH_WORKDAYS, "due": due.isoformat()}
            raised += (
                _raise(actor, problem, Flag.Kind.DEADLINE_RUSH, f"due:{due}", reason) is not None
            )
    return raised


def _recurrence_flags(actor: Any, problems: Any) -> int:
    raised = 0
    cancelled = problems.filter(state=Problem.State.CANCELLED)
    later = (
        Finding.objects.filter(recurrence_of__rectification_problems__in=cancelled)
        .exclude(state=Finding.State.WITHDRAWN)
        .select_related("target__round", "recurrence_of")
    )
    for finding in later:
        for problem in cancelled.filter(findings=finding.recurrence_of):
            reason = _(
                "The finding “%(title)s” of %(round)s is marked as a recurrence of this "
                "cancelled problem."
            ) % {"title": finding.title, "round": finding.target.round.name}
            raised += (
                _raise(actor, problem, Flag.Kind.RECURRENCE, f"finding:{finding.pk}", reason)
                is not None
            )
    return raised


@transaction.atomic
def scan(*, actor: Any, round: Round) -> int:
    """Raise every flag the round's problems show now; returns how many are new."""
    require(actor, "rectification.assess", round, _("Only the office scans for flags."))
    problems = permissions.scope_filter(
        actor,
        "rectification.assess",
        Problem.objects.filter(plan__target__round=round).exclude(state=Problem.State.MERGED),
    )
    raised = (
        _evidence_flags(actor, problems)
        + _reuse_flags(actor, problems)
        + _rush_flags(actor, problems)
        + _recurrence_flags(actor, problems)
    )
    audit.record(
        actor=actor, action="rectification.flag_scan", target=round, changes={"new": raised}
    )
    return raised


@transaction.atomic
def dismiss_flag(*, actor: Any, flag: Flag, reason: str) -> Flag:
    flag = Flag.objects.select_for_update().get(pk=flag.pk)
    require(actor, "rectification.assess", flag, _("Only the office dismisses flags."))
    if not text(reason):
        raise ValidationFailed({"reason": _("Say why the flag is dismissed.")})
    before = states.apply(flag, "state", Flag.TRANSITIONS, Flag.State.DISMISSED)
    flag.dismissed_reason = text(reason)
    flag.save(update_fields=["state", "dismissed_reason"])
    audit.record(
        actor=actor,
        action="rectification.flag_dismiss",
        target=flag,
        changes={"state": {"before": before, "after": flag.state}, "reason": flag.dismissed_reason},
    )
    return flag
