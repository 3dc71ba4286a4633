"""Reads of the accounts app. Each returns only what the actor may see."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Prefetch, Q, QuerySet

from jiandu.audit import services as audit
from jiandu.core.errors import PermissionDenied

from . import permissions
from .models import OrgUnit, Person, Post, Role, RoleAssignment, User


def org_units(actor: Any) -> QuerySet[OrgUnit]:
    return permissions.scope_filter(actor, "orgunit.view", OrgUnit.objects.all())


@dataclass
class TreeNode:
    unit: OrgUnit
    people: int = 0
    level: int = 0  # depth within the visible forest
    kind_label: str = ""
    has_children: bool = False
    closes: range = field(default_factory=lambda: range(0))  # levels that end after it


def org_tree(actor: Any) -> list[TreeNode]:
    """The visible org units as a forest in depth-first order, siblings by code, flat, so
    that a page renders it in one loop; a unit whose parent is hidden starts a tree."""
    units = list(org_units(actor).annotate(people=Count("posts__person", distinct=True)))
    visible = {u.pk for u in units}
    children: dict[int | None, list[OrgUnit]] = {}
    for unit in units:
        parent = unit.parent_id if unit.parent_id in visible else None
        children.setdefault(parent, []).append(unit)
    for siblings in children.values():
        siblings.sort(key=lambda u: u.code)
    # get_FOO_display() on lazy labels costs a translation per call; one lookup per kind.
    kind_labels = {value: str(label) for value, label in OrgUnit.Kind.choices}
    nodes: list[TreeNode] = []
    stack = [(root, 0) for root in reversed(children.get(None, []))]
    while stack:
        node, level = stack.pop()
        people = getattr(node, "people", 0)
        nodes.append(TreeNode(node, people=people, level=level, kind_label=kind_labels[node.kind]))
        stack += [(child, level + 1) for child in reversed(children.get(node.pk, []))]
    for i, item in enumerate(nodes):
        following = nodes[i + 1].level if i + 1 < len(nodes) else 0
        item.has_children = following > item.level
        item.closes = range(max(0, item.level - following))
    return nodes


def org_unit(actor: Any, pk: int) -> OrgUnit:
    return permissions.get_or_deny(
        actor, "orgunit.view", OrgUnit.objects.select_related("parent"), pk
    )


def ancestors(actor: Any, unit: OrgUnit) -> list[OrgUnit]:
    ids = [int(p) for p in unit.path.strip("/").split("/")[:-1] if p]
    return list(org_units(actor).filter(pk__in=ids).order_by("depth"))


def people(actor: Any, *, query: str = "", org: OrgUnit | None = None) -> QuerySet[Person]:
    qs = permissions.scope_filter(actor, "person.view", Person.objects.all())
    if query:
        qs = qs.filter(Q(name__icontains=query) | Q(name_latin__icontains=query))
    if org is not None:
        qs = qs.filter(posts__org_unit__path__startswith=org.path).distinct()
    current = Post.objects.filter(end_date__isnull=True).select_related("org_unit")
    return qs.prefetch_related(Prefetch("posts", queryset=current, to_attr="current_posts"))


def person(actor: Any, pk: int) -> Person:
    """One person, with posts; the read is logged (the record carries the ID number)."""
    found = permissions.get_or_deny(actor, "person.view", Person.objects.all(), pk)
    audit.record_read(actor=actor, target=found)
    return found


def posts_of(actor: Any, person: Person) -> QuerySet[Post]:
    return person.posts.select_related("org_unit").order_by("-start_date")


def people_in(actor: Any, unit: OrgUnit) -> QuerySet[Post]:
    """Current posts in one unit, when the actor may see people there."""
    visible = permissions.scope_filter(actor, "person.view", Post.objects.all())
    return (
        visible.filter(org_unit=unit, end_date__isnull=True)
        .select_related("person")
        .order_by("-is_leading_cadre", "id")
    )


def users(actor: Any, *, query: str = "") -> QuerySet[User]:
    permissions.require_global(actor, "account.manage")
    qs = User.objects.all().prefetch_related("assignments__role")
    if query:
        qs = qs.filter(Q(username__icontains=query) | Q(display_name__icontains=query))
    return qs


def user(actor: Any, pk: int) -> User:
    permissions.require_global(actor, "account.manage")
    found = User.objects.filter(pk=pk).first()
    if found is None:
        raise PermissionDenied("account.manage")  # the same answer as for a refusal
    return found


def assignments_of(actor: Any, user: User) -> QuerySet[RoleAssignment]:
    if actor.pk != user.pk:
        permissions.require_global(actor, "account.manage")
    return user.assignments.select_related("role", "org_unit", "object_type")


def roles(actor: Any) -> QuerySet[Role]:
    permissions.require_global(actor, "account.manage")
    return Role.objects.annotate(holders=Count("assignments__user", distinct=True))


def assignable_org_units(actor: Any) -> QuerySet[OrgUnit]:
    permissions.require_global(actor, "account.manage")
    return OrgUnit.objects.filter(is_active=True).order_by("path")


def successors_for(actor: Any, post: Post) -> QuerySet[Person]:
    """Who may take over what the holder of `post` leaves open: the people the actor sees
    with a current post in the same top-level organization, the holder excepted."""
    root = "/" + post.org_unit.path.strip("/").split("/")[0] + "/"
    visible = permissions.scope_filter(actor, "person.view", Person.objects.all())
    return (
        visible.filter(posts__org_unit__path__startswith=root, posts__end_date__isnull=True)
        .exclude(pk=post.person_id)
        .distinct()
        .order_by("name", "id")
    )
