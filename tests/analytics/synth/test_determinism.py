"""Same scale and seed, same bytes; another seed, another world."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
from pathlib import Path

import pytest

from jiandu.analytics.synth import generate


def digests(directory: Path) -> dict[str, str]:
    return {
        str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


def test_same_seed_same_bytes(tiny_world: Path, tmp_path: Path) -> None:
    """Also in another process with another string-hash seed."""
    again = generate("tiny", 7, tmp_path / "again")
    assert digests(again) == digests(tiny_world)
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    subprocess.run(
        [str(Path(sys.executable).with_name("jiandu")), "synth", "--scale", "tiny", "--seed", "7",
         str(tmp_path / "process")],
        check=True, env=env, capture_output=True,
    )  # fmt: skip
    assert digests(tmp_path / "process") == digests(tiny_world)


def test_another_seed_another_world(tiny_world: Path, tmp_path: Path) -> None:
    other = digests(generate("tiny", 8, tmp_path / "other"))
    mine = digests(tiny_world)
    assert other.keys() == mine.keys()
    assert other["persons.csv"] != mine["persons.csv"]
    assert other["truth.csv"] != mine["truth.csv"]


def test_unknown_scale_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="unknown scale 'huge'"):
        generate("huge", 1, tmp_path)
    assert not any(tmp_path.iterdir())
