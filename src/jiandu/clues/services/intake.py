"""Intake: a clue registered from a form, an inspection finding or transfer, a petition
(with an encrypted whistleblower), another body, or a supervision hit
(`origin="hit:<key>"`). The clue goes to a keeper, and that first hand-over is the first
link of its signed chain.

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction. Audit events name the clue by its number and
never carry its content or the whistleblower."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit, Person, Post, User
from jiandu.audit import services as audit
from jiandu.core.calendar import current as calendar
from jiandu.core.errors import PermissionDenied, ValidationFailed

from .. import clocks, crypto
from ..models import Assignment, Clue, LedgerCounter, Subject
from .files import store_attachment, validate_upload
from .handover import sign


@dataclass(frozen=True)
class SubjectIn:
    """A person the clue is about. `person` links the register's record when known."""

    name: str
    post: str = ""
    rank: str = ""
    person: Person | None = None
    org_unit: OrgUnit | None = None


@dataclass(frozen=True)
class Whistleblower:
    name: str
    contact: str = ""


def next_number(year: int) -> str:
    """Take the next ledger number of `year` (inside the caller's transaction)."""
    counter, _created = LedgerCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return format_number(year, counter.last)


def format_number(year: int, seq: int) -> str:
    pattern: str = settings.JIANDU["CLUE_NUMBER_PATTERN"]
    return pattern.format(year=year, seq=seq)


def _subjects(raw: Iterable[Any]) -> tuple[list[SubjectIn], str]:
    out: list[SubjectIn] = []
    for item in raw or ():
        if isinstance(item, Mapping):
            item = SubjectIn(**item)
        if isinstance(item, Person):
            post = item.posts.select_related("org_unit").first()
            item = SubjectIn(
                name=item.name,
                post=post.title if post else "",
                rank=post.rank if post else "",
                person=item,
                org_unit=post.org_unit if post else None,
            )
        name = (item.name or "").strip()
        if not name:
            continue
        if item.rank and item.rank not in Post.Rank.values:
            return [], _("Unknown rank “%(rank)s” for %(name)s.") % {
                "rank": item.rank,
                "name": name,
            }
        out.append(
            SubjectIn(
                name[:100], (item.post or "").strip()[:200], item.rank, item.person, item.org_unit
            )
        )
    if not out:
        return [], _("Name at least one subject person (the person the clue is about).")
    return out, ""


def _whistleblower(raw: Any) -> Whistleblower | None:
    if raw is None:
        return None
    if isinstance(raw, Mapping):
        raw = Whistleblower(**raw)
    name = (raw.name or "").strip()
    contact = (raw.contact or "").strip()
    if not name and not contact:
        return None
    return Whistleblower(name or _("(anonymous)"), contact)


def _keeper(actor: Any, keeper: User | None) -> tuple[User | None, str]:
    if keeper is None:
        keeper = actor
    if not isinstance(keeper, User) or not keeper.is_active:
        return None, _("Choose an active clue officer to keep the clue.")
    if not permissions.has_any(keeper, "clue.keep"):
        if keeper.pk == getattr(actor, "pk", None):
            return None, _("You do not keep clues: choose the clue officer who will keep it.")
        return None, _("%(user)s is not a clue officer and cannot keep clues.") % {"user": keeper}
    return keeper, ""


@transaction.atomic
def register_clue(
    *,
    actor: Any,
    summary: str,
    category: str,
    source: str,
    received_date: dt.date,
    subjects: Iterable[Any],
    confidentiality: str = Clue.Confidentiality.CONFIDENTIAL,
    origin: str = "",
    attachments: Iterable[Any] = (),
    whistleblower: Any = None,
    keeper: User | None = None,
    findings: Iterable[Any] = (),
    from_body: str = "",
) -> Clue:
    """Register a clue and hand it to its keeper (the actor when they keep clues).

    `subjects`: SubjectIn, dicts of its fields, or Person records. `whistleblower`:
    Whistleblower or {"name", "contact"}, stored encrypted. `attachments`: uploaded files
    or (name, bytes) pairs, stored encrypted. `findings`: inspection findings the actor
    may view. A supervision hit passes origin="hit:<hit key>" and its evidence as an
    attachment."""
    if not permissions.has_any(actor, "clue.register"):
        raise PermissionDenied("clue.register")
    errors: dict[str, str] = {}
    summary = (summary or "").replace("\r\n", "\n").strip()
    if not summary:
        errors["summary"] = _("Summarize the allegation.")
    if category not in Clue.Category.values:
        errors["category"] = _("Unknown category: %(value)s") % {"value": category}
    if source not in Clue.Source.values:
        errors["source"] = _("Unknown source: %(value)s") % {"value": source}
    if confidentiality not in Clue.Confidentiality.values:
        errors["confidentiality"] = _("Unknown confidentiality level: %(value)s") % {
            "value": confidentiality
        }
    if not isinstance(received_date, dt.date) or isinstance(received_date, dt.datetime):
        errors["received_date"] = _("The date received is required.")
    elif received_date > timezone.localdate():
        errors["received_date"] = _("The date received cannot be in the future.")
    people, problem = _subjects(subjects)
    if problem:
        errors["subjects"] = problem
    origin = (origin or "").strip()[:200]
    from_body = (from_body or "").strip()[:200]
    if source == Clue.Source.MODEL_HIT and not origin.startswith("hit:"):
        errors["origin"] = _("A clue from a supervision model names its hit (hit:<key>).")
    if source == Clue.Source.OTHER_BODY and not from_body:
        errors["from_body"] = _("Name the body that transferred the clue.")
    blower = _whistleblower(whistleblower)
    keeper, problem = _keeper(actor, keeper)
    if problem:
        errors["keeper"] = problem
    linked = list(findings or ())
    for finding in linked:
        if not permissions.can(actor, "finding.view", finding):
            errors["findings"] = _("You may link only findings you can read.")
            break
    files = [validate_upload(f) for f in attachments or ()]
    if errors:
        raise ValidationFailed(errors)
    assert keeper is not None and isinstance(received_date, dt.date)
    number = next_number(received_date.year)
    clue = Clue(
        number=number,
        summary=summary,
        category=category,
        source=source,
        origin=origin,
        from_body=from_body,
        received_date=received_date,
        confidentiality=confidentiality,
        disposal_due=clocks.disposal_due(calendar(), received_date),
        registered_by=actor,
    )
    if blower is not None:
        clue.whistleblower_name = crypto.seal_text(blower.name, f"{number}:whistleblower_name")
        clue.whistleblower_contact = crypto.seal_text(
            blower.contact, f"{number}:whistleblower_contact"
        )
    clue.save()
    Subject.objects.bulk_create(
        Subject(
            clue=clue, name=s.name, post=s.post, rank=s.rank, person=s.person, org_unit=s.org_unit
        )
        for s in people
    )
    clue.findings.set(linked)
    Assignment.objects.create(clue=clue, user=keeper, capacity=Assignment.Capacity.KEEPER)
    sign(clue=clue, from_user=actor, to_user=keeper, capacity="register", note="")
    audit.record(
        actor=actor,
        action="clue.register",
        target=clue,
        changes={
            "source": source,
            "category": category,
            "confidentiality": confidentiality,
            "origin": origin,
            "received_date": received_date,
            "subjects": len(people),
            "whistleblower": blower is not None,
            "keeper": keeper.get_username(),
            "findings": sorted(f.pk for f in linked),
        },
    )
    for checked in files:
        store_attachment(actor=actor, clue=clue, checked=checked)
    return clue


def subjects_of_finding(finding: Any) -> list[SubjectIn]:
    return [_subject_of(p) for p in finding.leaders.all()]


def subjects_of_transfer(transfer: Any) -> list[SubjectIn]:
    return [_subject_of(p) for p in transfer.persons.all()]


def _subject_of(person: Person) -> SubjectIn:
    post = person.posts.select_related("org_unit").first()
    return SubjectIn(
        name=person.name,
        post=post.title if post else "",
        rank=post.rank if post else "",
        person=person,
        org_unit=post.org_unit if post else None,
    )
