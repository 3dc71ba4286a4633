"""The synthetic-world generator: time and peak memory per scale.

Each scale is generated in a fresh process (`jiandu.analytics.synth.generate`), which
reports its wall time, CPU time and peak resident memory; the rows of every file are then
counted. Prints a table and writes benchmarks/out/synth.json.

    python benchmarks/synth.py --scale tiny --scale small
    python benchmarks/synth.py --scale province   # >= 1M people, 10M payments
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from peak import child_env

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SEED = 20240501

CHILD = """
import json, sys, time
from pathlib import Path
from jiandu.analytics.synth import generate
from peak import peak_rss_mib
started, cpu = time.perf_counter(), time.process_time()
generate(sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]))
print(json.dumps({
    "seconds": round(time.perf_counter() - started, 1),
    "cpu_seconds": round(time.process_time() - cpu, 1),
    "peak_rss_mb": peak_rss_mib(),
}))
"""


def count_rows(directory: Path) -> dict[str, int]:
    rows = {}
    for path in sorted(directory.rglob("*")):
        if path.is_file():
            with path.open("rb") as f:
                lines = sum(block.count(b"\n") for block in iter(lambda: f.read(1 << 20), b""))
            header = 1 if path.suffix == ".csv" else 0
            rows[str(path.relative_to(directory))] = lines - header
    return rows


def bench_scale(scale: str) -> dict[str, Any]:
    target = Path(tempfile.mkdtemp(prefix=f"jiandu-synth-{scale}-"))
    try:
        proc = subprocess.run(
            [sys.executable, "-c", CHILD, scale, str(SEED), str(target)],
            check=True, capture_output=True, text=True,
            env=child_env(),
        )  # fmt: skip
        result: dict[str, Any] = {"scale": scale, "seed": SEED, **json.loads(proc.stdout)}
        rows = count_rows(target)
        result["rows"] = rows
        result["total_rows"] = sum(rows.values())
        result["bytes"] = sum(p.stat().st_size for p in target.rglob("*") if p.is_file())
        result["rows_per_second"] = round(result["total_rows"] / max(result["seconds"], 0.1))
        return result
    finally:
        shutil.rmtree(target, ignore_errors=True)


def run(scales: list[str]) -> list[dict[str, Any]]:
    """Benchmark the scales, print the table and write benchmarks/out/synth.json."""
    results = [bench_scale(scale) for scale in scales]
    OUT.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "synth",
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
    }
    (OUT / "synth.json").write_text(json.dumps(payload, indent=2))
    print("\nsynthetic-world generator (one process per scale)")
    header = ("scale", "seconds", "cpu s", "peak MB", "rows", "MB on disk")
    print(
        f"{header[0]:<10} "
        + " ".join(f"{h:>{w}}" for h, w in zip(header[1:], (8, 8, 8, 12, 10), strict=True))
    )
    for r in results:
        print(
            f"{r['scale']:<10} {r['seconds']:>8} {r['cpu_seconds']:>8} {r['peak_rss_mb']:>8} "
            f"{r['total_rows']:>12,} {r['bytes'] / 1e6:>10.0f}"
        )
    for r in results:
        main = ("persons.csv", "organizations.csv", "contracts.csv", "payments.csv", "invoices.csv")
        print(f"  {r['scale']}: " + ", ".join(f"{k} {r['rows'][k]:,}" for k in main))
    print(f"written: {OUT / 'synth.json'}")
    return results


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--scale", action="append", choices=["tiny", "small", "province"], default=None
    )
    args = parser.parse_args()
    run(args.scale or ["tiny", "small"])
    return 0


if __name__ == "__main__":
    sys.exit(main())
