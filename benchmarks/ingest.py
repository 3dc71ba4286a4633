"""Ingest benchmark (DESIGN.md section 6: ingest a register directory at >= 50% of
DuckDB's own `read_csv` speed on the same files).

Generates a synthetic world (`province` at full size, `tiny` at smoke size), then in two
fresh processes: DuckDB's `read_csv` (type detection on) of every register file into a
table of a new database file, and `jiandu.analytics.registers.ingest` of the directory
into another. Reports per register both times and their ratio (read_csv seconds / ingest
seconds: 1.0 is as fast as read_csv, the budget is >= 0.5 over the whole directory), the
identity resolution and OCDS times, each process's peak memory, and the generator's time.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

SCALES = {"smoke": "tiny", "full": "province"}
SEED = 1
BUDGET_RATIO = 0.5


def _child(mode: str, directory: Path, store: Path) -> dict[str, Any]:
    """Runs in the measured process."""
    if mode == "read_csv":
        import duckdb

        con = duckdb.connect(str(store))
        seconds: dict[str, float] = {}
        for path in sorted(directory.glob("*.csv")):
            if path.stem.startswith("truth"):
                continue
            started = time.perf_counter()
            con.execute(
                f'CREATE TABLE "{path.stem}" AS SELECT * FROM read_csv($p)',  # noqa: S608
                {"p": str(path)},
            )
            seconds[path.stem] = time.perf_counter() - started
        con.close()
        return {"registers": seconds}
    from jiandu.analytics.registers import ingest

    started = time.perf_counter()
    report = ingest(directory, warehouse=store)
    total = time.perf_counter() - started
    return {
        "ok": report.ok,
        "total": total,
        "registers": {r.name: r.seconds for r in report.registers},
        "rows": {r.name: r.rows for r in report.registers},
    }


def _measure(mode: str, directory: Path, store: Path) -> dict[str, Any]:
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, __file__, "--child", mode, str(directory), str(store)],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    result["wall_seconds"] = round(wall, 2)
    return result


def bench_ingest(size: str) -> dict[str, Any]:
    from jiandu.analytics.synth import generate

    scale = SCALES[size]
    work = Path(tempfile.mkdtemp(prefix="jiandu-bench-ingest-"))
    try:
        world = work / "world"
        started = time.perf_counter()
        generate(scale, SEED, world)
        generated = time.perf_counter() - started
        baseline = _measure("read_csv", world, work / "read_csv.duckdb")
        ours = _measure("ingest", world, work / "warehouse.duckdb")
    finally:
        shutil.rmtree(work, ignore_errors=True)
    rows = []
    for name, base in sorted(baseline["registers"].items()):
        seconds = ours["registers"].get(name, 0.0)
        rows.append(
            {
                "register": name,
                "rows": ours["rows"].get(name, 0),
                "read_csv_s": round(base, 3),
                "ingest_s": round(seconds, 3),
                "ratio": round(base / seconds, 2) if seconds else None,
            }
        )
    read_total = sum(baseline["registers"].values())
    registers_total = sum(ours["registers"].get(r["register"], 0.0) for r in rows)
    ocds = ours["registers"].get("ocds", 0.0)
    ratio = read_total / registers_total if registers_total else 0.0
    return {
        "benchmark": "ingest",
        "size": size,
        "scale": scale,
        "seed": SEED,
        "generate_s": round(generated, 1),
        "read_csv_s": round(read_total, 2),
        "ingest_registers_s": round(registers_total, 2),
        "ingest_ocds_s": round(ocds, 2),
        "ingest_total_s": round(ours["total"], 2),
        "identity_and_layout_s": round(ours["total"] - registers_total - ocds, 2),
        "ratio": round(ratio, 2),
        "budget_ratio": BUDGET_RATIO,
        "within_budget": ratio >= BUDGET_RATIO and bool(ours["ok"]),
        "peak_rss_mib": {
            "read_csv": baseline["peak_rss_mib"],
            "ingest": ours["peak_rss_mib"],
        },
        "rows": rows,
    }


def print_ingest(result: dict[str, Any]) -> None:
    print(
        f"\ningest benchmark: the {result['scale']} world (seed {result['seed']}), generated in "
        f"{result['generate_s']} s"
    )
    print(f"{'register':<20} {'rows':>12} {'read_csv s':>11} {'ingest s':>10} {'ratio':>7}")
    for r in result["rows"]:
        print(
            f"{r['register']:<20} {r['rows']:>12,} {r['read_csv_s']:>11} {r['ingest_s']:>10} "
            f"{r['ratio'] if r['ratio'] is not None else '-':>7}"
        )
    print(
        f"{'all registers':<20} {'':>12} {result['read_csv_s']:>11} "
        f"{result['ingest_registers_s']:>10} {result['ratio']:>7}"
    )
    print(
        f"OCDS {result['ingest_ocds_s']} s; identity resolution and layout "
        f"{result['identity_and_layout_s']} s; ingest in all {result['ingest_total_s']} s"
    )
    peak = result["peak_rss_mib"]
    print(f"peak memory: read_csv {peak['read_csv']} MiB, ingest {peak['ingest']} MiB")
    verdict = "within budget" if result["within_budget"] else "OVER BUDGET"
    print(f"budget: ingest >= {BUDGET_RATIO} x read_csv speed; {result['ratio']}: {verdict}")


if __name__ == "__main__" and sys.argv[1:2] == ["--child"]:
    out = _child(sys.argv[2], Path(sys.argv[3]), Path(sys.argv[4]))
    from peak import peak_rss_mib

    out["peak_rss_mib"] = peak_rss_mib()
    print(json.dumps(out))
