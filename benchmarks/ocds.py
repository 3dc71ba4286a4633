"""Time, CPU time and peak memory of `jiandu ocds indicators` over compiled releases.

Each size is a file of generated releases (benchmarks/ocds_releases.py; the same count
and seed give the same file), run with every indicator enabled (the settings `jiandu ocds
init` writes, uncommented sections only), as one command whose wall time, user plus
system CPU time (its worker processes included) and peak resident memory (the largest
process) are measured (`wait4`). Sizes: smoke runs
3,000 releases; full runs 100,000 and 1,000,000. Writes benchmarks/out/ocds.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import ocds_releases

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SIZES = {"smoke": [3_000], "full": [100_000, 1_000_000]}


def measure(args: list[str], stdout: Path) -> dict[str, float]:
    start = time.perf_counter()
    with stdout.open("wb") as out:
        proc = subprocess.Popen(args, stdout=out, stderr=subprocess.PIPE)
        assert proc.stderr is not None
        err = proc.stderr.read()
        _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{' '.join(args)} failed: {err.decode(errors='replace')}")
    return {
        "wall_s": round(wall, 2),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 2),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def bench(size: str, out_dir: Path = OUT) -> dict[str, Any]:
    exe = shutil.which("jiandu", path=str(Path(sys.executable).parent)) or "jiandu"
    data = out_dir / "ocds-data"
    data.mkdir(parents=True, exist_ok=True)
    settings = data / "settings.ini"
    subprocess.run([exe, "ocds", "init", "--force", str(settings)], check=True, capture_output=True)
    rows = []
    for count in SIZES[size]:
        started = time.perf_counter()
        path = ocds_releases.write(data / f"releases-{count}.jsonl", count)
        generated = time.perf_counter() - started
        result_file = data / f"results-{count}.json"
        args = [exe, "ocds", "indicators", "--settings", str(settings), str(path)]
        row: dict[str, Any] = {"releases": count, "file_mb": round(path.stat().st_size / 2**20, 1)}
        row.update(measure(args, result_file))
        row["generate_s"] = round(generated, 1)
        results = json.loads(result_file.read_text(encoding="utf-8"))
        row["results"] = {k: len(v) for k, v in results.items() if k not in ("Meta", "Maps")}
        rows.append(row)
    report = {"benchmark": "ocds indicators", "size": size, "rows": rows, "cpus": os.cpu_count()}
    (out_dir / "ocds.json").write_text(json.dumps(report, indent=2))
    print(f"\nocds benchmark (`jiandu ocds indicators --settings all`), size {size}")
    print(f"{'releases':>10} {'file MB':>8} {'wall s':>8} {'CPU s':>8} {'peak MB':>8}  results")
    for r in rows:
        print(
            f"{r['releases']:>10} {r['file_mb']:>8} {r['wall_s']:>8} {r['cpu_s']:>8} "
            f"{r['peak_rss_mb']:>8}  {r['results']}"
        )
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", choices=sorted(SIZES), default="full")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    bench(args.size)
    return 0


if __name__ == "__main__":
    sys.exit(main())
