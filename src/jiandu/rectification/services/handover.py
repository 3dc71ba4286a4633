"""Handover: when a responsible leader leaves a post, the open tasks they answer for in
that organization go to a named successor before the post change is saved.

Registered with `jiandu.accounts.hooks.register_post_end`; runs inside
`accounts.services.end_post`'s transaction, whose permission check (``person.manage``
on the post) covers the handover."""

from __future__ import annotations

from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from jiandu.accounts.models import Person, Post
from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed

from ..models import Handover, Plan, Problem, Task

CLOSED = (Problem.State.CANCELLED, Problem.State.MERGED)


def _ancestor_paths(path: str) -> list[str]:
    parts = [p for p in path.strip("/").split("/") if p]
    return ["/" + "/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def open_tasks_of_post(*, actor: Any, post: Post, successor: Person | None) -> None:
    """Hand the person's open tasks in the post's organization to `successor`, or refuse
    (ValidationFailed on "successor") when there are open tasks and no successor."""
    if post.end_date is None:
        return
    person, unit = post.person, post.org_unit
    # The targets that contain the post's unit (an inspected group and its subsidiaries).
    within = Q(problem__plan__target__org_unit__path__in=_ancestor_paths(unit.path))
    tasks = list(
        Task.objects.filter(within, leader=person, state=Task.State.OPEN)
        .exclude(problem__state__in=CLOSED)
        .select_related("problem__plan__target__org_unit")
        .order_by("id")
    )
    plans = list(
        Plan.objects.select_related("target__org_unit").filter(
            top_leader=person,
            target__org_unit__path__in=_ancestor_paths(unit.path),
            target__round__state="rectification",
        )
    )
    # Still answers for them through another current post in the same organization.
    others = Post.objects.filter(person=person, end_date__isnull=True).exclude(pk=post.pk)
    if others.filter(org_unit__path__startswith=_ancestor_paths(unit.path)[0]).exists():
        return
    if not tasks and not plans:
        return
    if successor is None:
        raise ValidationFailed(
            {
                "successor": ngettext(
                    "%(name)s is responsible for %(count)d open rectification task; name the "
                    "successor who takes it over.",
                    "%(name)s is responsible for %(count)d open rectification tasks; name the "
                    "successor who takes them over.",
                    max(len(tasks), 1),
                )
                % {"name": person.name, "count": len(tasks)}
            }
        )
    units = {t.problem.plan.target.org_unit for t in tasks} | {p.target.org_unit for p in plans}
    held = Post.objects.filter(person=successor, end_date__isnull=True)
    if successor.pk == person.pk or not all(
        held.filter(org_unit__path__startswith=u.path).exists() for u in units
    ):
        raise ValidationFailed(
            {
                "successor": _("The successor must hold a current post in %(units)s.")
                % {"units": "、".join(sorted(u.name for u in units))}
            }
        )
    Handover.objects.bulk_create(
        Handover(
            task=task,
            from_person=person,
            to_person=successor,
            post_title=post.title,
            date=post.end_date,
            recorded_by=actor,
        )
        for task in tasks
    )
    Task.objects.filter(pk__in=[t.pk for t in tasks]).update(leader=successor)
    Plan.objects.filter(pk__in=[p.pk for p in plans]).update(top_leader=successor)
    audit.record(
        actor=actor,
        action="rectification.handover",
        target=post,
        changes={
            "from": person.pk,
            "to": successor.pk,
            "tasks": [t.pk for t in tasks],
            "plans_led": [p.pk for p in plans],
        },
    )
