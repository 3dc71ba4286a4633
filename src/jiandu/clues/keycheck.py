"""`jiandu clues check-key`: try the key in force on every ciphertext of the ledger."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

from . import crypto
from .models import Attachment, Clue


@dataclass
class KeyCheck:
    fields: int = 0
    files: int = 0
    failed: list[tuple[str, str, str]] = field(default_factory=list)


def check() -> KeyCheck:
    result = KeyCheck()
    rows = Clue.objects.exclude(whistleblower_name=None).values_list(
        "number", "whistleblower_name", "whistleblower_contact"
    )
    for number, name, contact in rows.iterator(chunk_size=500):
        for column, blob in (("whistleblower_name", name), ("whistleblower_contact", contact)):
            if blob is None:
                continue
            result.fields += 1
            try:
                crypto.decrypt(bytes(blob), f"{number}:{column}")
            except crypto.KeyError_ as exc:
                result.failed.append((number, column, str(exc)))
    for item in Attachment.objects.select_related("clue").iterator(chunk_size=200):
        result.files += 1
        try:
            with item.file.open("rb") as handle:
                blob = handle.read()
            crypto.decrypt(blob, f"attachment:{os.path.basename(item.file.name or '')}")
        except (crypto.KeyError_, OSError) as exc:
            result.failed.append((item.clue.number, f"attachment {item.pk}", str(exc)))
    return result
