"""Helpers shared by the rectification services."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.accounts.models import OrgUnit, Person, Post
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.inspections.models import Round

from ..models import Plan, Problem


def text(value: str | None) -> str:
    return (value or "").replace("\r\n", "\n").strip()


def deny(action: str, obj: Any, message: str) -> PermissionDenied:
    exc = PermissionDenied(action, obj)
    exc.args = (message,)
    return exc


def require(actor: Any, action: str, obj: Any, message: str) -> None:
    if not permissions.can(actor, action, obj):
        raise deny(action, obj, message)


def require_edit(actor: Any, plan: Plan) -> None:
    require(
        actor,
        "rectification.edit",
        plan,
        _("Only the inspected unit keeps its rectification lists."),
    )


def require_rectification_stage(plan: Plan) -> None:
    round = plan.target.round
    if round.state != Round.State.RECTIFICATION:
        raise ValidationFailed(
            {
                "round": _(
                    "The round “%(round)s” is at the stage “%(stage)s”; rectification "
                    "records change only during rectification."
                )
                % {"round": round.name, "stage": round.get_state_display()}
            }
        )


def require_draft(plan: Plan) -> None:
    if plan.state != Plan.State.DRAFT:
        raise ValidationFailed(
            {
                "plan": _(
                    "The plan is “%(state)s”: its problems and tasks change only in a draft "
                    "(revise the approved plan first, with a reason)."
                )
                % {"state": plan.get_state_display()}
            }
        )


def require_approved_once(plan: Plan) -> None:
    if not plan.was_approved:
        raise ValidationFailed(
            {"plan": _("Work starts once the plan is approved; it has not been approved yet.")}
        )


def require_workable(problem: Problem) -> None:
    if problem.state == Problem.State.MERGED:
        raise ValidationFailed(
            {"problem": _("Problem %(n)s was merged into another one.") % {"n": problem.number}}
        )
    if problem.state == Problem.State.CANCELLED:
        raise ValidationFailed(
            {
                "problem": _("Problem %(n)s is cancelled; reopen it first (with a reason).")
                % {"n": problem.number}
            }
        )


def unit_people(unit: OrgUnit) -> Any:
    """People with a current post in `unit` or its subordinate units."""
    return Person.objects.filter(
        posts__org_unit__path__startswith=unit.path, posts__end_date__isnull=True
    ).distinct()


def top_leader(unit: OrgUnit) -> Person | None:
    """The first current leading-cadre post of the unit itself (the secretary, chair)."""
    post = (
        Post.objects.filter(org_unit=unit, is_leading_cadre=True, end_date__isnull=True)
        .select_related("person")
        .order_by("id")
        .first()
    )
    return post.person if post else None


def check_leader(unit: OrgUnit, leader: Any, errors: dict[str, str], field: str = "leader") -> None:
    if not isinstance(leader, Person) or leader.pk is None:
        errors[field] = _("Name the responsible leader.")
    elif not unit_people(unit).filter(pk=leader.pk).exists():
        errors[field] = _("%(name)s holds no current post in %(unit)s.") % {
            "name": leader.name,
            "unit": unit.name,
        }
