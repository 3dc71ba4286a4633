"""Starts Django for the commands that need it (analytics commands do not)."""

from __future__ import annotations

import os

_ready = False


def setup(**environ_defaults: str) -> None:
    global _ready
    if _ready:
        return
    for key, value in environ_defaults.items():
        os.environ.setdefault(key, value)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "jiandu.settings")
    import django

    django.setup()
    from jiandu.core import context

    context.activate(context.RequestContext(channel="cli"))
    _ready = True
