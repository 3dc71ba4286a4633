"""The demo's data-driven supervision: the demo warehouse (the synthetic world that
`jiandu.demo.warehouse` loads, `JIANDU_DEMO_WORLD`) is run through the whole model
catalogue, as an analyst would from the Runs page; the
organizations most hits name are linked to demo org units by credit code; then the
analyst, the clue officer and the discipline supervisor triage a few hits, so the queue
shows every state: new, under review, dismissed (several reasons), merged, escalated into
clues (with their evidence and subjects), and one hit flags a cancelled rectification
problem as recurring. Running it again changes nothing once a model run exists.
"""

from __future__ import annotations

import time
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.db import transaction

from jiandu.accounts.models import OrgUnit, User
from jiandu.audit import services as audit
from jiandu.supervision import escalation, services, tasks, warehouse
from jiandu.supervision.models import DismissalReason, Hit, Run

# Demo units the busiest register organizations are linked to, in this order.
UNITS = ["SOE-01", "SOE-01-1", "SOE-02", "SOE-03", "DEP-01", "DEP-02", "SOE-04", "SOE-05"]


@dataclass
class SupervisionSummary:
    skipped: bool = False
    note: str = ""
    scale: str = ""
    seconds: dict[str, float] = field(default_factory=dict)
    hits: int = 0
    states: dict[str, int] = field(default_factory=dict)
    clues: list[str] = field(default_factory=list)
    flagged: str = ""
    links: int = 0

    def describe(self) -> str:
        if self.skipped:
            return f"Supervision: {self.note}; no model run."
        timing = ", ".join(f"{k} {v:.1f} s" for k, v in self.seconds.items())
        states = ", ".join(f"{k} {v}" for k, v in sorted(self.states.items()))
        lines = [
            f"Supervision: the catalogue run over the '{self.scale}' synthetic world "
            f"({timing}): {self.hits} hits, {self.links} organizations "
            f"linked to demo units.",
            f"Triage queue: {states}.",
        ]
        if self.clues:
            lines.append(f"Escalated into clues: {', '.join(self.clues)}.")
        if self.flagged:
            lines.append(f"False rectification flagged: {self.flagged}.")
        return "\n".join(lines)


def _user(name: str) -> User:
    return User.objects.get(username=name)


def load() -> SupervisionSummary:
    """Run the catalogue over the demo warehouse (`jiandu.demo.warehouse`, loaded first)
    and triage; nothing when a model run exists or there is no demo warehouse."""
    from jiandu.analytics.warehouse import default_path

    from .warehouse import scale

    if Run.objects.filter(kind=Run.Kind.MODELS, state=Run.State.SUCCEEDED).exists():
        return SupervisionSummary(skipped=True, note="a model run exists already")
    if scale() == "none" or not default_path().exists():
        return SupervisionSummary(skipped=True, note="no demo warehouse (JIANDU_DEMO_WORLD=none)")
    summary = SupervisionSummary(scale=scale())
    analyst = _user("analyst")
    models = _run(analyst, Run.Kind.MODELS, "")
    started = time.monotonic()
    state = tasks.perform(models.pk)
    summary.seconds["models"] = time.monotonic() - started
    if state != Run.State.SUCCEEDED:
        models.refresh_from_db()
        raise RuntimeError(f"the demo model run failed: {models.error}")
    summary.links = _link(analyst)
    _triage(summary)
    summary.hits = Hit.objects.count()
    summary.states = dict(Counter(Hit.objects.values_list("state", flat=True)))
    return summary


def _run(analyst: User, kind: str, name: str) -> Run:
    with transaction.atomic():
        run = Run.objects.create(kind=kind, requested_by=analyst, upload_name=name)
        audit.record(
            actor=analyst,
            action="run.ingest" if kind == Run.Kind.INGEST else "run.start",
            target=run,
            changes={"demo": True, "file": name},
        )
    return run


def _cancelled_units() -> list[str]:
    """Codes of the demo units with a cancelled rectification problem (first in line to be
    linked, so a hit can show the problem recurring)."""
    if not apps.is_installed("jiandu.rectification"):
        return []
    from jiandu.rectification.models import Problem

    return list(
        Problem.objects.filter(state=Problem.State.CANCELLED)
        .values_list("plan__target__org_unit__code", flat=True)
        .distinct()
    )


def _link(analyst: User) -> int:
    counts = Counter(o for ids in Hit.objects.values_list("org_ids", flat=True) for o in ids)
    busiest = [org for org, _n in counts.most_common(len(UNITS))]
    facts = warehouse.facts([], busiest)
    codes = list(dict.fromkeys([*_cancelled_units(), *UNITS]))
    units = {u.code: u for u in OrgUnit.objects.filter(code__in=codes)}
    linked = 0
    for org, code in zip(busiest, [c for c in codes if c in units], strict=False):
        uscc = facts.org_uscc.get(org, "")
        services.link_organization(
            actor=analyst,
            org_unit=units[code],
            uscc=uscc,
            register_org_id="" if uscc else org,
        )
        linked += 1
    return linked


def _reason(code: str) -> DismissalReason:
    return DismissalReason.objects.get(code=code)


def _triage(summary: SupervisionSummary) -> None:
    analyst, officer = _user("analyst"), _user("clues")
    plain = list(
        Hit.objects.filter(names_leading_cadre=False, org_units__isnull=False)
        .distinct()
        .order_by("model_id", "-score", "key")
    )
    by_model: dict[str, list[Hit]] = {}
    for hit in plain:
        by_model.setdefault(hit.model_id, []).append(hit)
    picks = [hits[0] for hits in by_model.values()]  # one per model, for variety
    rest = [h for h in plain if h not in picks]
    for hit in picks[0:2]:
        services.start_review(actor=analyst, hit=hit)
    for hit, code in zip(picks[2:5], ["data_error", "explained", "below_threshold"], strict=False):
        services.dismiss(actor=analyst, hit=hit, reason=_reason(code), comment="演示：核实后排除。")
    pair = next((hs for hs in by_model.values() if len(hs) >= 3), None)
    if pair is not None:
        services.merge(actor=analyst, hit=pair[2], into=pair[1], comment="演示：同一事项。")
    if apps.is_installed("jiandu.clues"):
        for hit in [*picks[5:7], *rest[:1]]:
            if hit.state == Hit.State.NEW:
                summary.clues.append(_escalate(analyst, officer, hit))
        cadre = Hit.objects.filter(names_leading_cadre=True).order_by("-score", "key").first()
        if cadre is not None:
            summary.clues.append(_escalate(officer, officer, cadre))
    summary.flagged = _flag()


def _escalate(actor: User, keeper: User, hit: Hit) -> str:
    clue = escalation.escalate(
        actor=actor,
        hit=hit,
        summary=escalation.default_summary(hit),
        category=escalation.CATEGORY_OF_THEME.get(hit.theme, "other"),
        keeper=keeper,
        subjects=escalation.candidates(hit),
        extra_subject="" if hit.person_ids else "（待查明的责任人）",
    )
    return str(clue.number)


def _flag() -> str:
    if not apps.is_installed("jiandu.rectification"):
        return ""
    supervisor = _user("discipline")
    for hit in Hit.objects.filter(org_units__isnull=False, state=Hit.State.NEW).distinct():
        problems: list[Any] = escalation.cancelled_problems(supervisor, hit)
        if problems:
            escalation.flag_rectification(actor=supervisor, hit=hit, problem=problems[0])
            return f"{problems[0]} (hit {hit.key})"
    return ""
