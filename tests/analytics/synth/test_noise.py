"""Identity noise: duplicate records at the configured rate, every kind present, each
resolvable by the deterministic rules (a valid ID number, else name + birth date +
region), and no two people sharing what those rules key on."""

from __future__ import annotations

import csv
import unicodedata
from collections import Counter, defaultdict
from pathlib import Path

from opencc import OpenCC

from jiandu.analytics.identity.idnumber import IdNumberError, parse
from jiandu.analytics.synth import SCALES

T2S = OpenCC("t2s")


def people(world: Path) -> tuple[list[dict[str, str]], dict[str, str]]:
    with (world / "persons.csv").open(encoding="utf-8", newline="") as f:
        persons = list(csv.DictReader(f))
    with (world / "truth_identity.csv").open(encoding="utf-8", newline="") as f:
        entity = {r["record_id"]: r["entity_id"] for r in csv.DictReader(f)}
    return persons, entity


def kind(primary: dict[str, str], dup: dict[str, str]) -> str:
    if not dup["id_number"]:
        return "missing_id"
    if len(dup["id_number"]) == 15:
        return "id15"
    if dup["id_number"].endswith("x"):
        return "lowercase_x"
    if dup["name_latin"]:
        return "pinyin"
    if T2S.convert(dup["name"]) == primary["name"] and dup["name"] != primary["name"]:
        return "traditional"
    if dup["name"] != primary["name"]:
        return "typo"
    return "same"


def test_duplicate_rate_and_kinds(small_world: Path) -> None:
    persons, entity = people(small_world)
    groups: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in persons:
        groups[entity[p["person_id"]]].append(p)
    assert all(e in {p["person_id"] for p in g} for e, g in groups.items())
    sizes = Counter(len(g) for g in groups.values())
    assert set(sizes) == {1, 2}
    rate = sizes[2] / len(groups)
    noise = SCALES["small"].noise
    assert noise * 0.8 <= rate <= noise * 1.2, rate
    kinds = Counter(
        kind(*sorted(g, key=lambda p: p["person_id"])) for g in groups.values() if len(g) == 2
    )
    # "same": a traditional-script copy of a name that has no traditional characters
    assert set(kinds) - {"same"} == {
        "missing_id",
        "id15",
        "lowercase_x",
        "pinyin",
        "traditional",
        "typo",
    }
    assert min(kinds.values()) >= 0.01 * sizes[2]


def test_every_duplicate_resolves_by_the_rules_and_nothing_else_does(tiny_world: Path) -> None:
    persons, entity = people(tiny_world)
    by_number: dict[str, set[str]] = defaultdict(set)
    by_name: dict[tuple[str, str, str], set[str]] = defaultdict(set)
    for p in persons:
        e = entity[p["person_id"]]
        if p["id_number"]:
            try:
                by_number[parse(p["id_number"]).value].add(e)
            except IdNumberError:
                raise AssertionError(f"invalid ID number {p}") from None
        if not p["name_latin"]:
            name = T2S.convert("".join(unicodedata.normalize("NFKC", p["name"]).split()))
            by_name[(name, p["birth_date"], p["region_code"])].add(e)
    assert all(len(es) == 1 for es in by_number.values()), "two people share an ID number"
    assert all(len(es) == 1 for es in by_name.values()), "two people share name+birth+region"
    records: dict[str, list[dict[str, str]]] = defaultdict(list)
    for p in persons:
        records[entity[p["person_id"]]].append(p)
    for group in records.values():
        if len(group) < 2:
            continue
        primary, dup = sorted(group, key=lambda p: p["person_id"])
        if dup["id_number"]:
            assert parse(dup["id_number"]).value == parse(primary["id_number"]).value
        else:
            assert (dup["name"], dup["birth_date"], dup["region_code"]) == (
                primary["name"], primary["birth_date"], primary["region_code"],
            )  # fmt: skip
