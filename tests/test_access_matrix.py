"""The access matrix: every page and API endpoint, for every demo role, allowed and refused.

One table, `ROWS`, names each URL pattern of `jiandu.urls` with concrete objects of the demo
data, the request to send, and which demo accounts may use it. Every demo account of
`jiandu.demo.loader.ACCOUNTS` (one per role) is tried on every row: an allowed account gets
the row's status (200, a 302 after a successful POST, 201 for an API creation), every other
account gets 403. API rows run twice: with the browser session and with a bearer token.
Anonymous visitors are sent to the sign-in page (pages) or get 401 (API).

The rows of the inspection module live in `tests/test_access_matrix_inspections.py`
(`ROWS`, with `objects()` adding what they need to the demo); they run here, on the same
demo installation, and the guards count them. Each test runs in its own transaction inside
the module's, so a row that changes something does so for one account only.

Guard tests fail when a URL pattern or an API operation is missing from either table, and
when a role has no demo account, so a new page cannot ship without its row.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve

from jiandu.demo.loader import ACCOUNTS

USERNAMES = [a.username for a in ACCOUNTS]
ROLE_OF = {a.username: a.role for a in ACCOUNTS}

EVERYONE = frozenset(USERNAMES)
NOBODY: frozenset[str] = frozenset()
# Scopes of the demo accounts (see ACCOUNTS): SOE-01 with its subordinate units, DEP-01, or all.
IN_SOE01 = frozenset({"leader", "member", "unit", "liaison"})
GLOBAL_VIEWERS = frozenset(
    {"admin", "office", "discipline", "orgdept", "clues", "handler", "analyst", "auditor"}
)
PEOPLE_GLOBAL = frozenset({"office", "discipline", "orgdept", "clues", "handler", "analyst"})
PEOPLE_VIEWERS = PEOPLE_GLOBAL | IN_SOE01
PEOPLE_MANAGERS = frozenset({"office", "orgdept"})
ORG_MANAGERS = frozenset({"office"})
ADMINS = frozenset({"admin"})
AUDITORS = frozenset({"auditor"})

INSPECTIONS = "tests/test_access_matrix_inspections.py"  # the inspection module's rows
LOGIN = "/accounts/login/"
LOGIN_REQUIRED = f"{LOGIN}?next="  # where login_required sends a visitor


@dataclass(frozen=True)
class Row:
    """One request. `path` and string values of `data` are formatted with the demo ids."""

    path: str
    allowed: frozenset[str]
    method: str = "GET"
    data: dict[str, Any] = field(default_factory=dict)
    ok: int = 200  # the status an allowed account gets
    refused: int = 403  # the status every other account gets
    anonymous: int | None = None  # None: 302 to sign-in (pages) or 401 (API)
    logs: str = ""  # the audit event an allowed request writes (proof that it took effect)
    note: str = ""
    upload: str = ""  # send a small PDF in this file field (multipart instead of JSON)

    @property
    def is_api(self) -> bool:
        return self.path.startswith("/api/")

    @property
    def id(self) -> str:
        return f"{self.method} {self.path}{' ' + self.note if self.note else ''}"

    def expected(self, username: str) -> int:
        return self.ok if username in self.allowed else self.refused


NEW_UNIT = {"code": "MATRIX-1", "name_zh": "矩阵测试单位", "kind": "other", "is_active": "on"}
NEW_PERSON = {"name": "测试人员", "title": "干部", "start_date": "2024-01-01"}
NEW_PASSWORD = {"password": "Matrix-pass-2026", "confirm": "Matrix-pass-2026"}

ROWS = [
    # --- shell, sign-in and the user's own pages -----------------------------------------
    Row("/", EVERYONE),
    Row("/healthz", EVERYONE, anonymous=200),
    Row(LOGIN, EVERYONE, ok=302, anonymous=200, note="(signed-in users go home)"),
    Row("/accounts/logout/", EVERYONE, method="POST", ok=302, anonymous=302, logs="auth.sign_out"),
    Row("/accounts/otp/", EVERYONE),
    Row("/me/", EVERYONE),
    Row(
        "/me/",
        EVERYONE,
        method="POST",
        data={"name": "matrix token"},
        note="(new token)",
        logs="token.create",
    ),
    Row(
        "/me/tokens/{office_token}/revoke/",
        frozenset({"office"}),
        method="POST",
        ok=302,
        logs="token.revoke",
    ),
    Row(
        "/i18n/setlang/",
        EVERYONE,
        method="POST",
        data={"language": "en", "next": "/"},
        ok=302,
        anonymous=302,
    ),
    # --- org units -------------------------------------------------------------------------
    Row("/org/", EVERYONE),
    Row("/org/new/", ORG_MANAGERS),
    Row("/org/new/?parent={soe01}", ORG_MANAGERS),
    Row("/org/new/", ORG_MANAGERS, method="POST", data=NEW_UNIT, ok=302, logs="orgunit.create"),
    Row("/org/new/", ORG_MANAGERS, method="POST", data={}, note="(invalid form)"),
    Row(
        "/org/new/?parent={soe01}",
        ORG_MANAGERS,
        method="POST",
        data=NEW_UNIT,
        ok=302,
        logs="orgunit.create",
    ),
    Row("/org/{soe01_sub}/", GLOBAL_VIEWERS | IN_SOE01),
    Row("/org/{dep01}/", GLOBAL_VIEWERS | {"sector"}),
    Row("/org/{soe02}/", GLOBAL_VIEWERS),
    Row("/org/{soe01_sub}/edit/", ORG_MANAGERS),
    Row(
        "/org/{soe01_sub}/edit/",
        ORG_MANAGERS,
        method="POST",
        data={"code": "SOE-01-1", "name_zh": "改名", "kind": "subsidiary", "is_active": "on"},
        ok=302,
        logs="orgunit.update",
    ),
    # --- people ----------------------------------------------------------------------------
    Row("/people/", PEOPLE_VIEWERS),
    Row("/people/?org={soe01}", PEOPLE_VIEWERS),
    Row("/people/new/?org={soe01}", PEOPLE_MANAGERS),
    Row(
        "/people/new/?org={soe01}",
        PEOPLE_MANAGERS,
        method="POST",
        data=NEW_PERSON,
        ok=302,
        logs="person.create",
    ),
    Row("/people/{person_in}/", PEOPLE_VIEWERS, logs="read"),
    Row("/people/{person_sub}/", PEOPLE_VIEWERS, logs="read"),
    Row("/people/{person_out}/", PEOPLE_GLOBAL, logs="read"),
    Row("/people/{person_in}/edit/", PEOPLE_MANAGERS),
    Row(
        "/people/{person_in}/edit/",
        PEOPLE_MANAGERS,
        method="POST",
        data={"name": "改名"},
        ok=302,
        logs="person.update",
    ),
    Row("/people/{person_in}/posts/new/", PEOPLE_MANAGERS),
    Row(
        "/people/{person_in}/posts/new/",
        PEOPLE_MANAGERS,
        method="POST",
        data={"title": "兼职", "start_date": "2024-01-01", "org_unit": "{soe01_sub}"},
        ok=302,
        logs="post.create",
    ),
    Row("/posts/{post_sub}/end/", PEOPLE_MANAGERS),
    Row(
        "/posts/{post_sub}/end/",
        PEOPLE_MANAGERS,
        method="POST",
        data={"end_date": "2024-06-30"},
        ok=302,
        logs="post.end",
    ),
    # --- accounts and roles ---------------------------------------------------------------
    Row("/manage/users/", ADMINS),
    Row("/manage/users/new/", ADMINS),
    Row(
        "/manage/users/new/",
        ADMINS,
        method="POST",
        data={"username": "matrix", "password": "Matrix-pass-2026"},
        ok=302,
        logs="user.create",
    ),
    Row("/manage/users/{member}/", ADMINS),
    Row(
        "/manage/users/{member}/edit/",
        ADMINS,
        method="POST",
        data={"display_name": "成员", "is_active": "on"},
        ok=302,
        logs="user.update",
    ),
    Row(
        "/manage/users/{member}/password/",
        ADMINS,
        method="POST",
        data=NEW_PASSWORD,
        ok=302,
        logs="user.password",
    ),
    Row("/manage/users/{member}/unlock/", ADMINS, method="POST", ok=302, logs="user.unlock"),
    Row(
        "/manage/users/{member}/assign/",
        ADMINS,
        method="POST",
        data={"role": "{analyst_role}", "scope_kind": "global", "include_descendants": "on"},
        ok=302,
        logs="role.assign",
    ),
    Row(
        "/manage/assignments/{member_assignment}/revoke/",
        ADMINS,
        method="POST",
        ok=302,
        logs="role.revoke",
    ),
    Row("/manage/roles/", ADMINS),
    Row("/manage/roles/{analyst_role}/", ADMINS),
    Row(
        "/manage/roles/{analyst_role}/",
        ADMINS,
        method="POST",
        data={"name_zh": "分析", "name_en": "Analyst", "actions": ["orgunit.view"]},
        ok=302,
        logs="role.update",
    ),
    # --- audit trail -----------------------------------------------------------------------
    Row("/audit/", AUDITORS),
    Row("/audit/{audit_seq}/", AUDITORS),
    Row("/audit/verify/", AUDITORS, method="POST", ok=302, logs="audit.verify"),
    # --- API -------------------------------------------------------------------------------
    Row("/api/", NOBODY, refused=404, anonymous=404, note="(ninja's root: names the base path)"),
    Row("/api/openapi.json", EVERYONE, anonymous=200),
    Row("/api/docs", EVERYONE, anonymous=200),
    Row("/api/org-units", EVERYONE),
    Row("/api/org-units?parent_id={soe01}", EVERYONE),
    Row(
        "/api/org-units",
        ORG_MANAGERS,
        method="POST",
        data={"code": "MATRIX-1", "name_zh": "矩阵", "kind": "other"},
        ok=201,
        logs="orgunit.create",
    ),
    Row(
        "/api/org-units",
        ORG_MANAGERS,
        method="POST",
        data={"code": "MATRIX-2", "name_zh": "矩阵", "kind": "other", "parent_id": "{soe01}"},
        ok=201,
        logs="orgunit.create",
        note="(under SOE-01)",
    ),
    Row("/api/org-units/{soe01_sub}", GLOBAL_VIEWERS | IN_SOE01),
    Row("/api/org-units/{dep01}", GLOBAL_VIEWERS | {"sector"}),
    Row("/api/people", PEOPLE_VIEWERS),
    Row("/api/people?org_unit_id={soe01}", PEOPLE_VIEWERS),
    Row(
        "/api/people",
        PEOPLE_MANAGERS,
        method="POST",
        data={**NEW_PERSON, "org_unit_id": "{soe01_sub}"},
        ok=201,
        logs="person.create",
    ),
    Row("/api/people/{person_in}", PEOPLE_VIEWERS, logs="read"),
    Row("/api/people/{person_out}", PEOPLE_GLOBAL, logs="read"),
]


def all_rows() -> list[Row]:
    """This module's rows and those of the inspection module."""
    from tests.test_access_matrix_clues import ROWS as CLUE_ROWS
    from tests.test_access_matrix_inspections import ROWS as INSPECTION_ROWS
    from tests.test_access_matrix_rectification import ROWS as RECTIFICATION_ROWS
    from tests.test_access_matrix_registers import ROWS as REGISTER_ROWS
    from tests.test_access_matrix_supervision import ROWS as SUPERVISION_ROWS

    return [
        *ROWS,
        *INSPECTION_ROWS,
        *RECTIFICATION_ROWS,
        *REGISTER_ROWS,
        *CLUE_ROWS,
        *SUPERVISION_ROWS,
    ]


def api_rows() -> list[Row]:
    return [r for r in all_rows() if r.is_api]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    """Parametrize `row` with every row (the API rows only, for bearer tokens). A hook
    rather than a decorator: the inspection module imports `Row` from here."""
    if "row" in metafunc.fixturenames:
        rows = api_rows() if metafunc.function is test_matrix_bearer_token else all_rows()
        metafunc.parametrize("row", rows, ids=[r.id for r in rows])


# --- the demo installation, loaded once for the module and rolled back afterwards ---------


@pytest.fixture(scope="module")
def demo(django_db_setup: Any, django_db_blocker: Any) -> Iterator[dict[str, Any]]:
    from jiandu.accounts import services
    from jiandu.accounts.models import OrgUnit, Post, Role, RoleAssignment, User
    from jiandu.audit.models import AuditEvent
    from jiandu.demo import load
    from tests.test_access_matrix_inspections import objects
    from tests.test_access_matrix_rectification import objects as rectification_objects
    from tests.test_access_matrix_supervision import objects as supervision_objects

    with django_db_blocker.unblock(), transaction.atomic():
        load()
        unit = dict(OrgUnit.objects.values_list("code", "pk"))
        posts = Post.objects.order_by("id")

        def first_post(code: str) -> Any:
            found = posts.filter(org_unit__code=code).first()
            assert found is not None, code
            return found

        tokens = {
            username: services.create_api_token(
                actor=User.objects.get(username=username), name="matrix"
            )
            for username in USERNAMES
        }
        # One signed-in session per account, made once: each test sends its cookie
        # (signing in for each of the thousands of tests would cost more than the request).
        sessions = {}
        for username in USERNAMES:
            signed_in = Client()
            signed_in.force_login(User.objects.get(username=username))
            sessions[username] = signed_in.cookies[settings.SESSION_COOKIE_NAME].value
        member = User.objects.get(username="member")
        ids = {
            "soe01": unit["SOE-01"],
            "soe02": unit["SOE-02"],
            "soe01_sub": unit["SOE-01-1"],
            "dep01": unit["DEP-01"],
            "person_in": first_post("SOE-01").person_id,
            "person_sub": first_post("SOE-01-1").person_id,
            "person_out": first_post("SOE-02").person_id,
            "post_sub": first_post("SOE-01-1").pk,
            "member": member.pk,
            # the org-unit grant of the demo account (the demo also puts member on team 1)
            "member_assignment": RoleAssignment.objects.get(
                user=member, scope_kind=RoleAssignment.ScopeKind.ORG_UNIT
            ).pk,
            "analyst_role": Role.objects.get(code="analyst").pk,
            "audit_seq": AuditEvent.objects.filter(action="demo.load").get().seq,
            "office_token": tokens["office"][0].pk,
            "raw_tokens": {username: raw for username, (_token, raw) in tokens.items()},
            "sessions": sessions,
        }
        ids.update(objects())
        ids.update(rectification_objects())
        from tests.test_access_matrix_clues import objects as clue_objects

        ids.update(clue_objects())
        ids.update(supervision_objects())
        # Check the deferred foreign keys of all this now, in the module's transaction:
        # PostgreSQL would otherwise check them again at the end of every test (the
        # checks fired in a rolled-back savepoint count as not done).
        connection.check_constraints()
        yield ids
        transaction.set_rollback(True)


def _fill(value: Any, ids: dict[str, Any]) -> Any:
    if isinstance(value, str):
        return value.format_map(ids)
    if isinstance(value, list):
        return [_fill(v, ids) for v in value]
    return value


PDF = b"%PDF-1.4\n%matrix\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


def pdf(name: str = "matrix.pdf") -> Any:
    """A small valid PDF upload (evidence)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def _json(data: dict[str, Any]) -> dict[str, Any]:
    """Ids as JSON numbers: keys ending in _id, and lists under keys ending in _ids."""
    out = dict(data)
    for key, value in data.items():
        if key.endswith("_id"):
            out[key] = int(value)
        elif key.endswith("_ids"):
            out[key] = [int(v) for v in value]
    return out


def _send(client: Client, row: Row, ids: dict[str, Any], **extra: Any) -> Any:
    path = row.path.format_map(ids)
    data = {k: _fill(v, ids) for k, v in row.data.items()}
    if row.method == "GET":
        return client.get(path, **extra)
    if row.upload:
        data[row.upload] = pdf()
        return client.post(path, data, **extra)
    if row.is_api:
        send = getattr(client, row.method.lower())
        return send(path, _json(data), content_type="application/json", **extra)
    return client.post(path, data, **extra)


def _check_trail(row: Row, username: str, allowed: bool, since: int) -> None:
    """An allowed request wrote its event (so it took effect); a refused one wrote nothing."""
    from jiandu.audit.models import AuditEvent

    written = [(e.action, e.actor_username) for e in AuditEvent.objects.filter(seq__gt=since)]
    if not allowed:
        assert written == [], f"a refused request left audit events: {written}"
    elif row.logs:
        assert (row.logs, username) in written, f"expected {row.logs!r} by {username}: {written}"


def _last_seq() -> int:
    from jiandu.audit.models import AuditEvent

    return AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0


def _describe(response: Any) -> str:
    location = response.get("Location", "")
    return f"{response.status_code} {location} {response.content[:300]!r}"


# --- the matrix ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERNAMES)
def test_matrix_session(demo: dict[str, Any], client: Client, row: Row, username: str) -> None:
    client.cookies[settings.SESSION_COOKIE_NAME] = demo["sessions"][username]
    since = _last_seq()
    response = _send(client, row, demo)
    assert response.status_code == row.expected(username), _describe(response)
    if response.status_code == 302:
        assert not response["Location"].startswith(LOGIN_REQUIRED), _describe(response)
    _check_trail(row, username, username in row.allowed, since)


@pytest.mark.django_db
@pytest.mark.parametrize("username", USERNAMES)
def test_matrix_bearer_token(demo: dict[str, Any], client: Client, row: Row, username: str) -> None:
    token = demo["raw_tokens"][username]
    since = _last_seq()
    response = _send(client, row, demo, headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == row.expected(username), _describe(response)
    _check_trail(row, username, username in row.allowed, since)


@pytest.mark.django_db
def test_matrix_anonymous(demo: dict[str, Any], client: Client, row: Row) -> None:
    since = _last_seq()
    response = _send(client, row, demo)
    if row.anonymous is not None:
        assert response.status_code == row.anonymous, _describe(response)
        if response.status_code == 302:
            assert not response["Location"].startswith(LOGIN_REQUIRED), _describe(response)
    elif row.is_api:
        assert response.status_code == 401, _describe(response)
    else:
        assert response.status_code == 302, _describe(response)
        assert response["Location"].startswith(LOGIN_REQUIRED), _describe(response)
    _check_trail(row, "", False, since)


@pytest.mark.django_db
def test_refusals_change_nothing(demo: dict[str, Any], client: Client) -> None:
    """A refused POST leaves no trace: no object, no audit event."""
    from jiandu.accounts.models import OrgUnit, User
    from jiandu.audit.models import AuditEvent

    before = AuditEvent.objects.count()
    client.force_login(User.objects.get(username="orgdept"))
    response = client.post("/org/new/", NEW_UNIT)
    assert response.status_code == 403
    response = client.post(
        "/api/org-units",
        {"code": "MATRIX-1", "name_zh": "矩阵", "kind": "other"},
        content_type="application/json",
    )
    assert response.status_code == 403
    assert not OrgUnit.objects.filter(code="MATRIX-1").exists()
    assert AuditEvent.objects.count() == before


@pytest.mark.django_db
def test_a_receiving_body_sees_only_what_was_sent_to_it(
    demo: dict[str, Any], client: Client
) -> None:
    """The functional department DEP-01 was itself inspected in the demo round, and a clue
    about its leaders went to the commission: the department sees the sector problems
    sent to it, never that clue (the statuses of the matrix cannot show this)."""
    from jiandu.inspections.models import Transfer

    about_dep01 = Transfer.objects.filter(kind="clue", target__org_unit_id=demo["dep01"])
    assert about_dep01.exclude(receiver_unit_id=demo["dep01"]).exists()
    client.cookies[settings.SESSION_COOKIE_NAME] = demo["sessions"]["sector"]
    listed = client.get("/api/inspections/transfers?limit=500").json()["items"]
    assert listed
    assert {t["receiver_unit_id"] for t in listed} == {demo["dep01"]}
    page = client.get("/inspections/transfers/")
    assert page.status_code == 200
    for transfer in about_dep01:
        assert transfer.summary not in page.content.decode()


# --- guards: the matrix covers every URL pattern, API operation and role ------------------


def _routes(patterns: list[Any], prefix: str = "") -> Iterator[str]:
    for p in patterns:
        if isinstance(p, URLResolver):
            yield from _routes(p.url_patterns, prefix + str(p.pattern))
        elif isinstance(p, URLPattern):
            yield prefix + str(p.pattern)


def _route_of(row: Row) -> str:
    any_id: defaultdict[str, int] = defaultdict(lambda: 1)
    return resolve(urlsplit(row.path.format_map(any_id)).path).route


def test_every_url_pattern_is_in_the_matrix() -> None:
    covered = {_route_of(row) for row in all_rows()}
    missing = sorted(set(_routes(get_resolver().url_patterns)) - covered)
    assert not missing, f"add these URL patterns to ROWS here or in {INSPECTIONS}: {missing}"


def test_every_api_operation_is_in_the_matrix() -> None:
    from jiandu.api.api import api

    paths = api.get_openapi_schema(path_prefix="/api/")["paths"]
    operations = {(method.upper(), path) for path, ops in paths.items() for method in ops}
    covered = {
        (row.method, "/" + re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", _route_of(row)))
        for row in api_rows()
    }
    missing = sorted(operations - covered)
    assert operations
    assert not missing, f"add these API operations to ROWS here or in {INSPECTIONS}: {missing}"


@pytest.mark.django_db
def test_every_role_has_a_demo_account() -> None:
    from jiandu.accounts.models import Role

    assert set(Role.objects.values_list("code", flat=True)) == set(ROLE_OF.values())
    assert len(USERNAMES) == len(set(USERNAMES))
