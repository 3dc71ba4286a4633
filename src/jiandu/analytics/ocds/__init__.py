"""OCDS procurement red flags with the answers of cardinal-rs (`jiandu ocds`).

`run` / `run_file` calculate the indicators over line-delimited compiled releases;
`settings.load` reads a cardinal-rs settings file; `prepare.check` reports the
data-quality problems that stop indicators from working; `catalogue.hits` turns an
indicator's results over the warehouse into supervision hits.
"""

from __future__ import annotations

from .engine import Result, run, run_file
from .settings import CODES, DEFAULT_SETTINGS, Settings, SettingsError, load

__all__ = [
    "CODES",
    "DEFAULT_SETTINGS",
    "Result",
    "Settings",
    "SettingsError",
    "load",
    "run",
    "run_file",
]
