"""Evidence files: type by extension and by content, size, SHA-256, storage, the same file
on other findings of the round, and downloads (refused to others, logged as reads). A
refused upload leaves no row, no audit event and no stored file."""

from __future__ import annotations

import hashlib
import io
import zipfile
from collections.abc import Callable
from typing import Any

import docx
import openpyxl
import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from jiandu.audit.models import AuditEvent
from jiandu.core.errors import PermissionDenied, ValidationFailed
from jiandu.inspections.models import Evidence, Finding, FindingCategory
from jiandu.inspections.selectors import findings as selectors
from jiandu.inspections.services import evidence as service
from jiandu.inspections.services import findings as findings_service
from jiandu.inspections.services import planning

from .conftest import Inspection

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 40
JPEG = b"\xff\xd8\xff\xe0" + b"\x00\x10JFIF" + b"\x00" * 40
OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504


def docx_bytes() -> bytes:
    document = docx.Document()
    document.add_paragraph("谈话记录")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["凭证号", "金额"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def zip_bytes(member: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(member, "<x/>")
    return out.getvalue()


def stored_files(path: str = "") -> set[str]:
    """Every file in the default storage (the in-memory storage of the tests)."""
    if path and not default_storage.exists(path):
        return set()
    dirs, files = default_storage.listdir(path)
    found = {f"{path}/{f}".lstrip("/") for f in files}
    for d in dirs:
        found |= stored_files(f"{path}/{d}".lstrip("/"))
    return found


def state() -> tuple[int, int, frozenset[str]]:
    return Evidence.objects.count(), AuditEvent.objects.count(), frozenset(stored_files())


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


@pytest.fixture
def insp(inspection: Inspection) -> Inspection:
    planning.advance_round(actor=inspection.office, round=inspection.round, to_state="inspecting")
    inspection.round.refresh_from_db()
    for i, target in enumerate(inspection.targets):
        inspection.extra[f"f{i}"] = findings_service.record_finding(
            actor=inspection.members[0 if i < 2 else 1],
            target=target,
            category=FindingCategory.objects.get(code="B4"),
            title=f"问题{i}",
            description="收受礼金。",
            source="petition",
        )
    return inspection


def finding(insp: Inspection, i: int = 0) -> Finding:
    found: Finding = insp.extra[f"f{i}"]
    return found


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("谈话笔录.pdf", PDF, "application/pdf"),
        ("现场.PNG", PNG, "image/png"),
        ("照片.jpg", JPEG, "image/jpeg"),
        ("照片.jpeg", JPEG, "image/jpeg"),
        ("旧文档.doc", OLE, "application/msword"),
        ("旧表格.xls", OLE, "application/vnd.ms-excel"),
        (
            "记录.docx",
            docx_bytes(),
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        ),
        (
            "台账.xlsx",
            xlsx_bytes(),
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        ),
        ("版式.ofd", zip_bytes("OFD.xml"), "application/ofd"),
        ("说明.txt", "情况说明：属实。\n".encode(), "text/plain"),
    ],
)
def test_accepted_types_are_stored_with_their_hash(
    insp: Inspection, name: str, content: bytes, content_type: str
) -> None:
    before = AuditEvent.objects.count()
    item = service.add_evidence(
        actor=insp.members[0], finding=finding(insp), uploaded_file=upload(name, content)
    )
    item.refresh_from_db()
    assert item.original_name == name
    assert item.sha256 == hashlib.sha256(content).hexdigest()
    assert item.size == len(content)
    assert item.content_type == content_type
    assert item.uploaded_by == insp.members[0]
    assert name not in item.file.name  # stored under a generated name
    assert item.file.name.startswith("evidence/")
    with default_storage.open(item.file.name, "rb") as fh:
        assert fh.read() == content
    event = AuditEvent.objects.get(seq__gt=AuditEvent.objects.order_by("seq")[before - 1].seq)
    assert event.action == "evidence.add"
    assert event.changes["sha256"] == item.sha256
    assert event.changes["finding"] == finding(insp).pk


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("程序.exe", b"MZ\x90\x00", "not accepted"),
        ("无扩展名", PDF, "not accepted"),
        ("假的.pdf", b"<html>not a pdf</html>", "not a PDF"),
        ("假的.png", JPEG, "not a PNG"),
        ("假的.jpg", PNG, "not a JPG"),
        ("假的.doc", PDF, "not a DOC"),
        ("假的.docx", zip_bytes("xl/workbook.xml"), "not a DOCX"),
        ("假的.xlsx", docx_bytes(), "not a XLSX"),
        ("坏的.docx", b"PK\x03\x04 broken", "not a DOCX"),
        ("乱码.txt", "中文".encode("gbk"), "UTF-8"),
        ("空的.pdf", b"", "empty"),
    ],
)
def test_refused_files_change_nothing(
    insp: Inspection, name: str, content: bytes, words: str
) -> None:
    before = state()
    with pytest.raises(ValidationFailed) as err:
        service.add_evidence(
            actor=insp.members[0], finding=finding(insp), uploaded_file=upload(name, content)
        )
    message = err.value.errors["file"]
    assert name in message and words in message
    assert state() == before


def test_size_limit(insp: Inspection, settings: Any) -> None:
    settings.JIANDU = {**settings.JIANDU, "EVIDENCE_MAX_BYTES": 1024}
    before = state()
    with pytest.raises(ValidationFailed) as err:
        service.add_evidence(
            actor=insp.members[0],
            finding=finding(insp),
            uploaded_file=upload("大文件.pdf", PDF + b"0" * 1024),
        )
    assert "大文件.pdf" in err.value.errors["file"] and "MB" in err.value.errors["file"]
    assert state() == before
    exact = PDF + b"0" * (1024 - len(PDF))
    item = service.add_evidence(
        actor=insp.members[0], finding=finding(insp), uploaded_file=upload("刚好.pdf", exact)
    )
    assert item.size == 1024


def test_other_team_and_outsiders_are_refused(
    insp: Inspection, make_user: Callable[..., Any]
) -> None:
    before = state()
    for actor in (insp.members[1], insp.leaders[1], make_user("nobody")):
        with pytest.raises(PermissionDenied):
            service.add_evidence(
                actor=actor, finding=finding(insp), uploaded_file=upload("a.pdf", PDF)
            )
    assert state() == before


def test_no_evidence_on_withdrawn_or_fed_back_findings(insp: Inspection) -> None:
    leader = insp.leaders[0]
    gone, done = finding(insp, 0), finding(insp, 1)
    findings_service.withdraw_finding(actor=leader, finding=gone, reason="不实")
    findings_service.confirm_finding(actor=leader, finding=done)
    with transaction.atomic():
        findings_service.mark_in_report([done])
        findings_service.mark_fed_back([done])
    before = state()
    for item in (gone, done):
        with pytest.raises(ValidationFailed) as err:
            service.add_evidence(actor=leader, finding=item, uploaded_file=upload("a.pdf", PDF))
        assert "finding" in err.value.errors
    assert state() == before


def test_a_failure_after_storing_removes_the_file(
    insp: Inspection, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(**kwargs: Any) -> None:
        raise RuntimeError("audit trail unavailable")

    monkeypatch.setattr(service.audit, "record", broken)
    before = state()
    with pytest.raises(RuntimeError):
        service.add_evidence(
            actor=insp.members[0], finding=finding(insp), uploaded_file=upload("a.pdf", PDF)
        )
    assert state() == before


def test_path_in_the_name_is_dropped(insp: Inspection) -> None:
    item = service.add_evidence(
        actor=insp.members[0],
        finding=finding(insp),
        uploaded_file=upload("../../etc/材料.pdf", PDF),
    )
    assert item.original_name == "材料.pdf"


def test_same_file_on_other_findings_of_the_round(insp: Inspection) -> None:
    a = service.add_evidence(
        actor=insp.members[0], finding=finding(insp, 0), uploaded_file=upload("a.pdf", PDF)
    )
    b = service.add_evidence(
        actor=insp.members[0], finding=finding(insp, 1), uploaded_file=upload("b.pdf", PDF)
    )
    c = service.add_evidence(
        actor=insp.members[1], finding=finding(insp, 2), uploaded_file=upload("c.pdf", PDF)
    )
    other = service.add_evidence(
        actor=insp.members[0], finding=finding(insp, 0), uploaded_file=upload("d.png", PNG)
    )
    items = [a, b, c, other]
    office_view = selectors.same_files(insp.office, items)
    assert office_view[a.pk] == [finding(insp, 1), finding(insp, 2)]
    assert office_view[c.pk] == [finding(insp, 0), finding(insp, 1)]
    assert other.pk not in office_view
    # A member sees only the findings of their own team.
    assert selectors.same_files(insp.members[0], [a])[a.pk] == [finding(insp, 1)]
    assert c.pk not in selectors.same_files(insp.members[1], [c])


def test_open_logs_a_read_and_refuses_others(
    insp: Inspection, make_user: Callable[..., Any]
) -> None:
    item = service.add_evidence(
        actor=insp.members[0], finding=finding(insp), uploaded_file=upload("a.pdf", PDF)
    )
    before = AuditEvent.objects.count()
    for actor in (insp.members[1], make_user("unit", role="unit_leader", org=insp.units[0])):
        with pytest.raises(PermissionDenied):
            service.open_evidence(actor=actor, evidence_id=item.pk)
    with pytest.raises(PermissionDenied):
        service.open_evidence(actor=insp.office, evidence_id=item.pk + 1000)
    assert AuditEvent.objects.count() == before
    found, handle = service.open_evidence(actor=insp.leaders[0], evidence_id=item.pk)
    with handle:
        assert handle.read() == PDF
    event = AuditEvent.objects.order_by("-seq").first()
    assert event is not None
    assert (event.kind, event.action, event.actor_username) == (
        "read",
        "evidence.download",
        "leader1",
    )
    assert event.target_id == str(found.pk)
