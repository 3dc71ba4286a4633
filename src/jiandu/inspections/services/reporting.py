"""Reports: the inspection report of each target and the round's special report on common
problems, assembled from confirmed findings, edited as drafts, submitted by the team and
adopted (or returned) by the office.

Each service: keyword-only arguments, `actor` first, one transaction, a permission check
and an audit event inside that transaction. States change only through
`jiandu.core.states.apply` with `Report.TRANSITIONS`; adopting a target report moves its
findings from "confirmed" to "in report"."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core import states
from jiandu.core.errors import ValidationFailed

from ..models import Finding, FindingCategory, Report, Round, Target
from . import findings as findings_service

REPORT_FIELDS = ("round", "target", "kind", "state", "title", "body", "suggestions")
# Stages in which reports and feedback may be written (the round has reached reporting).
REPORTING_STAGES = frozenset(
    {Round.State.REPORTING, Round.State.FEEDBACK, Round.State.RECTIFICATION}
)
# Findings that count as established problems (confirmed, or further along).
ESTABLISHED = (Finding.State.CONFIRMED, Finding.State.IN_REPORT, Finding.State.FED_BACK)
TITLE_MAX = 300
CHINESE_NUMERALS = "一二三四五六七八九十"


def require_stage(round: Round, stages: Iterable[str] = REPORTING_STAGES) -> None:
    """Refuse unless the round is in one of `stages` (default: reporting or later, not
    closed)."""
    if round.state in stages:
        return
    if round.state == Round.State.CLOSED:
        raise ValidationFailed({"round": _("The round is closed; nothing can change in it.")})
    # The separator of a list in a sentence: ", " in English, "、" in Chinese.
    names = pgettext("list separator", ", ").join(str(Round.State(s).label) for s in stages)
    raise ValidationFailed(
        {
            "round": _("The round is in the stage “%(stage)s”; this needs the stage %(needed)s.")
            % {"stage": Round.State(round.state).label, "needed": names}
        }
    )


def heading_number(index: int) -> str:
    """The number of the index-th section heading: "一、" in Chinese, "1." otherwise."""
    if (get_language() or "").startswith("zh") and 1 <= index <= 99:
        if index <= 10:
            return f"{CHINESE_NUMERALS[index - 1]}、"
        tens, ones = divmod(index, 10)
        text = ("" if tens == 1 else CHINESE_NUMERALS[tens - 1]) + "十"
        return f"{text}{CHINESE_NUMERALS[ones - 1] if ones else ''}、"
    return f"{index}."


def group_by_category(
    findings: Iterable[Finding],
) -> list[tuple[FindingCategory, list[Finding]]]:
    """Findings grouped by category, in the taxonomy's order."""
    groups: dict[int, list[Finding]] = defaultdict(list)
    categories: dict[int, FindingCategory] = {}
    for finding in findings:
        groups[finding.category_id].append(finding)
        categories[finding.category_id] = finding.category
    order = sorted(categories.values(), key=lambda c: (c.sort_order, c.code))
    return [(c, groups[c.pk]) for c in order]


def _clean_text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


# --- assembling ----------------------------------------------------------------------


def _target_body(findings: Sequence[Finding]) -> str:
    parts: list[str] = []
    for index, (category, items) in enumerate(group_by_category(findings), start=1):
        parts.append(f"{heading_number(index)}{category.name}")
        for number, finding in enumerate(items, start=1):
            parts.append(f"{number}. {finding.title}")
            if finding.description.strip():
                parts.append(finding.description.strip())
        parts.append("")
    return "\n".join(parts).strip()


def _target_suggestions(target: Target, findings: Sequence[Finding]) -> str:
    lines = [
        _(
            "Feed the problems back to %(unit)s and urge it to rectify them within the "
            "set time, reporting on its rectification."
        )
        % {"unit": target.org_unit.name}
    ]
    leaders = sorted({p.name for f in findings for p in f.leaders.all()})
    if leaders:
        lines.append(
            _(
                "Transfer the problem clues concerning %(names)s to the discipline "
                "commission and the organization department for handling under the "
                "regulations."
            )
            % {"names": "、".join(leaders)}
        )
    if any(f.recurrence_of_id for f in findings):
        lines.append(
            _(
                "Some problems recur after earlier inspections: hold those responsible "
                "for the failed rectification accountable."
            )
        )
    serious = [
        f for f in findings if f.severity in (Finding.Severity.SERIOUS, Finding.Severity.GRAVE)
    ]
    if serious:
        lines.append(
            ngettext(
                "%(count)s serious problem needs to be followed up by the office.",
                "%(count)s serious problems need to be followed up by the office.",
                len(serious),
            )
            % {"count": len(serious)}
        )
    return "\n".join(f"{n}. {line}" for n, line in enumerate(lines, start=1))


def _confirmed(target: Target) -> list[Finding]:
    return list(
        target.findings.filter(state=Finding.State.CONFIRMED)
        .select_related("category")
        .prefetch_related("leaders")
        .order_by("category__sort_order", "category__code", "id")
    )


@transaction.atomic
def draft_target_report(*, actor: Any, target: Target) -> Report:
    """The draft inspection report of `target`, assembled from its confirmed findings:
    the problems grouped by category and default handling suggestions."""
    target = (
        Target.objects.select_for_update().select_related("round", "org_unit").get(pk=target.pk)
    )
    permissions.require(actor, "report.draft", target)
    require_stage(target.round)
    if Report.objects.filter(target=target).exists():
        raise ValidationFailed({"target": _("This target already has an inspection report.")})
    findings = _confirmed(target)
    if not findings:
        raise ValidationFailed(
            {"findings": _("The target has no confirmed finding to put in a report.")}
        )
    report = Report.objects.create(
        round=target.round,
        target=target,
        kind=Report.Kind.TARGET,
        title=_("Report on the inspection of %(unit)s") % {"unit": target.org_unit.name},
        body=_target_body(findings),
        suggestions=_target_suggestions(target, findings),
    )
    report.findings.set(findings)
    audit.record(
        actor=actor,
        action="report.draft",
        target=report,
        changes={
            "after": audit.snapshot(report, REPORT_FIELDS),
            "findings": [f.pk for f in findings],
        },
    )
    return report


def common_problems(round: Round) -> list[tuple[FindingCategory, list[Target], list[Finding]]]:
    """Categories with established findings in two or more targets of the round: each
    with the targets concerned and the findings."""
    findings = (
        Finding.objects.filter(target__round=round, state__in=ESTABLISHED)
        .select_related("category", "target__org_unit")
        .order_by("category__sort_order", "category__code", "target__org_unit__code", "id")
    )
    out = []
    for category, items in group_by_category(findings):
        targets = list({f.target_id: f.target for f in items}.values())
        if len(targets) >= 2:
            out.append((category, targets, items))
    return out


@transaction.atomic
def draft_special_report(*, actor: Any, round: Round) -> Report:
    """The draft special report of `round` on the problems common to several targets."""
    round = Round.objects.select_for_update().get(pk=round.pk)
    permissions.require(actor, "report.draft", round)
    require_stage(round)
    if Report.objects.filter(round=round, kind=Report.Kind.SPECIAL).exists():
        raise ValidationFailed({"round": _("This round already has a special report.")})
    common = common_problems(round)
    if not common:
        raise ValidationFailed(
            {
                "findings": _(
                    "No category of problem occurs in two or more targets: there is no "
                    "common problem to report."
                )
            }
        )
    parts: list[str] = []
    for index, (category, targets, items) in enumerate(common, start=1):
        parts.append(f"{heading_number(index)}{category.name}")
        parts.append(
            _("%(problems)s problems in %(targets)s targets: %(names)s.")
            % {
                "problems": len(items),
                "targets": len(targets),
                "names": "、".join(t.org_unit.name for t in targets),
            }
        )
        parts.extend(f"- {f.target.org_unit.name}: {f.title}" for f in items)
        parts.append("")
    suggestion = _(
        "Hand the common problems to the functional departments concerned so that they "
        "address them across their sector."
    )
    report = Report.objects.create(
        round=round,
        target=None,
        kind=Report.Kind.SPECIAL,
        title=_("Special report on the common problems found in %(round)s") % {"round": round.name},
        body="\n".join(parts).strip(),
        suggestions=f"1. {suggestion}",
    )
    included = [f for _c, _t, items in common for f in items]
    report.findings.set(included)
    audit.record(
        actor=actor,
        action="report.draft",
        target=report,
        changes={
            "after": audit.snapshot(report, REPORT_FIELDS),
            "categories": [c.code for c, _t, _i in common],
        },
    )
    return report


# --- editing and the state machine -------------------------------------------------------


def _locked(report: Report) -> Report:
    return (
        Report.objects.select_for_update(of=("self",))
        .select_related("round", "target")
        .get(pk=report.pk)
    )


@transaction.atomic
def update_report(
    *,
    actor: Any,
    report: Report,
    title: str | None = None,
    body: str | None = None,
    suggestions: str | None = None,
) -> Report:
    """Edit the text of a draft report."""
    report = _locked(report)
    permissions.require(actor, "report.draft", report)
    require_stage(report.round)
    if report.state != Report.State.DRAFT:
        raise ValidationFailed(
            {
                "state": _("Only a draft report can be edited; this one is “%(state)s”.")
                % {"state": report.get_state_display()}
            }
        )
    before = audit.snapshot(report, REPORT_FIELDS)
    if title is not None:
        title = _clean_text(title)
        if not title:
            raise ValidationFailed({"title": pgettext("document", "A title is required.")})
        if len(title) > TITLE_MAX:
            raise ValidationFailed(
                {"title": _("The title has more than %(max)s characters.") % {"max": TITLE_MAX}}
            )
        report.title = title
    if body is not None:
        report.body = _clean_text(body)
    if suggestions is not None:
        report.suggestions = _clean_text(suggestions)
    report.save()
    audit.record(
        actor=actor,
        action="report.update",
        target=report,
        changes=audit.diff(before, audit.snapshot(report, REPORT_FIELDS)),
    )
    return report


@transaction.atomic
def submit_report(*, actor: Any, report: Report) -> Report:
    """The team (or the office, for the special report) submits a draft to the office."""
    report = _locked(report)
    permissions.require(actor, "report.draft", report)
    require_stage(report.round)
    if not report.body.strip():
        raise ValidationFailed({"body": _("An empty report cannot be submitted.")})
    before = states.apply(report, "state", Report.TRANSITIONS, Report.State.SUBMITTED)
    report.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        action="report.submit",
        target=report,
        changes={"state": {"before": before, "after": report.state}},
    )
    return report


@transaction.atomic
def adopt_report(*, actor: Any, report: Report) -> Report:
    """The office adopts a submitted report; the findings of a target report that are
    still confirmed move into the report."""
    report = _locked(report)
    permissions.require(actor, "report.adopt", report)
    require_stage(report.round)
    before = states.apply(report, "state", Report.TRANSITIONS, Report.State.ADOPTED)
    report.adopted_by = actor
    report.adopted_at = timezone.now()
    report.save(update_fields=["state", "adopted_by", "adopted_at", "updated_at"])
    moved: list[Finding] = []
    if report.kind == Report.Kind.TARGET:
        moved = list(
            report.findings.select_for_update().filter(state=Finding.State.CONFIRMED).order_by("id")
        )
        findings_service.mark_in_report(moved)
    audit.record(
        actor=actor,
        action="report.adopt",
        target=report,
        changes={
            "state": {"before": before, "after": report.state},
            "findings_in_report": [f.pk for f in moved],
        },
    )
    return report


@transaction.atomic
def return_report(*, actor: Any, report: Report, reason: str) -> Report:
    """The office sends a submitted report back to its drafters, saying why."""
    report = _locked(report)
    permissions.require(actor, "report.adopt", report)
    require_stage(report.round)
    reason = _clean_text(reason)
    if not reason:
        raise ValidationFailed({"reason": _("Say why the report is returned.")})
    before = states.apply(report, "state", Report.TRANSITIONS, Report.State.DRAFT)
    report.save(update_fields=["state", "updated_at"])
    audit.record(
        actor=actor,
        action="report.return",
        target=report,
        changes={"state": {"before": before, "after": report.state}, "reason": reason},
    )
    return report
