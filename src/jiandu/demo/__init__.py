"""The fictional demo installation loaded by `jiandu demo`. Idempotent."""

from __future__ import annotations

from .loader import Summary, load

__all__ = ["Summary", "load"]
