"""The model catalogue as the pages see it: the specs of `jiandu.analytics.catalogue`,
with titles and rationales in the active language."""

from __future__ import annotations

import logging
from typing import Any

from jiandu.core.text import bilingual

log = logging.getLogger(__name__)


def specs() -> list[Any]:
    """Every model spec of the catalogue, by id (empty when the catalogue is absent)."""
    try:
        from jiandu.analytics.catalogue import load
    except ImportError:
        return []
    return sorted(load(), key=lambda s: s.id)


def text(value: Any) -> str:
    """A {"zh", "en"} text in the active language."""
    if isinstance(value, dict):
        return bilingual(str(value.get("zh") or ""), str(value.get("en") or ""))
    return str(value or "")


def choices(all_specs: list[Any]) -> list[tuple[str, str]]:
    return [(s.id, f"{s.id} {text(s.title)}") for s in all_specs]


def parameters(all_specs: list[Any]) -> dict[str, set[str]] | None:
    """Parameter names per model, to check a run's parameters (None: nothing to check
    against)."""
    if not all_specs:
        return None
    return {s.id: set((s.parameters or {}).keys()) for s in all_specs}


def find(model_id: str) -> Any | None:
    for spec in specs():
        if spec.id == model_id:
            return spec
    return None
