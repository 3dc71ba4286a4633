"""The clue deadlines on the home dashboard: running clocks of the user's clues, the
overdue first (numbers and dates only, no content)."""

from __future__ import annotations

from typing import Any

from django import template

from jiandu.clues import selectors

register = template.Library()


@register.inclusion_tag("clues/_home.html")
def clue_deadlines(user: Any) -> dict[str, Any]:
    items = selectors.due_items(user, limit=8)
    return {"items": items, "overdue": sum(1 for i in items if i.clock.overdue)}
