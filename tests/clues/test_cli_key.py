"""`jiandu clues keygen` and `check-key`, and the deploy check of the key."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from click.testing import CliRunner
from django.core.checks import run_checks

from jiandu.cli import main
from jiandu.clues import crypto

from .conftest import People


def test_keygen_prints_a_32_byte_key() -> None:
    result = CliRunner().invoke(main, ["clues", "keygen"])
    assert result.exit_code == 0
    key = result.output.strip()
    assert len(base64.urlsafe_b64decode(key)) == 32
    assert key != CliRunner().invoke(main, ["clues", "keygen"]).output.strip()


def test_the_deploy_check_warns_without_a_key(monkeypatch: Any) -> None:
    monkeypatch.delenv(crypto.ENV, raising=False)
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "clues.W001" in ids
    monkeypatch.setenv(crypto.ENV, crypto.generate())
    ids = {m.id for m in run_checks(include_deployment_checks=True)}
    assert "clues.W001" not in ids and "clues.E001" not in ids
    monkeypatch.setenv(crypto.ENV, "c2hvcnQ")
    assert "clues.E001" in {m.id for m in run_checks(include_deployment_checks=True)}


@pytest.mark.django_db
def test_check_key_opens_everything_or_names_what_not(
    people: People, register: Any, monkeypatch: Any
) -> None:
    pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
    clue = register(attachments=[("a.pdf", pdf)])
    ok = CliRunner().invoke(main, ["clues", "check-key"])
    assert ok.exit_code == 0, ok.output
    assert "2 protected fields, 1 attachments: 0 do not open" in ok.output
    monkeypatch.setenv(crypto.ENV, crypto.generate())
    bad = CliRunner().invoke(main, ["clues", "check-key"])
    assert bad.exit_code == 1
    assert f"{clue.number} whistleblower_name: encrypted with another key" in bad.output
