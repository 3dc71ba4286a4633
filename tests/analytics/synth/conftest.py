from __future__ import annotations

from pathlib import Path

import pytest

from jiandu.analytics.synth import generate


@pytest.fixture(scope="session")
def tiny_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("tiny", 7, tmp_path_factory.mktemp("tiny"))


@pytest.fixture(scope="session")
def small_world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return generate("small", 11, tmp_path_factory.mktemp("small"))
