from __future__ import annotations

from django.utils.translation import get_language


def bilingual(zh: str, en: str) -> str:
    """The name in the active language, falling back to the other one."""
    if (get_language() or "zh-hans").startswith("en"):
        return en or zh
    return zh or en
