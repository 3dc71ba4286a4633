"""Explicit state machines: a table of allowed transitions and one function that applies
them. Nothing sets a status field directly."""

from __future__ import annotations

from collections.abc import Mapping

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from .errors import InvalidTransition

Table = Mapping[str, frozenset[str]]


def allowed(table: Table, current: str) -> frozenset[str]:
    return table.get(current, frozenset())


def apply(obj: models.Model, field: str, table: Table, target: str) -> str:
    """Move `obj.<field>` to `target` if the table allows it; returns the old state.
    The caller saves `obj` (inside its service's transaction)."""
    current = getattr(obj, field)
    if target not in allowed(table, current):
        choices = dict(getattr(obj._meta.get_field(field), "choices", None) or [])
        raise InvalidTransition(
            _("%(object)s cannot go from “%(current)s” to “%(target)s”.")
            % {
                "object": capfirst(obj._meta.verbose_name),
                "current": choices.get(current, current),
                "target": choices.get(target, target),
            }
        )
    setattr(obj, field, target)
    return str(current)
