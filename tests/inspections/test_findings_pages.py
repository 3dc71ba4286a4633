"""Finding pages and API: the target page, finding create/edit/detail and transitions,
evidence upload and download, the findings list and its Excel export, the common-problem
heat map, and the /api/inspections findings endpoints. Allowed roles get the page, others
403; refused input changes nothing."""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Callable
from typing import Any

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import translation

from jiandu.accounts.models import Person, Post, User
from jiandu.audit.models import AuditEvent
from jiandu.inspections.models import Evidence, Finding, FindingCategory
from jiandu.inspections.services import evidence as evidence_service
from jiandu.inspections.services import findings as services
from jiandu.inspections.services import planning

from .conftest import Inspection

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.7\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


def cat(code: str) -> FindingCategory:
    return FindingCategory.objects.get(code=code)


@pytest.fixture
def insp(inspection: Inspection, make_user: Callable[..., Any]) -> Inspection:
    """The shared round during on-site inspection, with two findings on targets[0] (one
    confirmed, with a PDF), one on targets[1], one on targets[2] (team 2), and a leader
    concerned at units[0]."""
    planning.advance_round(actor=inspection.office, round=inspection.round, to_state="inspecting")
    inspection.round.refresh_from_db()
    boss = Person.objects.create(name="王五")
    Post.objects.create(
        person=boss, org_unit=inspection.units[0], title="董事长", start_date=dt.date(2019, 1, 1)
    )

    def rec(i: int, member: int, code: str, title: str, **kw: Any) -> Finding:
        return services.record_finding(
            actor=inspection.members[member],
            target=inspection.targets[i],
            category=cat(code),
            title=title,
            description=f"{title}的具体情况。",
            source=kw.pop("source", "documents"),
            **kw,
        )

    a = rec(0, 0, "B3", "=违规公款吃喝", severity="serious", leaders=[boss])
    b = rec(0, 0, "A1", "主业投入不足", source="interview")
    c = rec(1, 0, "B3", "超标准配车")
    d = rec(2, 1, "C3", "支部活动流于形式")
    services.confirm_finding(actor=inspection.leaders[0], finding=a)
    ev = evidence_service.add_evidence(
        actor=inspection.members[0],
        finding=a,
        uploaded_file=SimpleUploadedFile("发票.pdf", PDF),
    )
    inspection.extra.update(a=a, b=b, c=c, d=d, boss=boss, evidence=ev)
    inspection.extra["unit"] = make_user("unit", role="unit_leader", org=inspection.units[0])
    inspection.extra["sector"] = make_user("sector", role="functional_dept", org=inspection.root)
    return inspection


# --- the target page ------------------------------------------------------------------------


def test_target_page_for_allowed_roles(insp: Inspection) -> None:
    url = f"/inspections/targets/{insp.targets[0].pk}/"
    leader = client_for(insp.leaders[0]).get(url)
    assert leader.status_code == 200
    html = leader.content.decode()
    assert "=违规公款吃喝" in html and "主业投入不足" in html and "超标准配车" not in html
    assert "发票.pdf" in html
    assert f"/inspections/findings/{insp.extra['b'].pk}/confirm/" in html  # leader: confirm
    assert "inspections/reporting" not in html  # the include renders, not its name
    member = client_for(insp.members[0]).get(url).content.decode()
    assert f"/inspections/targets/{insp.targets[0].pk}/findings/new/" in member
    assert "/confirm/" not in member
    assert 'enctype="multipart/form-data"' in member  # evidence upload on each finding
    assert client_for(insp.office).get(url).status_code == 200
    # Once the round has moved on to feedback, no new finding can be recorded.
    for stage in ("reporting", "feedback"):
        planning.advance_round(actor=insp.office, round=insp.round, to_state=stage)
    later = client_for(insp.members[0]).get(url).content.decode()
    assert "/findings/new/" not in later and "=违规公款吃喝" in later


def test_target_page_refused_to_others(insp: Inspection) -> None:
    url = f"/inspections/targets/{insp.targets[0].pk}/"
    for user in (insp.members[1], insp.leaders[1], insp.extra["unit"], insp.extra["sector"]):
        assert client_for(user).get(url).status_code == 403
    assert client_for(insp.office).get("/inspections/targets/999999/").status_code == 403


# --- one finding -------------------------------------------------------------------------


def test_create_finding_page(insp: Inspection) -> None:
    url = f"/inspections/targets/{insp.targets[0].pk}/findings/new/"
    client = client_for(insp.members[0])
    assert client.get(url).status_code == 200
    data = {
        "category": cat("B2").pk,
        "severity": "grave",
        "source": "petition",
        "title": "工程招标围标串标",
        "description": "多个项目存在围标。",
        "leaders": [insp.extra["boss"].pk],
    }
    response = client.post(url, data)
    created = Finding.objects.get(title="工程招标围标串标")
    assert response.status_code == 302
    assert response["Location"] == f"/inspections/findings/{created.pk}/"
    assert list(created.leaders.all()) == [insp.extra["boss"]]
    assert created.state == "draft"


def test_create_finding_refusals(insp: Inspection) -> None:
    url = f"/inspections/targets/{insp.targets[0].pk}/findings/new/"
    before = (Finding.objects.count(), AuditEvent.objects.count())
    for user in (insp.members[1], insp.extra["sector"]):
        assert client_for(user).get(url).status_code == 403
        assert client_for(user).post(url, {"title": "x"}).status_code == 403
    bad = {"category": cat("B").pk, "severity": "general", "source": "other", "title": "t"}
    response = client_for(insp.members[0]).post(url, {**bad, "description": "d"})
    assert response.status_code == 200
    assert "is-invalid" in response.content.decode()
    assert (Finding.objects.count(), AuditEvent.objects.count()) == before


def test_detail_edit_confirm_withdraw(insp: Inspection) -> None:
    b = insp.extra["b"]
    member, leader = client_for(insp.members[0]), client_for(insp.leaders[0])
    before = AuditEvent.objects.filter(kind="read").count()
    assert member.get(f"/inspections/findings/{b.pk}/").status_code == 200
    assert AuditEvent.objects.filter(kind="read").count() == before + 1
    assert client_for(insp.members[1]).get(f"/inspections/findings/{b.pk}/").status_code == 403
    edit = f"/inspections/findings/{b.pk}/edit/"
    assert member.get(edit).status_code == 200
    form = {
        "category": cat("A2").pk,
        "severity": "minor",
        "source": "interview",
        "title": "科技投入不足",
        "description": "研发投入低。",
    }
    assert member.post(edit, form).status_code == 302
    b.refresh_from_db()
    assert (b.title, b.category.code) == ("科技投入不足", "A2")
    assert member.post(f"/inspections/findings/{b.pk}/confirm/").status_code == 403
    assert leader.get(f"/inspections/findings/{b.pk}/confirm/").status_code == 405
    response = leader.post(f"/inspections/findings/{b.pk}/confirm/", {"back": "target"})
    assert response["Location"] == f"/inspections/targets/{insp.targets[0].pk}/"
    b.refresh_from_db()
    assert b.state == "confirmed"
    assert member.get(edit).status_code == 200  # the recorder may open it; saving is refused
    assert member.post(edit, form).status_code == 200
    again = leader.post(
        f"/inspections/findings/{b.pk}/confirm/", follow=True, headers={"accept-language": "en"}
    )
    assert "cannot go from" in again.content.decode()
    b.refresh_from_db()
    assert b.state == "confirmed"
    withdraw = f"/inspections/findings/{b.pk}/withdraw/"
    assert member.get(withdraw).status_code == 403
    assert leader.post(withdraw, {"reason": ""}).status_code == 200
    b.refresh_from_db()
    assert b.state == "confirmed"
    assert leader.post(withdraw, {"reason": "查无实据"}).status_code == 302
    b.refresh_from_db()
    assert (b.state, b.withdrawn_reason) == ("withdrawn", "查无实据")


def test_reopen_and_recurrence_pages(insp: Inspection) -> None:
    a = insp.extra["a"]
    leader = client_for(insp.leaders[0])
    assert leader.post(f"/inspections/findings/{a.pk}/reopen/").status_code == 302
    a.refresh_from_db()
    assert a.state == "draft"
    url = f"/inspections/findings/{a.pk}/recurrence/"
    assert leader.get(url).status_code == 200
    assert client_for(insp.members[1]).get(url).status_code == 403
    # b was recorded after a: not a candidate, refused by the form.
    response = leader.post(url, {"recurrence_of": insp.extra["b"].pk})
    assert response.status_code == 200
    a.refresh_from_db()
    assert a.recurrence_of is None


# --- evidence ----------------------------------------------------------------------------


def test_upload_and_download(insp: Inspection) -> None:
    b = insp.extra["b"]
    member = client_for(insp.members[0])
    url = f"/inspections/findings/{b.pk}/evidence/"
    bad = member.post(url, {"file": SimpleUploadedFile("病毒.exe", b"MZ")})
    assert bad.status_code == 200
    assert "病毒.exe" in bad.content.decode()
    assert not Evidence.objects.filter(finding=b).exists()
    ok = member.post(url, {"file": SimpleUploadedFile("笔录.pdf", PDF), "back": "target"})
    assert ok.status_code == 302
    assert ok["Location"] == f"/inspections/targets/{insp.targets[0].pk}/"
    item = Evidence.objects.get(finding=b)
    assert (
        client_for(insp.members[1])
        .post(url, {"file": SimpleUploadedFile("a.pdf", PDF)})
        .status_code
        == 403
    )
    download = f"/inspections/evidence/{item.pk}/"
    before = AuditEvent.objects.count()
    response = client_for(insp.leaders[0]).get(download)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment")
    assert response["Content-Type"] == "application/pdf"
    event = AuditEvent.objects.get(seq__gt=AuditEvent.objects.order_by("seq")[before - 1].seq)
    assert (event.kind, event.action) == ("read", "evidence.download")
    for user in (insp.members[1], insp.extra["unit"], insp.extra["sector"]):
        assert client_for(user).get(download).status_code == 403
    assert AuditEvent.objects.count() == before + 1


def test_same_file_is_pointed_out(insp: Inspection) -> None:
    evidence_service.add_evidence(
        actor=insp.members[0],
        finding=insp.extra["c"],
        uploaded_file=SimpleUploadedFile("副本.pdf", PDF),
    )
    html = client_for(insp.office).get(f"/inspections/findings/{insp.extra['a'].pk}/").content
    assert "超标准配车".encode() in html
    assert b"data-same-file" in html


# --- the findings list and the export ------------------------------------------------------


def test_list_filters_and_scope(insp: Inspection) -> None:
    member = client_for(insp.members[0])
    html = member.get("/inspections/findings/").content.decode()
    assert "超标准配车" in html and "支部活动流于形式" not in html
    html = member.get(f"/inspections/findings/?target={insp.targets[1].pk}").content.decode()
    assert "超标准配车" in html and "主业投入不足" not in html
    html = member.get("/inspections/findings/?state=confirmed").content.decode()
    assert "=违规公款吃喝" in html and "超标准配车" not in html
    html = member.get("/inspections/findings/?q=主业").content.decode()
    assert "主业投入不足" in html and "超标准配车" not in html
    refused = member.get(f"/inspections/findings/?target={insp.targets[2].pk}")
    assert refused.status_code == 200 and "支部活动流于形式" not in refused.content.decode()
    assert "is-invalid" in refused.content.decode()
    for user in (insp.extra["unit"], insp.extra["sector"]):
        assert client_for(user).get("/inspections/findings/").status_code == 403
        assert client_for(user).get("/inspections/findings/export.xlsx").status_code == 403


def test_list_paginates(insp: Inspection) -> None:
    for i in range(55):
        Finding.objects.create(
            target=insp.targets[1],
            category=cat("A1"),
            title=f"批量{i}",
            description="d",
            source="other",
        )
    client = client_for(insp.office)
    first = client.get("/inspections/findings/?target=" + str(insp.targets[1].pk))
    assert first.content.decode().count("data-finding=") == 50
    second = client.get(f"/inspections/findings/?target={insp.targets[1].pk}&page=2")
    assert second.content.decode().count("data-finding=") == 6


def read_sheet(content: bytes) -> list[list[Any]]:
    book = openpyxl.load_workbook(io.BytesIO(content))
    return [list(row) for row in book.active.iter_rows(values_only=True)]


def test_export_is_the_filtered_list(insp: Inspection) -> None:
    client = client_for(insp.members[0])
    client.cookies["jiandu_language"] = "en"
    before = AuditEvent.objects.filter(action="finding.export").count()
    response = client.get(f"/inspections/findings/export.xlsx?category={cat('B').pk}")
    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    assert response["Content-Disposition"].startswith("attachment")
    rows = read_sheet(response.content)
    assert rows[0] == [
        "Round", "Team", "Target", "Category code", "Category", "Title", "Severity",
        "Source", "State", "Leaders concerned", "Recorded by", "Recorded at",
    ]  # fmt: skip
    a, c = insp.extra["a"], insp.extra["c"]
    assert [r[5] for r in rows[1:]] == [a.title, c.title]
    first = rows[1]
    assert first[:5] == [
        insp.round.name_en,
        insp.teams[0].name_zh,
        insp.units[0].name_zh,
        "B3",
        cat("B3").name_en,
    ]
    assert first[6:11] == [
        "Serious",
        "Documents",
        "Confirmed by the team leader",
        "王五",
        "member1",
    ]
    assert isinstance(first[11], dt.datetime)
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    assert book.active["F2"].data_type == "s"  # "=..." stays text, never a formula
    event = AuditEvent.objects.filter(action="finding.export").get()
    assert AuditEvent.objects.filter(action="finding.export").count() == before + 1
    assert event.kind == "read" and event.changes["rows"] == 2
    assert event.changes["filters"] == {"category": cat("B").pk}


def test_export_headers_follow_the_language(insp: Inspection) -> None:
    client = client_for(insp.office)
    client.cookies["jiandu_language"] = "zh-hans"
    rows = read_sheet(client.get("/inspections/findings/export.xlsx").content)
    with translation.override("zh-hans"):
        assert rows[0][2] == translation.pgettext("inspection", "Target")
    assert any(not str(h).isascii() for h in rows[0])
    assert len(rows) == 5  # every finding the office sees
    assert client.get("/inspections/findings/export.xlsx?state=nonsense").status_code == 400


# --- the heat map ---------------------------------------------------------------------------


def test_common_problems_page(insp: Inspection) -> None:
    for user in (insp.office, insp.extra["sector"]):
        client = client_for(user)
        response = client.get("/inspections/common-problems/")
        assert response.status_code == 200
        html = response.content.decode()
        assert 'data-chart="heatmap"' in html and 'id="heatmap-data"' in html
        assert "heatmap-table" in html
        assert "=违规公款吃喝" not in html  # counts only, never the text
        assert response.context["heat"].total == 4
        # the table: one row per target, its total the target's count
        heat = response.context["heat"]
        assert html.count("<tr data-target=") == len(heat.targets)
        assert [t for t, _counts, _total in heat.by_target] == heat.targets
        assert sum(total for _t, _counts, total in heat.by_target) == 4
        same = client.get(f"/inspections/common-problems/?round={insp.round.pk}")
        assert same.context["heat"].total == 4
    for user in (insp.leaders[0], insp.members[0], insp.extra["unit"]):
        assert client_for(user).get("/inspections/common-problems/").status_code == 403
    office = client_for(insp.office)
    assert office.get("/inspections/common-problems/?round=999999").status_code == 403
    assert office.get(f"/inspections/common-problems/?round={2**64}").status_code == 403
    bad = office.get("/inspections/common-problems/?round=abc")
    assert bad.status_code == 200 and bad.context["heat"] is None and bad.context["error"]


# --- the API -------------------------------------------------------------------------------


def test_api_list_and_detail(insp: Inspection) -> None:
    member = client_for(insp.members[0])
    listing = member.get("/api/inspections/findings").json()
    assert {f["title"] for f in listing["items"]} == {"=违规公款吃喝", "主业投入不足", "超标准配车"}
    only = member.get(f"/api/inspections/findings?target_id={insp.targets[1].pk}").json()
    assert [f["title"] for f in only["items"]] == ["超标准配车"]
    assert (
        member.get(f"/api/inspections/findings?target_id={insp.targets[2].pk}").status_code == 403
    )
    assert member.get("/api/inspections/findings?state=nonsense").status_code == 422
    a = insp.extra["a"]
    detail = member.get(f"/api/inspections/findings/{a.pk}").json()
    assert detail["leader_ids"] == [insp.extra["boss"].pk]
    assert detail["evidence"][0]["sha256"] == insp.extra["evidence"].sha256
    assert detail["category_code"] == "B3" and detail["state"] == "confirmed"
    assert member.get(f"/api/inspections/findings/{insp.extra['d'].pk}").status_code == 403
    assert member.get(f"/api/inspections/findings/{2**63}").status_code == 422
    assert client_for(insp.extra["unit"]).get("/api/inspections/findings").status_code == 403


def test_api_create_and_transitions(insp: Inspection) -> None:
    member, leader = client_for(insp.members[0]), client_for(insp.leaders[0])
    payload = {
        "target_id": insp.targets[0].pk,
        "category_id": cat("B4").pk,
        "title": "收受礼金",
        "description": "节日期间收受礼金。",
        "source": "petition",
        "leader_ids": [insp.extra["boss"].pk],
    }
    created = member.post("/api/inspections/findings", payload, content_type="application/json")
    assert created.status_code == 201
    pk = created.json()["id"]
    assert created.json()["state"] == "draft"
    before = (Finding.objects.count(), AuditEvent.objects.count())
    other = client_for(insp.members[1])
    assert (
        other.post(
            "/api/inspections/findings", payload, content_type="application/json"
        ).status_code
        == 403
    )
    top = {**payload, "category_id": cat("B").pk}
    refused = member.post("/api/inspections/findings", top, content_type="application/json")
    assert refused.status_code == 422 and "category_id" in refused.json()["errors"]
    huge = {**payload, "leader_ids": [2**63]}
    assert (
        member.post("/api/inspections/findings", huge, content_type="application/json").status_code
        == 422
    )
    assert (Finding.objects.count(), AuditEvent.objects.count()) == before
    patched = member.patch(
        f"/api/inspections/findings/{pk}",
        {"title": "收受礼金礼卡"},
        content_type="application/json",
    )
    assert patched.status_code == 200 and patched.json()["title"] == "收受礼金礼卡"
    assert member.post(f"/api/inspections/findings/{pk}/confirm").status_code == 403
    confirmed = leader.post(f"/api/inspections/findings/{pk}/confirm")
    assert confirmed.status_code == 200 and confirmed.json()["state"] == "confirmed"
    assert leader.post(f"/api/inspections/findings/{pk}/confirm").status_code == 422
    reopened = leader.post(f"/api/inspections/findings/{pk}/reopen")
    assert reopened.json()["state"] == "draft"
    no_reason = leader.post(
        f"/api/inspections/findings/{pk}/withdraw", {"reason": ""}, content_type="application/json"
    )
    assert no_reason.status_code == 422
    withdrawn = leader.post(
        f"/api/inspections/findings/{pk}/withdraw",
        {"reason": "重复"},
        content_type="application/json",
    )
    assert (
        withdrawn.json()["state"] == "withdrawn" and withdrawn.json()["withdrawn_reason"] == "重复"
    )


def test_api_evidence_upload(insp: Inspection) -> None:
    b = insp.extra["b"]
    member = client_for(insp.members[0])
    url = f"/api/inspections/findings/{b.pk}/evidence"
    ok = member.post(url, {"file": SimpleUploadedFile("证明.pdf", PDF)})
    assert ok.status_code == 201
    assert ok.json()["original_name"] == "证明.pdf" and ok.json()["size"] == len(PDF)
    bad = member.post(url, {"file": SimpleUploadedFile("证明.pdf", b"not a pdf")})
    assert bad.status_code == 422 and "证明.pdf" in bad.json()["errors"]["file"]
    other = client_for(insp.members[1]).post(url, {"file": SimpleUploadedFile("a.pdf", PDF)})
    assert other.status_code == 403
    assert Evidence.objects.filter(finding=b).count() == 1


def test_api_common_problems(insp: Inspection) -> None:
    url = f"/api/inspections/common-problems?round_id={insp.round.pk}"
    body = client_for(insp.extra["sector"]).get(url).json()
    assert body["total"] == 4
    rows = {r["code"]: r for r in body["rows"]}
    assert rows["B3"]["counts"] == [1, 1, 0]
    assert rows["B"]["is_top"] and rows["B"]["total"] == 2
    assert client_for(insp.leaders[0]).get(url).status_code == 403
    assert (
        client_for(insp.office).get("/api/inspections/common-problems?round_id=999999").status_code
        == 403
    )
