"""Attachments of clues: checked (type by extension and content, size), hashed, and stored
encrypted with the clue key. A refused file leaves nothing behind."""

from __future__ import annotations

import hashlib
import io
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed
from jiandu.inspections.services.evidence import SIGNATURES, ZIP_MEMBERS

from .. import access, crypto
from ..models import Attachment, Clue

# Besides the evidence types: the evidence rows of a supervision hit (JSON, CSV).
EXTRA_TYPES = {".json": "application/json", ".csv": "text/csv"}


@dataclass(frozen=True)
class Checked:
    name: str
    extension: str
    content_type: str
    content: bytes
    sha256: str


def _types() -> dict[str, str]:
    return {**settings.JIANDU["EVIDENCE_TYPES"], **EXTRA_TYPES}


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


def _refuse(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({"attachment": f"{name}: {message}"})


def _read(upload: Any, limit: int, name: str) -> bytes:
    if isinstance(upload, tuple):
        content = bytes(upload[1])
    else:
        size = getattr(upload, "size", None)
        if size is not None and size > limit:
            raise _refuse(
                name,
                _("the file has %(size)s MB; a clue attachment may have at most %(limit)s MB.")
                % {"size": _megabytes(size), "limit": _megabytes(limit)},
            )
        upload.seek(0)
        content = upload.read(limit + 1)
    if len(content) > limit:
        raise _refuse(
            name,
            _("the file has %(size)s MB; a clue attachment may have at most %(limit)s MB.")
            % {"size": _megabytes(len(content)), "limit": _megabytes(limit)},
        )
    return content


def validate_upload(upload: Any) -> Checked:
    """Check an uploaded file or a (name, bytes) pair; ValidationFailed({"attachment"})
    names the file and the reason."""
    raw_name = upload[0] if isinstance(upload, tuple) else getattr(upload, "name", "")
    if not raw_name:
        raise ValidationFailed({"attachment": _("Choose a file.")})
    name = os.path.basename(str(raw_name).replace("\\", "/")).strip()[:255]
    extension = os.path.splitext(name)[1].lower()
    types = _types()
    if extension not in types:
        raise _refuse(
            name,
            _("files of this type are not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(types))},
        )
    content = _read(upload, int(settings.JIANDU["CLUE_ATTACHMENT_MAX_BYTES"]), name)
    if not content:
        raise _refuse(name, _("the file is empty."))
    mismatch = _("the content is not a %(type)s file although its name ends in %(ext)s.") % {
        "type": extension.lstrip(".").upper(),
        "ext": extension,
    }
    signature = SIGNATURES.get(extension)
    if signature is not None and not content.startswith(signature):
        raise _refuse(name, mismatch)
    if extension in ZIP_MEMBERS:
        try:
            with zipfile.ZipFile(io.BytesIO(content)) as archive:
                names = archive.namelist()
        except (zipfile.BadZipFile, OSError, ValueError):
            names = []
        member = ZIP_MEMBERS[extension]
        if not any(n == member or n.startswith(member) for n in names):
            raise _refuse(name, mismatch)
    if extension in {".txt", ".csv", ".json"}:
        try:
            content.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise _refuse(
                name,
                _("a text file must be encoded in UTF-8 (byte %(pos)s is not).")
                % {"pos": exc.start},
            ) from exc
    return Checked(name, extension, types[extension], content, hashlib.sha256(content).hexdigest())


def store_attachment(*, actor: Any, clue: Clue, checked: Checked) -> Attachment:
    """Encrypt and store a checked file (inside the caller's transaction); the stored file
    is removed again if the transaction fails."""
    stored_name = f"{uuid.uuid4().hex}.bin"
    blob = crypto.encrypt(checked.content, f"attachment:{stored_name}")
    item = Attachment(
        clue=clue,
        original_name=checked.name,
        sha256=checked.sha256,
        size=len(checked.content),
        content_type=checked.content_type,
        uploaded_by=actor if getattr(actor, "pk", None) else None,
    )
    item.file.save(stored_name, ContentFile(blob), save=False)
    path = item.file.name or ""
    try:
        item.save()
        audit.record(
            actor=actor,
            action="clue.attach",
            target=clue,
            changes={"sha256": checked.sha256, "size": item.size, "type": checked.content_type},
        )
    except BaseException:
        default_storage.delete(path)
        raise
    return item


@transaction.atomic
def add_attachment(*, actor: Any, clue: Clue, upload: Any) -> Attachment:
    """Attach a file to a clue (its keeper or a handler)."""
    clue = Clue.objects.select_for_update().get(pk=clue.pk)
    access.require(actor, clue, access.works_on, "clue.attach")
    if clue.state == Clue.State.CLOSED:
        raise ValidationFailed({"attachment": _("The clue is closed; nothing can be attached.")})
    return store_attachment(actor=actor, clue=clue, checked=validate_upload(upload))


def open_attachment(
    *, actor: Any, attachment_id: int, via: str = "page"
) -> tuple[Attachment, IO[bytes]]:
    """The attachment and its decrypted content, for those who may read its clue; the read
    is logged (``clue.attachment_read``)."""
    from jiandu.core.errors import PermissionDenied

    item = Attachment.objects.select_related("clue").filter(pk=attachment_id).first()
    if item is None or not access.can_read(actor, item.clue):
        raise PermissionDenied("clue.read")
    with item.file.open("rb") as handle:
        blob = handle.read()
    name = os.path.basename(item.file.name or "")
    content = crypto.decrypt(blob, f"attachment:{name}")
    audit.record_read(
        actor=actor,
        target=item.clue,
        action="clue.attachment_read",
        detail={"attachment": item.pk, "sha256": item.sha256, "via": via},
    )
    return item, io.BytesIO(content)
