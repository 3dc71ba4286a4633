"""Transfers (移交): problem clues about leading cadres handed to the discipline commission,
the organization department or another body, and sector problems handed to a functional
department; the receiving body acknowledges receipt. The clue ledger picks transfers up
later, so each keeps its full record: round, target, findings, persons concerned.

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit, Person
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import PermissionDenied, ValidationFailed

from ..models import Finding, Round, Target, Transfer

TRANSFER_FIELDS = ("round", "target", "kind", "receiver_kind", "receiver_unit", "date", "summary")
# Which receivers each kind of transfer may go to.
RECEIVERS = {
    Transfer.Kind.CLUE: frozenset(
        {Transfer.Receiver.DISCIPLINE, Transfer.Receiver.ORGANIZATION, Transfer.Receiver.OTHER}
    ),
    Transfer.Kind.SECTOR: frozenset({Transfer.Receiver.FUNCTIONAL}),
}
# Kinds of unit that receive transfers (not the inspected enterprises themselves).
RECEIVING_KINDS = (
    OrgUnit.Kind.COMMISSION,
    OrgUnit.Kind.ORGANIZATION_DEPARTMENT,
    OrgUnit.Kind.DEPARTMENT,
    OrgUnit.Kind.INSPECTION_OFFICE,
    OrgUnit.Kind.LOCAL_GOVERNMENT,
    OrgUnit.Kind.OTHER,
)
# Transfers are made once the inspection has begun and until the round closes.
OPEN_STAGES = frozenset(
    {
        Round.State.INSPECTING,
        Round.State.REPORTING,
        Round.State.FEEDBACK,
        Round.State.RECTIFICATION,
    }
)
TRANSFERABLE = (Finding.State.CONFIRMED, Finding.State.IN_REPORT, Finding.State.FED_BACK)


def concerned_persons(round: Round) -> Any:
    """People a transfer of `round` may name: the leaders concerned by its findings and
    the people holding a post in (or under) one of its targets."""
    paths = list(round.targets.values_list("org_unit__path", flat=True))
    in_targets = Q(pk__in=[])
    for path in paths:
        in_targets |= Q(posts__org_unit__path__startswith=path)
    leaders = Person.objects.filter(findings__target__round=round).values("pk")
    posted = Person.objects.filter(in_targets).values("pk")
    return Person.objects.filter(Q(pk__in=leaders) | Q(pk__in=posted))


def _check_findings(
    actor: Any, round: Round, target: Target | None, findings: list[Finding]
) -> str | None:
    for finding in findings:
        if not permissions.can(actor, "finding.view", finding):
            raise PermissionDenied("finding.view", finding)
        if finding.target.round_id != round.pk:
            return _("The finding “%(finding)s” belongs to another round.") % {
                "finding": finding.title
            }
        if target is not None and finding.target_id != target.pk:
            return _("The finding “%(finding)s” is about another target.") % {
                "finding": finding.title
            }
        if finding.state not in TRANSFERABLE:
            return _("The finding “%(finding)s” is not confirmed; it cannot be transferred.") % {
                "finding": finding.title
            }
    return None


@transaction.atomic
def create_transfer(
    *,
    actor: Any,
    round: Round,
    kind: str,
    receiver_kind: str,
    receiver_unit: OrgUnit,
    date: dt.date,
    summary: str,
    target: Target | None = None,
    findings: Iterable[Finding] = (),
    persons: Iterable[Person] = (),
) -> Transfer:
    """Hand a clue or a sector problem of `round` (and optionally of one target) to
    another body. A team transfers only for its own targets; the office for any."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    if target is not None:
        permissions.require(actor, "transfer.create", target)
    else:
        permissions.require(actor, "transfer.create", round)
    findings = list(findings)
    persons = list(persons)
    errors: dict[str, str] = {}
    if round.state not in OPEN_STAGES:
        errors["round"] = _(
            "Transfers are made from the on-site inspection until the round closes."
        )
    if target is not None and target.round_id != round.pk:
        errors["target"] = _("The target belongs to another round.")
    if kind not in RECEIVERS:
        errors["kind"] = _("Unknown kind of transfer: %(kind)s") % {"kind": kind}
    elif receiver_kind not in RECEIVERS[Transfer.Kind(kind)]:
        if kind == Transfer.Kind.CLUE:
            errors["receiver_kind"] = _(
                "A problem clue goes to the discipline commission, the organization "
                "department or another body, not to a functional department."
            )
        else:
            errors["receiver_kind"] = _("A sector problem goes to a functional department.")
    if (
        receiver_unit is None
        or not receiver_unit.is_active
        or receiver_unit.kind not in RECEIVING_KINDS
    ):
        errors["receiver_unit"] = _(
            "Choose an active receiving body: a commission, a department or another body "
            "(not an inspected enterprise)."
        )
    if not isinstance(date, dt.date) or isinstance(date, dt.datetime):
        errors["date"] = _("A date is required.")
    summary = (summary or "").replace("\r\n", "\n").strip()
    if not summary:
        errors["summary"] = _("Summarize what is transferred.")
    problem = _check_findings(actor, round, target, findings)
    if problem:
        errors["findings"] = problem
    if persons:
        allowed = set(
            concerned_persons(round)
            .filter(pk__in=[p.pk for p in persons])
            .values_list("pk", flat=True)
        )
        strangers = [p.name for p in persons if p.pk not in allowed]
        if strangers:
            errors["persons"] = _(
                "Not concerned by this round (no post in a target, not named in a "
                "finding): %(names)s"
            ) % {"names": "、".join(strangers)}
    elif kind == Transfer.Kind.CLUE:
        errors["persons"] = _("A problem clue names at least one person concerned.")
    if errors:
        raise ValidationFailed(errors)
    transfer = Transfer.objects.create(
        round=round,
        target=target,
        kind=kind,
        receiver_kind=receiver_kind,
        receiver_unit=receiver_unit,
        date=date,
        summary=summary,
        created_by=actor,
    )
    transfer.findings.set(findings)
    transfer.persons.set(persons)
    audit.record(
        actor=actor,
        action="transfer.create",
        target=transfer,
        changes={
            "after": audit.snapshot(transfer, TRANSFER_FIELDS),
            "findings": sorted(f.pk for f in findings),
            "persons": sorted(p.pk for p in persons),
        },
    )
    return transfer


@transaction.atomic
def acknowledge_transfer(*, actor: Any, transfer: Transfer) -> Transfer:
    """The receiving body acknowledges receipt."""
    transfer = (
        Transfer.objects.select_for_update().select_related("receiver_unit").get(pk=transfer.pk)
    )
    if not permissions.can(actor, "transfer.acknowledge", transfer.receiver_unit):
        raise PermissionDenied("transfer.acknowledge", transfer)
    before = states.apply(transfer, "state", Transfer.TRANSITIONS, Transfer.State.ACKNOWLEDGED)
    transfer.acknowledged_by = actor
    transfer.acknowledged_at = timezone.now()
    transfer.save(update_fields=["state", "acknowledged_by", "acknowledged_at"])
    audit.record(
        actor=actor,
        action="transfer.acknowledge",
        target=transfer,
        changes={"state": {"before": before, "after": transfer.state}},
    )
    return transfer
