"""Writes of findings: record, edit, confirm, reopen, withdraw, mark as a recurrence.

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction. The state changes only through
`jiandu.core.states.apply` with `Finding.TRANSITIONS`.

Rules:
- a finding is recorded (``finding.record``) only for a target the actor's scope covers:
  a team member only for the targets of their own team;
- findings are recorded, edited, confirmed and reopened only while the round is at the
  stage "on-site inspection" or "reporting";
- only drafts are edited, by their recorder or by the team leader (``finding.confirm``);
- the team leader (``finding.confirm``) confirms, reopens and withdraws (with a reason).

The transitions into and out of a report are the reporting services' business: they
call `mark_in_report`, `return_to_confirmed` and `mark_fed_back` inside their own
transaction and audited event.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from jiandu.accounts import permissions
from jiandu.accounts.models import Person
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import PermissionDenied, ValidationFailed

from ..models import Finding, FindingCategory, Round, Target

FINDING_FIELDS = (
    "target",
    "category",
    "severity",
    "title",
    "description",
    "source",
    "state",
    "withdrawn_reason",
    "recurrence_of",
)
EDITABLE = frozenset({"category", "severity", "title", "description", "source", "leaders"})
# The stages in which a team records and settles its findings.
OPEN_STAGES = frozenset({Round.State.INSPECTING, Round.State.REPORTING})
TITLE_MAX = 300


def deny(action: str, obj: Any, message: str) -> PermissionDenied:
    """A PermissionDenied whose text says why (pages and the API still answer 403)."""
    exc = PermissionDenied(action, obj)
    exc.args = (message,)
    return exc


def _snapshot(finding: Finding) -> dict[str, Any]:
    data = audit.snapshot(finding, FINDING_FIELDS)
    data["leaders"] = sorted(finding.leaders.values_list("pk", flat=True))
    return data


def _require_open_stage(round: Round) -> None:
    if round.state not in OPEN_STAGES:
        raise ValidationFailed(
            {
                "round": _(
                    "Findings are recorded and settled only during on-site inspection or "
                    "reporting; the round “%(round)s” is at the stage “%(stage)s”."
                )
                % {"round": round.name, "stage": round.get_state_display()}
            }
        )


def _require_not_closed(round: Round) -> None:
    if round.state == Round.State.CLOSED:
        raise ValidationFailed({"round": _("The round is closed; its findings cannot change.")})


def is_leaf(category: FindingCategory) -> bool:
    return not category.children.exists()


def _check_category(category: Any, errors: dict[str, str]) -> None:
    if not isinstance(category, FindingCategory) or category.pk is None:
        errors["category"] = _("Choose a category.")
    elif not category.is_active or (category.parent and not category.parent.is_active):
        errors["category"] = _("The category %(code)s is no longer in use.") % {
            "code": category.code
        }
    elif not is_leaf(category):
        errors["category"] = _("The category %(code)s has subcategories; choose one of them.") % {
            "code": category.code
        }


def _clean_text(fields: dict[str, Any], errors: dict[str, str]) -> None:
    """Check and strip title and description, check severity and source (present keys)."""
    if "title" in fields:
        title = (fields["title"] or "").strip()
        if not title:
            errors["title"] = pgettext("document", "A title is required.")
        elif len(title) > TITLE_MAX:
            errors["title"] = _("The title may have at most %(n)s characters.") % {"n": TITLE_MAX}
        fields["title"] = title
    if "description" in fields:
        fields["description"] = (fields["description"] or "").strip()
        if not fields["description"]:
            errors["description"] = _("A description of the problem is required.")
    if "severity" in fields and fields["severity"] not in Finding.Severity.values:
        errors["severity"] = _("Unknown severity: %(value)s") % {"value": fields["severity"]}
    if "source" in fields and fields["source"] not in Finding.Source.values:
        errors["source"] = _("Unknown source: %(value)s") % {"value": fields["source"]}


def _check_leaders(target: Target, leaders: Iterable[Any], errors: dict[str, str]) -> list[Person]:
    """The leaders concerned must hold or have held a post in the target's unit or below."""
    people = list(leaders)
    if any(not isinstance(p, Person) or p.pk is None for p in people):
        errors["leaders"] = _("Choose the leaders concerned among the people listed.")
        return []
    unit = target.org_unit
    inside = set(
        Person.objects.filter(
            pk__in=[p.pk for p in people], posts__org_unit__path__startswith=unit.path
        ).values_list("pk", flat=True)
    )
    outside = [p for p in people if p.pk not in inside]
    if outside:
        errors["leaders"] = _("%(names)s held no post in %(unit)s or its subordinate units.") % {
            "names": "、".join(p.name for p in outside),
            "unit": unit.name,
        }
    return list({p.pk: p for p in people}.values())


def _check_recurrence(actor: Any, finding: Finding | None, target: Target, earlier: Any) -> None:
    """`earlier` must be another, earlier finding (visible to the actor) on the target's
    org unit or one of its subordinate units, not withdrawn, without creating a cycle."""
    if not isinstance(earlier, Finding) or earlier.pk is None:
        raise ValidationFailed({"recurrence_of": _("Choose the earlier finding.")})
    if not permissions.can(actor, "finding.view", earlier):
        raise PermissionDenied("finding.view", earlier)
    earlier = Finding.objects.select_related("target__org_unit").get(pk=earlier.pk)
    message = ""
    if finding is not None and earlier.pk == finding.pk:
        message = _("A finding cannot be a recurrence of itself.")
    elif finding is not None and (
        earlier.created_at > finding.created_at
        or (earlier.created_at == finding.created_at and earlier.pk > finding.pk)
    ):
        message = _("The finding %(id)s was recorded later; only an earlier one can recur.") % {
            "id": earlier.pk
        }
    elif not earlier.target.org_unit.path.startswith(target.org_unit.path):
        message = _(
            "The finding %(id)s concerns %(other)s, not %(unit)s or its subordinate units."
        ) % {"id": earlier.pk, "other": earlier.target.org_unit.name, "unit": target.org_unit.name}
    elif earlier.state == Finding.State.WITHDRAWN:
        message = _("The finding %(id)s was withdrawn.") % {"id": earlier.pk}
    elif finding is not None:
        seen: set[int] = set()
        step: Finding | None = earlier
        while step is not None and step.pk not in seen:
            if step.pk == finding.pk:
                message = _("Marking this would make a cycle of recurrences.")
                break
            seen.add(step.pk)
            step = step.recurrence_of
    if message:
        raise ValidationFailed({"recurrence_of": message})


@transaction.atomic
def record_finding(
    *,
    actor: Any,
    target: Target,
    category: FindingCategory,
    title: str,
    description: str,
    source: str,
    severity: str = Finding.Severity.GENERAL,
    leaders: Iterable[Person] = (),
    recurrence_of: Finding | None = None,
) -> Finding:
    """A new draft finding on `target`."""
    target = Target.objects.select_related("round", "team", "org_unit").get(pk=target.pk)
    if not permissions.can(actor, "finding.record", target):
        raise deny(
            "finding.record",
            target,
            _("You may record findings only for the targets assigned to your team."),
        )
    _require_open_stage(target.round)
    fields: dict[str, Any] = {
        "title": title,
        "description": description,
        "source": source,
        "severity": severity,
    }
    errors: dict[str, str] = {}
    _clean_text(fields, errors)
    _check_category(category, errors)
    people = _check_leaders(target, leaders, errors)
    if errors:
        raise ValidationFailed(errors)
    if recurrence_of is not None:
        _check_recurrence(actor, None, target, recurrence_of)
    finding = Finding.objects.create(
        target=target,
        category=category,
        recurrence_of=recurrence_of,
        created_by=actor,
        **fields,
    )
    finding.leaders.set(people)
    audit.record(
        actor=actor, action="finding.create", target=finding, changes={"after": _snapshot(finding)}
    )
    return finding


def _lock(finding: Finding) -> Finding:
    return (
        Finding.objects.select_for_update()
        .select_related("target__round", "target__org_unit", "category")
        .get(pk=finding.pk)
    )


def may_edit(actor: Any, finding: Finding) -> bool:
    """The recorder (still on the team) or the team leader may edit a finding."""
    return permissions.can(actor, "finding.record", finding) and (
        finding.created_by_id == actor.pk or permissions.can(actor, "finding.confirm", finding)
    )


def _require_editor(actor: Any, finding: Finding) -> None:
    if not permissions.can(actor, "finding.record", finding):
        raise PermissionDenied("finding.record", finding)
    if not may_edit(actor, finding):
        raise deny(
            "finding.record",
            finding,
            _("Only the recorder of a finding or the team leader may edit it."),
        )


def _require_draft(finding: Finding) -> None:
    if finding.state != Finding.State.DRAFT:
        raise ValidationFailed(
            {
                "state": _(
                    "Only a draft can be edited; this finding is “%(state)s”. "
                    "The team leader can reopen a confirmed finding."
                )
                % {"state": finding.get_state_display()}
            }
        )


@transaction.atomic
def update_finding(*, actor: Any, finding: Finding, **fields: Any) -> Finding:
    """Edit a draft: category, severity, title, description, source, leaders."""
    unknown = set(fields) - EDITABLE
    if unknown:
        raise ValueError(f"unknown fields: {sorted(unknown)}")
    finding = _lock(finding)
    _require_editor(actor, finding)
    _require_open_stage(finding.target.round)
    _require_draft(finding)
    before = _snapshot(finding)
    errors: dict[str, str] = {}
    _clean_text(fields, errors)
    if "category" in fields:
        _check_category(fields["category"], errors)
    people = None
    if "leaders" in fields:
        people = _check_leaders(finding.target, fields.pop("leaders") or (), errors)
    if errors:
        raise ValidationFailed(errors)
    for name, value in fields.items():
        setattr(finding, name, value)
    finding.save()
    if people is not None:
        finding.leaders.set(people)
    audit.record(
        actor=actor,
        action="finding.update",
        target=finding,
        changes=audit.diff(before, _snapshot(finding)),
    )
    return finding


def _transition(actor: Any, finding: Finding, to: str, action: str, **extra: Any) -> Finding:
    before = states.apply(finding, "state", Finding.TRANSITIONS, to)
    for name, value in extra.items():
        setattr(finding, name, value)
    finding.save(update_fields=["state", *extra])
    changes: dict[str, Any] = {"state": {"before": before, "after": finding.state}}
    if "withdrawn_reason" in extra:
        changes["reason"] = extra["withdrawn_reason"]
    audit.record(actor=actor, action=action, target=finding, changes=changes)
    return finding


@transaction.atomic
def confirm_finding(*, actor: Any, finding: Finding) -> Finding:
    """The team leader confirms a draft."""
    finding = _lock(finding)
    permissions.require(actor, "finding.confirm", finding)
    _require_open_stage(finding.target.round)
    return _transition(
        actor,
        finding,
        Finding.State.CONFIRMED,
        "finding.confirm",
        confirmed_by=actor,
        confirmed_at=timezone.now(),
    )


@transaction.atomic
def reopen_finding(*, actor: Any, finding: Finding) -> Finding:
    """The team leader sends a confirmed finding back to draft."""
    finding = _lock(finding)
    permissions.require(actor, "finding.confirm", finding)
    _require_open_stage(finding.target.round)
    return _transition(
        actor,
        finding,
        Finding.State.DRAFT,
        "finding.reopen",
        confirmed_by=None,
        confirmed_at=None,
    )


reopen = reopen_finding


@transaction.atomic
def withdraw_finding(*, actor: Any, finding: Finding, reason: str) -> Finding:
    """The team leader withdraws a finding, saying why."""
    finding = _lock(finding)
    permissions.require(actor, "finding.confirm", finding)
    _require_not_closed(finding.target.round)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationFailed({"reason": _("Say why the finding is withdrawn.")})
    return _transition(
        actor, finding, Finding.State.WITHDRAWN, "finding.withdraw", withdrawn_reason=reason
    )


@transaction.atomic
def mark_recurrence(*, actor: Any, finding: Finding, earlier: Finding | None) -> Finding:
    """Mark `finding` as a recurrence of `earlier` (None: remove the mark)."""
    finding = _lock(finding)
    _require_editor(actor, finding)
    _require_open_stage(finding.target.round)
    if finding.state not in (Finding.State.DRAFT, Finding.State.CONFIRMED):
        raise ValidationFailed(
            {
                "state": _("A finding that is “%(state)s” can no longer be changed.")
                % {"state": finding.get_state_display()}
            }
        )
    if earlier is not None:
        _check_recurrence(actor, finding, finding.target, earlier)
    before = finding.recurrence_of_id
    finding.recurrence_of = earlier
    finding.save(update_fields=["recurrence_of"])
    audit.record(
        actor=actor,
        action="finding.recurrence",
        target=finding,
        changes={"recurrence_of": {"before": before, "after": finding.recurrence_of_id}},
    )
    return finding


# --- transitions driven by the reporting services ---------------------------------------


def _move_all(findings: Iterable[Finding], to: str) -> list[Finding]:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("call this inside the reporting service's transaction")
    pks = [f.pk for f in findings]
    locked = list(Finding.objects.select_for_update().filter(pk__in=pks).order_by("pk"))
    if len(locked) != len(set(pks)):
        raise ValueError("some findings do not exist")
    for finding in locked:
        states.apply(finding, "state", Finding.TRANSITIONS, to)
        finding.save(update_fields=["state"])
    return locked


def mark_in_report(findings: Iterable[Finding]) -> list[Finding]:
    """confirmed -> in_report for every finding, or InvalidTransition for the first that
    cannot. No permission check and no audit event: the reporting service calls this
    inside its own transaction, after its own check, and names the findings in its own
    audit event. Returns the updated findings."""
    return _move_all(findings, Finding.State.IN_REPORT)


def return_to_confirmed(findings: Iterable[Finding]) -> list[Finding]:
    """in_report -> confirmed (a finding taken out of a report). Same contract as
    `mark_in_report`."""
    return _move_all(findings, Finding.State.CONFIRMED)


def mark_fed_back(findings: Iterable[Finding]) -> list[Finding]:
    """in_report -> fed_back (the feedback was delivered); fed_back is final. Same
    contract as `mark_in_report`."""
    return _move_all(findings, Finding.State.FED_BACK)
