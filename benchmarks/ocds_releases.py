"""A deterministic generator of OCDS compiled releases for the `jiandu ocds` benchmark.

`write(path, count, seed)` writes `count` releases, one per line, shaped like a national
procurement portal's: buyers and procuring entities from a pool, an open, selective,
limited or direct procedure with its tender period, two to six bids from a pool of
companies (mostly valid, some disqualified, a few invited or withdrawn), usually one
active award to the lowest valid bid with classified items, a few cancelled processes,
some amounts in another currency, and one line in a thousand that is not JSON. The same
count and seed always give the same bytes.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path

import orjson

METHODS = ("open", "open", "open", "selective", "limited", "direct")
DETAILS = ("公开招标", "邀请招标", "竞争性谈判", "询价", "单一来源")
BID_STATUS = ("valid",) * 8 + ("disqualified", "disqualified", "invited", "withdrawn", "pending")
TIME = "%Y-%m-%dT%H:%M:%SZ"
EPOCH = dt.datetime(2022, 1, 1, tzinfo=dt.UTC)


def release(rng: random.Random, index: int, companies: int, buyers: int) -> dict[str, object]:
    ocid = f"ocds-jd0001-{index:08d}"
    buyer = f"CN-BUYER-{rng.randrange(buyers):05d}"
    start = EPOCH + dt.timedelta(minutes=rng.randrange(3 * 365 * 24 * 60))
    end = start + dt.timedelta(days=rng.choice((3, 7, 10, 14, 15, 20, 30)), hours=rng.randrange(24))
    method = rng.choice(METHODS)
    tender: dict[str, object] = {
        "id": f"T{index}",
        "procuringEntity": {
            "id": buyer if rng.random() < 0.6 else f"CN-AGENT-{rng.randrange(50):03d}"
        },
        "procurementMethod": method,
        "procurementMethodDetails": rng.choice(DETAILS),
        "tenderPeriod": {
            "startDate": start.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "endDate": end.strftime("%Y-%m-%dT%H:%M:%SZ"),
        },
    }
    if rng.random() < 0.01:
        tender["status"] = "cancelled"
    base = rng.choice((5e4, 2e5, 1e6, 5e6)) * (0.5 + rng.random())
    bids = []
    for _ in range(rng.randint(1 if method == "direct" else 2, 6)):
        status = rng.choice(BID_STATUS)
        amount = round(base * (0.85 + 0.3 * rng.random()), 2)
        if rng.random() < 0.05:
            amount = round(base, 2)  # identical prices
        bid: dict[str, object] = {
            "id": f"B{index}-{len(bids)}",
            "status": status,
            "date": (end - dt.timedelta(hours=rng.randrange(-6, 240))).strftime(
                "%Y-%m-%dT%H:%M:%SZ"
            ),
            "tenderers": [{"id": f"CN-CO-{rng.randrange(companies):06d}"}],
            "value": {"amount": amount, "currency": "USD" if rng.random() < 0.002 else "CNY"},
        }
        bids.append(bid)
    tender["numberOfTenderers"] = len({b["tenderers"][0]["id"] for b in bids})  # type: ignore[index]
    valid = [b for b in bids if b["status"] == "valid"]
    awards: list[dict[str, object]] = []
    if valid:
        winner = min(valid, key=lambda b: b["value"]["amount"])  # type: ignore[index]
        if rng.random() < 0.1:
            winner = rng.choice(valid)
        segment = rng.randrange(10, 20) if rng.random() < 0.9 else rng.randrange(10, 99)
        awards.append(
            {
                "id": f"A{index}",
                "status": rng.choice(("active",) * 18 + ("pending", "cancelled")),
                "suppliers": winner["tenderers"],
                "items": [
                    {
                        "classification": {
                            "scheme": "CPV",
                            "id": f"{segment:02d}{rng.randrange(10**6):06d}",
                        }
                    }
                    for _ in range(rng.randint(1, 3))
                ],
            }
        )
    return {
        "ocid": ocid,
        "buyer": {"id": buyer},
        "tender": tender,
        "bids": {"details": bids},
        "awards": awards,
    }


def write(path: Path, count: int, seed: int = 8) -> Path:
    """Write `count` releases to `path` (kept if it already has exactly that content)."""
    marker = path.with_suffix(".done")
    if path.exists() and marker.exists() and marker.read_text() == f"{count} {seed}":
        return path
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    companies, buyers = max(count // 8, 10), max(count // 200, 5)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as out:
        for index in range(count):
            if index % 1000 == 999:
                out.write(b'{"ocid": "broken", "bids": \n')
                continue
            out.write(orjson.dumps(release(rng, index, companies, buyers)) + b"\n")
    marker.write_text(f"{count} {seed}")
    return path
