"""Extension points other apps register with, so that accounts never imports them.

A post-end hook runs inside `services.end_post`'s transaction, after the post's end date
is saved, as ``hook(actor=..., post=..., successor=...)``. It hands over what the person
leaves behind to `successor` (a Person or None), or raises ValidationFailed (usually on
"successor") to refuse the change; the whole post change is then rolled back."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

PostEndHook = Callable[..., None]
_POST_END: list[PostEndHook] = []


def register_post_end(hook: PostEndHook) -> None:
    if hook not in _POST_END:
        _POST_END.append(hook)


def run_post_end(*, actor: Any, post: Any, successor: Any) -> None:
    for hook in _POST_END:
        hook(actor=actor, post=post, successor=successor)
