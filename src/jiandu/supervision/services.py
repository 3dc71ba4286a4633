"""Writes of the triage queue: importing a run's hits, and the triage of one hit
(review, dismiss with a reason, merge into another hit, reopen).

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction. States change only through
`jiandu.core.states.apply` with `TRANSITIONS`. Escalation into the clue ledger and the
rectification flag live in `escalation.py`; runs in `runs.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit
from jiandu.analytics.hits import Hit as HitRecord
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed

from . import warehouse
from .models import DismissalReason, Hit, Occurrence, OrgLink, Run

S = Hit.State
TRANSITIONS: states.Table = {
    S.NEW: frozenset({S.UNDER_REVIEW, S.DISMISSED, S.ESCALATED, S.MERGED}),
    S.UNDER_REVIEW: frozenset({S.NEW, S.DISMISSED, S.ESCALATED, S.MERGED}),
    S.DISMISSED: frozenset({S.UNDER_REVIEW}),
    S.MERGED: frozenset({S.UNDER_REVIEW}),
    S.ESCALATED: frozenset(),
}
COMMENT_MAX = 4000
CHUNK = 500
THEMES = {t.value for t in Hit.Theme}


def theme_of(model_id: str) -> str:
    """The theme of a model, the letter of its id (REGISTERS.md section 4); the OCDS
    R-indicators are procurement red flags, theme T."""
    letter = model_id[:1].upper()
    if letter in THEMES:
        return letter
    return Hit.Theme.TENDERS


def require_visible(actor: Any, action: str, hit: Hit) -> None:
    """`action` on `hit`, and, for a hit naming a leading cadre, the right to see it."""
    permissions.require(actor, action, hit)
    if hit.names_leading_cadre:
        permissions.require(actor, "hit.view_cadre", hit)


# --- import ------------------------------------------------------------------------------


@dataclass
class ImportSummary:
    hits: int = 0
    new: int = 0
    seen_again: int = 0
    already_imported: int = 0


def _links(facts: warehouse.Facts, org_ids: set[str]) -> dict[str, set[int]]:
    """Org unit ids of each register organization, by register id or by USCC."""
    usccs = {facts.org_uscc[o] for o in org_ids if o in facts.org_uscc}
    out: dict[str, set[int]] = {}
    rows = OrgLink.objects.filter(register_org_id__in=org_ids) | OrgLink.objects.filter(
        uscc__in=usccs
    )
    by_uscc: dict[str, set[int]] = {}
    for link in rows:
        if link.register_org_id:
            out.setdefault(link.register_org_id, set()).add(link.org_unit_id)
        if link.uscc:
            by_uscc.setdefault(link.uscc, set()).add(link.org_unit_id)
    for org in org_ids:
        uscc = facts.org_uscc.get(org)
        if uscc in by_uscc:
            out.setdefault(org, set()).update(by_uscc[uscc])
    return out


def _region(record: HitRecord, facts: warehouse.Facts) -> str:
    for org in record.org_ids:
        if org in facts.org_region:
            return facts.org_region[org]
    for rows in record.evidence.values():
        for row in rows:
            code = row.get("region_code") if isinstance(row, dict) else None
            if code:
                return str(code)[:12]
    return ""


def import_hits(
    *,
    actor: Any,
    run: Run,
    hits: Sequence[HitRecord],
    facts: warehouse.Facts | None = None,
) -> ImportSummary:
    """Bring a run's hits into the triage queue. A hit whose key is already known is the
    same lead: it gets one more occurrence (and, while still open, the latest score,
    evidence and explanation); importing the same run again adds nothing."""
    permissions.require(actor, "run.start")
    if facts is None:
        facts = warehouse.facts(
            (p for h in hits for p in h.person_ids), (o for h in hits for o in h.org_ids)
        )
    records = list({h.key: h for h in hits}.values())  # one per key within a run
    summary = ImportSummary(hits=len(records))
    now = timezone.now()
    with transaction.atomic():
        run = Run.objects.select_for_update().get(pk=run.pk)
        for start in range(0, len(records), CHUNK):
            _import_chunk(run, records[start : start + CHUNK], facts, now, summary)
        run.hit_count = Occurrence.objects.filter(run=run).count()
        run.new_hits += summary.new
        run.seen_again += summary.seen_again
        run.save(update_fields=["hit_count", "new_hits", "seen_again"])
        audit.record(
            actor=actor,
            action="hits.import",
            target=run,
            changes={
                "hits": summary.hits,
                "new": summary.new,
                "seen_again": summary.seen_again,
                "already_imported": summary.already_imported,
            },
        )
    return summary


def _import_chunk(
    run: Run,
    records: list[HitRecord],
    facts: warehouse.Facts,
    now: Any,
    summary: ImportSummary,
) -> None:
    keys = [r.key for r in records]
    existing = {h.key: h for h in Hit.objects.filter(key__in=keys)}
    done = set(
        Occurrence.objects.filter(run=run, hit__key__in=keys).values_list("hit__key", flat=True)
    )
    links = _links(facts, {o for r in records for o in r.org_ids})
    fresh: list[Hit] = []
    for record in records:
        if record.key in done:
            summary.already_imported += 1
            continue
        hit = existing.get(record.key)
        if hit is None:
            hit = Hit(key=record.key, first_run=run, first_seen_at=now, state=Hit.State.NEW)
            fresh.append(hit)
            summary.new += 1
        else:
            summary.seen_again += 1
        if hit.pk is None or hit.is_open:
            hit.model_id = record.model_id
            hit.model_version = record.model_version
            hit.theme = theme_of(record.model_id)
            hit.subject_type = record.subject_type
            hit.subject_id = record.subject_id[:300]
            hit.score = float(record.score)
            hit.explanation_zh = record.explanation_zh
            hit.explanation_en = record.explanation_en
            hit.evidence = record.to_dict()["evidence"]
            hit.evidence_columns = {
                register: list(dict.fromkeys(k for row in rows for k in row))
                for register, rows in record.evidence.items()
            }
            hit.person_ids = list(record.person_ids)
            hit.org_ids = list(record.org_ids)
            hit.region_code = _region(record, facts)
            hit.names_leading_cadre = any(p in facts.cadres for p in record.person_ids)
        hit.last_run = run
        hit.last_seen_at = now
    Hit.objects.bulk_create(fresh, batch_size=CHUNK)
    # Hits found again: save what changed, one bulk update.
    again = [existing[r.key] for r in records if r.key in existing and r.key not in done]
    Hit.objects.bulk_update(
        again,
        [
            "model_version",
            "theme",
            "subject_type",
            "subject_id",
            "score",
            "explanation_zh",
            "explanation_en",
            "evidence",
            "evidence_columns",
            "person_ids",
            "org_ids",
            "region_code",
            "names_leading_cadre",
            "last_run",
            "last_seen_at",
        ],
        batch_size=CHUNK,
    )
    by_key = {h.key: h for h in [*fresh, *again]}
    if len(fresh) and any(h.pk is None for h in fresh):  # backends without RETURNING
        by_key.update({h.key: h for h in Hit.objects.filter(key__in=[h.key for h in fresh])})
    Through = Hit.org_units.through
    new_links = [
        Through(hit_id=by_key[r.key].pk, orgunit_id=unit)
        for r in records
        if r.key in by_key
        for unit in sorted({u for o in r.org_ids for u in links.get(o, ())})
    ]
    Through.objects.bulk_create(new_links, ignore_conflicts=True, batch_size=CHUNK)
    Occurrence.objects.bulk_create(
        [
            Occurrence(
                hit_id=by_key[r.key].pk,
                run=run,
                model_version=r.model_version,
                score=float(r.score),
            )
            for r in records
            if r.key in by_key
        ],
        batch_size=CHUNK,
    )


def link_organization(
    *, actor: Any, org_unit: OrgUnit, uscc: str = "", register_org_id: str = ""
) -> OrgLink:
    """Recognize a register organization (by USCC or register id) as `org_unit`; the
    hits already about it come into that unit's scope at once."""
    permissions.require(actor, "run.start")
    permissions.require(actor, "orgunit.view", org_unit)
    uscc, register_org_id = uscc.strip().upper(), register_org_id.strip()
    if not uscc and not register_org_id:
        raise ValidationFailed({"uscc": _("Give the credit code or the register id.")})
    if uscc and (len(uscc) != 18 or not uscc.isalnum()):
        raise ValidationFailed(
            {"uscc": _("A unified social credit code has 18 letters or digits.")}
        )
    taken = OrgLink.objects.filter(uscc=uscc) if uscc else OrgLink.objects.none()
    if register_org_id:
        taken = taken | OrgLink.objects.filter(register_org_id=register_org_id)
    if taken.exists():
        raise ValidationFailed({"uscc": _("This organization is already linked to an org unit.")})
    ids = {register_org_id} if register_org_id else set()
    if uscc:
        ids |= warehouse.org_ids_with_uscc(uscc)
    with transaction.atomic():
        link = OrgLink.objects.create(org_unit=org_unit, uscc=uscc, register_org_id=register_org_id)
        matching = [
            pk
            for pk, org_ids in Hit.objects.values_list("pk", "org_ids").iterator(chunk_size=2000)
            if ids.intersection(org_ids or ())
        ]
        Through = Hit.org_units.through
        Through.objects.bulk_create(
            [Through(hit_id=pk, orgunit_id=org_unit.pk) for pk in matching],
            ignore_conflicts=True,
            batch_size=CHUNK,
        )
        audit.record(
            actor=actor,
            action="orglink.create",
            target=link,
            changes={
                "org_unit": org_unit.code,
                "uscc": uscc,
                "register_org_id": register_org_id,
                "hits": len(matching),
            },
        )
    return link


# --- triage ------------------------------------------------------------------------------

SNAPSHOT = ("state", "dismissal_reason", "comment", "merged_into")


def move(actor: Any, hit: Hit, target: str, action: str, **fields: Any) -> Hit:
    before = audit.snapshot(hit, SNAPSHOT)
    states.apply(hit, "state", TRANSITIONS, target)
    for name, value in fields.items():
        setattr(hit, name, value)
    hit.triaged_by = actor
    hit.triaged_at = timezone.now()
    hit.save()
    audit.record(
        actor=actor,
        action=action,
        target=hit,
        changes=audit.diff(before, audit.snapshot(hit, SNAPSHOT)),
    )
    return hit


def check_transition(hit: Hit, target: str) -> None:
    """InvalidTransition unless the table allows `hit` to go to `target` (nothing set)."""
    if target not in states.allowed(TRANSITIONS, hit.state):
        probe = Hit(state=hit.state)
        states.apply(probe, "state", TRANSITIONS, target)


def locked(actor: Any, action: str, hit: Hit) -> Hit:
    require_visible(actor, action, hit)
    return Hit.objects.select_for_update().get(pk=hit.pk)


def start_review(*, actor: Any, hit: Hit) -> Hit:
    with transaction.atomic():
        hit = locked(actor, "hit.triage", hit)
        return move(actor, hit, Hit.State.UNDER_REVIEW, "hit.review")


def release(*, actor: Any, hit: Hit) -> Hit:
    """Put a hit under review back into the queue as new."""
    with transaction.atomic():
        hit = locked(actor, "hit.triage", hit)
        return move(actor, hit, Hit.State.NEW, "hit.release")


def _comment(comment: str) -> str:
    comment = comment.strip()
    if len(comment) > COMMENT_MAX:
        raise ValidationFailed(
            {"comment": _("At most %(max)d characters, please.") % {"max": COMMENT_MAX}}
        )
    return comment


def dismiss(*, actor: Any, hit: Hit, reason: DismissalReason, comment: str = "") -> Hit:
    """Dismiss a hit with a reason of the configured list (inactive reasons are refused)."""
    comment = _comment(comment)
    if reason is None or not reason.is_active:
        raise ValidationFailed({"reason": _("Choose one of the dismissal reasons.")})
    if reason.code == "other" and not comment:
        raise ValidationFailed({"comment": _("Say why in the comment when the reason is “other”.")})
    with transaction.atomic():
        hit = locked(actor, "hit.triage", hit)
        return move(
            actor, hit, Hit.State.DISMISSED, "hit.dismiss", dismissal_reason=reason, comment=comment
        )


def reopen(*, actor: Any, hit: Hit, comment: str = "") -> Hit:
    """Bring a dismissed or merged hit back under review."""
    comment = _comment(comment)
    with transaction.atomic():
        hit = locked(actor, "hit.triage", hit)
        return move(
            actor,
            hit,
            Hit.State.UNDER_REVIEW,
            "hit.reopen",
            dismissal_reason=None,
            merged_into=None,
            comment=comment,
        )


def merge(*, actor: Any, hit: Hit, into: Hit, comment: str = "") -> Hit:
    """Merge a hit into another one about the same matter (the other one carries on)."""
    comment = _comment(comment)
    with transaction.atomic():
        require_visible(actor, "hit.triage", into)
        hit = locked(actor, "hit.triage", hit)
        into = Hit.objects.select_for_update().get(pk=into.pk)
        if into.pk == hit.pk:
            raise ValidationFailed({"into": _("A hit cannot be merged into itself.")})
        if into.state in (Hit.State.MERGED, Hit.State.DISMISSED):
            raise ValidationFailed(
                {
                    "into": _("Hit %(key)s is %(state)s: merge into an open or escalated hit.")
                    % {"key": into.key, "state": into.get_state_display()}
                }
            )
        return move(actor, hit, Hit.State.MERGED, "hit.merge", merged_into=into, comment=comment)
