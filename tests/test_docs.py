"""The documentation states facts about the code; these tests keep them true."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.django_db
def test_roles_table_matches_the_shipped_roles() -> None:
    from jiandu.accounts.models import Role

    text = (ROOT / "docs" / "permissions.md").read_text(encoding="utf-8")
    documented = {}
    for line in text.splitlines():
        m = re.match(r"\| .*\(`(\w+)`\) \| (.*?) \|", line)
        if m:
            documented[m.group(1)] = sorted(re.findall(r"`([\w.]+)`", m.group(2)))
    shipped = {r.code: sorted(r.actions) for r in Role.objects.all()}
    assert documented == shipped


def test_readme_lists_every_cli_command() -> None:
    from jiandu.cli import main

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in main.commands:
        assert f"`jiandu {name}" in readme, f"README does not document `jiandu {name}`"


def test_readme_and_ci_use_the_same_test_command() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "make demo" in readme and "make test" in readme
    assert re.search(r"^make test$", ci, re.MULTILINE)


def test_analytics_imports_no_django() -> None:
    result = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, jiandu.analytics.identity.idnumber; "
            "print(any(m == 'django' or m.startswith('django.') for m in sys.modules))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "False"
