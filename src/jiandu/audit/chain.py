"""The hash of an audit event and the verification of the whole chain."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

GENESIS = "0" * 64
HASHED_FIELDS = (
    "seq",
    "occurred_at",
    "kind",
    "action",
    "actor_id",
    "actor_username",
    "target_type",
    "target_id",
    "target_repr",
    "changes",
    "request_id",
    "client_address",
    "channel",
    "prev_hash",
)


def _timestamp(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def event_hash(fields: dict[str, Any]) -> str:
    """SHA-256 of the canonical JSON of an event's hashed fields."""
    content = {name: fields[name] for name in HASHED_FIELDS}
    content["occurred_at"] = _timestamp(content["occurred_at"])
    text = json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def normalize(value: Any) -> Any:
    """Make a value JSON-stable, so that it hashes the same after a database round trip."""
    return json.loads(json.dumps(value, default=str, sort_keys=True))


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str


@dataclass(frozen=True)
class Verification:
    checked: int
    last_seq: int
    first_break: Break | None

    @property
    def ok(self) -> bool:
        return self.first_break is None


def verify(events: Iterator[dict[str, Any]], head_seq: int, head_hash: str) -> Verification:
    """Check events (in ascending `seq`, as dicts of the hashed fields plus `hash`)."""
    expected_seq = 1
    prev = GENESIS
    checked = 0
    for event in events:
        seq = event["seq"]
        if seq != expected_seq:
            if seq > expected_seq:
                reason = f"events {expected_seq}..{seq - 1} are missing before it"
            else:
                reason = "its number repeats or goes backwards"
            return Verification(checked, seq, Break(seq, reason))
        if event["prev_hash"] != prev:
            return Verification(
                checked, seq, Break(seq, "its link to the preceding event does not match")
            )
        if event_hash(event) != event["hash"]:
            return Verification(
                checked, seq, Break(seq, "its content does not match its hash (changed)")
            )
        prev = event["hash"]
        expected_seq += 1
        checked += 1
    last = expected_seq - 1
    if last > head_seq:
        return Verification(
            checked, last, Break(head_seq + 1, "it lies beyond the recorded end of the chain")
        )
    if last < head_seq:
        return Verification(
            checked,
            last,
            Break(last + 1, f"events {last + 1}..{head_seq} at the end of the chain are missing"),
        )
    if prev != head_hash and head_seq:
        return Verification(checked, last, Break(last, "the recorded end of the chain differs"))
    return Verification(checked, last, None)
