"""The audit chain: appending, verifying, and catching tampering done behind the ORM's back.

Tampering uses raw SQL on `audit_auditevent` (primary key `seq`), as an intruder with
database access would; the ORM refuses to change or delete events at all.
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
from typing import Any

import pytest
from django.db import connection, transaction
from django.utils import timezone

from jiandu.audit import chain, services
from jiandu.audit.models import AppendOnlyError, AuditEvent, ChainHead, Verification

TABLE = "audit_auditevent"


def _json_param() -> str:
    """Placeholder of a JSON value in raw SQL on the current database."""
    return "CAST(%s AS jsonb)" if connection.vendor == "postgresql" else "%s"


def _append(n: int, *, actor: Any = None) -> list[AuditEvent]:
    events = []
    with transaction.atomic():
        for i in range(n):
            events.append(
                services.record(
                    actor=actor,
                    action=f"test.step{i}",
                    target_type="tests.thing",
                    target_id=str(i),
                    target_repr=f"事项 {i}",
                    changes={"amount": {"before": i, "after": i + 1}, "note": "整改 ✓", "n": [i]},
                )
            )
    return events


def _raw(sql: str, params: list[Any] | tuple[Any, ...] = ()) -> int:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return cursor.rowcount


@pytest.fixture
def events(db: Any) -> list[AuditEvent]:
    """Six events appended after whatever the migrations left (the chain starts empty)."""
    assert services.verify_chain().ok
    made = _append(6)
    assert [e.seq for e in made] == list(range(made[0].seq, made[0].seq + 6))
    return made


def _expect_break(seq: int, reason_part: str) -> chain.Verification:
    result = services.verify_chain()
    assert not result.ok, "tampering went unnoticed"
    assert result.first_break is not None
    assert result.first_break.seq == seq, result.first_break
    assert reason_part in result.first_break.reason
    return result


# --- appending and an intact chain ---------------------------------------------------------


def test_events_link_and_verify(events: list[AuditEvent]) -> None:
    first_seq = events[0].seq
    stored = list(AuditEvent.objects.filter(seq__gte=first_seq).order_by("seq"))
    assert [e.seq for e in stored] == [e.seq for e in events]
    for before, after in itertools.pairwise(stored):
        assert after.prev_hash == before.hash
    # The hash stored is the hash of the content read back from the database.
    for e in stored:
        fields = {name: getattr(e, name) for name in chain.HASHED_FIELDS}
        assert chain.event_hash(fields) == e.hash
    head = ChainHead.objects.get(id=1)
    assert (head.last_seq, head.last_hash) == (stored[-1].seq, stored[-1].hash)
    result = services.verify_chain()
    assert result.ok
    assert result.last_seq == stored[-1].seq
    assert result.checked == stored[-1].seq


def test_empty_chain_verifies(db: Any) -> None:
    assert AuditEvent.objects.count() == 0
    result = services.verify_chain()
    assert result.ok
    assert result.checked == 0


# --- tampering with raw SQL -----------------------------------------------------------------


def test_updated_field_names_that_event(events: list[AuditEvent]) -> None:
    k = events[2].seq
    assert _raw(f"UPDATE {TABLE} SET actor_username = %s WHERE seq = %s", ["intruder", k]) == 1
    result = _expect_break(k, "changed")
    assert result.checked == k - 1


def test_updated_time_names_that_event(events: list[AuditEvent]) -> None:
    k = events[4].seq
    earlier = events[4].occurred_at - dt.timedelta(seconds=1)
    assert _raw(f"UPDATE {TABLE} SET occurred_at = %s WHERE seq = %s", [earlier, k]) == 1
    _expect_break(k, "changed")


def test_updated_changes_json_names_that_event(events: list[AuditEvent]) -> None:
    k = events[1].seq
    forged = {"amount": {"before": 1, "after": 999}, "note": "整改 ✓", "n": [1]}
    sql = f"UPDATE {TABLE} SET changes = {_json_param()} WHERE seq = %s"
    assert _raw(sql, [json.dumps(forged), k]) == 1
    assert AuditEvent.objects.get(seq=k).changes["amount"]["after"] == 999
    _expect_break(k, "changed")


def test_rehashed_event_breaks_the_next_link(events: list[AuditEvent]) -> None:
    """Changing an event and recomputing its hash still shows: the next event points elsewhere."""
    k = events[2].seq
    row = AuditEvent.objects.values(*chain.HASHED_FIELDS).get(seq=k)
    row["target_repr"] = "forged"
    new_hash = chain.event_hash(row)
    sql = f"UPDATE {TABLE} SET target_repr = %s, hash = %s WHERE seq = %s"
    assert _raw(sql, ["forged", new_hash, k]) == 1
    _expect_break(k + 1, "link to the preceding event")


def test_deleted_event_names_the_next(events: list[AuditEvent]) -> None:
    k = events[3].seq
    assert _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [k]) == 1
    _expect_break(k + 1, f"events {k}..{k} are missing")


def test_deleted_first_event_names_the_second(events: list[AuditEvent]) -> None:
    k = events[0].seq
    assert _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [k]) == 1
    _expect_break(k + 1, "missing")


def test_deleted_last_event_is_named(events: list[AuditEvent]) -> None:
    last = events[-1].seq
    assert _raw(f"DELETE FROM {TABLE} WHERE seq = %s", [last]) == 1
    result = _expect_break(last, "at the end of the chain are missing")
    assert result.checked == last - 1


def test_forged_event_at_the_end_is_beyond_the_recorded_end(events: list[AuditEvent]) -> None:
    last = events[-1]
    fields: dict[str, Any] = {
        "seq": last.seq + 1,
        "occurred_at": timezone.now().replace(microsecond=123456),
        "kind": "write",
        "action": "person.update",
        "actor_id": None,
        "actor_username": "admin",
        "target_type": "accounts.person",
        "target_id": "1",
        "target_repr": "伪造",
        "changes": chain.normalize({"id_number": {"before": "x", "after": "y"}}),
        "request_id": "",
        "client_address": "10.0.0.66",
        "channel": "web",
        "prev_hash": last.hash,
    }
    fields["hash"] = chain.event_hash(fields)
    columns = [*chain.HASHED_FIELDS, "hash"]
    placeholders = [_json_param() if c == "changes" else "%s" for c in columns]
    values = [json.dumps(fields[c]) if c == "changes" else fields[c] for c in columns]
    sql = f"INSERT INTO {TABLE} ({', '.join(columns)}) VALUES ({', '.join(placeholders)})"
    assert _raw(sql, values) == 1
    # The forged row links correctly and hashes correctly; only the head gives it away.
    forged = AuditEvent.objects.values(*chain.HASHED_FIELDS, "hash").get(seq=last.seq + 1)
    assert chain.event_hash(forged) == forged["hash"]
    result = _expect_break(last.seq + 1, "beyond the recorded end")
    assert result.checked == last.seq + 1


def test_moved_head_is_noticed(events: list[AuditEvent]) -> None:
    """Rewriting the head's hash alone (e.g. to cover a replaced tail) shows too."""
    last = events[-1].seq
    _raw("UPDATE audit_chainhead SET last_hash = %s WHERE id = 1", ["f" * 64])
    _expect_break(last, "recorded end of the chain differs")


# --- the ORM refuses to change the trail ----------------------------------------------------


def test_record_outside_a_transaction_is_refused() -> None:
    # No database access here: the check comes first, so nothing could have been written.
    assert not transaction.get_connection().in_atomic_block
    with pytest.raises(RuntimeError, match="inside the service's transaction"):
        services.record(actor=None, action="test.outside")


def test_model_save_and_delete_are_refused(events: list[AuditEvent]) -> None:
    event = AuditEvent.objects.get(seq=events[0].seq)
    event.action = "changed"
    with pytest.raises(AppendOnlyError):
        event.save()
    with pytest.raises(AppendOnlyError):
        event.delete()
    assert AuditEvent.objects.get(seq=events[0].seq).action == events[0].action


def test_queryset_update_and_delete_are_refused(events: list[AuditEvent]) -> None:
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=events[0].seq).update(action="changed")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().update(actor_username="x")
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.filter(seq=events[-1].seq).delete()
    with pytest.raises(AppendOnlyError):
        AuditEvent.objects.all().delete()
    assert AuditEvent.objects.count() == len(events)
    assert services.verify_chain().ok


def test_record_rolls_back_with_its_transaction(events: list[AuditEvent]) -> None:
    """An event belongs to the service's transaction: a failed service leaves no trace."""
    before = ChainHead.objects.get(id=1).last_seq

    class Boom(Exception):
        pass

    with pytest.raises(Boom), transaction.atomic():
        services.record(actor=None, action="test.doomed")
        raise Boom
    assert ChainHead.objects.get(id=1).last_seq == before
    assert not AuditEvent.objects.filter(action="test.doomed").exists()
    appended = _append(1)[0]
    assert appended.seq == before + 1
    assert services.verify_chain().ok


# --- reads and request context --------------------------------------------------------------


def test_record_read(make_user: Any) -> None:
    from jiandu.accounts.models import Person

    reader = make_user("reader", role="office")
    person = Person.objects.create(name="张三", id_number="110101199003074514")
    event = services.record_read(actor=reader, target=person, detail={"fields": ["id_number"]})
    assert event.kind == AuditEvent.Kind.READ
    assert event.action == "read"
    assert (event.actor_id, event.actor_username) == (reader.pk, "reader")
    assert (event.target_type, event.target_id) == ("accounts.person", str(person.pk))
    assert event.changes == {"fields": ["id_number"]}
    assert services.verify_chain().ok


def test_request_id_and_client_address_reach_the_event(client: Any, make_user: Any) -> None:
    from jiandu.accounts.models import Person

    reader = make_user("office1", role="office")
    person = Person.objects.create(name="李四", id_number="110101198501011237")
    client.force_login(reader)
    response = client.get(
        f"/people/{person.pk}/", HTTP_X_REQUEST_ID="req-7f3a", REMOTE_ADDR="10.20.30.40"
    )
    assert response.status_code == 200
    assert response["X-Request-ID"] == "req-7f3a"
    event = AuditEvent.objects.filter(kind="read", target_id=str(person.pk)).get()
    assert event.target_type == "accounts.person"
    assert event.actor_username == "office1"
    assert event.request_id == "req-7f3a"
    assert event.client_address == "10.20.30.40"
    assert event.channel == "web"
    # Without a request id header the middleware makes one up and hands it back.
    response = client.get(f"/people/{person.pk}/", REMOTE_ADDR="10.20.30.41")
    generated = response["X-Request-ID"]
    assert len(generated) == 32
    latest = AuditEvent.objects.filter(kind="read").order_by("-seq").first()
    assert latest is not None
    assert (latest.request_id, latest.client_address) == (generated, "10.20.30.41")
    assert services.verify_chain().ok


# --- the auditor's verification page --------------------------------------------------------


def test_verify_page_reports_an_intact_chain(client: Any, make_user: Any) -> None:
    auditor = make_user("auditor1", role="auditor")
    _append(3)
    client.force_login(auditor)
    response = client.post("/audit/verify/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.redirect_chain[-1][0] == "/audit/"
    row = Verification.objects.get()
    assert row.status == Verification.Status.PASSED
    assert row.requested_by == "auditor1"
    # The request is itself audited (inside the chain it checks).
    request_event = AuditEvent.objects.get(action="audit.verify")
    assert request_event.actor_username == "auditor1"
    assert request_event.target_id == str(row.pk)
    assert row.checked == request_event.seq
    assert f"The chain is intact: {row.checked} events checked." in response.content.decode()


def test_verify_page_shows_the_break(client: Any, make_user: Any) -> None:
    auditor = make_user("auditor2", role="auditor")
    made = _append(5)
    k = made[2].seq
    _raw(f"UPDATE {TABLE} SET target_repr = %s WHERE seq = %s", ["edited", k])
    client.force_login(auditor)
    response = client.post("/audit/verify/", follow=True, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    row = Verification.objects.get()
    assert row.status == Verification.Status.BROKEN
    assert row.first_broken_seq == k
    assert row.checked == k - 1
    assert "changed" in row.reason
    page = response.content.decode()
    assert f"The chain is broken at event {k}:" in page
    assert f"first broken event #{k}" in page
    event = AuditEvent.objects.get(action="audit.verify")
    assert event.actor_username == "auditor2"
    assert event.target_type == "audit.verification"


def test_verify_page_needs_the_auditor_role(client: Any, make_user: Any) -> None:
    client.force_login(make_user("office2", role="office"))
    response = client.post("/audit/verify/")
    assert response.status_code == 403
    assert not Verification.objects.exists()
    assert not AuditEvent.objects.filter(action="audit.verify").exists()
    assert client.get("/audit/verify/").status_code == 405
