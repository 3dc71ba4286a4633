"""Template filters of the supervision pages."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import template

register = template.Library()


@register.filter
def cell(row: Any, column: str) -> str:
    """One value of a warehouse or evidence row, as text ("—" when empty)."""
    value = row.get(column) if isinstance(row, dict) else None
    if value is None or value == "":
        return "—"
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float):
        return f"{value:,.2f}"
    if isinstance(value, bool):
        return "✓" if value else "✗"
    return str(value)
