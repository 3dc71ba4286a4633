"""Evidence files of findings: checked (type by extension and by content, size), hashed
(SHA-256, streaming) and stored with the default storage under the data directory.

A refused file leaves nothing behind: no row, no stored file, no audit event."""

from __future__ import annotations

import codecs
import hashlib
import os
import uuid
import zipfile
from dataclasses import dataclass
from typing import IO, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from jiandu.accounts import permissions
from jiandu.audit import services as audit
from jiandu.core.errors import ValidationFailed

from ..models import Evidence, Finding, Round
from .findings import deny

JPEG = b"\xff\xd8\xff"
PNG = b"\x89PNG\r\n\x1a\n"
PDF = b"%PDF-"
ZIP = b"PK\x03\x04"
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# Leading bytes of each accepted type; zip-based types also need a member that names them.
SIGNATURES: dict[str, bytes] = {
    ".pdf": PDF,
    ".jpg": JPEG,
    ".jpeg": JPEG,
    ".png": PNG,
    ".doc": OLE,
    ".xls": OLE,
    ".docx": ZIP,
    ".xlsx": ZIP,
    ".ofd": ZIP,
}
ZIP_MEMBERS: dict[str, str] = {".docx": "word/", ".xlsx": "xl/", ".ofd": "OFD.xml"}
CLOSED_STATES = frozenset({Finding.State.WITHDRAWN, Finding.State.FED_BACK})


@dataclass(frozen=True)
class Checked:
    name: str
    extension: str
    content_type: str
    size: int
    sha256: str


def _megabytes(n: int) -> str:
    return f"{n / (1024 * 1024):.1f}"


def _file_error(name: str, message: str) -> ValidationFailed:
    return ValidationFailed({"file": f"{name}: {message}"})


def _check_zip(upload: IO[bytes], name: str, extension: str) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        names = []
    member = ZIP_MEMBERS[extension]
    if not any(n == member or n.startswith(member) for n in names):
        raise _file_error(
            name,
            _("the content is not a %(type)s file although its name ends in %(ext)s.")
            % {"type": extension.lstrip(".").upper(), "ext": extension},
        )


def check_file(uploaded_file: Any) -> Checked:
    """Check name, size and content of an upload and hash it; ValidationFailed({"file": ...})
    names the file and the reason."""
    types: dict[str, str] = settings.JIANDU["EVIDENCE_TYPES"]
    limit: int = settings.JIANDU["EVIDENCE_MAX_BYTES"]
    if uploaded_file is None or not getattr(uploaded_file, "name", ""):
        raise ValidationFailed({"file": _("Choose a file.")})
    name = os.path.basename(str(uploaded_file.name).replace("\\", "/")).strip()[:255]
    extension = os.path.splitext(name)[1].lower()
    if extension not in types:
        raise _file_error(
            name,
            _("files of this type are not accepted as evidence. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(types))},
        )
    size = uploaded_file.size
    if size is not None and size > limit:
        raise _file_error(
            name,
            _("the file has %(size)s MB; evidence may have at most %(limit)s MB.")
            % {"size": _megabytes(size), "limit": _megabytes(limit)},
        )
    if size == 0:
        raise _file_error(name, _("the file is empty."))
    uploaded_file.seek(0)
    head = uploaded_file.read(len(OLE))
    signature = SIGNATURES.get(extension)
    if signature is not None and not head.startswith(signature):
        raise _file_error(
            name,
            _("the content is not a %(type)s file although its name ends in %(ext)s.")
            % {"type": extension.lstrip(".").upper(), "ext": extension},
        )
    if extension in ZIP_MEMBERS:
        _check_zip(uploaded_file, name, extension)
    uploaded_file.seek(0)
    digest = hashlib.sha256()
    decoder = codecs.getincrementaldecoder("utf-8")() if extension == ".txt" else None
    counted = 0
    try:
        for chunk in uploaded_file.chunks():
            counted += len(chunk)
            if counted > limit:
                raise _file_error(
                    name,
                    _("the file has more than %(limit)s MB, the most evidence may have.")
                    % {"limit": _megabytes(limit)},
                )
            digest.update(chunk)
            if decoder is not None:
                decoder.decode(chunk)
        if decoder is not None:
            decoder.decode(b"", final=True)
    except UnicodeDecodeError as exc:
        raise _file_error(
            name,
            _("a text file must be encoded in UTF-8 (byte %(pos)s is not).") % {"pos": exc.start},
        ) from exc
    if counted == 0:
        raise _file_error(name, _("the file is empty."))
    uploaded_file.seek(0)
    return Checked(name, extension, types[extension], counted, digest.hexdigest())


@transaction.atomic
def add_evidence(*, actor: Any, finding: Finding, uploaded_file: Any) -> Evidence:
    """Attach a file to a finding (``finding.record`` on the finding)."""
    finding = Finding.objects.select_for_update().select_related("target__round").get(pk=finding.pk)
    if not permissions.can(actor, "finding.record", finding):
        raise deny(
            "finding.record",
            finding,
            _("You may add evidence only to the findings of your team's targets."),
        )
    if finding.state in CLOSED_STATES:
        raise ValidationFailed(
            {
                "finding": _("Evidence cannot be added to a finding that is “%(state)s”.")
                % {"state": finding.get_state_display()}
            }
        )
    if finding.target.round.state == Round.State.CLOSED:
        raise ValidationFailed({"round": _("The round is closed; its findings cannot change.")})
    checked = check_file(uploaded_file)
    evidence = Evidence(
        finding=finding,
        original_name=checked.name,
        sha256=checked.sha256,
        size=checked.size,
        content_type=checked.content_type,
        uploaded_by=actor,
    )
    stored = ""
    try:
        evidence.file.save(
            f"{uuid.uuid4().hex}{checked.extension}", File(uploaded_file), save=False
        )
        stored = evidence.file.name or ""
        evidence.save()
        audit.record(
            actor=actor,
            action="evidence.add",
            target=evidence,
            changes={
                "finding": finding.pk,
                "name": checked.name,
                "sha256": checked.sha256,
                "size": checked.size,
                "content_type": checked.content_type,
                "file": stored,
            },
        )
    except BaseException:
        if stored:
            default_storage.delete(stored)
        raise
    return evidence


def open_evidence(*, actor: Any, evidence_id: int) -> tuple[Evidence, IO[bytes]]:
    """The evidence `evidence_id` and its open file, for those who may view its finding;
    the read is written to the audit trail (``evidence.download``)."""
    evidence = permissions.get_or_deny(
        actor, "finding.view", Evidence.objects.select_related("finding"), evidence_id
    )
    handle = evidence.file.open("rb")
    audit.record_read(
        actor=actor,
        target=evidence,
        action="evidence.download",
        detail={"finding": evidence.finding_id, "sha256": evidence.sha256},
    )
    return evidence, handle
