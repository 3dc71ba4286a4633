"""A benchmark process's own peak resident memory.

Read from `VmHWM` in /proc/self/status, not from getrusage's `ru_maxrss`: on Linux a
process started by fork and exec inherits the parent's high-water mark when it was
higher, so a measured process whose parent had generated or ingested a world would
report the parent's memory (the catalogue on the small world showed the 2.5 GB of the
province ingest that ran before it). Other systems fall back to `ru_maxrss`.
"""

from __future__ import annotations

import os
import resource
import sys
from pathlib import Path

STATUS = Path("/proc/self/status")
HERE = Path(__file__).resolve().parent


def child_env(**extra: str) -> dict[str, str]:
    """The environment of a measured `python -c` process: this directory on its path, so
    that it can import this module."""
    path = os.pathsep.join(p for p in (str(HERE), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PYTHONPATH": path, **extra}


def peak_rss_mib() -> float:
    """The peak resident memory of this process, in MiB, to one decimal."""
    if STATUS.exists():
        for line in STATUS.read_text().splitlines():
            if line.startswith("VmHWM:"):
                return round(int(line.split()[1]) / 1024, 1)
    kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return round(kib / 1024 / (1024 if sys.platform == "darwin" else 1), 1)
