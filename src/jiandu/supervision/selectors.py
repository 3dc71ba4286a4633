"""Reads of the triage queue, runs, measured precision and notices. Each returns only what
the actor may see: hits in the scope of ``hit.view``, and hits naming a leading cadre only
with ``hit.view_cadre`` there too. Every read of such a hit is logged."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit
from jiandu.audit import services as audit
from jiandu.core import calendar
from jiandu.core.errors import PermissionDenied

from .models import DismissalReason, Hit, Run

HIGH_SCORE_DEFAULT = 0.8
TRIAGE_WORKING_DAYS_DEFAULT = 10
NEW_DAYS = 7


def setting(name: str, default: Any) -> Any:
    return settings.JIANDU.get(name, default)


def hits(actor: Any) -> QuerySet[Hit]:
    """Every hit the actor may see."""
    qs = permissions.scope_filter(actor, "hit.view", Hit.objects.all())
    cadre = permissions.scope_filter(
        actor, "hit.view_cadre", Hit.objects.filter(names_leading_cadre=True)
    )
    return qs.filter(Q(names_leading_cadre=False) | Q(pk__in=cadre.values("pk")))


@dataclass
class Filters:
    theme: str = ""
    model: str = ""
    org_unit: OrgUnit | None = None
    region: str = ""
    min_score: float | None = None
    state: str = ""
    q: str = ""


def queue(actor: Any, filters: Filters | None = None) -> QuerySet[Hit]:
    """The triage queue, filtered. A region filters by code prefix (province, city...);
    an org unit also selects the hits of its subordinate units."""
    f = filters or Filters()
    qs = hits(actor)
    if f.theme:
        qs = qs.filter(theme=f.theme)
    if f.model:
        qs = qs.filter(model_id=f.model)
    if f.org_unit is not None:
        below = OrgUnit.objects.filter(path__startswith=f.org_unit.path).values("pk")
        qs = qs.filter(pk__in=Hit.objects.filter(org_units__in=below).values("pk"))
    if f.region:
        qs = qs.filter(region_code__startswith=f.region)
    if f.min_score is not None:
        qs = qs.filter(score__gte=f.min_score)
    if f.state:
        qs = qs.filter(state=f.state)
    if f.q:
        qs = qs.filter(Q(subject_id__icontains=f.q) | Q(explanation_zh__icontains=f.q))
    return qs.order_by("-score", "-first_seen_at", "id")


def hit(actor: Any, pk: int) -> Hit:
    """One hit the actor may see (no read logged: for actions and forms)."""
    found = hits(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("hit.view")
    return found


def hit_read(actor: Any, pk: int) -> Hit:
    """One hit for reading; a read of a hit naming a leading cadre is logged."""
    found = hit(actor, pk)
    if found.names_leading_cadre:
        audit.record_read(actor=actor, target=found, detail={"names_leading_cadre": True})
    return found


def model_ids(actor: Any) -> list[str]:
    return list(hits(actor).order_by("model_id").values_list("model_id", flat=True).distinct())


def dismissal_reasons() -> QuerySet[DismissalReason]:
    return DismissalReason.objects.filter(is_active=True)


def merge_candidates(actor: Any, of: Hit) -> QuerySet[Hit]:
    """Hits the actor may merge `of` into: visible, open or escalated, sharing a person or
    an organization or the model, the closest first."""
    qs = hits(actor).exclude(pk=of.pk).exclude(state__in=[Hit.State.MERGED, Hit.State.DISMISSED])
    return qs.filter(model_id=of.model_id).order_by("-score")


def occurrences(actor: Any, of: Hit) -> list[Any]:
    """The runs that found the hit (the caller has read it through `hit_read`)."""
    hit(actor, of.pk)
    return list(of.occurrences.select_related("run").order_by("-run_id")[:20])


# --- runs --------------------------------------------------------------------------------


def runs(actor: Any) -> QuerySet[Run]:
    permissions.require(actor, "run.view")
    return Run.objects.select_related("requested_by")


def run(actor: Any, pk: int) -> Run:
    found = runs(actor).filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("run.view")
    return found


def active_run() -> Run | None:
    return Run.objects.filter(state__in=[Run.State.QUEUED, Run.State.RUNNING]).first()


def last_model_runs(actor: Any, model_id: str, *, limit: int = 10) -> list[dict[str, Any]]:
    """The last model runs that included `model_id`, with its record in each."""
    out = []
    for row in runs(actor).filter(kind=Run.Kind.MODELS, state=Run.State.SUCCEEDED)[:200]:
        for record in row.records or []:
            if record.get("model_id") == model_id:
                out.append({"run": row, "record": record})
        if len(out) >= limit:
            break
    return out


# --- measured precision and open hits ----------------------------------------------------


@dataclass
class Precision:
    model_id: str
    total: int = 0
    open: int = 0
    escalated: int = 0
    dismissed: int = 0
    merged: int = 0
    reasons: list[tuple[str, int]] = field(default_factory=list)

    @property
    def triaged(self) -> int:
        return self.escalated + self.dismissed

    @property
    def precision(self) -> float | None:
        return self.escalated / self.triaged if self.triaged else None

    @property
    def escalated_pct(self) -> int | None:
        p = self.precision
        return None if p is None else round(100 * p)

    @property
    def dismissed_pct(self) -> int | None:
        p = self.precision
        return None if p is None else 100 - round(100 * p)


def precision(actor: Any, model_id: str | None = None) -> list[Precision]:
    """Per model: the share of triaged hits (escalated or dismissed) that were escalated,
    with the dismissal reasons. Merged hits count for neither."""
    permissions.require(actor, "run.view")
    qs = hits(actor)
    if model_id:
        qs = qs.filter(model_id=model_id)
    table: dict[str, Precision] = {}
    for row in qs.values("model_id", "state").annotate(n=Count("pk")):
        p = table.setdefault(row["model_id"], Precision(row["model_id"]))
        p.total += row["n"]
        if row["state"] in (Hit.State.NEW, Hit.State.UNDER_REVIEW):
            p.open += row["n"]
        elif row["state"] == Hit.State.ESCALATED:
            p.escalated += row["n"]
        elif row["state"] == Hit.State.DISMISSED:
            p.dismissed += row["n"]
        else:
            p.merged += row["n"]
    reasons = (
        qs.filter(state=Hit.State.DISMISSED)
        .values("model_id", "dismissal_reason__label_zh", "dismissal_reason__label_en")
        .annotate(n=Count("pk"))
        .order_by("model_id", "-n")
    )
    from jiandu.core.text import bilingual

    for row in reasons:
        label = bilingual(
            row["dismissal_reason__label_zh"] or "", row["dismissal_reason__label_en"] or ""
        )
        table[row["model_id"]].reasons.append((label, row["n"]))
    return [table[k] for k in sorted(table)]


def open_counts(actor: Any) -> dict[str, Any]:
    """Open hits (new or under review) per org unit and per region, for the charts."""
    permissions.require(actor, "hit.view")
    open_hits = hits(actor).filter(state__in=[Hit.State.NEW, Hit.State.UNDER_REVIEW])
    counted = (
        Hit.org_units.through.objects.filter(hit_id__in=open_hits.values("pk"))
        .values("orgunit_id")
        .annotate(n=Count("hit_id"))
    )
    unit_counts = {row["orgunit_id"]: row["n"] for row in counted}
    units = OrgUnit.objects.in_bulk(list(unit_counts))
    unlinked = open_hits.filter(org_units__isnull=True).count()
    regions = list(
        open_hits.values("region_code").annotate(n=Count("pk")).order_by("-n", "region_code")[:30]
    )
    org_rows = sorted(
        ((units[k].name, v) for k, v in unit_counts.items() if k in units),
        key=lambda kv: (-kv[1], kv[0]),
    )[:30]
    return {
        "orgs": {"labels": [n for n, _v in org_rows], "values": [v for _n, v in org_rows]},
        "regions": {
            "labels": [r["region_code"] or "—" for r in regions],
            "values": [r["n"] for r in regions],
        },
        "unlinked": unlinked,
        "total": open_hits.count(),
    }


# --- notices on the home page --------------------------------------------------------------


def _workdays_back(today: dt.date, count: int) -> dt.date:
    cal = calendar.current()
    day = today
    while count > 0:
        day -= dt.timedelta(days=1)
        if cal.is_workday(day):
            count -= 1
    return day


@dataclass
class Notices:
    high: list[Hit]
    high_count: int
    overdue: list[Hit]
    overdue_count: int
    threshold: float
    working_days: int
    last_run: Run | None


def notices(actor: Any) -> Notices | None:
    """New high-score hits (found in the last week) and hits left untriaged longer than
    the working days allowed, for those who triage; None for everyone else."""
    if not permissions.has_any(actor, "hit.triage"):
        return None
    threshold = float(setting("HIT_HIGH_SCORE", HIGH_SCORE_DEFAULT))
    days = int(setting("TRIAGE_WORKING_DAYS", TRIAGE_WORKING_DAYS_DEFAULT))
    now = timezone.now()
    visible = hits(actor)
    high = visible.filter(
        state=Hit.State.NEW, score__gte=threshold, first_seen_at__gte=now - dt.timedelta(NEW_DAYS)
    ).order_by("-score", "-first_seen_at")
    cutoff = _workdays_back(timezone.localdate(), days)
    start = timezone.make_aware(dt.datetime.combine(cutoff, dt.time.min))
    overdue = visible.filter(
        state__in=[Hit.State.NEW, Hit.State.UNDER_REVIEW], first_seen_at__lt=start
    ).order_by("first_seen_at", "-score")
    last = None
    if permissions.has_any(actor, "run.view"):
        last = Run.objects.filter(kind=Run.Kind.MODELS).order_by("-requested_at").first()
    return Notices(
        high=list(high[:5]),
        high_count=high.count(),
        overdue=list(overdue[:5]),
        overdue_count=overdue.count(),
        threshold=threshold,
        working_days=days,
        last_run=last,
    )
