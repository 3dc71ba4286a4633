"""The `jiandu` command: in-process through click's runner on the test database, and end to
end in subprocesses against a fresh data directory."""

from __future__ import annotations

import os
import re
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result
from django.db import connection

from jiandu.cli import main

EXPECTED_COMMANDS = {"init", "demo", "serve", "worker", "manage", "createuser", "audit"}
JIANDU = Path(sys.executable).with_name("jiandu")

Invoke = Callable[..., Result]


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch, settings: Any, tmp_path: Path) -> Iterator[Invoke]:
    """Runs the command in this process. pytest-django has set Django up already, so the
    command's own setup is marked done; it would otherwise reconfigure logging onto the
    runner's temporary streams and leave the "cli" request context active for later tests."""
    from jiandu.cli import django_setup
    from jiandu.core import context

    monkeypatch.setattr(django_setup, "_ready", True)
    monkeypatch.setenv("JIANDU_DEMO_WORLD", "none")
    settings.DATA_DIR = tmp_path
    settings.STATIC_ROOT = tmp_path / "static"
    token = context.activate(context.RequestContext(channel="cli"))
    runner = CliRunner()

    def invoke(*args: str, **kwargs: Any) -> Result:
        return runner.invoke(main, list(args), prog_name="jiandu", catch_exceptions=False, **kwargs)

    try:
        yield invoke
    finally:
        context.reset(token)


# --- help ----------------------------------------------------------------------------------


def test_help_lists_every_command_with_one_line() -> None:
    assert set(main.commands) >= EXPECTED_COMMANDS
    proc = subprocess.run(
        [str(JIANDU), "--help"],
        capture_output=True,
        text=True,
        timeout=30,
        env={**os.environ, "COLUMNS": "120"},
        check=False,
    )
    assert proc.returncode == 0, proc.stderr
    out = proc.stdout
    assert "Usage: jiandu" in out
    section = out.split("Commands:", 1)[1]
    rows = {
        m.group(1): m.group(2)
        for m in re.finditer(r"^  (\S+)\s+(.+)$", section, flags=re.MULTILINE)
    }
    assert set(rows) == set(main.commands)
    for name, command in main.commands.items():
        summary = (command.help or "").strip().splitlines()[0]
        assert summary, f"{name} has no help"
        assert rows[name].rstrip(".").startswith(summary[:30].rstrip(".")), (name, rows[name])


def test_every_command_has_help(cli: Invoke) -> None:
    for name in main.commands:
        result = cli(name, "--help")
        assert result.exit_code == 0, (name, result.output)
        assert f"Usage: jiandu {name}" in result.output
    result = cli("audit", "--help")
    assert "verify" in result.output
    assert "first broken event" in result.output


# --- audit verify --------------------------------------------------------------------------


def _record_events(n: int) -> list[Any]:
    from django.db import transaction

    from jiandu.audit import services

    with transaction.atomic():
        return [services.record(actor=None, action=f"cli.test{i}") for i in range(n)]


def test_audit_verify_intact_then_tampered(cli: Invoke, db: Any) -> None:
    events = _record_events(4)
    result = cli("audit", "verify")
    assert result.exit_code == 0, result.output
    assert f"Audit chain intact: 4 events, last #{events[-1].seq}." in result.stdout

    k = events[1].seq
    with connection.cursor() as cursor:
        cursor.execute("UPDATE audit_auditevent SET action = %s WHERE seq = %s", ["cli.forged", k])
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"BROKEN at event #{k}:" in result.stderr
    assert "1 events before it are intact" in result.stderr
    assert result.stdout == ""


def test_audit_verify_names_a_deleted_event(cli: Invoke, db: Any) -> None:
    events = _record_events(3)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM audit_auditevent WHERE seq = %s", [events[0].seq])
    result = cli("audit", "verify")
    assert result.exit_code == 1
    assert f"#{events[1].seq}" in result.stderr
    assert "missing" in result.stderr


# --- createuser ----------------------------------------------------------------------------


def test_createuser_gives_a_global_role(cli: Invoke, db: Any) -> None:
    from jiandu.accounts.models import RoleAssignment, User
    from jiandu.audit.models import AuditEvent

    result = cli(
        "createuser",
        "chief",
        "--role",
        "system_admin",
        "--role",
        "auditor",
        "--display-name",
        "首席管理员",
        "--password",
        "Plenty-long-pass-2026",
    )
    assert result.exit_code == 0, result.output
    assert "Created chief (system_admin, auditor)." in result.output
    user = User.objects.get(username="chief")
    assert user.display_name == "首席管理员"
    assert user.check_password("Plenty-long-pass-2026")
    grants = RoleAssignment.objects.filter(user=user)
    assert {g.role.code for g in grants} == {"system_admin", "auditor"}
    assert {g.scope_kind for g in grants} == {"global"}
    assert {g.org_unit_id for g in grants} == {None}
    event = AuditEvent.objects.get(action="user.create", target_id=str(user.pk))
    assert event.changes["roles"] == ["system_admin", "auditor"]
    assert event.channel == "cli"


def test_createuser_prompts_for_the_password(cli: Invoke, db: Any) -> None:
    from jiandu.accounts.models import User

    result = cli("createuser", "second", input="Another-good-pw-77\nAnother-good-pw-77\n")
    assert result.exit_code == 0, result.output
    assert "Created second (no role yet)." in result.output
    assert User.objects.get(username="second").check_password("Another-good-pw-77")


def test_createuser_refuses_an_unknown_role(cli: Invoke, db: Any) -> None:
    from jiandu.accounts.models import Role, User

    result = cli("createuser", "bob", "--role", "no_such_role", "--password", "Plenty-long-88x")
    assert result.exit_code == 1
    message = result.stderr
    assert message.startswith("Error:")
    assert "no_such_role" in message
    # The message lists the roles there are, so the operator can correct the command.
    for code in Role.objects.values_list("code", flat=True):
        assert code in message
    assert "Traceback" not in result.output
    assert not User.objects.filter(username="bob").exists()


def test_createuser_refuses_a_weak_password_and_a_taken_name(cli: Invoke, db: Any) -> None:
    from jiandu.accounts.models import User

    result = cli("createuser", "carol", "--password", "12345")
    assert result.exit_code == 1
    assert not User.objects.filter(username="carol").exists()
    assert cli("createuser", "carol", "--password", "Plenty-long-88x").exit_code == 0
    again = cli("createuser", "Carol", "--password", "Plenty-long-99y")
    assert again.exit_code == 1
    assert User.objects.filter(username__iexact="carol").count() == 1


# --- demo ----------------------------------------------------------------------------------


def _demo_counts() -> dict[str, int]:
    from jiandu.accounts.models import OrgUnit, Person, Post, RoleAssignment, User
    from jiandu.audit.models import AuditEvent

    return {
        "units": OrgUnit.objects.count(),
        "people": Person.objects.count(),
        "posts": Post.objects.count(),
        "users": User.objects.count(),
        "assignments": RoleAssignment.objects.count(),
        "events": AuditEvent.objects.count(),
    }


def test_demo_no_serve_loads_once(cli: Invoke, db: Any, tmp_path: Path) -> None:
    from jiandu.accounts.models import OrgUnit, Role, RoleAssignment, User
    from jiandu.audit import services

    first = cli("demo", "--no-serve")
    assert first.exit_code == 0, first.output
    assert (tmp_path / "static" / "jiandu" / "jiandu.js").exists()
    roles = set(Role.objects.values_list("code", flat=True))
    assert len(roles) >= 13
    counts = _demo_counts()

    top = OrgUnit.objects.filter(parent=None)
    groups = top.filter(code__regex=r"^SOE-[0-9]{2}$", kind=OrgUnit.Kind.ENTERPRISE)
    departments = top.filter(code__regex=r"^DEP-[0-9]{2}$", kind=OrgUnit.Kind.DEPARTMENT)
    assert groups.count() == 27
    assert departments.count() == 6
    bodies = {"INS-OFFICE", "CDI", "ORG-DEPT"}
    assert (
        set(top.exclude(pk__in=groups).exclude(pk__in=departments).values_list("code", flat=True))
        == bodies
    )
    # Every enterprise group has subsidiaries below it, in the materialized path too.
    for group in groups:
        children = OrgUnit.objects.filter(parent=group)
        assert children.filter(kind=OrgUnit.Kind.SUBSIDIARY).exists()
        assert all(c.path.startswith(group.path) and c.depth == 1 for c in children)

    # One demo account per role, each account holding exactly its role (besides the places
    # on the reference round's teams: team-scoped assignments and the teams' own accounts).
    # (and the liaison accounts of the inspected units in rectification, liaison-<code>).
    own_accounts = User.objects.exclude(username__regex=r"^(team[0-9]{2}-|liaison-)")
    assert own_accounts.count() == len(roles)
    held = list(
        RoleAssignment.objects.exclude(scope_kind="object")
        .exclude(user__username__startswith="liaison-")
        .values_list("user__username", "role__code")
    )
    assert sorted(code for _, code in held) == sorted(roles)
    assert len({username for username, _ in held}) == len(roles)
    admin = User.objects.get(username="admin")
    from django.conf import settings

    assert admin.check_password(settings.JIANDU["DEMO_PASSWORD"])
    assert f"{counts['units']} org units ({counts['units']} new)" in first.output
    assert f"{len(roles)} demo accounts ({len(roles)} new)" in first.output

    second = cli("demo", "--no-serve")
    assert second.exit_code == 0, second.output
    assert _demo_counts() == counts, "the second run created something"
    assert f"{counts['units']} org units (0 new)" in second.output
    assert f"{counts['people']} people (0 new)" in second.output
    assert f"{len(roles)} demo accounts (0 new)" in second.output
    assert services.verify_chain().ok


# --- end to end in subprocesses ------------------------------------------------------------

# A bound against a hanging command, not a speed budget: the demo's time is measured and
# reported; on a quiet 2-core machine the three commands take about 24 s.
BUDGET_SECONDS = 90.0


def test_init_demo_verify_on_a_fresh_data_dir(tmp_path: Path) -> None:
    """`jiandu init`, `jiandu demo --no-serve` and `jiandu audit verify` as an operator runs
    them: production settings, SQLite in a new data directory, within a hang bound."""
    data = tmp_path / "data"
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "SECRET_KEY", "JIANDU_DEBUG", "JIANDU_HTTPS"}
    }
    env.update(
        JIANDU_DATA_DIR=str(data),
        DJANGO_SETTINGS_MODULE="jiandu.settings",
        JIANDU_DEMO_WORLD="none",
    )
    start = time.monotonic()

    def run(*args: str) -> subprocess.CompletedProcess[str]:
        left = BUDGET_SECONDS - (time.monotonic() - start)
        if left <= 0:
            pytest.fail(f"over the {BUDGET_SECONDS:.0f} s budget before `jiandu {' '.join(args)}`")
        return subprocess.run(
            [str(JIANDU), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=tmp_path,
            timeout=left,
            check=False,
        )

    init = run("init")
    assert init.returncode == 0, init.stderr
    assert f"data in {data}" in init.stdout
    assert "database sqlite" in init.stdout
    db_file = data / "jiandu.sqlite3"
    assert db_file.exists()
    assert (data / "secret_key").exists()
    assert (data / "static" / "staticfiles.json").exists()  # the production manifest

    demo = run("demo", "--no-serve")
    assert demo.returncode == 0, demo.stderr
    from jiandu.demo.loader import ACCOUNTS

    assert f"{len(ACCOUNTS)} demo accounts ({len(ACCOUNTS)} new)" in demo.stdout

    verify = run("audit", "verify")
    assert verify.returncode == 0, verify.stderr
    assert "Audit chain intact" in verify.stdout

    with sqlite3.connect(db_file) as db:
        (password,) = db.execute(
            "SELECT password FROM accounts_user WHERE username = 'admin'"
        ).fetchone()
        assert password.startswith("argon2$")
        (loads,) = db.execute(
            "SELECT count(*) FROM audit_auditevent WHERE action = 'demo.load' AND channel = 'cli'"
        ).fetchone()
        assert loads == 1
        (last,) = db.execute("SELECT max(seq) FROM audit_auditevent").fetchone()
        db.execute("UPDATE audit_auditevent SET client_address = '6.6.6.6' WHERE seq = ?", [last])
    db.close()

    broken = run("audit", "verify")
    assert broken.returncode == 1
    assert f"BROKEN at event #{last}:" in broken.stderr
    assert time.monotonic() - start < BUDGET_SECONDS
