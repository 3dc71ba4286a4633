"""The clue ledger's services: intake, numbering, disposal and its state machine,
transfers, the signed chain, and refused input that changes nothing."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any

import pytest

from jiandu.audit.models import AuditEvent
from jiandu.clues import services
from jiandu.clues.models import Assignment, Attachment, Clue, Handover, Proposal, Subject
from jiandu.clues.services import disposal
from jiandu.core.errors import InvalidTransition, PermissionDenied, ValidationFailed

from .conftest import RECEIVED, People, petition

pytestmark = pytest.mark.django_db


def snapshot() -> tuple[int, ...]:
    return (
        Clue.objects.count(),
        Subject.objects.count(),
        Assignment.objects.count(),
        Handover.objects.count(),
        Proposal.objects.count(),
        Attachment.objects.count(),
        AuditEvent.objects.count(),
        *Clue.objects.order_by("id").values_list("id", flat=True),
    )


def states() -> list[tuple[str, str]]:
    return list(Clue.objects.order_by("id").values_list("number", "state"))


def refused(call: Callable[[], Any], field: str, fragment: str = "") -> str:
    before, before_states = snapshot(), states()
    with pytest.raises(ValidationFailed) as caught:
        call()
    assert field in caught.value.errors, caught.value.errors
    assert fragment in caught.value.errors[field]
    assert snapshot() == before and states() == before_states
    return caught.value.errors[field]


# --- intake and numbering ----------------------------------------------------------------


def test_registration_numbers_assigns_and_signs(people: People, register: Any) -> None:
    first, second = register(), register()
    assert first.number == "XS-2026-000001" and second.number == "XS-2026-000002"
    assert first.state == Clue.State.REGISTERED
    assert first.disposal_due == dt.date(2026, 4, 2)
    assert [(a.user, a.capacity) for a in first.assignments.all()] == [(people.officer, "keeper")]
    subject = first.subjects.get()
    assert (subject.name, subject.post, subject.rank) == (
        "张某某",
        "副总经理",
        "enterprise_executive",
    )
    link = first.handovers.get()
    assert (link.from_user, link.to_user, link.capacity) == (
        people.officer,
        people.officer,
        "register",
    )
    event = AuditEvent.objects.get(action="clue.register", target_id=str(first.pk))
    assert event.target_repr == first.number
    assert event.changes["whistleblower"] is True
    assert "举报人" not in str(event.changes) and "张某某" not in str(event.changes)


def test_number_pattern_is_configurable(register: Any, settings: Any) -> None:
    settings.JIANDU = {**settings.JIANDU, "CLUE_NUMBER_PATTERN": "J{year}-{seq:04d}"}
    assert register().number == "J2026-0001"
    assert register(received_date=dt.date(2025, 12, 30)).number == "J2025-0001"


def test_a_team_leader_registers_for_a_keeper_and_loses_sight(
    people: People, make_user: Any
) -> None:
    leader = make_user("leader", role="team_leader")
    clue = petition(leader, keeper=people.officer, whistleblower=None)
    assert clue.registered_by == leader
    assert not Assignment.objects.filter(clue=clue, user=leader).exists()
    refused(lambda: petition(leader), "keeper", "choose the clue officer")


def test_hits_use_the_intake_with_origin_and_evidence(people: People) -> None:
    clue = services.register_clue(
        actor=people.officer,
        summary="模型命中：向已故人员发放补贴。",
        category=Clue.Category.PEOPLE_FACING,
        source=Clue.Source.MODEL_HIT,
        received_date=RECEIVED,
        subjects=[services.SubjectIn(name="李某", post="村会计")],
        origin="hit:S-01:person:42",
        attachments=[("evidence.json", b'{"payments": [{"id": 1}]}')],
    )
    assert clue.origin == "hit:S-01:person:42"
    assert clue.attachments.get().original_name == "evidence.json"
    refused(
        lambda: services.register_clue(
            actor=people.officer,
            summary="x",
            category="other",
            source=Clue.Source.MODEL_HIT,
            received_date=RECEIVED,
            subjects=[{"name": "李某"}],
        ),
        "origin",
        "hit:",
    )


def test_bad_intake_is_refused_and_changes_nothing(people: People, register: Any) -> None:
    register()
    refused(lambda: register(subjects=[]), "subjects", "subject person")
    refused(lambda: register(subjects=[{"name": "  "}]), "subjects")
    refused(lambda: register(category="gossip"), "category", "gossip")
    refused(lambda: register(source=Clue.Source.OTHER_BODY), "from_body")
    refused(lambda: register(received_date=dt.date(2099, 1, 1)), "received_date", "future")
    big = b"%PDF-1.4\n" + b"0" * (20 * 1024 * 1024)
    message = refused(lambda: register(attachments=[("big.pdf", big)]), "attachment")
    assert "big.pdf" in message and "20.0" in message
    refused(lambda: register(attachments=[("fake.pdf", b"not a pdf")]), "attachment", "PDF")
    refused(lambda: register(attachments=[("virus.exe", b"MZ")]), "attachment", ".exe")
    with pytest.raises(PermissionDenied):
        petition(people.admin)
    with pytest.raises(PermissionDenied):
        petition(people.handler)


# --- disposal ----------------------------------------------------------------------------


def test_written_inquiry_from_proposal_to_closing(
    people: People, register: Any, monkeypatch: Any
) -> None:
    clue = register()
    monkeypatch.setattr(disposal, "_today", lambda: dt.date(2026, 3, 20))
    services.propose_disposal(
        actor=people.officer,
        clue=clue,
        way="inquiry",
        inquiry_kind="written",
        reason="反映问题具体，可函询。",
        approver=people.approver,
    )
    clue.refresh_from_db()
    assert clue.state == Clue.State.PROPOSED
    services.decide_disposal(actor=people.approver, clue=clue, approve=True)
    clue.refresh_from_db()
    assert (clue.state, clue.way, clue.disposed_on) == ("inquiry", "inquiry", dt.date(2026, 3, 20))
    # 15 working days after Friday 20 March 2026; Monday 6 April is the Qingming holiday.
    assert clue.reply_due == dt.date(2026, 4, 13)
    monkeypatch.undo()
    refused(
        lambda: services.record_outcome(
            actor=people.officer, clue=clue, outcome="clarified", note="x"
        ),
        "outcome",
        "written reply",
    )
    services.record_reply(
        actor=people.officer, clue=clue, received_on=dt.date(2026, 4, 3), text="本人说明情况属实。"
    )
    services.record_outcome(actor=people.officer, clue=clue, outcome="clarified", note="予以了结。")
    clue.refresh_from_db()
    assert clue.state == Clue.State.CLOSED and clue.closed_on is not None
    actions = list(
        AuditEvent.objects.filter(target_id=str(clue.pk), kind="write")
        .order_by("seq")
        .values_list("action", flat=True)
    )
    assert actions == [
        "clue.register",
        "clue.propose",
        "clue.approve",
        "clue.reply",
        "clue.outcome",
    ]


def test_bad_disposal_is_refused_and_changes_nothing(people: People, register: Any) -> None:
    clue = register()

    def propose(**kw: Any) -> Any:
        args = {"way": "check", "reason": "需核实", "approver": people.approver, **kw}
        return services.propose_disposal(actor=people.officer, clue=clue, **args)

    refused(lambda: propose(way="burn"), "way", "Unknown way of disposal")
    refused(lambda: propose(way="inquiry"), "inquiry_kind")
    refused(lambda: propose(approver=people.officer), "approver")
    refused(lambda: propose(approver=people.handler), "approver")
    refused(lambda: propose(reason=" "), "reason")
    propose()
    # The proposer cannot approve, even when holding the approver's role.
    people.officer.assignments.create(
        role=people.approver.assignments.get().role, scope_kind="global"
    )
    from jiandu.accounts import permissions

    permissions.forget(people.officer)
    refused(
        lambda: services.decide_disposal(actor=people.officer, clue=clue, approve=True),
        "decision",
        "someone else",
    )
    with pytest.raises(PermissionDenied):  # another approver, not the one proposed to
        services.decide_disposal(actor=people.approver2, clue=clue, approve=True)
    refused(
        lambda: services.decide_disposal(actor=people.approver, clue=clue, approve=False),
        "note",
    )
    services.decide_disposal(actor=people.approver, clue=clue, approve=False, note="再研究")
    clue.refresh_from_db()
    assert clue.state == Clue.State.REGISTERED


def test_inquiry_escalates_to_a_check_and_holds_are_reviewed(people: People, register: Any) -> None:
    clue = register()
    services.propose_disposal(
        actor=people.officer,
        clue=clue,
        way="inquiry",
        inquiry_kind="talk",
        reason="谈话",
        approver=people.approver,
    )
    services.decide_disposal(actor=people.approver, clue=clue, approve=True)
    services.record_outcome(actor=people.officer, clue=clue, outcome="escalated", note="说明不清")
    clue.refresh_from_db()
    assert (clue.state, clue.way) == ("checking", "check")
    refused(
        lambda: services.record_outcome(
            actor=people.officer, clue=clue, outcome="still_held", note="x"
        ),
        "outcome",
    )
    services.record_outcome(actor=people.officer, clue=clue, outcome="unfounded", note="查无实据")
    held = register()
    services.propose_disposal(
        actor=people.officer,
        clue=held,
        way="hold",
        reason="暂不具备核查条件",
        approver=people.approver,
    )
    services.decide_disposal(actor=people.approver, clue=held, approve=True)
    held.refresh_from_db()
    assert held.state == "held" and held.review_due is not None
    services.record_outcome(actor=people.officer, clue=held, outcome="resumed", note="条件具备")
    held.refresh_from_db()
    assert (held.state, held.way, held.review_due) == ("registered", "", None)
    # A resumed clue awaits a new proposal: it cannot be closed without one.
    from jiandu.core import states

    with pytest.raises(InvalidTransition):
        states.apply(held, "state", Clue.TRANSITIONS, "closed")


def test_close_on_approval(people: People, register: Any) -> None:
    clue = register()
    services.propose_disposal(
        actor=people.officer,
        clue=clue,
        way="close",
        reason="反映问题不实",
        approver=people.approver,
    )
    services.decide_disposal(actor=people.approver, clue=clue, approve=True)
    clue.refresh_from_db()
    assert (clue.state, clue.outcome) == ("closed", "closed_on_approval")


# --- hand-overs and transfers ------------------------------------------------------------


def test_handover_chain_is_signed_and_verified(people: People, register: Any) -> None:
    clue = register()
    refused(
        lambda: services.hand_over(
            actor=people.officer,
            clue=clue,
            to_user=people.handler,
            capacity="handler",
            note="",
            confirmed=False,
        ),
        "confirmed",
    )
    services.hand_over(
        actor=people.officer,
        clue=clue,
        to_user=people.handler,
        capacity="handler",
        note="请承办",
        confirmed=True,
    )
    services.hand_over(
        actor=people.officer,
        clue=clue,
        to_user=people.stranger,
        capacity="keeper",
        note="工作调整",
        confirmed=True,
    )
    assert services.verify_chain(clue) is None
    assert list(clue.handovers.values_list("seq", "capacity")) == [
        (1, "register"),
        (2, "handler"),
        (3, "keeper"),
    ]
    # The former keeper no longer reads the clue.
    from jiandu.clues import access

    assert not access.can_read(people.officer, clue)
    assert access.can_read(people.stranger, clue) and access.can_read(people.handler, clue)
    Handover.objects.filter(clue=clue, seq=2).update(note="篡改")
    assert services.verify_chain(clue) == 2


def test_transfer_receipt_and_feedback(people: People, register: Any) -> None:
    from tests.inspections.conftest import make_unit

    body = make_unit("CDI-X", "某纪委监委")
    body.kind = "commission"
    body.save()
    enterprise = make_unit("ENT", "某企业", body)
    clue = register()

    def transfer(**kw: Any) -> Any:
        args = {
            "receiver_kind": "discipline",
            "receiver_unit": body,
            "sent_on": dt.date(2026, 3, 10),
            "confirmed": True,
            **kw,
        }
        return services.transfer_clue(actor=people.officer, clue=clue, **args)

    refused(lambda: transfer(receiver_unit=None), "receiver_unit", "receives the clue")
    refused(lambda: transfer(receiver_unit=enterprise), "receiver_unit")
    refused(lambda: transfer(sent_on=dt.date(2026, 3, 1)), "sent_on")
    with pytest.raises(PermissionDenied):
        services.transfer_clue(
            actor=people.stranger,
            clue=clue,
            receiver_kind="discipline",
            receiver_unit=body,
            sent_on=dt.date(2026, 3, 10),
            confirmed=True,
        )
    sent = transfer()
    assert sent.feedback_due == dt.date(2026, 6, 10)
    clue.refresh_from_db()
    assert clue.state == "transferred"
    assert clue.handovers.last().to_body == "某纪委监委"
    services.acknowledge_receipt(
        actor=people.officer, clue=clue, acknowledged_on=dt.date(2026, 3, 12)
    )
    services.record_transfer_feedback(
        actor=people.officer, clue=clue, fed_back_on=dt.date(2026, 5, 20), result="已立案审查"
    )
    clue.refresh_from_db()
    assert (clue.state, clue.outcome, clue.closed_on) == (
        "closed",
        "transfer_result",
        dt.date(2026, 5, 20),
    )


def test_attachment_is_encrypted_and_read_back(
    people: People, register: Any, settings: Any
) -> None:
    pdf = b"%PDF-1.4\n%clue\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    clue = register(attachments=[("举报材料.pdf", pdf)])
    item = clue.attachments.get()
    stored = item.file.open("rb").read()
    assert pdf not in stored and b"%PDF" not in stored
    got, handle = services.open_attachment(actor=people.officer, attachment_id=item.pk)
    assert got.sha256 == item.sha256
    assert handle.read() == pdf
    assert AuditEvent.objects.filter(
        action="clue.attachment_read", actor_id=people.officer.pk
    ).exists()
    with pytest.raises(PermissionDenied):
        services.open_attachment(actor=people.stranger, attachment_id=item.pk)
