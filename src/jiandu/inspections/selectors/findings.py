"""Reads of findings, evidence, the target page and the common-problem heat map. Each
returns only what the actor may see."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.db.models import Count, F, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import Person
from jiandu.audit import services as audit
from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied

from ..models import Evidence, Finding, FindingCategory, Round, Target
from ..services.findings import OPEN_STAGES


def findings(
    actor: Any,
    round: Round | None = None,
    target: Target | None = None,
    category: FindingCategory | None = None,
    state: str | None = None,
    severity: str | None = None,
    source: str | None = None,
    q: str = "",
) -> QuerySet[Finding]:
    """The findings the actor may view (``finding.view``), filtered. A top-level category
    also selects the findings of its subcategories."""
    qs = permissions.scope_filter(
        actor,
        "finding.view",
        Finding.objects.select_related(
            "target__round", "target__team", "target__org_unit", "category", "created_by"
        ),
    )
    if round is not None:
        qs = qs.filter(target__round=round)
    if target is not None:
        qs = qs.filter(target=target)
    if category is not None:
        qs = qs.filter(Q(category=category) | Q(category__parent=category))
    if state:
        qs = qs.filter(state=state)
    if severity:
        qs = qs.filter(severity=severity)
    if source:
        qs = qs.filter(source=source)
    q = (q or "").strip()
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(description__icontains=q))
    return qs.order_by("target__round_id", "target__team__number", "target__org_unit__code", "id")


def finding(actor: Any, pk: int) -> Finding:
    return permissions.get_or_deny(
        actor,
        "finding.view",
        Finding.objects.select_related(
            "target__round",
            "target__team",
            "target__org_unit",
            "category__parent",
            "created_by",
            "confirmed_by",
            "recurrence_of__target__round",
        ),
        pk,
    )


def finding_read(actor: Any, pk: int) -> Finding:
    """One finding for its page; the read is logged (it names the leaders concerned)."""
    found = finding(actor, pk)
    audit.record_read(actor=actor, target=found)
    return found


def export(actor: Any, filters: dict[str, Any]) -> list[Finding]:
    """Exactly the rows of `findings(actor, **filters)`, with their leaders, for a
    download; the export is logged as a read with its filters and row count."""
    rows = list(findings(actor, **filters).prefetch_related("leaders"))
    with transaction.atomic():
        audit.record(
            actor=actor,
            action="finding.export",
            kind=AuditEvent.Kind.READ,
            target_type=Finding._meta.label_lower,
            target_id="",
            target_repr=_("Findings list"),
            changes={
                "filters": {k: getattr(v, "pk", v) for k, v in filters.items() if v},
                "rows": len(rows),
            },
        )
    return rows


def target(actor: Any, pk: int) -> Target:
    """A target of a round (``round.view``)."""
    return permissions.get_or_deny(
        actor, "round.view", Target.objects.select_related("round", "team", "org_unit"), pk
    )


def finding_rounds(actor: Any) -> QuerySet[Round]:
    """The rounds with a target whose findings the actor may view."""
    targets = permissions.scope_filter(actor, "finding.view", Target.objects.all())
    return Round.objects.filter(pk__in=targets.values("round_id"))


def finding_targets(actor: Any) -> QuerySet[Target]:
    return permissions.scope_filter(
        actor, "finding.view", Target.objects.select_related("round", "org_unit")
    )


def leaf_categories() -> QuerySet[FindingCategory]:
    """Active categories without subcategories, under an active parent (if any)."""
    return (
        FindingCategory.objects.filter(is_active=True, children__isnull=True)
        .exclude(parent__is_active=False)
        .select_related("parent")
        .order_by("sort_order", "code")
    )


def leader_candidates(target: Target) -> QuerySet[Person]:
    """The people who hold or held a post in the target's unit or its subordinate units."""
    return Person.objects.filter(
        pk__in=Person.objects.filter(posts__org_unit__path__startswith=target.org_unit.path).values(
            "pk"
        )
    ).order_by("name", "id")


def recurrence_candidates(
    actor: Any, target: Target, before: Finding | None = None
) -> QuerySet[Finding]:
    """Earlier findings, visible to the actor, on the target's unit or below, not withdrawn."""
    qs = findings(actor).filter(target__org_unit__path__startswith=target.org_unit.path)
    qs = qs.exclude(state=Finding.State.WITHDRAWN)
    if before is not None:
        qs = qs.filter(
            Q(created_at__lt=before.created_at) | Q(created_at=before.created_at, pk__lt=before.pk)
        )
    return qs.order_by("-created_at", "-id")


def evidence_of(actor: Any, finding: Finding) -> list[Evidence]:
    return list(
        permissions.scope_filter(
            actor, "finding.view", Evidence.objects.filter(finding=finding)
        ).select_related("uploaded_by")
    )


def same_files(actor: Any, items: list[Evidence]) -> dict[int, list[Finding]]:
    """For each evidence, the other visible findings of the same round that carry a file
    with the same SHA-256."""
    if not items:
        return {}
    round_ids = {e.finding.target.round_id for e in items}
    hashes = {e.sha256 for e in items}
    others = permissions.scope_filter(
        actor,
        "finding.view",
        Evidence.objects.filter(sha256__in=hashes, finding__target__round_id__in=round_ids),
    ).select_related("finding__target")
    by_key: dict[tuple[str, int], dict[int, Finding]] = defaultdict(dict)
    for other in others:
        by_key[(other.sha256, other.finding.target.round_id)][other.finding_id] = other.finding
    out: dict[int, list[Finding]] = {}
    for e in items:
        found = by_key.get((e.sha256, e.finding.target.round_id), {})
        matches = [f for pk, f in sorted(found.items()) if pk != e.finding_id]
        if matches:
            out[e.pk] = matches
    return out


def mark_same_files(actor: Any, items: list[Evidence]) -> list[Evidence]:
    """Set `also_on` on each evidence: the other findings carrying the same file."""
    found = same_files(actor, items)
    for item in items:
        item.also_on = found.get(item.pk, [])  # type: ignore[attr-defined]
    return items


@dataclass
class CategoryGroup:
    category: FindingCategory
    findings: list[Finding] = field(default_factory=list)


@dataclass
class TargetPage:
    target: Target
    groups: list[CategoryGroup]
    state_counts: dict[str, int]
    evidence: dict[int, list[Evidence]]
    can_view_findings: bool
    can_record: bool  # record new findings now (the round's stage allows it)
    can_upload: bool  # add evidence to the findings that still take it
    can_confirm: bool


def target_page(actor: Any, target: Target) -> TargetPage:
    """The findings of a target the actor may view, grouped by top-level category (in the
    taxonomy's order), with their evidence, and what the actor may do there."""
    can_view = permissions.can(actor, "finding.view", target)
    items: list[Finding] = []
    if can_view:
        items = list(
            findings(actor, target=target)
            .select_related("category__parent", "recurrence_of")
            .prefetch_related(
                "leaders",
                Prefetch(
                    "evidence",
                    queryset=Evidence.objects.select_related("uploaded_by", "finding__target"),
                ),
            )
            .order_by("category__sort_order", "id")
        )
    groups: dict[int, CategoryGroup] = {}
    for item in items:
        top = item.category.parent or item.category
        groups.setdefault(top.pk, CategoryGroup(top)).findings.append(item)
    ordered = sorted(groups.values(), key=lambda g: (g.category.sort_order, g.category.code))
    counts: dict[str, int] = defaultdict(int)
    for item in items:
        counts[item.state] += 1
    records = permissions.can(actor, "finding.record", target)
    evidence = {item.pk: list(item.evidence.all()) for item in items}
    mark_same_files(actor, [e for group in evidence.values() for e in group])
    for item in items:
        item.evidence_items = evidence[item.pk]  # type: ignore[attr-defined]
    return TargetPage(
        target=target,
        groups=ordered,
        state_counts=dict(counts),
        evidence=evidence,
        can_view_findings=can_view,
        can_record=records and target.round.state in OPEN_STAGES,
        can_upload=records and target.round.state != Round.State.CLOSED,
        can_confirm=permissions.can(actor, "finding.confirm", target),
    )


# --- the common-problem heat map (round.analytics) -----------------------------------------


def analytics_rounds(actor: Any) -> QuerySet[Round]:
    """The rounds whose analysis of common problems the actor may read.

    A global grant of ``round.analytics`` or one scoped to a round gives those rounds. A
    grant scoped to an org unit (functional departments) gives every round: the analysis
    is counts of findings per category and target, across units, without their text."""
    rounds = Round.objects.all()
    if any(
        g.scope_kind == "org_unit" and "round.analytics" in g.actions
        for g in permissions.grants(actor)
    ):
        return rounds
    return permissions.scope_filter(actor, "round.analytics", rounds)


def latest_analytics_round(actor: Any) -> Round | None:
    return analytics_rounds(actor).order_by(F("start_date").desc(nulls_last=True), "-id").first()


def analytics_round(actor: Any, pk: int) -> Round:
    found = analytics_rounds(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("round.analytics")
    return found


@dataclass
class HeatRow:
    category: FindingCategory
    is_top: bool
    counts: list[int]
    total: int


@dataclass
class Heatmap:
    round: Round
    targets: list[Target]
    rows: list[HeatRow]
    target_totals: list[int]
    total: int

    @property
    def by_target(self) -> list[tuple[Target, list[int], int]]:
        """The table turned round: one row per target, one column per category row, so
        that a round of many targets reads down the page rather than across it."""
        return [
            (target, [row.counts[i] for row in self.rows], self.target_totals[i])
            for i, target in enumerate(self.targets)
        ]

    def chart(self) -> dict[str, Any]:
        """The leaf rows for the ECharts heat map: {"x", "y", "data": [[x, y, n]], "max"}."""
        leaves = [r for r in self.rows if not r.is_top]
        data = [[x, y, n] for y, row in enumerate(leaves) for x, n in enumerate(row.counts)]
        return {
            "x": [t.org_unit.name for t in self.targets],
            "y": [f"{r.category.code} {r.category.name}" for r in leaves],
            "data": data,
            "max": max((n for _x, _y, n in data), default=0),
        }


def heatmap(actor: Any, round: Round) -> Heatmap:
    """Counts of the findings of `round` that were not withdrawn, per category (top-level
    rows are the sums of their subcategories) and per target. Counts only: no text."""
    if not analytics_rounds(actor).filter(pk=round.pk).exists():
        raise PermissionDenied("round.analytics", round)
    targets = list(
        Target.objects.filter(round=round)
        .select_related("org_unit", "team")
        .order_by("team__number", "org_unit__code")
    )
    column = {t.pk: i for i, t in enumerate(targets)}
    counted = (
        Finding.objects.filter(target__round=round)
        .exclude(state=Finding.State.WITHDRAWN)
        .values("category_id", "target_id")
        .annotate(n=Count("id"))
    )
    cells: dict[int, list[int]] = defaultdict(lambda: [0] * len(targets))
    for row in counted:
        cells[row["category_id"]][column[row["target_id"]]] += row["n"]
    categories = list(
        FindingCategory.objects.select_related("parent").order_by("sort_order", "code")
    )
    children: dict[int | None, list[FindingCategory]] = defaultdict(list)
    for c in categories:
        children[c.parent_id].append(c)
    rows: list[HeatRow] = []
    for top in children[None]:
        leaves = children.get(top.pk, [])
        sub: list[HeatRow] = []
        for c in leaves:
            counts = list(cells[c.pk])
            if c.is_active or any(counts):
                sub.append(HeatRow(c, False, counts, sum(counts)))
        own = list(cells[top.pk])
        top_counts = [own[i] + sum(r.counts[i] for r in sub) for i in range(len(targets))]
        if not top.is_active and not sum(top_counts):
            continue
        if not leaves:  # a top-level category without subcategories is its own leaf
            rows.append(HeatRow(top, False, top_counts, sum(top_counts)))
            continue
        rows.append(HeatRow(top, True, top_counts, sum(top_counts)))
        rows.extend(sub)
    top_rows = [r for r in rows if r.is_top or r.category.parent_id is None]
    totals = [sum(r.counts[i] for r in top_rows) for i in range(len(targets))]
    return Heatmap(round, targets, rows, totals, sum(totals))
