"""Escalation of a hit into the clue ledger, and the rectification flag a hit raises.

- `escalate` registers a clue through the ledger's intake service
  (`jiandu.clues.services.register_clue`): source "model_hit", origin "hit:<key>", the
  evidence workbook attached, the subject persons of the hit linked (a register person
  becomes the workflow's Person with the same ID number when there is one). The clue is
  then an ordinary clue: its keeper (a clue officer) disposes of it under the ledger's
  rules and need-to-know; the hit keeps only its ledger number.
- `flag_rectification` raises, through `jiandu.rectification.services.flag_recurrence`,
  the false-rectification (recurrence) flag of a cancelled problem of an org unit the hit
  concerns: the hit shows that what was declared rectified is happening again. The
  rectification service decides who may flag (verifiers and assessors in scope).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit, Person, Post
from jiandu.core.errors import ValidationFailed

from . import documents, services, warehouse
from .models import Hit

# The clue category a hit's theme suggests (the analyst may choose another).
CATEGORY_OF_THEME: dict[str, str] = {
    Hit.Theme.PEOPLE: "people_facing",
    Hit.Theme.BUSINESS: "politics_business",
    Hit.Theme.TENDERS: "corruption",
    Hit.Theme.CIRCLES: "corruption",
    Hit.Theme.STYLE: "eight_point",
}
SUMMARY_MAX = 20_000


@dataclass(frozen=True)
class Candidate:
    """A person of the hit who may be named as a subject of the clue."""

    register_id: str
    name: str
    post: str
    rank: str
    person: Person | None
    org_unit: OrgUnit | None

    @property
    def label(self) -> str:
        return f"{self.name} · {self.post}" if self.post else self.name


RANKS = frozenset(Post.Rank.values)


def candidates(hit: Hit) -> list[Candidate]:
    """The people a hit names, as the warehouse records them, linked to the workflow's
    people by ID number."""
    involved = warehouse.involved(hit.person_ids, [])
    by_id = {p["id"]: p for p in involved.people}
    numbers = {
        str(p.get("id_number") or "").upper(): pid for pid, p in by_id.items() if p.get("id_number")
    }
    people = {
        p.id_number: p for p in Person.objects.filter(id_number__in=list(numbers)) if p.id_number
    }
    unit = hit.org_units.order_by("path").first()
    out = []
    for pid in hit.person_ids:
        row = by_id.get(pid, {"name": "", "posts": [], "id_number": ""})
        post: dict[str, Any] = next(iter(row.get("posts") or []), {})
        title = str(post.get("title") or "")
        if post.get("org_name"):
            title = f"{post['org_name']} {title}".strip()
        rank = str(post.get("rank") or "")
        out.append(
            Candidate(
                register_id=pid,
                name=str(row.get("name") or pid),
                post=title[:200],
                rank=rank if rank in RANKS else "",
                person=people.get(str(row.get("id_number") or "").upper()),
                org_unit=unit,
            )
        )
    return out


def escalate(
    *,
    actor: Any,
    hit: Hit,
    summary: str,
    category: str,
    keeper: Any,
    subjects: list[Candidate],
    extra_subject: str = "",
    confidentiality: str = "",
) -> Any:
    """Escalate `hit` into a new clue; returns the clue."""
    from jiandu.clues.models import Clue
    from jiandu.clues.services import register_clue

    summary = (summary or "").strip()
    if len(summary) > SUMMARY_MAX:
        raise ValidationFailed(
            {"summary": _("At most %(max)d characters, please.") % {"max": SUMMARY_MAX}}
        )
    named = [
        {
            "name": c.name,
            "post": c.post,
            "rank": c.rank,
            "person": c.person,
            "org_unit": c.org_unit,
        }
        for c in subjects
    ]
    if extra_subject.strip():
        named.append({"name": extra_subject.strip()[:100]})
    with transaction.atomic():
        hit = services.locked(actor, "hit.escalate", hit)
        services.check_transition(hit, Hit.State.ESCALATED)  # before a clue is made
        workbook = documents.evidence_workbook(hit)
        clue = register_clue(
            actor=actor,
            summary=summary,
            category=category,
            source=Clue.Source.MODEL_HIT,
            received_date=timezone.localdate(),
            subjects=named,
            confidentiality=confidentiality or Clue.Confidentiality.CONFIDENTIAL,
            origin=f"hit:{hit.key}"[:200],
            attachments=[(documents.evidence_filename(hit), workbook)],
            keeper=keeper,
        )
        services.move(
            actor,
            hit,
            Hit.State.ESCALATED,
            "hit.escalate",
            clue_ref=f"clues.clue:{clue.pk}",
            clue_number=clue.number,
        )
    return clue


def default_summary(hit: Hit) -> str:
    return _("Supervision model %(model)s (v%(version)s) found: %(explanation)s") % {
        "model": hit.model_id,
        "version": hit.model_version,
        "explanation": hit.explanation_zh,
    }


# --- rectification ---------------------------------------------------------------------


def cancelled_problems(actor: Any, hit: Hit) -> list[Any]:
    """The cancelled rectification problems of the org units the hit concerns that the
    actor may read (empty when rectification is not installed)."""
    try:
        from jiandu.rectification.selectors import cancelled_problems as of_unit
    except ImportError:
        return []
    seen: dict[int, Any] = {}
    for unit in hit.org_units.all():
        for problem in of_unit(actor=actor, org_unit=unit):
            seen.setdefault(problem.pk, problem)
    return list(seen.values())


def flag_rectification(*, actor: Any, hit: Hit, problem: Any, reason: str = "") -> Any:
    """Raise the recurrence flag of a cancelled problem of a unit the hit concerns."""
    from jiandu.rectification.services import flag_recurrence

    services.require_visible(actor, "hit.view", hit)
    if problem.pk not in {p.pk for p in cancelled_problems(actor, hit)}:
        raise ValidationFailed(
            {
                "problem": _(
                    "This problem is not a cancelled problem of the organizations of the hit."
                )
            }
        )
    reason = (reason or "").strip() or _(
        "Hit %(key)s of model %(model)s, found %(date)s: %(explanation)s"
    ) % {
        "key": hit.key,
        "model": hit.model_id,
        "date": hit.first_seen_at.date().isoformat(),
        "explanation": hit.explanation_zh,
    }
    return flag_recurrence(
        actor=actor, problem=problem, source=f"hit:{hit.key}"[:200], reason=reason
    )


def hit_page_context(actor: Any, hit: Hit, can_escalate: bool) -> dict[str, Any]:
    """What the hit page shows about the clue and rectification."""
    problems = cancelled_problems(actor, hit) if hit.org_units.exists() else []
    flaggable = [
        p
        for p in problems
        if permissions.can(actor, "rectification.verify", p)
        or permissions.can(actor, "rectification.assess", p)
    ]
    return {
        "can_escalate_now": can_escalate
        and Hit.State.ESCALATED in services.TRANSITIONS.get(hit.state, frozenset())
        and permissions.has_any(actor, "clue.register"),
        "cancelled_problems": flaggable,
    }
