"""Need to know and protection at rest: who reads a clue, a read event for each read by
page, API, export, search and attachment, the whistleblower absent from the raw database
and from the stored files, the reveal only for the roles allowed, and the auditor's page."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from openpyxl import load_workbook

from jiandu.audit.models import AuditEvent
from jiandu.clues import access, crypto, selectors, services
from jiandu.clues.models import Clue
from jiandu.core.errors import PermissionDenied

from .conftest import WHISTLEBLOWER, People

pytestmark = pytest.mark.django_db
PDF = b"%PDF-1.4\n%protected 13912345678\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def reads(user: Any, action: str = "clue.read") -> list[dict[str, Any]]:
    return list(
        AuditEvent.objects.filter(kind="read", action=action, actor_id=user.pk)
        .order_by("seq")
        .values_list("changes", flat=True)
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_whistleblower_is_not_in_the_raw_database(people: People, register: Any) -> None:
    clue = register(attachments=[("材料.pdf", PDF)])
    table = Clue._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT whistleblower_name, whistleblower_contact FROM {table} WHERE id = %s",
            [clue.pk],
        )
        name, contact = cursor.fetchone()
    name, contact = bytes(name), bytes(contact)
    for secret in (WHISTLEBLOWER["name"], WHISTLEBLOWER["contact"], "13912345678"):
        encoded = secret.encode("utf-8")
        assert encoded not in name and encoded not in contact
    assert name.startswith(crypto.MAGIC) and contact.startswith(crypto.MAGIC)
    # Nowhere else either: no text column of any table, no audit event, no stored file.
    with connection.cursor() as cursor:
        for model in (Clue, AuditEvent):
            cursor.execute(f"SELECT * FROM {model._meta.db_table}")
            dump = repr(cursor.fetchall())
            assert WHISTLEBLOWER["name"] not in dump and "13912345678" not in dump
    stored = clue.attachments.get().file.open("rb").read()
    assert b"13912345678" not in stored and b"%PDF" not in stored


def test_ciphertexts_are_bound_to_their_clue(people: People, register: Any) -> None:
    first, second = register(), register(whistleblower={"name": "另一人", "contact": ""})
    Clue.objects.filter(pk=second.pk).update(whistleblower_name=first.whistleblower_name)
    with pytest.raises(crypto.KeyError_):
        selectors.reveal_whistleblower(people.officer, second.pk, via="page")


def test_a_wrong_key_is_detected(people: People, register: Any, monkeypatch: Any) -> None:
    clue = register()
    monkeypatch.setenv(crypto.ENV, crypto.generate())
    with pytest.raises(crypto.KeyError_, match="another key"):
        selectors.reveal_whistleblower(people.officer, clue.pk, via="api")


def test_only_the_assigned_read_a_clue(people: People, register: Any) -> None:
    clue = register()
    services.hand_over(
        actor=people.officer,
        clue=clue,
        to_user=people.handler,
        capacity="handler",
        note="",
        confirmed=True,
    )
    services.propose_disposal(
        actor=people.handler, clue=clue, way="check", reason="核实", approver=people.approver
    )
    readers = {u.username for u in vars(people).values() if access.can_read(u, clue)}
    assert readers == {"officer", "handler", "approver"}
    for outsider in (
        people.stranger,
        people.approver2,
        people.admin,
        people.office,
        people.auditor,
    ):
        with pytest.raises(PermissionDenied):
            selectors.clue_read(outsider, clue.pk, via="page")
        if access.uses_ledger(outsider):
            assert not selectors.ledger(outsider).exists()
        assert signed_in(outsider).get(f"/clues/{clue.pk}/").status_code == 403
        assert signed_in(outsider).get(f"/api/clues/{clue.pk}").status_code == 403
    # A revoked role closes the clue at once, though the assignment remains.
    people.handler.assignments.all().delete()
    from jiandu.accounts import permissions

    permissions.forget(people.handler)
    assert not access.can_read(people.handler, clue)


def test_every_read_writes_a_read_event(people: People, register: Any) -> None:
    clue = register(attachments=[("材料.pdf", PDF)])
    client = signed_in(people.officer)
    assert client.get(f"/clues/{clue.pk}/").status_code == 200
    assert client.get(f"/api/clues/{clue.pk}").status_code == 200
    exported = client.get("/clues/export.xlsx")
    assert exported.status_code == 200
    sheet = load_workbook(io.BytesIO(exported.content)).worksheets[0]
    assert [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)] == [clue.number]
    assert client.get("/clues/?q=张某某").status_code == 200
    attachment = clue.attachments.get()
    assert client.get(f"/clues/attachments/{attachment.pk}/").status_code == 200
    vias = [c["via"] for c in reads(people.officer)]
    assert vias == ["page", "api", "export", "search"]
    assert [c["via"] for c in reads(people.officer, "clue.attachment_read")] == ["page"]
    # The list and the dashboard show no content and log nothing.
    before = AuditEvent.objects.count()
    assert client.get("/clues/").status_code == 200
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.count() == before


def test_the_reveal_is_for_allowed_roles_and_logged(people: People, register: Any) -> None:
    clue = register()
    services.hand_over(
        actor=people.officer,
        clue=clue,
        to_user=people.handler,
        capacity="handler",
        note="",
        confirmed=True,
    )
    page = signed_in(people.officer).get(f"/clues/{clue.pk}/").content.decode()
    assert WHISTLEBLOWER["name"] not in page
    assert f"/clues/{clue.pk}/reveal/" in page  # the reveal is a separate, logged request
    response = signed_in(people.officer).post(f"/clues/{clue.pk}/reveal/")
    assert response.status_code == 200 and WHISTLEBLOWER["name"] in response.content.decode()
    assert response["Cache-Control"] == "no-store"
    assert len(reads(people.officer, "clue.reveal")) == 1
    # The handler reads the clue but its role may not see the identity.
    handler = signed_in(people.handler)
    page = handler.get(f"/clues/{clue.pk}/").content.decode()
    assert WHISTLEBLOWER["name"] not in page and f"/clues/{clue.pk}/reveal/" not in page
    assert handler.post(f"/clues/{clue.pk}/reveal/").status_code == 403
    assert handler.post(f"/api/clues/{clue.pk}/reveal").status_code == 403
    assert reads(people.handler, "clue.reveal") == []


def test_the_auditor_sees_who_read_what(people: People, register: Any) -> None:
    clue = register()
    signed_in(people.officer).get(f"/clues/{clue.pk}/")
    signed_in(people.officer).post(f"/clues/{clue.pk}/reveal/")
    page = signed_in(people.auditor).get(f"/clues/reads/?number={clue.number}")
    assert page.status_code == 200
    text = page.content.decode()
    assert text.count(clue.number) >= 2 and "officer" in text and "clue.reveal" in text
    assert WHISTLEBLOWER["name"] not in text and "张某某" not in text
    for user in (people.officer, people.admin, people.office):
        assert signed_in(user).get("/clues/reads/").status_code == 403


def test_no_admin_site_and_no_other_door(people: People, register: Any) -> None:
    clue = register()
    admin = signed_in(people.admin)
    assert admin.get("/admin/").status_code == 404
    assert admin.get("/clues/").status_code == 403
    assert admin.get("/api/clues").status_code == 403
    assert admin.get("/clues/export.xlsx").status_code == 403
    assert admin.get(f"/clues/{clue.pk}/").status_code == 403
    # People pages show no clue about the subject.
    assert "XS-" not in signed_in(people.office).get("/people/?q=张某某").content.decode()
