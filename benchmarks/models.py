"""The model catalogue over a synthetic world: time per model, total, peak memory, and
the hits scored against the world's truth.csv.

For each run a world is generated (`jiandu.analytics.synth.generate`) and ingested
(`jiandu.analytics.registers.ingest`) into a fresh warehouse; the catalogue then runs in
a fresh process, which reports its wall time and peak resident memory (for Spark, the
Python driver's; the JVM is reported separately from /proc). Budget (DESIGN.md section 6):
the whole catalogue over the `province` world in <= 120 s with peak memory <= 4 GiB on
2 cores; the same hits on Spark local mode (checked on `small`).

    python benchmarks/models.py --size smoke    # tiny world, DuckDB
    python benchmarks/models.py --size full     # province on DuckDB, small on DuckDB and Spark
    python benchmarks/models.py --run small:duckdb --run small:spark
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
import time
from pathlib import Path
from typing import Any

from peak import child_env

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
SEED = 20240501
BUDGET_SECONDS = 120.0
BUDGET_MEMORY_MB = 4096.0
PLAN = {
    "smoke": [("tiny", "duckdb")],
    "full": [("province", "duckdb"), ("small", "duckdb"), ("small", "spark")],
}

CHILD = """
import json, os, sys, threading, time
from jiandu.analytics.engine import run_models
from peak import peak_rss_mib

def descendants_rss_mb():
    # Resident memory of every process below this one (the OCDS fold's workers; for
    # Spark the JVM), in MB.
    parents, rss = {}, {}
    for pid in os.listdir("/proc"):
        if not pid.isdigit():
            continue
        try:
            with open(f"/proc/{pid}/status") as fh:
                status = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        parents[int(pid)] = int(status.get("PPid", "0").strip())
        rss[int(pid)] = int(status.get("VmRSS", "0 kB").split()[0]) / 1024
    below, todo = set(), [os.getpid()]
    while todo:
        pid = todo.pop()
        for child, parent in parents.items():
            if parent == pid and child not in below:
                below.add(child)
                todo.append(child)
    return sum(rss.get(pid, 0.0) for pid in below)

peak = {"workers": 0.0}
done = threading.Event()
def sample():
    while not done.wait(0.1):
        peak["workers"] = max(peak["workers"], descendants_rss_mb())
threading.Thread(target=sample, daemon=True).start()
started = time.perf_counter()
result = run_models(warehouse=sys.argv[1], engine=sys.argv[2])
seconds = time.perf_counter() - started
done.set()
jvm_mb = 0.0
if sys.argv[2] == "spark":  # the JVM is a child of this process
    for stat in os.listdir("/proc"):
        if not stat.isdigit():
            continue
        try:
            with open(f"/proc/{stat}/status") as fh:
                status = dict(line.split(":", 1) for line in fh if ":" in line)
        except OSError:
            continue
        if int(status.get("PPid", "0").strip()) == os.getpid() and "VmHWM" in status:
            jvm_mb = max(jvm_mb, int(status["VmHWM"].split()[0]) / 1024)
print(json.dumps({
    "run_id": result.run_id,
    "seconds": round(seconds, 2),
    "peak_rss_mb": peak_rss_mib(),
    "workers_peak_rss_mb": round(peak["workers"], 1),
    "jvm_peak_rss_mb": round(jvm_mb, 1),
    "models": [m.to_dict() for m in result.models],
}))
"""


def prepare(scale: str, workdir: Path) -> tuple[Path, Path, float]:
    """Generate and ingest a world; returns (warehouse, truth.csv, seconds taken)."""
    from jiandu.analytics.registers import ingest
    from jiandu.analytics.synth import generate

    started = time.perf_counter()
    world = generate(scale, SEED, workdir / "world")
    warehouse = workdir / "warehouse.duckdb"
    report = ingest(world, warehouse=warehouse)
    if not report.ok:
        raise RuntimeError(f"ingest of the {scale} world failed: {report.to_dict()}")
    return warehouse, world / "truth.csv", time.perf_counter() - started


def bench(scale: str, engine: str, warehouse: Path, truth: Path, data_dir: Path) -> dict[str, Any]:
    env = child_env(JIANDU_DATA_DIR=str(data_dir))
    proc = subprocess.run(
        [sys.executable, "-c", CHILD, str(warehouse), engine],
        check=False, capture_output=True, text=True, env=env,
    )  # fmt: skip
    if proc.returncode:
        raise RuntimeError(f"the {engine} run on {scale} failed:\n{proc.stderr[-3000:]}")
    result: dict[str, Any] = {
        "scale": scale,
        "engine": engine,
        **json.loads(proc.stdout.strip().splitlines()[-1]),
    }
    os.environ["JIANDU_DATA_DIR"] = str(data_dir)
    from jiandu.analytics.engine import load_run
    from jiandu.analytics.evaluate import evaluate, read_truth

    run = load_run(result["run_id"])
    ran = [m.model_id for m in run.models if m.status == "ok"]
    scores = evaluate(run.hits, read_truth(truth), ran)
    result["evaluation"] = [
        {
            "model_id": s.model_id,
            "planted": s.planted,
            "hits": s.hits,
            "true_positives": s.true_positives,
            "precision": s.precision,
            "recall": s.recall,
        }
        for s in scores
        if s.status == "ok"
    ]
    result["hit_keys"] = sorted(h.to_json() for h in run.hits)
    # The run's memory: its own peak plus the peak of its worker processes (sampled every
    # 0.1 s), an upper bound of what they held together.
    result["total_peak_rss_mb"] = round(
        result["peak_rss_mb"] + (result["workers_peak_rss_mb"] if engine == "duckdb" else 0), 1
    )
    result["within_budget"] = (
        result["seconds"] <= BUDGET_SECONDS and result["total_peak_rss_mb"] <= BUDGET_MEMORY_MB
    )
    return result


def run(size: str, plan: list[tuple[str, str]] | None = None) -> list[dict[str, Any]]:
    results = []
    worlds: dict[str, tuple[Path, Path, float]] = {}
    tmp = Path(tempfile.mkdtemp(prefix="jiandu-bench-models-"))
    try:
        for scale, engine in plan or PLAN[size]:
            if scale not in worlds:
                worlds[scale] = prepare(scale, tmp / scale)
            warehouse, truth, prepared = worlds[scale]
            result = bench(scale, engine, warehouse, truth, tmp / scale / f"data-{engine}")
            result["prepare_seconds"] = round(prepared, 1)
            results.append(result)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    by_key = {(r["scale"], r["engine"]): r for r in results}
    for (scale, engine), r in by_key.items():
        if engine == "spark" and (scale, "duckdb") in by_key:
            r["same_hits_as_duckdb"] = r["hit_keys"] == by_key[(scale, "duckdb")]["hit_keys"]
    for r in results:
        r["hits"] = len(r.pop("hit_keys"))
    report(results, size)
    return results


def report(results: list[dict[str, Any]], size: str) -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    payload = {
        "benchmark": "models",
        "size": size,
        "budget": {"seconds": BUDGET_SECONDS, "peak_rss_mb": BUDGET_MEMORY_MB},
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "results": results,
    }
    (OUT / "models.json").write_text(json.dumps(payload, indent=2, ensure_ascii=False))
    print("\nmodel catalogue (one fresh process per run)")
    for r in results:
        print(
            f"\n{r['scale']} world on {r['engine']}: {r['seconds']} s, peak {r['peak_rss_mb']} MB"
            + (
                f" (with its worker processes {r['total_peak_rss_mb']} MB)"
                if r["engine"] == "duckdb"
                else ""
            )
            + (f" (JVM {r['jvm_peak_rss_mb']} MB)" if r["engine"] == "spark" else "")
            + f", {r['hits']} hits; world generated and ingested in {r['prepare_seconds']} s"
        )
        scores = {e["model_id"]: e for e in r["evaluation"]}
        print(
            f"{'model':<6} {'status':<8} {'seconds':>8} {'hits':>7} {'precision':>9} {'recall':>7}"
        )
        for m in r["models"]:
            e = scores.get(m["model_id"], {})
            p = "—" if e.get("precision") is None else f"{e['precision']:.3f}"
            rc = "—" if e.get("recall") is None else f"{e['recall']:.3f}"
            print(
                f"{m['model_id']:<6} {m['status']:<8} {m['seconds']:>8} {m['hits']:>7} "
                f"{p:>9} {rc:>7}"
            )
        if "same_hits_as_duckdb" in r:
            print(f"same hits as DuckDB: {r['same_hits_as_duckdb']}")
        if r["scale"] == "province" and r["engine"] == "duckdb":
            verdict = "within budget" if r["within_budget"] else "OVER BUDGET"
            print(f"budget: <= {BUDGET_SECONDS:.0f} s and <= {BUDGET_MEMORY_MB:.0f} MB: {verdict}")
    print(f"written: {OUT / 'models.json'}")


def main_for(size: str, plan: list[tuple[str, str]] | None = None) -> bool:
    """Run the plan of `size` (or `plan`); False when Spark disagrees with DuckDB or, on a
    full run, the province run is over budget."""
    results = run(size, plan)
    if any(r.get("same_hits_as_duckdb") is False for r in results):
        return False
    if size == "full":
        return all(r["within_budget"] for r in results if r["scale"] == "province")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--size", choices=sorted(PLAN), default="smoke")
    parser.add_argument(
        "--run",
        action="append",
        metavar="SCALE:ENGINE",
        help="Run these instead of the size's plan, e.g. --run small:duckdb --run small:spark.",
    )
    args = parser.parse_args()
    plan = [tuple(item.split(":", 1)) for item in args.run or []]
    return 0 if main_for(args.size, plan or None) else 1  # type: ignore[arg-type]


if __name__ == "__main__":
    sys.exit(main())
